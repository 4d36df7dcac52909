package io.github.loadbalancer4j.consul.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

class HealthQueryTest {

    private static HealthQuery query(String address, String token) {
        return new HealthQuery(HttpUrl.get(address), "orders v2", token, "dc1", null, "Service.Meta.v == \"2\"",
                Duration.ofSeconds(55), Duration.ofSeconds(10));
    }

    @Test
    void readThatDoesNotBlockHasNoIndexNorWait() {
        Request request = query("http://127.0.0.1:8500", null).request(0);

        assertThat(request.url().toString()).isEqualTo(
                "http://127.0.0.1:8500/v1/health/service/orders%20v2?passing&dc=dc1&filter=Service.Meta.v%20%3D%3D%20%222%22");
        assertThat(request.header("X-Consul-Token")).isNull();
    }

    @Test
    void blockingQueryCarriesIndexWaitAndToken() {
        Request request = query("https://consul.test:8501/proxy/", "s3cr3t").request(1234);

        assertThat(request.url().encodedPath()).isEqualTo("/proxy/v1/health/service/orders%20v2");
        assertThat(request.url().queryParameter("index")).isEqualTo("1234");
        assertThat(request.url().queryParameter("wait")).isEqualTo("55s");
        assertThat(request.header("X-Consul-Token")).isEqualTo("s3cr3t");
    }

    @Test
    void timeoutsCoverTheWaitAndConsulsSpread() {
        HealthQuery query = query("http://127.0.0.1:8500", null);

        assertThat(query.callTimeoutMillis(0)).isEqualTo(10_000);
        assertThat(query.callTimeoutMillis(7)).isEqualTo(55_000 + 55_000 / 16 + 10_000);
    }

    @Test
    void waitIsWrittenAsGoReadsIt() {
        assertThat(HealthQuery.formatWait(300_000)).isEqualTo("300s");
        assertThat(HealthQuery.formatWait(1500)).isEqualTo("1500ms");
    }

    @Test
    void tokenIsInNeitherTheDescriptionNorToStringAndIsRedactedFromEchoes() {
        HealthQuery query = query("http://127.0.0.1:8500", "s3cr3t");

        assertThat(query.describe()).doesNotContain("s3cr3t");
        assertThat(query.toString()).doesNotContain("s3cr3t").contains("with token");
        assertThat(query.redact("ACL not found: s3cr3t")).isEqualTo("ACL not found: <redacted>");
    }
}
