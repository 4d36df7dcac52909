package io.github.loadbalancer4j.examples;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.NoDelayServerSocketFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * The demo's three HTTP backends, real servers on loopback: {@code fast} answers at once,
 * {@code slow} after 20-50 ms, {@code flaky} answers at once until it has served
 * {@code failAfter} requests, then fails every request: two in three with HTTP 500, one in three
 * with a garbled status line, which the client sees as an I/O error ({@code ProtocolException}), as it
 * would see a reset connection. Each backend counts the requests it received and the ones it failed,
 * so the demo can show what reached which instance, as seen from the server side.
 */
final class Backends implements AutoCloseable {

    static final String FAST = "fast";
    static final String SLOW = "slow";
    static final String FLAKY = "flaky";

    private final MockWebServer fast = new MockWebServer();
    private final MockWebServer slow = new MockWebServer();
    private final MockWebServer flaky = new MockWebServer();
    private final AtomicInteger flakyServed = new AtomicInteger();
    private final Map<String, Counts> counts = Map.of(FAST, new Counts(), SLOW, new Counts(), FLAKY, new Counts());
    private final int failAfter;

    Backends(int failAfter) {
        this.failAfter = failAfter;
        for (MockWebServer server : List.of(fast, slow, flaky)) {
            server.setServerSocketFactory(new NoDelayServerSocketFactory());
        }
        fast.setDispatcher(dispatcher(counts.get(FAST), () -> new Answer(ok(), false)));
        slow.setDispatcher(dispatcher(counts.get(SLOW), () -> new Answer(new MockResponse.Builder().code(200).body("ok")
                .headersDelay(ThreadLocalRandom.current().nextLong(20, 51), TimeUnit.MILLISECONDS).build(), false)));
        flaky.setDispatcher(dispatcher(counts.get(FLAKY), this::flakyAnswer));
        try {
            fast.start(InetAddress.getByName("127.0.0.11"), 0);
            slow.start(InetAddress.getByName("127.0.0.12"), 0);
            flaky.start(InetAddress.getByName("127.0.0.13"), 0);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("could not start the backends on 127.0.0.11-13", e);
        }
    }

    /** @return the three backends as instances, with their role in the metadata key {@code role} */
    List<ServiceInstance> instances() {
        return List.of(instance("127.0.0.11", fast, FAST), instance("127.0.0.12", slow, SLOW),
                instance("127.0.0.13", flaky, FLAKY));
    }

    /** @return how many requests the flaky backend answers before it starts failing */
    int failAfter() {
        return failAfter;
    }

    /**
     * @param role {@link #FAST}, {@link #SLOW} or {@link #FLAKY}
     * @return how many requests that backend received so far
     */
    long requests(String role) {
        return countsOf(role).requests.sum();
    }

    /**
     * @param role {@link #FAST}, {@link #SLOW} or {@link #FLAKY}
     * @return how many of them it failed (HTTP 500 or a garbled answer)
     */
    long failures(String role) {
        return countsOf(role).failures.sum();
    }

    private Counts countsOf(String role) {
        Counts c = counts.get(role);
        if (c == null) {
            throw new IllegalArgumentException("role: '" + role + "' (expected: fast, slow or flaky)");
        }
        return c;
    }

    private Answer flakyAnswer() {
        int n = flakyServed.incrementAndGet();
        if (n <= failAfter) {
            return new Answer(ok(), false);
        }
        if (n % 3 == 0) {
            // A dispatched response cannot drop the connection before its headers (MockWebServer reads
            // socket effects such as onRequestStart from Dispatcher.peek(), before the request), so
            // the I/O failure is a status line the client cannot parse.
            return new Answer(new MockResponse.Builder().status("HTTP/1.1 garbled").build(), true);
        }
        return new Answer(new MockResponse.Builder().code(500).body("boom").build(), true);
    }

    private static MockResponse ok() {
        return new MockResponse.Builder().code(200).body("ok").build();
    }

    private static ServiceInstance instance(String address, MockWebServer server, String role) {
        return ServiceInstance.builder(address, server.getPort()).metadata("role", role).build();
    }

    private static Dispatcher dispatcher(Counts counts, Supplier<Answer> answers) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                Answer answer = answers.get();
                counts.requests.increment();
                if (answer.failure()) {
                    counts.failures.increment();
                }
                return answer.response();
            }
        };
    }

    /** A backend's answer to one request, and whether it is a failure. */
    private record Answer(MockResponse response, boolean failure) {
    }

    /** What one backend received and failed. */
    private static final class Counts {
        final LongAdder requests = new LongAdder();
        final LongAdder failures = new LongAdder();
    }

    @Override
    public void close() {
        fast.close();
        slow.close();
        flaky.close();
    }
}
