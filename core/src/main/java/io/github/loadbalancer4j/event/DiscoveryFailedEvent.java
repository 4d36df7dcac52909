package io.github.loadbalancer4j.event;

import static java.util.Objects.requireNonNull;

import java.time.ZonedDateTime;

/** The instance source failed to reach discovery; the last good list stays. */
public final class DiscoveryFailedEvent extends AbstractLoadBalancerEvent {

    private final Throwable cause;

    /**
     * @param loadBalancerName the publisher's name
     * @param creationTime when it happened
     * @param cause see the getter
     */
    public DiscoveryFailedEvent(String loadBalancerName, ZonedDateTime creationTime, Throwable cause) {
        super(loadBalancerName, creationTime);
        this.cause = requireNonNull(cause, "cause");
    }

    @Override
    public Type getEventType() {
        return Type.DISCOVERY_FAILED;
    }

    /** @return what went wrong */
    public Throwable getCause() {
        return cause;
    }

    @Override
    protected String describe() {
        return "discovery failed, keeping the last good list: " + cause;
    }
}
