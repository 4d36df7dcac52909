package io.github.loadbalancer4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.Callers;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls through {@code LoadBalancer.decorateSupplier} (round robin) to three real HTTP servers on
 * 127.0.0.11-13, whose addresses reach the load balancer only as EndpointSlice endpoints in the mock
 * API server, changed while the calls run: an endpoint added in a new slice, one turned not ready, a
 * slice deleted.
 */
class KubernetesEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int CALLERS = 4;

    private MockApiServer api;
    private KubernetesClient client;
    private LoopbackBackends backends;
    private final OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        api = MockApiServer.start();
        client = api.newClient();
        backends = LoopbackBackends.http();
    }

    @AfterEach
    void stop() {
        backends.close();
        client.close();
        api.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Test
    void callsFollowEndpointsAddedTurnedNotReadyAndDeletedWithNoneLost() {
        int port = backends.port();
        api.put(TestSlice.of("shop", "orders-a").port("http", port).ready("127.0.0.11").ready("127.0.0.12").build());
        Callers callers;
        try (KubernetesInstanceSource source = KubernetesInstanceSource.builder("orders").client(client).namespace("shop")
                .port("http").build();
             LoadBalancer lb = LoadBalancer.of("orders", source,
                     LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build())) {
            await().atMost(WAIT).until(source::isWatching);
            callers = Callers.start(CALLERS, LoadBalancer.decorateSupplier(lb,
                    instance -> LoopbackBackends.get(http, instance, "/orders/42")));
            try (callers) {
                await().atMost(WAIT).until(() -> callers.servedBy("127.0.0.11") > 0 && callers.servedBy("127.0.0.12") > 0);

                api.put(TestSlice.of("shop", "orders-b").port("http", port).ready("127.0.0.13").build());
                await().atMost(WAIT).until(() -> hosts(lb).equals(Set.of("127.0.0.11", "127.0.0.12", "127.0.0.13")));
                callers.phase("three");
                awaitMoreCalls(callers, 300);

                api.put(TestSlice.of("shop", "orders-a").port("http", port).notReady("127.0.0.11").ready("127.0.0.12").build());
                await().atMost(WAIT).until(() -> hosts(lb).equals(Set.of("127.0.0.12", "127.0.0.13")));
                callers.phase(".11 not ready");
                awaitMoreCalls(callers, 300);

                api.delete("shop", "orders-b");
                await().atMost(WAIT).until(() -> hosts(lb).equals(Set.of("127.0.0.12")));
                callers.phase("orders-b deleted");
                awaitMoreCalls(callers, 300);
            }
        }

        assertThat(callers.failures()).isEmpty();
        assertThat(callers.servedIn("three")).containsOnlyKeys("127.0.0.11", "127.0.0.12", "127.0.0.13");
        assertThat(callers.servedIn(".11 not ready")).containsOnlyKeys("127.0.0.12", "127.0.0.13");
        assertThat(callers.servedIn("orders-b deleted")).containsOnlyKeys("127.0.0.12");
        // Every call reached exactly the server it was sent to: none lost, none duplicated.
        for (LoopbackBackends.Backend backend : backends.all()) {
            assertThat(backend.log()).as(backend.address()).hasSize(callers.servedBy(backend.address()));
        }
    }

    private static void awaitMoreCalls(Callers callers, int n) {
        int target = callers.completed() + n;
        await().atMost(WAIT).until(() -> callers.completed() >= target);
    }

    private static Set<String> hosts(LoadBalancer lb) {
        return lb.getInstances().stream().map(InstanceStatus::instance).map(ServiceInstance::host).collect(Collectors.toSet());
    }
}
