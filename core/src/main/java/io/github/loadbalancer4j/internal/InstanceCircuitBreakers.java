package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Creates and removes the per-instance circuit breakers of one load balancer in the user's registry,
 * and remembers the OPEN breakers of removed instances until their wait is over, so that an instance
 * flapping out of and back into discovery cannot reset its isolation. Not thread-safe: the load
 * balancer calls it under its lock.
 */
final class InstanceCircuitBreakers {

    private final String loadBalancerName;
    private final CircuitBreakerRegistry registry;
    private final CircuitBreakerConfig config;
    private final Map<String, CircuitBreaker> openOfRemoved = new HashMap<>();

    InstanceCircuitBreakers(String loadBalancerName, LoadBalancerConfig lbConfig) {
        this.loadBalancerName = loadBalancerName;
        CircuitBreakerRegistry userRegistry = lbConfig.getCircuitBreakerRegistry();
        this.registry = userRegistry != null ? userRegistry
                : CircuitBreakerRegistry.of(LoadBalancerConfig.DEFAULT_INSTANCE_CIRCUIT_BREAKER_CONFIG);
        this.config = resolveConfig(lbConfig, registry);
    }

    /**
     * Which config an instance breaker gets: the explicit config, else the registry's named config,
     * else the load balancer's default instance config; with an injected clock, that clock too, so
     * open waits follow it.
     */
    static CircuitBreakerConfig resolveConfig(LoadBalancerConfig lbConfig, CircuitBreakerRegistry registry) {
        CircuitBreakerConfig explicit = lbConfig.getCircuitBreakerConfig();
        String name = lbConfig.getCircuitBreakerConfigName();
        CircuitBreakerConfig config;
        if (explicit != null) {
            config = explicit;
        } else if (name != null) {
            config = registry.getConfiguration(name).orElseThrow(() -> new IllegalArgumentException(
                    "circuitBreakerConfigName: '" + name + "' (expected: a configuration of the circuit breaker registry)"));
        } else {
            config = LoadBalancerConfig.DEFAULT_INSTANCE_CIRCUIT_BREAKER_CONFIG;
        }
        Clock clock = lbConfig.getClock();
        if (!clock.equals(Clock.systemUTC()) && !clock.equals(Clock.systemDefaultZone())) {
            config = CircuitBreakerConfig.from(config).clock(clock).build();
        }
        return config;
    }

    String nameOf(ServiceInstance instance) {
        return loadBalancerName + '#' + instance.id();
    }

    CircuitBreaker create(ServiceInstance instance) {
        String name = nameOf(instance);
        CircuitBreaker breaker = registry.circuitBreaker(name, config,
                Map.of("loadbalancer", loadBalancerName, "instance", instance.id()));
        CircuitBreaker remembered = openOfRemoved.remove(instance.id());
        if (remembered != null && stillWaiting(remembered)) {
            registry.replace(name, remembered);
            return remembered;
        }
        return breaker;
    }

    void remove(ServiceInstance instance, CircuitBreaker breaker) {
        registry.remove(nameOf(instance));
        forgetFinishedWaits();
        if (breaker.getState() == CircuitBreaker.State.OPEN) {
            openOfRemoved.put(instance.id(), breaker);
        }
    }

    void removeAll(Iterable<InstanceState> states) {
        for (InstanceState s : states) {
            registry.remove(nameOf(s.instance()));
        }
        openOfRemoved.clear();
    }

    private void forgetFinishedWaits() {
        for (Iterator<CircuitBreaker> it = openOfRemoved.values().iterator(); it.hasNext(); ) {
            if (!stillWaiting(it.next())) {
                it.remove();
            }
        }
    }

    /**
     * Whether an OPEN breaker's wait is still running. The only public way to ask is to try for a
     * permission: after the wait it moves to HALF_OPEN and grants one, which is given back at once.
     */
    static boolean stillWaiting(CircuitBreaker breaker) {
        if (breaker.getState() != CircuitBreaker.State.OPEN) {
            return false;
        }
        if (breaker.tryAcquirePermission()) {
            breaker.releasePermission();
            return false;
        }
        return true;
    }
}
