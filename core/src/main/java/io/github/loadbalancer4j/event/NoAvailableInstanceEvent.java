package io.github.loadbalancer4j.event;

import static java.util.Objects.requireNonNull;

import java.time.ZonedDateTime;

/** A call found no available instance and failed with NoAvailableInstanceException. */
public final class NoAvailableInstanceEvent extends AbstractLoadBalancerEvent {

    private final String reason;

    /**
     * @param loadBalancerName the publisher's name
     * @param creationTime when it happened
     * @param reason see the getter
     */
    public NoAvailableInstanceEvent(String loadBalancerName, ZonedDateTime creationTime, String reason) {
        super(loadBalancerName, creationTime);
        this.reason = requireNonNull(reason, "reason");
    }

    @Override
    public Type getEventType() {
        return Type.NO_AVAILABLE_INSTANCE;
    }

    /** @return why, as in the exception message */
    public String getReason() {
        return reason;
    }

    @Override
    protected String describe() {
        return "has no available instance " + reason;
    }
}
