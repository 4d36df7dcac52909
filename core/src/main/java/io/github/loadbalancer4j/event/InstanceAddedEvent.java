package io.github.loadbalancer4j.event;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import java.time.ZonedDateTime;

/** An instance joined the load balancer's list. */
public final class InstanceAddedEvent extends AbstractLoadBalancerEvent {

    private final ServiceInstance instance;

    /**
     * @param loadBalancerName the publisher's name
     * @param creationTime when it happened
     * @param instance see the getter
     */
    public InstanceAddedEvent(String loadBalancerName, ZonedDateTime creationTime, ServiceInstance instance) {
        super(loadBalancerName, creationTime);
        this.instance = requireNonNull(instance, "instance");
    }

    @Override
    public Type getEventType() {
        return Type.INSTANCE_ADDED;
    }

    /** @return the instance */
    public ServiceInstance getInstance() {
        return instance;
    }

    @Override
    protected String describe() {
        return "added " + instance;
    }
}
