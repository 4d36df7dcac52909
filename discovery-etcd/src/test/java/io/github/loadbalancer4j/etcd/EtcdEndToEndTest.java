package io.github.loadbalancer4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.testing.Callers;
import io.github.loadbalancer4j.testing.LoopbackBackends;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls through a load balancer fed by etcd to real HTTP servers on 127.0.0.11-13, while instances
 * register (one with a lease, as go-kit's registrar does) and leave.
 */
class EtcdEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CALLERS = 4;

    private LoopbackBackends backends;
    private Registrar registrar;
    private final OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        String endpoint = SharedEtcd.endpointOrSkip();
        backends = LoopbackBackends.http();
        registrar = new Registrar(endpoint, SharedEtcd.uniquePrefix("orders"));
    }

    @AfterEach
    void stop() {
        if (registrar == null) {
            return; // skipped: no etcd
        }
        registrar.deregisterAll();
        registrar.close();
        backends.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Test
    void callsFollowRegistrationsAndDeregistrationsWithNoneLost() {
        int port = backends.port();
        registrar.register("a", "127.0.0.11:" + port);
        long lease = registrar.registerWithLease("b", "http://127.0.0.12:" + port, 30);
        EtcdInstanceSource source = EtcdInstanceSource.builder(registrar.key("")).client(registrar.client()).build();
        LoadBalancer lb = LoadBalancer.of("orders", source,
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        Callers callers = Callers.start(CALLERS, LoadBalancer.decorateSupplier(lb, instance -> LoopbackBackends.get(http, instance, "/orders/42")));

        try {
            await().atMost(WAIT).until(() -> callers.servedBy("127.0.0.11") > 0 && callers.servedBy("127.0.0.12") > 0);
            registrar.register("c", "{\"address\": \"127.0.0.13:" + port + "\", \"weight\": 2, \"zone\": \"eu-1\"}");
            await().atMost(WAIT).until(() -> callers.servedBy("127.0.0.13") > 0);
            registrar.deregister("a");
            await().atMost(WAIT).until(() -> hosts(lb).equals(List.of("127.0.0.12", "127.0.0.13")));
            callers.phase("a deregistered");
            int completedThen = callers.completed();
            await().atMost(WAIT).until(() -> callers.completed() >= completedThen + 200);
            registrar.revoke(lease); // b's process stops and revokes its lease: its key goes with it
            await().atMost(WAIT).until(() -> hosts(lb).equals(List.of("127.0.0.13")));
            callers.phase("b's lease revoked");
            int completedLater = callers.completed();
            await().atMost(WAIT).until(() -> callers.completed() >= completedLater + 100);
        } finally {
            callers.close();
            lb.close();
            source.close();
        }

        assertThat(callers.failures()).isEmpty();
        assertThat(callers.servedIn("a deregistered")).containsOnlyKeys("127.0.0.12", "127.0.0.13");
        assertThat(callers.servedIn("b's lease revoked")).containsOnlyKeys("127.0.0.13");
        assertThat(backends.totalRequests()).isEqualTo(callers.completed());
    }

    private static List<String> hosts(LoadBalancer lb) {
        return lb.getInstances().stream().map(s -> s.instance().host()).sorted().toList();
    }
}
