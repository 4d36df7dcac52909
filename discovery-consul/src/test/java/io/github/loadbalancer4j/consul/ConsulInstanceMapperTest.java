package io.github.loadbalancer4j.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.loadbalancer4j.ServiceInstance;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsulInstanceMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ConsulServiceEntry entry(String json) throws Exception {
        return ConsulServiceEntry.of(JSON.readTree(json.replace('\'', '"')));
    }

    @Test
    void serviceAddressIsTheHostAndTheNodeAddressIsTheFallback() throws Exception {
        ConsulServiceEntry own = entry("{'Node':{'Address':'10.0.0.1'},'Service':{'Address':'10.0.0.2','Port':8080}}");
        ConsulServiceEntry none = entry("{'Node':{'Address':'10.0.0.1'},'Service':{'Address':'','Port':8080}}");
        ConsulServiceEntry missing = entry("{'Node':{'Address':'10.0.0.1'},'Service':{'Port':8080}}");

        ServiceInstance a = ConsulInstanceMapper.standard().map(own);
        ServiceInstance b = ConsulInstanceMapper.standard().map(none);
        ServiceInstance c = ConsulInstanceMapper.standard().map(missing);

        assertThat(a.id()).isEqualTo("10.0.0.2:8080");
        assertThat(b.id()).isEqualTo("10.0.0.1:8080");
        assertThat(c.id()).isEqualTo("10.0.0.1:8080");
    }

    @Test
    void metaAndKeyValueTagsBecomeMetadataZoneWeightAndHttps() throws Exception {
        ConsulServiceEntry e = entry("{'Node':{'Node':'n1','Address':'10.0.0.1','Datacenter':'dc1','Meta':{'rack':'r7'}},"
                + "'Service':{'ID':'orders-1','Service':'orders','Port':8443,'Tags':['v2','zone=eu-2','team=pay'],"
                + "'Meta':{'zone':'eu-1','secure':'TRUE','version':'2.1'},'Weights':{'Passing':10,'Warning':1}}}");

        ServiceInstance instance = ConsulInstanceMapper.standard().map(e);

        assertThat(instance.zone()).isEqualTo("eu-1");
        assertThat(instance.weight()).isEqualTo(10);
        assertThat(instance.secure()).isTrue();
        assertThat(instance.uri().toString()).isEqualTo("https://10.0.0.1:8443");
        assertThat(instance.metadata()).isEqualTo(Map.of(
                "zone", "eu-1",
                "team", "pay",
                "secure", "TRUE",
                "version", "2.1",
                "consul.tags", "v2,zone=eu-2,team=pay",
                "consul.service-id", "orders-1",
                "consul.node", "n1",
                "consul.datacenter", "dc1"));
        assertThat(e.nodeMeta()).containsEntry("rack", "r7");
    }

    @Test
    void weightInMetaWinsOverConsulWeightsAndAZoneTagIsEnoughWithoutMeta() throws Exception {
        ConsulServiceEntry e = entry("{'Node':{'Address':'10.0.0.1'},"
                + "'Service':{'Port':80,'Tags':['zone=eu-3'],'Meta':{'weight':'0'},'Weights':{'Passing':10}}}");

        ServiceInstance instance = ConsulInstanceMapper.standard().map(e);

        assertThat(instance.weight()).isZero();
        assertThat(instance.zone()).isEqualTo("eu-3");
        assertThat(instance.secure()).isFalse();
    }

    @Test
    void entryWithoutWeightsGetsTheDefaultWeight() throws Exception {
        ConsulServiceEntry e = entry("{'Node':{'Address':'10.0.0.1'},'Service':{'Port':80}}");

        ServiceInstance instance = ConsulInstanceMapper.standard().map(e);

        assertThat(instance.weight()).isEqualTo(ServiceInstance.DEFAULT_WEIGHT);
        assertThat(instance.zone()).isNull();
        assertThat(instance.metadata()).isEmpty();
    }

    @Test
    void otherKeysCanBeChosen() throws Exception {
        ConsulServiceEntry e = entry("{'Node':{'Address':'10.0.0.1'},"
                + "'Service':{'Port':80,'Meta':{'az':'eu-1b','lb-weight':'4','zone':'ignored','tls':'true','secure':'true'}}}");
        ConsulInstanceMapper mapper = ConsulInstanceMapper.builder().zoneKey("az").weightKey("lb-weight").secureKey("tls").build();
        ConsulInstanceMapper plain = ConsulInstanceMapper.builder().secureKey(null).build();

        ServiceInstance instance = mapper.map(e);

        assertThat(instance.zone()).isEqualTo("eu-1b");
        assertThat(instance.weight()).isEqualTo(4);
        assertThat(instance.secure()).isTrue();
        assertThat(plain.map(e).secure()).isFalse();
    }

    @Test
    void aCustomMapperSeesTheWholeEntry() throws Exception {
        ConsulServiceEntry e = entry("{'Node':{'Node':'n1','Address':'10.0.0.1'},'Service':{'ID':'orders-1','Port':80,"
                + "'TaggedAddresses':{'wan_ipv4':{'Address':'203.0.113.7','Port':8080}}}}");
        ConsulInstanceMapper wan = entry1 -> {
            var wanAddress = entry1.json().path("Service").path("TaggedAddresses").path("wan_ipv4");
            return ServiceInstance.builder(wanAddress.path("Address").asText(), wanAddress.path("Port").asInt())
                    .id(entry1.node() + "/" + entry1.serviceId())
                    .build();
        };

        ServiceInstance instance = wan.map(e);

        assertThat(instance.id()).isEqualTo("n1/orders-1");
        assertThat(instance.uri().toString()).isEqualTo("http://203.0.113.7:8080");
    }

    @Test
    void badValuesAreRejectedNamingTheField() throws Exception {
        ConsulServiceEntry badWeight = entry("{'Node':{'Address':'10.0.0.1'},'Service':{'Port':80,'Meta':{'weight':'-2'}}}");
        ConsulServiceEntry noAddress = entry("{'Node':{},'Service':{'Port':80}}");

        assertThatThrownBy(() -> ConsulInstanceMapper.standard().map(badWeight))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("weight: -2 (expected: >= 0)");
        assertThatThrownBy(() -> ConsulInstanceMapper.standard().map(noAddress))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("host: '' (expected: a non-empty host name or address)");
        assertThatThrownBy(() -> entry("{'Node':{'Address':'10.0.0.1'},'Service':{'Port':80,'Tags':'v2'}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Service.Tags: \"v2\" (expected: an array of strings)");
        assertThatThrownBy(() -> entry("{'Node':{'Address':'10.0.0.1'}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Service: missing (expected: a JSON object)");
        assertThatThrownBy(() -> entry("{'Node':{'Address':7},'Service':{}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Node.Address: 7 (expected: a string)");
        assertThatThrownBy(() -> entry("{'Node':{},'Service':{'Weights':{'Passing':'x'}}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Service.Weights.Passing: \"x\" (expected: an integer)");
    }

    @Test
    void blankMapperKeysAreRejected() {
        assertThatThrownBy(() -> ConsulInstanceMapper.builder().zoneKey(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("zoneKey: ' ' (expected: a non-blank metadata key)");
        assertThatThrownBy(() -> ConsulInstanceMapper.builder().weightKey(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("weightKey: '' (expected: a non-blank metadata key)");
        assertThatThrownBy(() -> ConsulInstanceMapper.builder().secureKey("\t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("secureKey: '\t' (expected: a non-blank metadata key)");
        assertThatThrownBy(() -> ConsulInstanceMapper.builder().zoneKey(null))
                .isInstanceOf(NullPointerException.class).hasMessage("zoneKey");
    }
}
