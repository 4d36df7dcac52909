package io.github.loadbalancer4j.retry.event;

import io.github.loadbalancer4j.ServiceInstance;
import java.time.Duration;
import java.time.ZonedDateTime;

/** A hedge answered first: the call returned its answer; the attempts still running were cancelled. */
public final class HedgeWonEvent extends HedgingEvent {

    private final Duration latency;

    /**
     * @param loadBalancerName the name of the load balancer the call went through
     * @param creationTime when the hedge answered
     * @param instance the instance that answered
     * @param hedge which hedge of the call: 1 for the first
     * @param latency how long the call took, from its start
     */
    public HedgeWonEvent(String loadBalancerName, ZonedDateTime creationTime, ServiceInstance instance, int hedge, Duration latency) {
        super(loadBalancerName, creationTime, instance, hedge);
        this.latency = latency;
    }

    @Override
    public Type getEventType() {
        return Type.HEDGE_WON;
    }

    /** @return how long the call took, from its start to the hedge's answer */
    public Duration getLatency() {
        return latency;
    }

    @Override
    public String toString() {
        return getCreationTime() + ": LoadBalancer '" + getLoadBalancerName() + "': hedge " + getHedge() + " on "
                + getInstance().id() + " won after " + latency.toMillis() + " ms";
    }
}
