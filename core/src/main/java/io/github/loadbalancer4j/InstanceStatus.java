package io.github.loadbalancer4j;

import static java.util.Objects.requireNonNull;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;

/**
 * A snapshot of one instance's state in a load balancer, from {@link LoadBalancer#getInstances()}.
 */
public final class InstanceStatus {

    /** What active health checking says of an instance. */
    public enum Health {
        /** No check has finished yet, or checking is off. */
        UNKNOWN,
        /** The last checks passed. */
        HEALTHY,
        /** Enough consecutive checks failed; the instance is not selected. */
        UNHEALTHY
    }

    private final ServiceInstance instance;
    private final CircuitBreaker circuitBreaker;
    private final Health health;
    private final boolean available;
    private final int inFlight;
    private final Duration latency;
    private final double weight;

    /**
     * @param instance the instance
     * @param circuitBreaker its breaker
     * @param health what health checking says
     * @param available whether the selector may pick it
     * @param inFlight calls started and not ended
     * @param latency the peak-EWMA latency
     * @param weight the effective weight (slow start applied)
     */
    public InstanceStatus(ServiceInstance instance, CircuitBreaker circuitBreaker, Health health, boolean available,
            int inFlight, Duration latency, double weight) {
        this.instance = requireNonNull(instance, "instance");
        this.circuitBreaker = requireNonNull(circuitBreaker, "circuitBreaker");
        this.health = requireNonNull(health, "health");
        this.available = available;
        this.inFlight = inFlight;
        this.latency = requireNonNull(latency, "latency");
        this.weight = weight;
    }

    /** @return the instance */
    public ServiceInstance instance() {
        return instance;
    }

    /** @return the instance's circuit breaker (its metrics and events are resilience4j's) */
    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    /** @return the breaker's state when the snapshot was taken */
    public CircuitBreaker.State circuitBreakerState() {
        return circuitBreaker.getState();
    }

    /** @return what active health checking says */
    public Health health() {
        return health;
    }

    /** @return whether the instance was selectable when the snapshot was taken */
    public boolean available() {
        return available;
    }

    /** @return calls in flight when the snapshot was taken */
    public int inFlight() {
        return inFlight;
    }

    /** @return the peak-EWMA latency, zero before the first call ends */
    public Duration latency() {
        return latency;
    }

    /** @return the effective weight */
    public double weight() {
        return weight;
    }

    @Override
    public String toString() {
        return instance.id() + "{" + circuitBreaker.getState() + ", " + health + (available ? ", available" : ", ejected")
                + ", inFlight=" + inFlight + ", latency=" + latency.toMillis() + "ms, weight=" + weight + '}';
    }
}
