package io.github.loadbalancer4j.retry.event;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import java.time.ZonedDateTime;

/**
 * Something a {@link io.github.loadbalancer4j.retry.Hedging} did on one call: a hedge sent, a hedge that
 * won. Published only when someone listens.
 */
public abstract class HedgingEvent {

    /** The kinds of hedging events. */
    public enum Type {
        /** A hedge was sent: the call now runs on one more instance. */
        HEDGE_SENT,
        /** A hedge answered first: the call returned its answer and the other attempts were cancelled. */
        HEDGE_WON
    }

    private final String loadBalancerName;
    private final ZonedDateTime creationTime;
    private final ServiceInstance instance;
    private final int hedge;

    /**
     * @param loadBalancerName the name of the load balancer the call went through
     * @param creationTime when it happened
     * @param instance the instance the hedge went to
     * @param hedge which hedge of the call: 1 for the first
     */
    protected HedgingEvent(String loadBalancerName, ZonedDateTime creationTime, ServiceInstance instance, int hedge) {
        this.loadBalancerName = requireNonNull(loadBalancerName, "loadBalancerName");
        this.creationTime = requireNonNull(creationTime, "creationTime");
        this.instance = requireNonNull(instance, "instance");
        this.hedge = hedge;
    }

    /** @return what happened */
    public abstract Type getEventType();

    /** @return the name of the load balancer the call went through */
    public String getLoadBalancerName() {
        return loadBalancerName;
    }

    /** @return when it happened */
    public ZonedDateTime getCreationTime() {
        return creationTime;
    }

    /** @return the instance the hedge went to */
    public ServiceInstance getInstance() {
        return instance;
    }

    /** @return which hedge of the call: 1 for the first (the call's second attempt) */
    public int getHedge() {
        return hedge;
    }
}
