package io.github.loadbalancer4j.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.ServiceInstance;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standard mapper, value by value (no etcd needed). */
class EtcdInstanceMapperTest {

    private static final String KEY = "/services/orders/1";
    private final EtcdInstanceMapper standard = EtcdInstanceMapper.standard();

    private ServiceInstance map(String value) {
        return standard.map(KEY, value);
    }

    @Test
    void hostAndPortAsGoKitWritesThem() {
        ServiceInstance instance = map(" 10.0.1.10:8080\n");

        assertThat(instance.id()).isEqualTo("10.0.1.10:8080");
        assertThat(instance.secure()).isFalse();
        assertThat(instance.weight()).isEqualTo(1);
        assertThat(instance.zone()).isNull();
        assertThat(instance.metadata()).isEmpty();
    }

    @Test
    void bracketedIpv6AndHostNames() {
        assertThat(map("[::1]:8080").host()).isEqualTo("::1");
        assertThat(map("[::1]:8080").id()).isEqualTo("[::1]:8080");
        assertThat(map("orders-1.svc.cluster.local:80").host()).isEqualTo("orders-1.svc.cluster.local");
    }

    @Test
    void uris() {
        assertThat(map("https://10.0.1.10:8443").uri()).hasToString("https://10.0.1.10:8443");
        assertThat(map("https://10.0.1.10").port()).isEqualTo(443);
        assertThat(map("http://10.0.1.10:8080/ignored/path").id()).isEqualTo("10.0.1.10:8080");
    }

    @Test
    void jsonWithEveryField() {
        ServiceInstance instance = map("{\"host\": \"10.0.1.10\", \"port\": \"8443\", \"secure\": true, \"weight\": \"7\","
                + " \"zone\": \"eu-1\", \"metadata\": {\"version\": \"2.1\", \"shards\": [1, 2], \"gone\": null}}");

        assertThat(instance.uri()).hasToString("https://10.0.1.10:8443");
        assertThat(instance.weight()).isEqualTo(7);
        assertThat(instance.zone()).isEqualTo("eu-1");
        assertThat(instance.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("version", "2.1", "shards", "[1,2]"));
    }

    @Test
    void jsonAddressesInTheirOrderOfPrecedence() {
        assertThat(map("{\"uri\": \"https://10.0.1.10:8443\", \"address\": \"10.0.1.11:80\"}").uri())
                .hasToString("https://10.0.1.10:8443");
        assertThat(map("{\"address\": \"10.0.1.11:80\", \"host\": \"10.0.1.12\", \"port\": 81}").id()).isEqualTo("10.0.1.11:80");
        assertThat(map("{\"Addr\": \"10.0.1.13:50051\", \"Metadata\": \"opaque\"}").metadata()).isEmpty();
    }

    @Test
    void unreadableValuesNameWhatIsWrong() {
        assertThatThrownBy(() -> map("  "))
                .hasMessage("value: '  ' (expected: host:port, http(s)://host:port or a JSON object)");
        assertThatThrownBy(() -> map("10.0.1.10"))
                .hasMessage("value: '10.0.1.10' (expected: host:port or http(s)://host:port)");
        assertThatThrownBy(() -> map("10.0.1.10:"))
                .hasMessage("value: '10.0.1.10:' (expected: host:port or http(s)://host:port)");
        assertThatThrownBy(() -> map("::1:8080"))
                .hasMessage("value: '::1:8080' (expected: an IPv6 address in brackets, as in [::1]:8080)");
        assertThatThrownBy(() -> map("10.0.1.10:http"))
                .hasMessage("value: '10.0.1.10:http' (expected: a port 1-65535 after the last ':')");
        assertThatThrownBy(() -> map("10.0.1.10:0"))
                .hasMessage("port: 0 (expected: 1-65535)");
        assertThatThrownBy(() -> map("ftp://10.0.1.10:21"))
                .hasMessage("value: 'ftp://10.0.1.10:21' (expected: host:port or http(s)://host:port):"
                        + " uri: 'ftp://10.0.1.10:21' (expected: scheme http or https)");
        assertThatThrownBy(() -> map("{\"host\": \"10.0.1.10\""))
                .hasMessageStartingWith("value: not JSON (");
        assertThatThrownBy(() -> map("{\"zone\": \"eu-1\"}"))
                .hasMessage("no address (expected: \"uri\", \"address\", \"Addr\", or \"host\" and \"port\")");
        assertThatThrownBy(() -> map("{\"address\": 8080}"))
                .hasMessage("address: 8080 (expected: host:port or http(s)://host:port)");
        assertThatThrownBy(() -> map("{\"host\": \"10.0.1.10\", \"port\": 1.5}"))
                .hasMessage("port: 1.5 (expected: 1-65535)");
        assertThatThrownBy(() -> map("{\"address\": \"10.0.1.10:80\", \"weight\": -1}"))
                .hasMessage("weight: -1 (expected: >= 0)");
        assertThatThrownBy(() -> map("{\"address\": \"10.0.1.10:80\", \"weight\": \"heavy\"}"))
                .hasMessage("weight: \"heavy\" (expected: an integer >= 0)");
        assertThatThrownBy(() -> map("{\"address\": \"10.0.1.10:80\", \"zone\": 3}"))
                .hasMessage("zone: 3 (expected: a string)");
        assertThatThrownBy(() -> map("{\"address\": \"10.0.1.10:80\", \"secure\": \"yes\"}"))
                .hasMessage("secure: \"yes\" (expected: true or false)");
    }

    @Test
    void standardMapperSaysWhatItIs() {
        assertThat(standard).hasToString("EtcdInstanceMapper.standard()");
    }
}
