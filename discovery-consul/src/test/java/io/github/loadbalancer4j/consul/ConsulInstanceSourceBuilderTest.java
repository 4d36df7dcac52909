package io.github.loadbalancer4j.consul;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsulInstanceSourceBuilderTest {

    private final ConsulInstanceSource.Builder builder = ConsulInstanceSource.builder("orders");

    @Test
    void blankOrNestedServiceNameIsRejected() {
        assertThatThrownBy(() -> ConsulInstanceSource.builder(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serviceName: ' ' (expected: a non-blank name without '/')");
        assertThatThrownBy(() -> ConsulInstanceSource.builder("a/b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("serviceName: 'a/b' (expected: a non-blank name without '/')");
        assertThatThrownBy(() -> ConsulInstanceSource.builder(null))
                .isInstanceOf(NullPointerException.class).hasMessage("serviceName");
    }

    @Test
    void addressMustBeAnHttpUrlWithoutQueryOrUser() {
        String expected = " (expected: an http or https URL such as http://127.0.0.1:8500, without query, fragment or user)";

        assertThatThrownBy(() -> builder.address("127.0.0.1:8500"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("address: '127.0.0.1:8500'" + expected);
        assertThatThrownBy(() -> builder.address("ftp://consul:8500"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("address: 'ftp://consul:8500'" + expected);
        assertThatThrownBy(() -> builder.address("http://consul:8500/?dc=dc1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("address: 'http://consul:8500/?dc=dc1'" + expected);
        assertThatThrownBy(() -> builder.address("http://admin:pw@consul:8500"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("address: 'http://admin:pw@consul:8500'" + expected);
    }

    @Test
    void tokenMustBeAHeaderValueAndIsNotRepeatedInTheMessage() {
        assertThatThrownBy(() -> builder.token(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token: (0 characters, not shown) (expected: a non-blank token of visible ASCII characters)");
        assertThatThrownBy(() -> builder.token("s3cret\nX-Evil: 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token: (16 characters, not shown) (expected: a non-blank token of visible ASCII characters)");
        assertThatThrownBy(() -> builder.token(null))
                .isInstanceOf(NullPointerException.class).hasMessage("token");
    }

    @Test
    void datacenterNamespaceAndFilterMustNotBeBlank() {
        assertThatThrownBy(() -> builder.datacenter("dc 1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("datacenter: 'dc 1' (expected: a datacenter name such as dc1, without whitespace or '/')");
        assertThatThrownBy(() -> builder.namespace("team/a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("namespace: 'team/a' (expected: a namespace name such as team-a, without whitespace or '/')");
        assertThatThrownBy(() -> builder.filter("  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("filter: '  ' (expected: a non-blank filter expression)");
        assertThatThrownBy(() -> builder.mapper(null))
                .isInstanceOf(NullPointerException.class).hasMessage("mapper");
        assertThatThrownBy(() -> builder.client(null))
                .isInstanceOf(NullPointerException.class).hasMessage("client");
    }

    @Test
    void waitTimeMustBeWithinConsulsRange() {
        String expected = " (expected: 1 ms to 10 min in whole milliseconds, Consul's range)";

        assertThatThrownBy(() -> builder.waitTime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("waitTime: PT0S" + expected);
        assertThatThrownBy(() -> builder.waitTime(Duration.ofMinutes(11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("waitTime: PT11M" + expected);
        assertThatThrownBy(() -> builder.waitTime(Duration.ofNanos(1_500_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("waitTime: PT0.0015S" + expected);
    }

    @Test
    void timeoutRateLimitAndBackoffAreChecked() {
        assertThatThrownBy(() -> builder.timeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout: PT-1S (expected: 1 ms to 1 day in whole milliseconds)");
        assertThatThrownBy(() -> builder.rateLimit(Duration.ofSeconds(-1), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rateLimit interval: PT-1S (expected: >= 0)");
        assertThatThrownBy(() -> builder.rateLimit(Duration.ofSeconds(15), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rateLimit burst: 0 (expected: >= 1)");
        assertThatThrownBy(() -> builder.backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("backoff initial: PT0S (expected: > 0)");
        assertThatThrownBy(() -> builder.backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("backoff max: PT1S (expected: >= initial: PT2S)");
    }
}
