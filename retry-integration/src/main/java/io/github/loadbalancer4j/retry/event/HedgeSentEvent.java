package io.github.loadbalancer4j.retry.event;

import io.github.loadbalancer4j.ServiceInstance;
import java.time.Duration;
import java.time.ZonedDateTime;

/** A hedge was sent to another instance while the call's earlier attempts were still running. */
public final class HedgeSentEvent extends HedgingEvent {

    private final Duration after;

    /**
     * @param loadBalancerName the name of the load balancer the call went through
     * @param creationTime when the hedge was sent
     * @param instance the instance it went to
     * @param hedge which hedge of the call: 1 for the first
     * @param after how long after the call started
     */
    public HedgeSentEvent(String loadBalancerName, ZonedDateTime creationTime, ServiceInstance instance, int hedge, Duration after) {
        super(loadBalancerName, creationTime, instance, hedge);
        this.after = after;
    }

    @Override
    public Type getEventType() {
        return Type.HEDGE_SENT;
    }

    /** @return how long after the call started the hedge was sent */
    public Duration getAfter() {
        return after;
    }

    @Override
    public String toString() {
        return getCreationTime() + ": LoadBalancer '" + getLoadBalancerName() + "' sent hedge " + getHedge() + " to "
                + getInstance().id() + " after " + after.toMillis() + " ms";
    }
}
