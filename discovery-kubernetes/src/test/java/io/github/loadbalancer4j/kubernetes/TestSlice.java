package io.github.loadbalancer4j.kubernetes;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.ArrayList;
import java.util.List;

/** EndpointSlices as the EndpointSlice controller writes them, built in a line. */
final class TestSlice {

    private final String namespace;
    private final String name;
    private String service = "orders";
    private String addressType = "IPv4";
    private final List<EndpointPort> ports = new ArrayList<>();
    private final List<Endpoint> endpoints = new ArrayList<>();

    private TestSlice(String namespace, String name) {
        this.namespace = namespace;
        this.name = name;
    }

    /** A slice of Service {@code orders}, without ports or endpoints yet. */
    static TestSlice of(String namespace, String name) {
        return new TestSlice(namespace, name);
    }

    TestSlice service(String serviceName) {
        this.service = serviceName;
        return this;
    }

    TestSlice addressType(String type) {
        this.addressType = type;
        return this;
    }

    TestSlice port(String portName, int number) {
        ports.add(new EndpointPortBuilder().withName(portName).withPort(number).withProtocol("TCP").build());
        return this;
    }

    TestSlice port(EndpointPort port) {
        ports.add(port);
        return this;
    }

    /** A ready endpoint in a zone, on a node, backed by a pod named after its address. */
    TestSlice ready(String address, String zone) {
        return endpoint(endpoint(address, zone).withNewConditions().withReady(true).withServing(true)
                .withTerminating(false).endConditions().build());
    }

    /** A ready endpoint without zone. */
    TestSlice ready(String address) {
        return endpoint(new EndpointBuilder().addToAddresses(address).withNewConditions().withReady(true).endConditions().build());
    }

    /** A pod that runs but failed its readiness probe. */
    TestSlice notReady(String address) {
        return endpoint(new EndpointBuilder().addToAddresses(address).withNewConditions().withReady(false).withServing(false)
                .withTerminating(false).endConditions().build());
    }

    /** A pod being deleted that still answers: not ready, serving, terminating. */
    TestSlice servingTerminating(String address) {
        return endpoint(new EndpointBuilder().addToAddresses(address).withNewConditions().withReady(false).withServing(true)
                .withTerminating(true).endConditions().build());
    }

    TestSlice endpoint(Endpoint endpoint) {
        endpoints.add(endpoint);
        return this;
    }

    EndpointSlice build() {
        return new EndpointSliceBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels(KubernetesInstanceSource.SERVICE_NAME_LABEL, service)
                .addToLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
                .endMetadata()
                .withAddressType(addressType)
                .withPorts(ports)
                .withEndpoints(endpoints)
                .build();
    }

    /** An endpoint as the controller writes it for a pod: zone, node, and a targetRef to the pod. */
    static EndpointBuilder endpoint(String address, String zone) {
        String pod = "pod-" + address.replace('.', '-').replace(':', '-');
        return new EndpointBuilder().addToAddresses(address).withZone(zone).withNodeName("node-" + zone)
                .withNewTargetRef().withKind("Pod").withName(pod).withNamespace("shop").endTargetRef();
    }
}
