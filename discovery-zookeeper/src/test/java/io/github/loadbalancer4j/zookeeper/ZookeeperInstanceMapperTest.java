package io.github.loadbalancer4j.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.github.loadbalancer4j.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ZookeeperInstanceMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ZookeeperInstanceMapper standard = ZookeeperInstanceMapper.standard();

    @Test
    void plainPortWithoutPayloadGivesAPlainInstance() {
        ServiceInstance instance = standard.map(registration("10.0.0.1", 8080, null, NullNode.getInstance()));

        assertThat(instance).isNotNull();
        assertThat(instance.id()).isEqualTo("10.0.0.1:8080");
        assertThat(instance.secure()).isFalse();
        assertThat(instance.weight()).isEqualTo(ServiceInstance.DEFAULT_WEIGHT);
        assertThat(instance.zone()).isNull();
        assertThat(instance.metadata()).isEmpty();
    }

    @Test
    void badWeightNamesTheValueAndTheKey() throws Exception {
        JsonNode payload = JSON.readTree("{\"metadata\":{\"weight\":\"heavy\"}}");

        assertThatThrownBy(() -> standard.map(registration("10.0.0.1", 8080, null, payload)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight: 'heavy' in metadata 'weight' (expected: an integer >= 0)");
    }

    @Test
    void negativeWeightIsRejectedByTheInstance() throws Exception {
        JsonNode payload = JSON.readTree("{\"metadata\":{\"weight\":\"-2\"}}");

        assertThatThrownBy(() -> standard.map(registration("10.0.0.1", 8080, null, payload)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight: -2 (expected: >= 0)");
    }

    @Test
    void missingAddressIsRejected() {
        assertThatThrownBy(() -> standard.map(registration(null, 8080, null, NullNode.getInstance())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("address: null (expected: a host name or address)");
    }

    @Test
    void statusIsIgnoredWithoutAStatusKey() throws Exception {
        JsonNode payload = JSON.readTree("{\"metadata\":{\"instance_status\":\"OUT_OF_SERVICE\"}}");
        ZookeeperInstanceMapper ignoringStatus = ZookeeperInstanceMapper.builder().statusKey(null).build();

        ServiceInstance kept = ignoringStatus.map(registration("10.0.0.1", 8080, null, payload));
        ServiceInstance leftOut = standard.map(registration("10.0.0.1", 8080, null, payload));

        assertThat(kept).isNotNull();
        assertThat(leftOut).isNull();
    }

    @Test
    void nonObjectPayloadGivesNoMetadata() throws Exception {
        ServiceInstance instance = standard.map(registration("10.0.0.1", 8080, 8443, JSON.readTree("\"just text\"")));

        assertThat(instance).isNotNull();
        assertThat(instance.metadata()).isEmpty();
        assertThat(instance.port()).isEqualTo(8443);
        assertThat(instance.secure()).isTrue();
    }

    private static org.apache.curator.x.discovery.ServiceInstance<JsonNode> registration(@Nullable String address,
            @Nullable Integer port, @Nullable Integer sslPort, JsonNode payload) {
        return new org.apache.curator.x.discovery.ServiceInstance<>("orders", "id-1", address, port, sslPort, payload,
                0L, ServiceType.DYNAMIC, null, true);
    }
}
