package io.github.loadbalancer4j.kubernetes.internal;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.kubernetes.KubernetesInstanceSource;
import io.github.loadbalancer4j.kubernetes.UnusableEndpointSliceException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns one EndpointSlice into instances: the chosen port of the slice, the endpoints that take
 * traffic, one instance per address, with the endpoint's zone, pod and node.
 */
public final class EndpointSliceReader {

    private final String namespace;
    private final String serviceName;
    private final @Nullable String portName;
    private final int portNumber;
    private final boolean includeServingTerminating;
    private final boolean secure;

    /**
     * Creates the reader.
     *
     * @param namespace the namespace of the Service, for messages
     * @param serviceName the name of the Service, for messages
     * @param portName the port to take by name, or null
     * @param portNumber the port to take by number, or 0; with neither, a slice's only TCP port
     * @param includeServingTerminating whether endpoints that are terminating but still serving take traffic
     * @param secure whether the instances speak https
     */
    public EndpointSliceReader(String namespace, String serviceName, @Nullable String portName, int portNumber,
            boolean includeServingTerminating, boolean secure) {
        this.namespace = requireNonNull(namespace, "namespace");
        this.serviceName = requireNonNull(serviceName, "serviceName");
        this.portName = portName;
        this.portNumber = portNumber;
        this.includeServingTerminating = includeServingTerminating;
        this.secure = secure;
    }

    /** @return whether a port was chosen by name or number (else each slice's only TCP port is taken) */
    public boolean portChosen() {
        return portName != null || portNumber != 0;
    }

    /** @return the chosen port as written in messages: {@code 'http'}, {@code 8080}, or {@code (the only one)} */
    public String describePort() {
        return portName != null ? "'" + portName + "'" : portNumber != 0 ? Integer.toString(portNumber) : "(the only one)";
    }

    /**
     * Reads one slice.
     *
     * @param slice the slice
     * @return its instances and what was skipped
     */
    public SliceReading read(EndpointSlice slice) {
        String sliceName = slice.getMetadata() == null || slice.getMetadata().getName() == null ? "?"
                : slice.getMetadata().getName();
        List<Endpoint> endpoints = slice.getEndpoints() == null ? List.of() : slice.getEndpoints();
        List<EndpointPort> tcp = tcpPorts(slice.getPorts());
        List<String> portTexts = tcp.stream().map(EndpointSliceReader::describe).toList();
        boolean hasEndpoints = !endpoints.isEmpty();
        List<UnusableEndpointSliceException> problems = new ArrayList<>();

        Integer number;
        String which = describePort();
        if (portName != null) {
            EndpointPort named = tcp.stream().filter(p -> portName.equals(p.getName())).findFirst().orElse(null);
            if (named == null) {
                return new SliceReading(sliceName, List.of(), hasEndpoints, false, portTexts, List.of());
            }
            number = named.getPort();
        } else if (portNumber != 0) {
            // A slice without ports does not restrict them: the chosen number applies as it is.
            boolean listed = tcp.isEmpty() || tcp.stream().anyMatch(p -> p.getPort() != null && p.getPort() == portNumber);
            if (!listed) {
                return new SliceReading(sliceName, List.of(), hasEndpoints, false, portTexts, List.of());
            }
            number = portNumber;
        } else if (tcp.size() == 1) {
            number = tcp.get(0).getPort();
            which = "'" + tcp.get(0).getName() + "'";
        } else {
            if (hasEndpoints) {
                problems.add(unusable(sliceName, null, "ports: " + portTexts + " (expected: one TCP port, or choose one with"
                        + " port(name) or port(number))", null));
            }
            return new SliceReading(sliceName, List.of(), hasEndpoints, true, portTexts, problems);
        }
        if (number == null || number < 1 || number > 65535) {
            if (hasEndpoints) {
                problems.add(unusable(sliceName, null, "port " + which + ": " + number + " (expected: 1-65535)", null));
            }
            return new SliceReading(sliceName, List.of(), hasEndpoints, true, portTexts, problems);
        }

        List<ServiceInstance> instances = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            if (!takesTraffic(endpoint.getConditions()) || endpoint.getAddresses() == null) {
                continue;
            }
            for (String address : endpoint.getAddresses()) {
                try {
                    instances.add(instance(endpoint, address, number));
                } catch (RuntimeException e) {
                    problems.add(unusable(sliceName, String.valueOf(address), e.getMessage(), e));
                }
            }
        }
        return new SliceReading(sliceName, instances, hasEndpoints, true, portTexts, problems);
    }

    /**
     * Kubernetes' rules: a missing {@code ready} means ready, a missing {@code terminating} means not
     * terminating. A terminating endpoint must say {@code serving: true} to be taken.
     */
    private boolean takesTraffic(@Nullable EndpointConditions conditions) {
        if (conditions == null || !Boolean.FALSE.equals(conditions.getReady())) {
            return true;
        }
        return includeServingTerminating && Boolean.TRUE.equals(conditions.getTerminating())
                && Boolean.TRUE.equals(conditions.getServing());
    }

    private ServiceInstance instance(Endpoint endpoint, @Nullable String address, int port) {
        requireNonNull(address, "address");
        ServiceInstance.Builder builder = ServiceInstance.builder(address, port).secure(secure);
        String zone = endpoint.getZone();
        if (zone != null && !zone.isBlank()) {
            builder.zone(zone);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        ObjectReference target = endpoint.getTargetRef();
        if (target != null && "Pod".equals(target.getKind()) && target.getName() != null) {
            metadata.put(KubernetesInstanceSource.POD_NAME_METADATA_KEY, target.getName());
        }
        if (endpoint.getNodeName() != null) {
            metadata.put(KubernetesInstanceSource.NODE_NAME_METADATA_KEY, endpoint.getNodeName());
        }
        return builder.metadata(metadata).build();
    }

    private UnusableEndpointSliceException unusable(String sliceName, @Nullable String address, @Nullable String reason,
            @Nullable Throwable cause) {
        return new UnusableEndpointSliceException(namespace, serviceName, sliceName, address, String.valueOf(reason), cause);
    }

    private static List<EndpointPort> tcpPorts(@Nullable List<EndpointPort> ports) {
        if (ports == null) {
            return List.of();
        }
        // The protocol defaults to TCP; UDP and SCTP ports cannot carry the calls of a load balancer.
        return ports.stream().filter(p -> p.getProtocol() == null || "TCP".equals(p.getProtocol())).toList();
    }

    private static String describe(EndpointPort port) {
        return (port.getName() == null || port.getName().isEmpty() ? "<unnamed>" : port.getName()) + ":" + port.getPort();
    }

    @Override
    public String toString() {
        return "EndpointSliceReader{port=" + describePort() + (includeServingTerminating ? ", servingTerminating" : "")
                + (secure ? ", https" : "") + "}";
    }
}
