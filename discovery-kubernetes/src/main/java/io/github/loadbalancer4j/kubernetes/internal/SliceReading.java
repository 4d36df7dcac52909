package io.github.loadbalancer4j.kubernetes.internal;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.kubernetes.UnusableEndpointSliceException;
import java.util.List;

/**
 * What one EndpointSlice gives.
 *
 * @param sliceName the slice's name
 * @param instances one per address of each endpoint that takes traffic, on the chosen port
 * @param hasEndpoints whether the slice lists any endpoint, ready or not
 * @param hasChosenPort false when a port was chosen by name or number and the slice does not have it
 * @param ports the slice's TCP ports as {@code name:number}, for messages
 * @param problems what was skipped, and why
 */
public record SliceReading(String sliceName, List<ServiceInstance> instances, boolean hasEndpoints, boolean hasChosenPort,
        List<String> ports, List<UnusableEndpointSliceException> problems) {

    /**
     * Copies the lists.
     *
     * @param sliceName the slice's name
     * @param instances the instances
     * @param hasEndpoints whether the slice lists any endpoint
     * @param hasChosenPort whether the slice has the chosen port
     * @param ports the slice's TCP ports
     * @param problems what was skipped
     */
    public SliceReading {
        instances = List.copyOf(instances);
        ports = List.copyOf(ports);
        problems = List.copyOf(problems);
    }
}
