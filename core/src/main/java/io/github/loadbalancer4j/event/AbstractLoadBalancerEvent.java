package io.github.loadbalancer4j.event;

import static java.util.Objects.requireNonNull;

import java.time.ZonedDateTime;

/** Common fields of the load balancer events. */
public abstract class AbstractLoadBalancerEvent implements LoadBalancerEvent {

    private final String loadBalancerName;
    private final ZonedDateTime creationTime;

    /**
     * @param loadBalancerName the publisher's name
     * @param creationTime when it happened
     */
    protected AbstractLoadBalancerEvent(String loadBalancerName, ZonedDateTime creationTime) {
        this.loadBalancerName = requireNonNull(loadBalancerName, "loadBalancerName");
        this.creationTime = requireNonNull(creationTime, "creationTime");
    }

    @Override
    public String getLoadBalancerName() {
        return loadBalancerName;
    }

    @Override
    public ZonedDateTime getCreationTime() {
        return creationTime;
    }

    /** @return what happened, for {@link #toString()} */
    protected abstract String describe();

    @Override
    public String toString() {
        return creationTime + ": LoadBalancer '" + loadBalancerName + "' " + describe();
    }
}
