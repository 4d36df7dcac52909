package io.github.loadbalancer4j.event;

import java.time.ZonedDateTime;

/** Something that happened to a load balancer; each kind is its own class with a readable {@code toString}. */
public interface LoadBalancerEvent {

    /** @return the name of the load balancer that published the event */
    String getLoadBalancerName();

    /** @return the kind of event */
    Type getEventType();

    /** @return when the event was created, by the load balancer's clock */
    ZonedDateTime getCreationTime();

    /** The kinds of event. */
    enum Type {
        /** An instance joined the list. */
        INSTANCE_ADDED,
        /** An instance left the list. */
        INSTANCE_REMOVED,
        /** An instance stopped being selectable (circuit open, unhealthy). */
        INSTANCE_EJECTED,
        /** An ejected instance became selectable again. */
        INSTANCE_RESTORED,
        /** {@code changeStrategy} swapped the selection strategy. */
        STRATEGY_CHANGED,
        /** Too few instances were available; selection now uses all of them. */
        PANIC_ENTERED,
        /** Enough instances are available again. */
        PANIC_LEFT,
        /** A call found no available instance. */
        NO_AVAILABLE_INSTANCE,
        /** The instance source could not reach discovery; the last good list stays. */
        DISCOVERY_FAILED,
        /** The instance source gave several instances with one id; the first was kept. */
        DUPLICATE_INSTANCES,
        /** Outlier ejection opened an instance's circuit breaker: it did much worse than the fleet. */
        OUTLIER_EJECTED
    }
}
