package io.github.loadbalancer4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.loadbalancer4j.kubernetes.example.KubernetesDocsExample;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Runs the example of docs/kubernetes.md ({@link KubernetesDocsExample}) against the mock API server. */
class KubernetesDocsExampleTest {

    @Test
    void docsExampleCallsAReadyPodInTheCallersZone() {
        try (MockApiServer api = MockApiServer.start(); KubernetesClient client = api.newClient()) {
            api.put(TestSlice.of("shop", "orders-abc12").port("http", 8080)
                    .ready("10.1.0.7", "eu-west-1a").ready("10.1.0.8", "eu-west-1b").notReady("10.1.0.9").build());

            URI called = KubernetesDocsExample.callOrders(client);

            assertThat(called).hasToString("http://10.1.0.7:8080/orders/42");
        }
    }
}
