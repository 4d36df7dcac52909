package io.github.loadbalancer4j.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.github.loadbalancer4j.ServiceInstance;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One slice at a time, without a server: Kubernetes' rules for conditions, ports and addresses. */
class EndpointSliceReaderTest {

    private static final EndpointSliceReader ONLY_PORT = new EndpointSliceReader("shop", "orders", null, 0, false, false);

    @Test
    void missingConditionsMeanReadyAndMissingTerminatingMeansNotTerminating() {
        EndpointSlice slice = slice(
                new EndpointBuilder().addToAddresses("10.0.0.1").build(),
                new EndpointBuilder().addToAddresses("10.0.0.2").withNewConditions().endConditions().build(),
                new EndpointBuilder().addToAddresses("10.0.0.3").withNewConditions().withReady(false).endConditions().build());

        assertThat(ids(ONLY_PORT.read(slice))).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
    }

    @Test
    void terminatingEndpointIsTakenOnlyWhenAskedAndOnlyWhileItSaysItServes() {
        EndpointSlice slice = slice(
                conditions("10.0.0.1", false, true, true),
                conditions("10.0.0.2", false, false, true),
                conditions("10.0.0.3", false, null, true),
                conditions("10.0.0.4", false, true, null));
        EndpointSliceReader servingTerminating = new EndpointSliceReader("shop", "orders", null, 0, true, false);

        assertThat(ids(ONLY_PORT.read(slice))).isEmpty();
        assertThat(ids(servingTerminating.read(slice))).containsExactly("10.0.0.1:8080");
    }

    @Test
    void everyAddressOfAnEndpointIsAnInstance() {
        EndpointSlice slice = slice(new EndpointBuilder().addToAddresses("10.0.0.1", "10.0.0.2").build());

        assertThat(ids(ONLY_PORT.read(slice))).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
    }

    @Test
    void ipv6AndFqdnAddressesAreHosts() {
        EndpointSlice v6 = new EndpointSliceBuilder(slice(new EndpointBuilder().addToAddresses("fd00::1").build()))
                .withAddressType("IPv6").build();
        EndpointSlice fqdn = new EndpointSliceBuilder(slice(new EndpointBuilder().addToAddresses("orders-0.orders.shop.svc").build()))
                .withAddressType("FQDN").build();

        List<ServiceInstance> fromV6 = ONLY_PORT.read(v6).instances();
        assertThat(fromV6).extracting(ServiceInstance::host).containsExactly("fd00::1");
        assertThat(fromV6.get(0).uri("/x")).hasToString("http://[fd00::1]:8080/x");
        assertThat(ids(ONLY_PORT.read(fqdn))).containsExactly("orders-0.orders.shop.svc:8080");
    }

    @Test
    void targetRefOtherThanAPodGivesNoPodName() {
        EndpointSlice slice = slice(new EndpointBuilder().addToAddresses("10.0.0.1").withNodeName("node-1")
                .withNewTargetRef().withKind("VirtualMachineInstance").withName("vm-1").endTargetRef().build());

        assertThat(ONLY_PORT.read(slice).instances().get(0).metadata()).containsOnlyKeys("k8s.node.name");
    }

    @Test
    void udpPortsAreNotCandidates() {
        EndpointSlice slice = new EndpointSliceBuilder(slice(new EndpointBuilder().addToAddresses("10.0.0.1").build()))
                .addToPorts(new EndpointPortBuilder().withName("dns").withPort(53).withProtocol("UDP").build())
                .build();

        SliceReading reading = ONLY_PORT.read(slice);

        assertThat(ids(reading)).containsExactly("10.0.0.1:8080");
        assertThat(reading.ports()).containsExactly("http:8080");
    }

    @Test
    void sliceWithoutPortsTakesTheChosenNumberAndIsReportedOtherwise() {
        EndpointSlice unrestricted = new EndpointSliceBuilder(slice(new EndpointBuilder().addToAddresses("10.0.0.1").build()))
                .withPorts(List.of()).build();
        EndpointSliceReader byNumber = new EndpointSliceReader("shop", "orders", null, 9000, false, false);
        EndpointSliceReader byName = new EndpointSliceReader("shop", "orders", "http", 0, false, false);

        assertThat(ids(byNumber.read(unrestricted))).containsExactly("10.0.0.1:9000");
        assertThat(byName.read(unrestricted).hasChosenPort()).isFalse();
        assertThat(ONLY_PORT.read(unrestricted).problems()).singleElement()
                .satisfies(p -> assertThat(p).hasMessage("Skipped EndpointSlice 'orders-a' of Service shop/orders: ports: []"
                        + " (expected: one TCP port, or choose one with port(name) or port(number))"));
    }

    @Test
    void chosenPortWithoutANumberIsReported() {
        EndpointSlice slice = new EndpointSliceBuilder(slice(new EndpointBuilder().addToAddresses("10.0.0.1").build()))
                .withPorts(new EndpointPortBuilder().withName("http").build()).build();

        SliceReading reading = new EndpointSliceReader("shop", "orders", "http", 0, false, false).read(slice);

        assertThat(reading.instances()).isEmpty();
        assertThat(reading.problems()).singleElement().satisfies(p -> assertThat(p)
                .hasMessage("Skipped EndpointSlice 'orders-a' of Service shop/orders: port 'http': null (expected: 1-65535)"));
    }

    @Test
    void sliceWithoutEndpointsIsNeverAProblem() {
        EndpointSlice placeholder = new EndpointSliceBuilder().withNewMetadata().withName("orders-a").endMetadata()
                .withAddressType("IPv4").build();

        SliceReading reading = ONLY_PORT.read(placeholder);

        assertThat(reading.instances()).isEmpty();
        assertThat(reading.hasEndpoints()).isFalse();
        assertThat(reading.problems()).isEmpty();
    }

    private static Endpoint conditions(String address, Boolean ready, Boolean serving, Boolean terminating) {
        return new EndpointBuilder().addToAddresses(address).withNewConditions().withReady(ready).withServing(serving)
                .withTerminating(terminating).endConditions().build();
    }

    private static EndpointSlice slice(Endpoint... endpoints) {
        return new EndpointSliceBuilder().withNewMetadata().withName("orders-a").withNamespace("shop").endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
                .withEndpoints(endpoints)
                .build();
    }

    private static List<String> ids(SliceReading reading) {
        return reading.instances().stream().map(ServiceInstance::id).toList();
    }
}
