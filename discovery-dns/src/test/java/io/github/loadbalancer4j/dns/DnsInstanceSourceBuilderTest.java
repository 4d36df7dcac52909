package io.github.loadbalancer4j.dns;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DnsInstanceSourceBuilderTest {

    @Test
    void portOutOfRangeIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> DnsInstanceSource.forAddresses("orders.svc.test", 70000))
                .withMessage("port: 70000 (expected: 1-65535)");
        assertThatIllegalArgumentException().isThrownBy(() -> DnsInstanceSource.forAddresses("orders.svc.test", 0))
                .withMessage("port: 0 (expected: 1-65535)");
    }

    @Test
    void blankOrMalformedNamesAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> DnsInstanceSource.forAddresses(" ", 8080))
                .withMessage("hostname: ' ' (expected: a DNS name)");
        assertThatIllegalArgumentException().isThrownBy(() -> DnsInstanceSource.forAddresses("orders..svc.test", 8080))
                .withMessageStartingWith("hostname: 'orders..svc.test' (expected: a DNS name): ");
        assertThatIllegalArgumentException().isThrownBy(() -> DnsInstanceSource.forSrv("a".repeat(64) + ".svc.test"))
                .withMessageStartingWith("serviceName: '" + "a".repeat(64) + ".svc.test' (expected: a DNS name): ");
        assertThatNullPointerException().isThrownBy(() -> DnsInstanceSource.forSrv(null)).withMessage("serviceName");
    }

    @Test
    void resolverMustBeAnIpAddressWithAnOptionalPort() {
        DnsInstanceSource.Builder builder = DnsInstanceSource.forSrv("_http._tcp.orders.svc.test");

        assertThatIllegalArgumentException().isThrownBy(() -> builder.resolver("dns.example:53"))
                .withMessage("resolver: 'dns.example:53' (expected: an IP address with an optional port 1-65535,"
                        + " e.g. 127.0.0.1:53 or [::1]:53)");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.resolver("127.0.0.1:0"))
                .withMessageStartingWith("resolver: '127.0.0.1:0' (expected: ");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.resolver("127.0.0.1:dns"))
                .withMessageStartingWith("resolver: '127.0.0.1:dns' (expected: ");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.resolver("[::1"))
                .withMessageStartingWith("resolver: '[::1' (expected: ");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> builder.resolver(InetSocketAddress.createUnresolved("dns.example", 53)))
                .withMessage("resolver: 'dns.example:53' (expected: an IP address, not a name that would itself need DNS)");
    }

    @Test
    void resolverAcceptsIpv4AndIpv6WithOrWithoutPort() {
        DnsInstanceSource.Builder builder = DnsInstanceSource.forSrv("_http._tcp.orders.svc.test");

        for (String address : new String[] {"127.0.0.1", "127.0.0.1:15353", "::1", "[::1]:15353", " 10.96.0.10 "}) {

            assertThatCode(() -> builder.resolver(address)).as(address).doesNotThrowAnyException();
        }
    }

    @Test
    void nonPositiveDurationsAreRejected() {
        DnsInstanceSource.Builder builder = DnsInstanceSource.forAddresses("orders.svc.test", 8080);

        assertThatIllegalArgumentException().isThrownBy(() -> builder.interval(Duration.ZERO))
                .withMessage("interval: PT0S (expected: > 0)");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.timeout(Duration.ofMillis(-5)))
                .withMessage("timeout: PT-0.005S (expected: > 0)");
        assertThatNullPointerException().isThrownBy(() -> builder.interval(null)).withMessage("interval");
    }

    @Test
    void durationsLongerThanNanosecondsHoldAreRejected() {
        DnsInstanceSource.Builder builder = DnsInstanceSource.forAddresses("orders.svc.test", 8080);
        Duration threeCenturies = Duration.ofDays(3 * 36_525);

        assertThatIllegalArgumentException().isThrownBy(() -> builder.interval(threeCenturies))
                .withMessageStartingWith("interval: " + threeCenturies + " (expected: > 0 and at most");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.timeout(threeCenturies))
                .withMessageStartingWith("timeout: " + threeCenturies + " (expected: > 0 and at most");
    }

    @Test
    void timeoutNotShorterThanTheIntervalFailsInBuild() {
        DnsInstanceSource.Builder builder = DnsInstanceSource.forAddresses("orders.svc.test", 8080)
                .resolver("127.0.0.1:15353")
                .interval(Duration.ofSeconds(1))
                .timeout(Duration.ofSeconds(1));

        assertThatIllegalStateException().isThrownBy(builder::build)
                .withMessage("timeout: PT1S (expected: shorter than interval: PT1S)");
    }

    @Test
    void resolveTargetsOnAnAddressSourceFailsInBuild() {
        DnsInstanceSource.Builder builder = DnsInstanceSource.forAddresses("orders.svc.test", 8080)
                .resolver("127.0.0.1:15353")
                .resolveTargets(true);

        assertThatIllegalStateException().isThrownBy(builder::build)
                .withMessage("resolveTargets: true (expected: only with forSrv(...); 'orders.svc.test' is an A/AAAA"
                        + " source, whose answers are addresses already)");
    }
}
