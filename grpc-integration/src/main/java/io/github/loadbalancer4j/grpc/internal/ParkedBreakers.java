package io.github.loadbalancer4j.grpc.internal;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The breakers of instances whose subchannel left READY, kept in the registry until it is READY
 * again. The channel's load balancer holds only the READY instances, so it removes an instance's
 * breaker when the subchannel loses its connection; without this, a server that crashed would come
 * back with a fresh CLOSED breaker, and which breaker its last calls' failures land on would depend on
 * whether they end before or after the connection's loss is noticed. Parked, the breaker stays the
 * instance's, in the user's registry under its name: the load balancer takes it back from there when
 * the instance returns (core makes an instance's breaker with {@code registry.circuitBreaker(name)}).
 *
 * <p>A breaker parked in HALF_OPEN is moved to OPEN: its instance lost its connection during the
 * trial, which is a verdict, and a permission taken by a pick whose stream was never made (the
 * connection went away between the pick and the stream) is given back that way.
 *
 * <p>Only on the channel's synchronization context.
 */
final class ParkedBreakers {

    private final CircuitBreakerRegistry registry;
    private final String loadBalancerName;
    private final Map<String, CircuitBreaker> parked = new HashMap<>();

    ParkedBreakers(CircuitBreakerRegistry registry, String loadBalancerName) {
        this.registry = registry;
        this.loadBalancerName = loadBalancerName;
    }

    /** The name core gives an instance's breaker: {@code <loadBalancer>#<instanceId>}. */
    private String nameOf(String instanceId) {
        return loadBalancerName + '#' + instanceId;
    }

    /**
     * @param instance a READY instance
     * @return its breaker as the registry holds it now, before the load balancer lets it go
     */
    Optional<CircuitBreaker> current(ServiceInstance instance) {
        return registry.find(nameOf(instance.id()));
    }

    /**
     * Keeps the breaker of an instance that left READY (and that the load balancer let go).
     *
     * @param instanceId the instance's id
     * @param breaker its breaker
     */
    void park(String instanceId, CircuitBreaker breaker) {
        if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
            breaker.transitionToOpenState();
        }
        String name = nameOf(instanceId);
        if (registry.find(name).orElse(null) != breaker) {
            // The registry's only way in for a given breaker: make an entry, then put this one in its place.
            registry.circuitBreaker(name, breaker.getCircuitBreakerConfig(), Map.of("loadbalancer", loadBalancerName, "instance", instanceId));
            registry.replace(name, breaker);
        }
        parked.put(instanceId, breaker);
    }

    /**
     * The instance is READY again: the load balancer took its breaker back from the registry.
     *
     * @param instanceId the instance's id
     */
    void returned(String instanceId) {
        parked.remove(instanceId);
    }

    /**
     * The instance left the resolver's list: its parked breaker leaves the registry.
     *
     * @param instanceId the instance's id
     */
    void forget(String instanceId) {
        CircuitBreaker breaker = parked.remove(instanceId);
        if (breaker != null) {
            String name = nameOf(instanceId);
            if (registry.find(name).orElse(null) == breaker) {
                registry.remove(name);
            }
        }
    }

    /** Every parked breaker leaves the registry (the channel shuts down). */
    void clear() {
        for (String id : Map.copyOf(parked).keySet()) {
            forget(id);
        }
    }
}
