package io.github.loadbalancer4j.consul;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * A stand-in for Consul's {@code /v1/health/service/<name>} endpoint on loopback (a real HTTP server,
 * MockWebServer), following the blocking-query protocol Consul documents: every answer carries
 * {@code X-Consul-Index}; a query with {@code index} > 0 is held while the index is not above it,
 * until a change or until {@code wait} (default 5 min, at most 10 min) has passed; {@code passing}
 * leaves out registrations whose checks do not pass. It is not Consul (no Raft, no agents, no ACLs,
 * no filter language): the tests that use it are protocol tests.
 *
 * <p>Tests script it: register and deregister instances, fail their checks, put raw entries, set the
 * index (backwards, or 0 as some Consul versions sent), answer the next queries with given responses
 * (5xx, garbage), or hold the next query without an answer (a timeout).
 */
final class FakeConsul implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("/v1/health/service/([^/]+)");
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(ms|s|m)");
    private static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final MockWebServer server = new MockWebServer();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    // Guarded by lock.
    private long index = 1;
    private final Map<String, Map<String, Entry>> services = new LinkedHashMap<>();
    private final Deque<MockResponse> scripted = new ArrayDeque<>();
    private int stallNext;
    private int held;
    private boolean closing;

    private FakeConsul() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                requests.add(request);
                return answer(request);
            }

            @Override
            public void close() {
                synchronized (lock) {
                    closing = true;
                    lock.notifyAll();
                }
            }
        });
    }

    /**
     * Starts the server on 127.0.0.1.
     *
     * @return the running fake
     * @throws IOException if it cannot bind
     */
    static FakeConsul start() throws IOException {
        FakeConsul fake = new FakeConsul();
        fake.server.start(InetAddress.getByName("127.0.0.1"), 0);
        return fake;
    }

    /** @return the HTTP address, e.g. {@code http://127.0.0.1:38121} */
    String address() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** @return the current index */
    long index() {
        synchronized (lock) {
            return index;
        }
    }

    /**
     * Registers (or replaces) a service instance with passing checks, as an agent on {@code node} would.
     *
     * @return the new index
     */
    long register(String service, String id, String node, String nodeAddress, String serviceAddress, int port,
            List<String> tags, Map<String, String> meta) {
        ObjectNode entry = JSON.createObjectNode();
        ObjectNode n = entry.putObject("Node");
        n.put("ID", "node-id-" + node);
        n.put("Node", node);
        n.put("Address", nodeAddress);
        n.put("Datacenter", "dc1");
        n.putObject("TaggedAddresses").put("lan", nodeAddress);
        n.putObject("Meta").put("consul-network-segment", "");
        ObjectNode s = entry.putObject("Service");
        s.put("ID", id);
        s.put("Service", service);
        ArrayNode t = s.putArray("Tags");
        tags.forEach(t::add);
        s.put("Address", serviceAddress);
        ObjectNode m = s.putObject("Meta");
        meta.forEach(m::put);
        s.put("Port", port);
        s.putObject("Weights").put("Passing", 1).put("Warning", 1);
        s.put("EnableTagOverride", false);
        ArrayNode checks = entry.putArray("Checks");
        checks.addObject().put("Node", node).put("CheckID", "serfHealth").put("Status", "passing");
        checks.addObject().put("Node", node).put("CheckID", "service:" + id).put("ServiceID", id).put("Status", "passing");
        return put(service, id, entry.toString(), true);
    }

    /** Registers an instance on a node of its own whose address is the instance's ({@code Service.Address} empty). */
    long register(String service, String id, String address, int port) {
        return register(service, id, "node-" + id, address, "", port, List.of(), Map.of());
    }

    /**
     * Puts an entry as raw JSON (any text, even not an object) under a key.
     *
     * @return the new index
     */
    long putRaw(String service, String key, String json) {
        return put(service, key, json, true);
    }

    /** @return the new index */
    long deregister(String service, String id) {
        synchronized (lock) {
            services.getOrDefault(service, new LinkedHashMap<>()).remove(id);
            return changed();
        }
    }

    /**
     * Makes an instance's check pass or fail: {@code ?passing} queries leave it out while it fails.
     *
     * @return the new index
     */
    long passing(String service, String id, boolean passing) {
        synchronized (lock) {
            Entry e = services.get(service).get(id);
            services.get(service).put(id, new Entry(e.json, passing));
            return changed();
        }
    }

    /**
     * Sets the index without changing the data: lower than before as after a snapshot restore, or 0
     * as some Consul versions answered. A query held on a higher index stays held until its wait ends,
     * as in Consul.
     */
    void setIndex(long newIndex) {
        synchronized (lock) {
            index = newIndex;
            lock.notifyAll();
        }
    }

    /** Answers the next query (whatever it asks) with {@code response}, at once. */
    void enqueue(MockResponse response) {
        synchronized (lock) {
            scripted.add(response);
        }
    }

    /** Holds the next query without ever answering it (until the fake closes): the client must time out. */
    void stallNext() {
        synchronized (lock) {
            stallNext++;
        }
    }

    /** @return every request received, oldest first (a live, thread-safe view) */
    List<RecordedRequest> requests() {
        return requests;
    }

    /** @return the {@code index} parameter of every request, "-" for a request without one */
    List<String> indexesAsked() {
        List<String> out = new ArrayList<>();
        for (RecordedRequest r : requests) {
            String i = r.getUrl().queryParameter("index");
            out.add(i == null ? "-" : i);
        }
        return out;
    }

    /** @return how many queries are held now, waiting for a change */
    int held() {
        synchronized (lock) {
            return held;
        }
    }

    /** A 200 answer with the given index and body, for {@link #enqueue}. */
    static MockResponse answer(long index, String body) {
        return new MockResponse.Builder().code(200).addHeader("X-Consul-Index", index)
                .addHeader("Content-Type", "application/json").body(body).build();
    }

    private long put(String service, String key, String json, boolean passing) {
        synchronized (lock) {
            services.computeIfAbsent(service, s -> new LinkedHashMap<>()).put(key, new Entry(json, passing));
            return changed();
        }
    }

    private long changed() {
        index++;
        lock.notifyAll();
        return index;
    }

    private MockResponse answer(RecordedRequest request) throws InterruptedException {
        HttpUrl url = request.getUrl();
        synchronized (lock) {
            if (!scripted.isEmpty()) {
                return scripted.poll();
            }
            if (stallNext > 0) {
                stallNext--;
                while (!closing) {
                    lock.wait();
                }
                return new MockResponse.Builder().code(503).body("closing").build();
            }
            Matcher m = PATH.matcher(url.encodedPath());
            if (!"GET".equals(request.getMethod()) || !m.matches()) {
                return new MockResponse.Builder().code(404).body("no such endpoint").build();
            }
            String service = url.pathSegments().get(3);
            long minIndex = parseIndex(url.queryParameter("index"));
            Duration wait = parseWait(url.queryParameter("wait"));
            if (minIndex > 0) {
                long deadline = System.nanoTime() + wait.toNanos();
                held++;
                try {
                    long left;
                    while (!closing && index <= minIndex && (left = deadline - System.nanoTime()) > 0) {
                        lock.wait(Math.max(1, left / 1_000_000));
                    }
                } finally {
                    held--;
                }
            }
            boolean passingOnly = url.queryParameterNames().contains("passing");
            StringBuilder body = new StringBuilder("[");
            for (Entry e : services.getOrDefault(service, Map.of()).values()) {
                if (e.passing || !passingOnly) {
                    body.append(body.length() > 1 ? "," : "").append(e.json);
                }
            }
            return answer(index, body.append(']').toString());
        }
    }

    private static long parseIndex(@Nullable String text) {
        return text == null ? 0 : Long.parseLong(text);
    }

    private static Duration parseWait(@Nullable String text) {
        if (text == null) {
            return DEFAULT_WAIT;
        }
        Matcher m = GO_DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("wait: '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
        return d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closing = true;
            lock.notifyAll();
        }
        server.close();
    }

    private record Entry(String json, boolean passing) {
    }
}
