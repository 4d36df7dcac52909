package io.github.loadbalancer4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.testing.RecordingListener;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API server goes away and comes back: the mock API server is stopped (its connections drop,
 * new ones are refused) and a new one is started on the same port over the same store.
 */
class KubernetesApiServerRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private MockApiServer api;
    private KubernetesClient client;
    private KubernetesInstanceSource source;
    private LoadBalancer lb;
    private final RecordingListener listener = new RecordingListener();

    @BeforeEach
    void startApiServer() {
        api = MockApiServer.start();
        client = api.newClient();
    }

    @AfterEach
    void stopEverything() {
        if (lb != null) {
            lb.close();
        }
        if (source != null) {
            source.close();
        }
        client.close();
        api.close();
    }

    private void open(KubernetesInstanceSource.Builder builder) {
        source = builder.build();
        source.subscribe(listener);
        lb = LoadBalancer.of("orders", source);
    }

    private KubernetesInstanceSource.Builder orders() {
        return KubernetesInstanceSource.builder("orders").client(client).namespace("shop")
                .watchLossGrace(Duration.ofMillis(500));
    }

    private List<String> ids() {
        return source.instances().stream().map(ServiceInstance::id).toList();
    }

    @Test
    void lostApiServerKeepsTheListAndIsReportedThenTheListIsRepublishedAndFollowsChanges() {
        api.put(TestSlice.of("shop", "orders-a").port("http", 8080).ready("10.0.0.1").ready("10.0.0.2").build());
        open(orders());
        await().atMost(WAIT).until(source::isWatching);

        api.stop();

        await().atMost(WAIT).until(() -> !listener.failures().isEmpty());
        assertThat(listener.failures()).singleElement().isExactlyInstanceOf(KubernetesDiscoveryException.class)
                .satisfies(f -> assertThat(f.getMessage()).matches("Lost the watch on the EndpointSlices of Service shop/orders"
                        + " at http://localhost:\\d+/ for more than 500 ms; keeping the last 2 instances until it is back"));
        assertThat(ids()).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
        assertThat(lb.getInstances()).extracting(InstanceStatus::available).containsExactly(true, true);
        int listsWhileDown = listener.lists().size();

        api.restart();

        await().atMost(WAIT).until(() -> listener.lists().size() > listsWhileDown);
        api.put(TestSlice.of("shop", "orders-a").port("http", 8080).ready("10.0.0.2").ready("10.0.0.3").build());
        await().atMost(WAIT).until(() -> ids().equals(List.of("10.0.0.2:8080", "10.0.0.3:8080")));
        assertThat(listener.heard()).containsExactly(
                "instances [10.0.0.1:8080, 10.0.0.2:8080]",
                "failure " + listener.failures().get(0).getMessage(),
                "instances [10.0.0.1:8080, 10.0.0.2:8080]",
                "instances [10.0.0.2:8080, 10.0.0.3:8080]");
        assertThat(lb.getInstances()).extracting(s -> s.instance().id()).containsExactly("10.0.0.2:8080", "10.0.0.3:8080");
    }

    @Test
    void sourceBuiltWhileTheApiServerIsDownReportsItAndFillsInWhenItComesUp() {
        api.put(TestSlice.of("shop", "orders-a").port("http", 8080).ready("10.0.0.1").build());
        api.stop();

        open(orders().initialLoadTimeout(Duration.ofMillis(200)));

        assertThat(source.instances()).isEmpty();
        await().atMost(WAIT).until(() -> !listener.failures().isEmpty());
        assertThat(listener.failures().get(0)).isExactlyInstanceOf(KubernetesDiscoveryException.class)
                .hasMessageStartingWith("Could not list or watch the EndpointSlices of Service shop/orders at http://localhost:")
                .hasMessageEndingWith("; keeping the last 0 instances, retrying");
        assertThatThrownBy(lb::acquire).isInstanceOf(NoAvailableInstanceException.class)
                .hasMessageStartingWith("LoadBalancer 'orders' has no available instance (0 known: discovery failed: Could not"
                        + " list or watch the EndpointSlices of Service shop/orders")
                .hasCauseInstanceOf(KubernetesDiscoveryException.class);

        api.restart();

        await().atMost(WAIT).until(() -> ids().equals(List.of("10.0.0.1:8080")));
        assertThat(lb.getInstances()).extracting(InstanceStatus::available).containsExactly(true);
        assertThat(lb.acquire().instance().id()).isEqualTo("10.0.0.1:8080");
    }
}
