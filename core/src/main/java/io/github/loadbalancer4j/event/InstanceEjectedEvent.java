package io.github.loadbalancer4j.event;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import java.time.ZonedDateTime;

/** An instance stopped being selectable. */
public final class InstanceEjectedEvent extends AbstractLoadBalancerEvent {

    private final ServiceInstance instance;
    private final EjectionReason reason;

    /**
     * @param loadBalancerName the publisher's name
     * @param creationTime when it happened
     * @param instance see the getter
     * @param reason see the getter
     */
    public InstanceEjectedEvent(String loadBalancerName, ZonedDateTime creationTime, ServiceInstance instance, EjectionReason reason) {
        super(loadBalancerName, creationTime);
        this.instance = requireNonNull(instance, "instance");
        this.reason = requireNonNull(reason, "reason");
    }

    @Override
    public Type getEventType() {
        return Type.INSTANCE_EJECTED;
    }

    /** @return the instance */
    public ServiceInstance getInstance() {
        return instance;
    }

    /** @return why it is not selectable */
    public EjectionReason getReason() {
        return reason;
    }

    @Override
    protected String describe() {
        return "ejected " + instance + " (" + reason + ")";
    }
}
