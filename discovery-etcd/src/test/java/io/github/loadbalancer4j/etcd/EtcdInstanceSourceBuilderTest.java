package io.github.loadbalancer4j.etcd;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Client;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EtcdInstanceSourceBuilderTest {

    @Test
    void emptyOrMissingPrefixIsRejected() {
        assertThatThrownBy(() -> EtcdInstanceSource.builder(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prefix: '' (expected: a non-empty key prefix such as /services/orders/)");
        assertThatThrownBy(() -> EtcdInstanceSource.builder(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("prefix");
    }

    @Test
    void badEndpointsAreRejectedWhereTheyEnter() {
        EtcdInstanceSource.Builder builder = EtcdInstanceSource.builder("/services/orders/");
        String expected = "(expected: http://host:port; for TLS or authentication pass a jetcd Client to client(...))";

        assertThatThrownBy(builder::endpoints)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoints: [] (expected: at least one http://host:port)");
        assertThatThrownBy(() -> builder.endpoints("127.0.0.1:2379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoint: '127.0.0.1:2379' " + expected);
        assertThatThrownBy(() -> builder.endpoints("https://etcd1:2379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoint: 'https://etcd1:2379' " + expected);
        assertThatThrownBy(() -> builder.endpoints("http://etcd1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoint: 'http://etcd1' " + expected);
        assertThatThrownBy(() -> builder.endpoints("http://etcd1:2379/v3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoint: 'http://etcd1:2379/v3' " + expected + ", without a path or query");
        assertThatThrownBy(() -> builder.endpoints("http://etcd 1:2379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("endpoint: 'http://etcd 1:2379' " + expected);
        assertThatThrownBy(() -> builder.endpoints("http://etcd1:2379", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("endpoints[1]");
    }

    @Test
    void badDurationsAndNullsAreRejectedWhereTheyEnter() {
        EtcdInstanceSource.Builder builder = EtcdInstanceSource.builder("/services/orders/");

        assertThatThrownBy(() -> builder.requestTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("requestTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> builder.retryDelay(Duration.ofMillis(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retryDelay: PT-0.001S (expected: > 0)");
        assertThatThrownBy(() -> builder.retryDelay(Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRetryDelay: PT0S (expected: > 0)");
        assertThatThrownBy(() -> builder.retryDelay(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRetryDelay: PT1S (expected: >= retryDelay PT2S)");
        assertThatThrownBy(() -> builder.initialLoadTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("initialLoadTimeout: PT-1S (expected: >= 0)");
        assertThatThrownBy(() -> builder.mapper(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("mapper");
        assertThatThrownBy(() -> builder.client(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("client");
        assertThatThrownBy(() -> builder.requestTimeout(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("requestTimeout");
    }

    @Test
    void neitherClientNorEndpointsFailsInBuild() {
        assertThatThrownBy(() -> EtcdInstanceSource.builder("/services/orders/").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Neither client(...) nor endpoints(...) was set (expected: exactly one)");
    }

    @Test
    void clientAndEndpointsTogetherFailInBuild() {
        // Never connects: jetcd connects on the first call, and build() fails before making one.
        try (Client client = Client.builder().endpoints("http://127.0.0.1:1").build()) {

            assertThatThrownBy(() -> EtcdInstanceSource.builder("/services/orders/").client(client)
                    .endpoints("http://127.0.0.1:2379").build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Both client(...) and endpoints(...) were set (expected: exactly one)");
        }
    }
}
