package io.github.loadbalancer4j.okhttp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Dns;
import org.junit.jupiter.api.Test;

class PinnedDnsTest {

    private final List<String> delegated = new ArrayList<>();
    private final Dns recording = hostname -> {
        delegated.add(hostname);
        return List.of(InetAddress.getByAddress(hostname, new byte[] {10, 0, 0, 99}));
    };

    @Test
    void logicalHostResolvesToTheInstanceAddressWithoutALookup() throws UnknownHostException {
        PinnedDns dns = new PinnedDns("orders.test", "127.0.0.12", recording);

        List<InetAddress> addresses = dns.lookup("orders.test");

        assertThat(addresses).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.12");
        assertThat(delegated).isEmpty();
    }

    @Test
    void instanceHostNameAndOtherNamesGoToTheDelegate() throws UnknownHostException {
        PinnedDns dns = new PinnedDns("orders.test", "inst1.svc.test", recording);

        dns.lookup("orders.test");
        dns.lookup("proxy.example.com");

        assertThat(delegated).containsExactly("inst1.svc.test", "proxy.example.com");
    }

    @Test
    void equalPerInstanceSoPooledConnectionsAreSharedOnlyByOneInstance() {
        PinnedDns a = new PinnedDns("orders.test", "127.0.0.11", Dns.SYSTEM);

        assertThat(a).isEqualTo(new PinnedDns("orders.test", "127.0.0.11", Dns.SYSTEM)).hasSameHashCodeAs(
                new PinnedDns("orders.test", "127.0.0.11", Dns.SYSTEM));
        assertThat(a).isNotEqualTo(new PinnedDns("orders.test", "127.0.0.12", Dns.SYSTEM));
        assertThat(a).isNotEqualTo(new PinnedDns("billing.test", "127.0.0.11", Dns.SYSTEM));
        assertThat(a).isNotEqualTo(new PinnedDns("orders.test", "127.0.0.11", recording));
    }

    @Test
    void ipLiteralsAreRecognized() {
        assertThat(PinnedDns.isIpLiteral("10.0.1.10")).isTrue();
        assertThat(PinnedDns.isIpLiteral("::1")).isTrue();
        assertThat(PinnedDns.isIpLiteral("10.0.1")).isFalse();
        assertThat(PinnedDns.isIpLiteral("10.0.1.1000")).isFalse();
        assertThat(PinnedDns.isIpLiteral("inst1.svc.test")).isFalse();
        assertThat(PinnedDns.isIpLiteral("1.2.3.")).isFalse();
    }
}
