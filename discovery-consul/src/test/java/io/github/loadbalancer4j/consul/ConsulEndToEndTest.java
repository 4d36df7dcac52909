package io.github.loadbalancer4j.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.testing.CallLoop;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import java.time.Duration;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls through a round-robin load balancer fed by the Consul source to real HTTP backends on
 * 127.0.0.11-13, while instances are registered in the fake Consul (a loopback server following
 * Consul's blocking-query protocol, not a real Consul), fail their checks and are deregistered.
 */
class ConsulEndToEndTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final int CALLERS = 3;

    private FakeConsul consul;
    private LoopbackBackends backends;
    private final OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        consul = FakeConsul.start();
        backends = LoopbackBackends.http();
    }

    @AfterEach
    void stop() {
        backends.close();
        consul.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Test
    void callsFollowRegistrationsFailingChecksAndDeregistrationsWithNoneLost() {
        int port = backends.port();
        consul.register("orders", "orders-11", "127.0.0.11", port);
        consul.register("orders", "orders-12", "127.0.0.12", port);
        ConsulInstanceSource source = ConsulInstanceSource.builder("orders").address(consul.address())
                .rateLimit(Duration.ofMillis(50), 2).build();
        LoadBalancer lb = LoadBalancer.of("orders", source,
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        Supplier<String> getOrder = LoadBalancer.decorateSupplier(lb, instance -> LoopbackBackends.get(http, instance, "/orders/42"));
        CallLoop calls = CallLoop.start(CALLERS, getOrder);

        try {
            await().atMost(BOUND).until(() -> calls.servedBy("127.0.0.11") > 0 && calls.servedBy("127.0.0.12") > 0);
            consul.register("orders", "orders-13", "127.0.0.13", port);
            await().atMost(BOUND).until(() -> calls.servedBy("127.0.0.13") > 0);
            consul.passing("orders", "orders-12", false);
            awaitRemoved(lb, "127.0.0.12", calls);
            consul.deregister("orders", "orders-11");
            awaitRemoved(lb, "127.0.0.11", calls);
            int completed = calls.completed();
            await().atMost(BOUND).until(() -> calls.completed() >= completed + 200);
        } finally {
            calls.close();
            lb.close();
            source.close();
        }

        assertThat(calls.failures()).isEmpty();
        assertThat(calls.servedSince("127.0.0.12 removed")).doesNotContainKey("127.0.0.12");
        assertThat(calls.servedSince("127.0.0.11 removed")).containsOnlyKeys("127.0.0.13");
        assertThat(backends.totalRequests()).isEqualTo(calls.completed());
        for (LoopbackBackends.Backend backend : backends.all()) {
            assertThat(backend.log()).hasSize(calls.servedBy(backend.address()));
        }
    }

    private static void awaitRemoved(LoadBalancer lb, String host, CallLoop calls) {
        await().atMost(BOUND).until(() -> lb.getInstances().stream().noneMatch(s -> s.instance().host().equals(host)));
        calls.mark(host + " removed");
    }
}
