package io.github.loadbalancer4j.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.testing.Callers;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import java.time.Duration;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls through a round-robin load balancer fed by ZooKeeper to real HTTP backends on
 * 127.0.0.11-13, while instances are registered and unregistered.
 */
class ZookeeperEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CALLERS = 4;

    private TestingServer zookeeper;
    private Registrar registrar;
    private LoopbackBackends backends;
    private final OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        zookeeper = ZookeeperTestServers.start();
        registrar = new Registrar(zookeeper);
        backends = LoopbackBackends.http();
    }

    @AfterEach
    void stop() throws Exception {
        backends.close();
        registrar.close();
        zookeeper.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Test
    void noCallGoesToARemovedInstanceAndNoneIsLost() throws Exception {
        var first = registrar.register("127.0.0.11", backends.port());
        registrar.register("127.0.0.12", backends.port());
        ZookeeperInstanceSource source = ZookeeperTestServers.source(zookeeper).build();
        LoadBalancer lb = LoadBalancer.of("orders", source,
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        Supplier<String> getOrder = LoadBalancer.decorateSupplier(lb, instance -> LoopbackBackends.get(http, instance, "/orders/42"));
        int completed;

        try (Callers calls = Callers.start(CALLERS, getOrder)) {
            await().atMost(WAIT).until(() -> calls.servedBy("127.0.0.11") > 0 && calls.servedBy("127.0.0.12") > 0);
            registrar.register("127.0.0.13", backends.port());
            await().atMost(WAIT).until(() -> calls.servedBy("127.0.0.13") > 0);
            registrar.unregister(first);
            await().atMost(WAIT).until(() -> lb.getInstances().stream()
                    .noneMatch(s -> s.instance().host().equals("127.0.0.11")));
            calls.phase("after removal");
            int completedAtRemoval = calls.completed();
            await().atMost(WAIT).until(() -> calls.completed() >= completedAtRemoval + 200);
            calls.close();
            completed = calls.completed();

            assertThat(calls.failures()).isEmpty();
            assertThat(calls.servedIn("after removal")).doesNotContainKey("127.0.0.11").containsKeys("127.0.0.12", "127.0.0.13");
            assertThat(calls.servedBy("127.0.0.11") + calls.servedBy("127.0.0.12") + calls.servedBy("127.0.0.13"))
                    .isEqualTo(completed);
        } finally {
            lb.close();
            source.close();
        }

        assertThat(backends.totalRequests()).isEqualTo(completed);
    }
}
