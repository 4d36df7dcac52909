package io.github.loadbalancer4j.kubernetes.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.kubernetes.KubernetesDiscoveryException;
import io.github.loadbalancer4j.kubernetes.NoEndpointSlicesException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The EndpointSlices of one Service, merged: every slice counts (a Service with more than 100
 * endpoints, or with endpoints of several port sets or address types, has several). Not thread-safe:
 * one thread owns it.
 */
public final class ServiceEndpoints {

    private static final Comparator<ServiceInstance> BY_ID = Comparator.comparing(ServiceInstance::id);

    private final String namespace;
    private final String serviceName;
    private final EndpointSliceReader reader;
    private final Map<String, SliceReading> slices = new TreeMap<>();

    /**
     * Creates an empty set of slices.
     *
     * @param namespace the namespace of the Service
     * @param serviceName the name of the Service
     * @param reader how a slice becomes instances
     */
    public ServiceEndpoints(String namespace, String serviceName, EndpointSliceReader reader) {
        this.namespace = requireNonNull(namespace, "namespace");
        this.serviceName = requireNonNull(serviceName, "serviceName");
        this.reader = requireNonNull(reader, "reader");
    }

    /**
     * Records a slice that was added or changed.
     *
     * @param slice what the slice gives
     */
    public void put(SliceReading slice) {
        slices.put(slice.sliceName(), slice);
    }

    /**
     * Forgets a deleted slice.
     *
     * @param sliceName its name
     */
    public void remove(String sliceName) {
        slices.remove(sliceName);
    }

    /**
     * Merges the slices: each instance once (an endpoint may sit in two slices for a while when the
     * EndpointSlice controller moves it; Kubernetes asks clients to de-duplicate), sorted by id.
     *
     * @return the instances, and the problems of this set of slices
     */
    public Merged merge() {
        List<KubernetesDiscoveryException> problems = new ArrayList<>();
        if (slices.isEmpty()) {
            problems.add(new NoEndpointSlicesException(namespace, serviceName));
            return new Merged(List.of(), problems);
        }
        Set<String> seen = new HashSet<>();
        List<ServiceInstance> instances = new ArrayList<>();
        int withEndpoints = 0;
        int withPort = 0;
        Set<String> portsSeen = new TreeSet<>();
        for (SliceReading slice : slices.values()) {
            if (slice.hasEndpoints()) {
                withEndpoints++;
                portsSeen.addAll(slice.ports());
                if (slice.hasChosenPort()) {
                    withPort++;
                }
            }
            for (ServiceInstance instance : slice.instances()) {
                if (seen.add(instance.id())) {
                    instances.add(instance);
                }
            }
            problems.addAll(slice.problems());
        }
        // Slices group endpoints by port set, so a slice without the port holds endpoints that do not
        // serve it: skipped quietly. A port that no slice has is most likely a mistake: reported.
        if (reader.portChosen() && withEndpoints > 0 && withPort == 0) {
            problems.add(new KubernetesDiscoveryException(namespace, serviceName, "Port " + reader.describePort()
                    + " is in none of the " + withEndpoints + " EndpointSlices with endpoints of Service " + namespace + "/"
                    + serviceName + " (their TCP ports: " + portsSeen + "); its list is empty until a slice has it", null));
        }
        instances.sort(BY_ID);
        return new Merged(instances, problems);
    }

    /**
     * The merged list and its problems.
     *
     * @param instances the instances, sorted by id, each id once
     * @param problems slices (or addresses) skipped, a port no slice has, or no slice at all
     */
    public record Merged(List<ServiceInstance> instances, List<KubernetesDiscoveryException> problems) {

        /**
         * Copies the lists.
         *
         * @param instances the instances
         * @param problems the problems
         */
        public Merged {
            instances = List.copyOf(instances);
            problems = List.copyOf(problems);
        }
    }
}
