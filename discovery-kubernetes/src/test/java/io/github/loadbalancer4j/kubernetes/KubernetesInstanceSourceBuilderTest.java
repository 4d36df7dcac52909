package io.github.loadbalancer4j.kubernetes;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KubernetesInstanceSourceBuilderTest {

    /** Points nowhere: build() fails before it would connect. */
    private static final Config NOWHERE = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:1/").build();

    @Test
    void badServiceNamesAreRejected() {
        assertThatThrownBy(() -> KubernetesInstanceSource.builder(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("serviceName");
        for (String bad : new String[] {"", "Orders", "1orders", "orders-", "orders.shop", "a".repeat(64)}) {
            assertThatThrownBy(() -> KubernetesInstanceSource.builder(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("serviceName: '" + bad + "' (expected: a Service name: at most 63 lowercase letters, digits"
                            + " and '-', starting with a letter and ending with a letter or digit)");
        }
    }

    @Test
    void badSettingsAreRejectedWhereTheyEnter() {
        KubernetesInstanceSource.Builder builder = KubernetesInstanceSource.builder("orders");

        assertThatThrownBy(() -> builder.namespace("Shop"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("namespace: 'Shop' (expected: a namespace name: at most 63 lowercase letters, digits and '-',"
                        + " starting and ending with a letter or digit)");
        assertThatThrownBy(() -> builder.namespace(null)).isInstanceOf(NullPointerException.class).hasMessage("namespace");
        assertThatThrownBy(() -> builder.client(null)).isInstanceOf(NullPointerException.class).hasMessage("client");
        assertThatThrownBy(() -> builder.config(null)).isInstanceOf(NullPointerException.class).hasMessage("config");
        assertThatThrownBy(() -> builder.port((String) null)).isInstanceOf(NullPointerException.class).hasMessage("portName");
        assertThatThrownBy(() -> builder.port("http_alt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("portName: 'http_alt' (expected: a port name: at most 63 lowercase letters, digits and '-',"
                        + " starting and ending with a letter or digit)");
        assertThatThrownBy(() -> builder.port(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("portNumber: 0 (expected: 1-65535)");
        assertThatThrownBy(() -> builder.port(70000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("portNumber: 70000 (expected: 1-65535)");
        assertThatThrownBy(() -> builder.resyncPeriod(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resyncPeriod: PT0.5S (expected: 0 for none, or >= 1 s)");
        assertThatThrownBy(() -> builder.resyncPeriod(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resyncPeriod: PT-1S (expected: 0 for none, or >= 1 s)");
        assertThatThrownBy(() -> builder.watchLossGrace(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("watchLossGrace: PT0S (expected: > 0)");
        assertThatThrownBy(() -> builder.initialLoadTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initialLoadTimeout: PT-0.001S (expected: >= 0)");
        assertThatThrownBy(() -> builder.resyncPeriod(null)).isInstanceOf(NullPointerException.class).hasMessage("resyncPeriod");
        assertThatThrownBy(() -> builder.watchLossGrace(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("watchLossGrace: PT2562047788015215H30M7S (expected: > 0 and at most PT2562047H47M16.854775807S");
    }

    @Test
    void clientAndConfigTogetherFailInBuild() {
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(NOWHERE).build()) {
            KubernetesInstanceSource.Builder builder = KubernetesInstanceSource.builder("orders").client(client).config(NOWHERE);

            assertThatThrownBy(builder::build)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Both client(...) and config(...) were set (expected: at most one)");
        }
    }

    @Test
    void portByNameAndByNumberTogetherFailInBuild() {
        KubernetesInstanceSource.Builder builder = KubernetesInstanceSource.builder("orders").config(NOWHERE).port("http").port(8080);

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Both port(String) and port(int) were set (expected: at most one)");
    }

    @Test
    void closedClientFailsInBuild() {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(NOWHERE).build();
        client.close();

        assertThatThrownBy(() -> KubernetesInstanceSource.builder("orders").client(client).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("client: closed (expected: an open KubernetesClient)");
    }
}
