package io.github.loadbalancer4j.event;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import java.time.ZonedDateTime;
import java.util.List;

/** The instance source gave several instances with one id; the first of each was kept. */
public final class DuplicateInstancesEvent extends AbstractLoadBalancerEvent {

    private final List<ServiceInstance> droppedInstances;

    /**
     * @param loadBalancerName the publisher's name
     * @param creationTime when it happened
     * @param droppedInstances see the getter
     */
    public DuplicateInstancesEvent(String loadBalancerName, ZonedDateTime creationTime, List<ServiceInstance> droppedInstances) {
        super(loadBalancerName, creationTime);
        this.droppedInstances = requireNonNull(droppedInstances, "droppedInstances");
    }

    @Override
    public Type getEventType() {
        return Type.DUPLICATE_INSTANCES;
    }

    /** @return the instances that were dropped */
    public List<ServiceInstance> getDroppedInstances() {
        return droppedInstances;
    }

    @Override
    protected String describe() {
        return "ignored duplicate instances " + droppedInstances;
    }
}
