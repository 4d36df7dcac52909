package io.github.loadbalancer4j.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.NoDelayServerSocketFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls through {@code LoadBalancer.decorateSupplier} to three real HTTP servers on 127.0.0.11-13
 * (one port), whose addresses reach the load balancer only through dnsmasq A records that change
 * while the calls run.
 */
class DnsLoadBalancingEndToEndTest {

    private static final String NAME = "web.svc.test";
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final List<String> HOSTS = List.of("127.0.0.11", "127.0.0.12", "127.0.0.13");

    private static Dnsmasq dnsmasq;
    private static final Map<String, MockWebServer> servers = new TreeMap<>();
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        dnsmasq = Dnsmasq.startOrSkip();
        for (String host : HOSTS) {
            MockWebServer server = new MockWebServer();
            server.setServerSocketFactory(new NoDelayServerSocketFactory());
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse.Builder().code(200).body(host).build();
                }
            });
            server.start(InetAddress.getByName(host), port);
            port = server.getPort();
            servers.put(host, server);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        servers.values().forEach(MockWebServer::close);
        if (dnsmasq != null) {
            dnsmasq.close();
        }
    }

    @Test
    void callsFollowRecordsAddedAndRemovedWithNoneLostOrSentToARemovedInstance() throws Exception {
        publish("127.0.0.11", "127.0.0.12");
        OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
        try (DnsInstanceSource source = DnsInstanceSource.forAddresses(NAME, port).resolver(dnsmasq.address())
                .interval(Duration.ofMillis(200)).timeout(Duration.ofMillis(150)).build()) {
            // Listeners hear of a list in the order they subscribed: this one before the load balancer applies it...
            Lists lists = new Lists();
            source.subscribe(lists::delivered);
            try (LoadBalancer lb = LoadBalancer.of("web", source,
                    LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build())) {
                // ...and this one after.
                source.subscribe(lists::applied);
                ThreadLocal<String> picked = new ThreadLocal<>();
                Supplier<String> call = LoadBalancer.decorateSupplier(lb, instance -> {
                    picked.set(instance.host());
                    return get(http, instance);
                });
                run(call, picked, lists);
            }
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    private static void run(Supplier<String> call, ThreadLocal<String> picked, Lists lists) throws Exception {
        Callers callers = new Callers(call, picked, lists);
        callers.start(2);

        callers.awaitCallsTo("127.0.0.11", "127.0.0.12");
        publish("127.0.0.11", "127.0.0.12", "127.0.0.13");
        await().atMost(BOUND).until(() -> lists.lastApplied().equals(Set.of("127.0.0.11", "127.0.0.12", "127.0.0.13")));
        callers.awaitCallsTo("127.0.0.13");
        publish("127.0.0.12", "127.0.0.13");
        await().atMost(BOUND).until(() -> lists.lastApplied().equals(Set.of("127.0.0.12", "127.0.0.13")));
        callers.awaitMoreCalls(500);
        publish("127.0.0.11", "127.0.0.13");
        await().atMost(BOUND).until(() -> lists.lastApplied().equals(Set.of("127.0.0.11", "127.0.0.13")));
        callers.awaitCallsTo("127.0.0.11");
        callers.awaitMoreCalls(500);
        callers.stop();

        assertThat(callers.failures).isEmpty();
        assertThat(callers.misdirected).as("calls picked from no list the load balancer could have held").isEmpty();
        assertThat(callers.answeredByAnother).as("calls answered by another server than the one picked").isEmpty();
        assertThat(lists.delivered).containsExactly(
                Set.of("127.0.0.11", "127.0.0.12"),
                Set.of("127.0.0.11", "127.0.0.12", "127.0.0.13"),
                Set.of("127.0.0.12", "127.0.0.13"),
                Set.of("127.0.0.11", "127.0.0.13"));
        assertThat(lists.applied).isEqualTo(lists.delivered.size());
        // Every call reached exactly the server it was sent to: none lost, none duplicated.
        assertThat(requestCounts()).isEqualTo(callers.callsPerHost());
    }

    private static void publish(String... hosts) throws Exception {
        dnsmasq.hosts("web", List.of(hosts).stream().map(h -> h + " " + NAME + "\n").collect(Collectors.joining()));
        List<String> expected = List.of(hosts);
        await().atMost(BOUND).ignoreExceptions().until(() -> dnsmasq.addressesOf(NAME), expected::equals);
    }

    private static String get(OkHttpClient http, ServiceInstance instance) {
        Request request = new Request.Builder().url(instance.uri("/orders/42").toString()).build();
        try (Response response = http.newCall(request).execute()) {
            if (response.code() != 200) {
                throw new IllegalStateException("HTTP " + response.code() + " from " + instance);
            }
            return response.body().string();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Integer> requestCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        servers.forEach((host, server) -> counts.put(host, server.getRequestCount()));
        return counts;
    }

    /**
     * The lists the source delivered, in order. {@link #delivered} hears of a list before the load
     * balancer applies it, {@link #applied} after, so while a call runs the load balancer holds one of
     * the lists from the last applied before the call to the last delivered after it.
     */
    private static final class Lists {
        final List<Set<String>> delivered = new CopyOnWriteArrayList<>();
        volatile int applied;

        void delivered(List<ServiceInstance> instances) {
            delivered.add(instances.stream().map(ServiceInstance::host).collect(Collectors.toUnmodifiableSet()));
        }

        // Only ever incremented by the source's thread, which tells its listeners one list at a time.
        void applied(List<ServiceInstance> instances) {
            applied++;
        }

        Set<String> lastApplied() {
            int n = applied;
            return n == 0 ? Set.of() : delivered.get(n - 1);
        }

        /** Whether {@code host} is in any list from index {@code from} to {@code to}, both included. */
        boolean anyContains(String host, int from, int to) {
            for (int i = Math.max(from, 0); i <= to; i++) {
                if (delivered.get(i).contains(host)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Threads calling in a loop, checking each call against the lists applied before and after it. */
    private static final class Callers {
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final List<String> misdirected = new CopyOnWriteArrayList<>();
        final List<String> answeredByAnother = new CopyOnWriteArrayList<>();
        private final Map<String, AtomicInteger> perHost = new ConcurrentHashMap<>();
        private final AtomicLong calls = new AtomicLong();
        private final Supplier<String> call;
        private final ThreadLocal<String> picked;
        private final Lists lists;
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;

        Callers(Supplier<String> call, ThreadLocal<String> picked, Lists lists) {
            this.call = call;
            this.picked = picked;
            this.lists = lists;
        }

        void start(int count) {
            for (int i = 0; i < count; i++) {
                Thread t = new Thread(this::loop, "caller-" + i);
                threads.add(t);
                t.start();
            }
        }

        private void loop() {
            while (running) {
                int appliedBefore = lists.applied;
                String body;
                try {
                    body = call.get();
                } catch (RuntimeException e) {
                    failures.add(e);
                    continue;
                }
                String host = picked.get();
                int deliveredAfter = lists.delivered.size();
                if (!lists.anyContains(host, appliedBefore - 1, deliveredAfter - 1)) {
                    misdirected.add(host + " picked while the load balancer held one of "
                            + lists.delivered.subList(Math.max(appliedBefore - 1, 0), deliveredAfter));
                }
                if (!host.equals(body)) {
                    answeredByAnother.add(host + " answered by " + body);
                }
                perHost.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
                calls.incrementAndGet();
            }
        }

        void awaitCallsTo(String... hosts) {
            Map<String, Integer> base = callsPerHost();
            await().atMost(BOUND).until(() -> {
                Map<String, Integer> now = callsPerHost();
                return List.of(hosts).stream().allMatch(h -> now.getOrDefault(h, 0) > base.getOrDefault(h, 0));
            });
        }

        void awaitMoreCalls(int more) {
            long target = calls.get() + more;
            await().atMost(BOUND).until(() -> calls.get() >= target || !failures.isEmpty());
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(BOUND.toMillis());
            }
        }

        Map<String, Integer> callsPerHost() {
            Map<String, Integer> out = new TreeMap<>();
            for (String host : HOSTS) {
                out.put(host, perHost.getOrDefault(host, new AtomicInteger()).get());
            }
            return out;
        }
    }
}
