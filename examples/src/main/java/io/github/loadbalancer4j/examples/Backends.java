package io.github.loadbalancer4j.examples;

import io.github.loadbalancer4j.ServiceInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;

/**
 * The demo's three HTTP backends, real servers on loopback: {@code fast} answers at once,
 * {@code slow} after 20-50 ms, {@code flaky} answers at once until it has served
 * {@code failAfter} requests, then fails every request (two in three with HTTP 500, one in three
 * by closing the connection).
 */
final class Backends implements AutoCloseable {

    static final String FAST = "fast";
    static final String SLOW = "slow";
    static final String FLAKY = "flaky";

    private final MockWebServer fast = new MockWebServer();
    private final MockWebServer slow = new MockWebServer();
    private final MockWebServer flaky = new MockWebServer();
    private final AtomicInteger flakyServed = new AtomicInteger();
    private final int failAfter;

    Backends(int failAfter) {
        this.failAfter = failAfter;
        for (MockWebServer server : List.of(fast, slow, flaky)) {
            server.setServerSocketFactory(new NoDelayServerSocketFactory());
        }
        fast.setDispatcher(dispatcher(request -> ok()));
        slow.setDispatcher(dispatcher(request -> new MockResponse.Builder().code(200).body("ok")
                .headersDelay(ThreadLocalRandom.current().nextLong(20, 51), TimeUnit.MILLISECONDS).build()));
        flaky.setDispatcher(dispatcher(request -> flakyAnswer()));
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

    private MockResponse flakyAnswer() {
        int n = flakyServed.incrementAndGet();
        if (n <= failAfter) {
            return ok();
        }
        if (n % 3 == 0) {
            return new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build();
        }
        return new MockResponse.Builder().code(500).body("boom").build();
    }

    private static MockResponse ok() {
        return new MockResponse.Builder().code(200).body("ok").build();
    }

    private static ServiceInstance instance(String address, MockWebServer server, String role) {
        return ServiceInstance.builder(address, server.getPort()).metadata("role", role).build();
    }

    private static Dispatcher dispatcher(java.util.function.Function<RecordedRequest, MockResponse> answer) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return answer.apply(request);
            }
        };
    }

    @Override
    public void close() {
        fast.close();
        slow.close();
        flaky.close();
    }
}
