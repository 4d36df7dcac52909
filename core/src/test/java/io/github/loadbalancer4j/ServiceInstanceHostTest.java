package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** Which hosts an instance accepts: exactly those a URL can hold (the fuzzed side is {@link InstanceHostFuzzTest}). */
class ServiceInstanceHostTest {

    @Test
    void aScopedIpv6AddressIsRefusedWithTheAddressWithoutItsZone() throws Exception {
        // What InetAddress.getHostAddress() returns for a link-local address of an interface.
        String scoped = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 1).getHostAddress();

        assertThatThrownBy(() -> ServiceInstance.of("fe80::1%eth0", 8080))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: 'fe80::1%eth0' (expected: an IPv6 address without a zone ID: a URL cannot carry "
                        + "'%eth0'; use an address that needs no zone (not link-local), as 'fe80::1')");
        assertThatThrownBy(() -> ServiceInstance.of(scoped, 8080))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("host: 'fe80:0:0:0:0:0:0:1%1' (expected: an IPv6 address without a zone ID");
        assertThatThrownBy(() -> ServiceInstance.parse("http://[fe80::1%25eth0]:8080"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host: '[fe80::1%25eth0]' (expected: an IPv6 address without a zone ID");
    }

    @Test
    void hostsThatOkHttpCannotAddressAreRefusedNamingTheHost() {
        String label64 = "a".repeat(64);

        assertThatThrownBy(() -> ServiceInstance.of("host..example", 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: 'host..example' (expected: a host name without empty labels "
                        + "(nothing between two dots, or at the start))");
        assertThatThrownBy(() -> ServiceInstance.of("ho%st", 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: 'ho%st' (expected: a host name or address, without '%')");
        assertThatThrownBy(() -> ServiceInstance.of("a{b}", 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: 'a{b}' (expected: a host name or address, without '{')");
        assertThatThrownBy(() -> ServiceInstance.of(label64 + ".example", 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: '" + label64 + ".example' (expected: labels of at most 63 characters, not 64)");
        assertThatThrownBy(() -> ServiceInstance.of("-orders.example", 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: '-orders.example' (expected: labels that start and end with a letter or digit)");
        assertThatThrownBy(() -> ServiceInstance.of("1:2:3:4:5:6:7:8:9", 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: '1:2:3:4:5:6:7:8:9' (expected: an IPv6 address such as 2001:db8::1 "
                        + "(a host name or IPv4 address has no ':'))");
    }

    @Test
    void theLongestLabelAndNameAUrlCanHoldAreAccepted() {
        String label63 = "a".repeat(63);
        String name253 = String.join(".", label63, label63, label63, "b".repeat(61));
        String name254 = name253 + "c";

        ServiceInstance longLabel = ServiceInstance.of(label63 + ".example", 80);
        ServiceInstance longName = ServiceInstance.of(name253, 80);

        assertAddressable(longLabel);
        assertAddressable(longName);
        assertThat(name253).hasSize(253);
        assertThatThrownBy(() -> ServiceInstance.of(name254, 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: '" + name254 + "' (expected: a host name of at most 253 characters, not 254)");
    }

    @Test
    void anUnderscoreIsRefusedByOfAndByParseAlike() {
        assertThatThrownBy(() -> ServiceInstance.of("my_service", 8080)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: 'my_service' (expected: a host name or address, without '_')");
        assertThatThrownBy(() -> ServiceInstance.parse("http://my_service:8080")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uri: 'http://my_service:8080' (expected: http://host:port or https://host:port): "
                        + "host: 'my_service' (expected: a host name or address, without '_')");
    }

    @Test
    void userInfoIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> ServiceInstance.parse("http://h:80@evil:81")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uri: 'http://***@evil:81' (expected: http://host:port without user info; "
                        + "the host is what follows the last '@')");
        assertThatThrownBy(() -> ServiceInstance.of(URI.create("https://user:secret@orders.example/")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uri: 'https://***@orders.example/' (expected: http://host:port without user info; "
                        + "the host is what follows the last '@')");
    }

    @Test
    void anInternationalizedNameIsKeptInItsAsciiForm() {
        ServiceInstance built = ServiceInstance.of("bücher.example", 8080);
        ServiceInstance parsed = ServiceInstance.parse("https://bücher.example:8443");

        assertThat(built.host()).isEqualTo("xn--bcher-kva.example");
        assertThat(built.id()).isEqualTo("xn--bcher-kva.example:8080");
        assertThat(parsed.host()).isEqualTo("xn--bcher-kva.example");
        assertThat(parsed.uri()).isEqualTo(URI.create("https://xn--bcher-kva.example:8443"));
        assertAddressable(built);
        assertThatThrownBy(() -> ServiceInstance.of("xn--a.example", 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: 'xn--a.example' (expected: 'xn--' labels that are valid IDNA (Punycode), not 'xn--a')");
    }

    @Test
    void ipv4AddressesAreFourNumbersWithoutLeadingZeros() {
        ServiceInstance plain = ServiceInstance.of("10.0.1.10", 8080);

        assertAddressable(plain);
        assertThat(plain.id()).isEqualTo("10.0.1.10:8080");
        assertThatThrownBy(() -> ServiceInstance.of("010.0.1.10", 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: '010.0.1.10' (expected: an IPv4 address of four numbers 0-255 without leading zeros, "
                        + "or a host name whose last label starts with a letter)");
        assertThatThrownBy(() -> ServiceInstance.of("10.0.1.256", 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("host: '10.0.1.256' (expected: an IPv4 address of four numbers 0-255");
        assertThatThrownBy(() -> ServiceInstance.of("8080", 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: '8080' (expected: a host name that is not all digits, or an IPv4 address)");
    }

    @Test
    void ipv6AddressesAreAcceptedWithOrWithoutBrackets() {
        ServiceInstance bare = ServiceInstance.of("2001:db8::1", 8080);
        ServiceInstance bracketed = ServiceInstance.of("[2001:db8::1]", 8080);
        ServiceInstance mapped = ServiceInstance.of("::ffff:10.0.0.1", 8080);
        ServiceInstance parsed = ServiceInstance.parse("http://[2001:db8::1]:8080");

        assertThat(bare).isEqualTo(bracketed).isEqualTo(parsed);
        assertThat(bare.host()).isEqualTo("2001:db8::1");
        assertThat(bare.id()).isEqualTo("[2001:db8::1]:8080");
        assertAddressable(bare);
        assertAddressable(mapped);
        assertThatThrownBy(() -> ServiceInstance.of("[orders.example]", 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: '[orders.example]' (expected: an IPv6 address in brackets, as in [2001:db8::1])");
        assertThatThrownBy(() -> ServiceInstance.parse("http://2001:db8::1:8080")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uri: 'http://2001:db8::1:8080' (expected: an IPv6 host in brackets, as in http://[2001:db8::1]:8080)");
    }

    @Test
    void namesWithATrailingDotOrADigitFirstAreAccepted() {
        ServiceInstance absolute = ServiceInstance.of("orders.example.", 80);
        ServiceInstance digitFirst = ServiceInstance.of("3com.example", 80);
        ServiceInstance containerId = ServiceInstance.of("3f4e5a6b7c8d", 80);

        assertAddressable(absolute);
        assertAddressable(digitFirst);
        assertAddressable(containerId);
        assertThatThrownBy(() -> ServiceInstance.of("orders.3com", 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("or a host name whose last label starts with a letter)");
    }

    @Test
    void parseReadsPortsAndDefaultsAsBefore() {
        assertThat(ServiceInstance.parse("http://orders.example").port()).isEqualTo(80);
        assertThat(ServiceInstance.parse("https://orders.example/some/path?q=1").port()).isEqualTo(443);
        assertThat(ServiceInstance.parse("http://orders.example:/").port()).isEqualTo(80);
        assertThat(ServiceInstance.parse(" http://Orders.Example:0081 ").id()).isEqualTo("Orders.Example:81");
        assertThatThrownBy(() -> ServiceInstance.parse("http://orders.example:12345678901"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uri: 'http://orders.example:12345678901' (expected: http://host:port or https://host:port): "
                        + "port: 12345678901 (expected: 1-65535)");
        assertThatThrownBy(() -> ServiceInstance.parse("http://my_host:80a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uri: 'http://my_host:80a' (expected: http://host:port with a port of 1-65535)");
    }

    private static void assertAddressable(ServiceInstance instance) {
        HttpUrl url = new HttpUrl.Builder().scheme("http").host(instance.host()).port(instance.port()).build();
        URI uri = instance.uri("/x");
        String host = instance.host().indexOf(':') >= 0 ? "[" + instance.host() + "]" : instance.host();

        assertThat(url.port()).isEqualTo(instance.port());
        assertThat(uri.getHost()).isEqualTo(host);
        assertThat(uri.getPort()).isEqualTo(instance.port());
    }
}
