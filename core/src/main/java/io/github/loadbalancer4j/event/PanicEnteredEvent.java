package io.github.loadbalancer4j.event;

import static java.util.Objects.requireNonNull;

import java.time.ZonedDateTime;

/** Fewer instances than the panic threshold were available: selection uses every known instance. */
public final class PanicEnteredEvent extends AbstractLoadBalancerEvent {

    private final Integer availableInstances;
    private final Integer knownInstances;

    /**
     * @param loadBalancerName the publisher's name
     * @param creationTime when it happened
     * @param availableInstances see the getter
     * @param knownInstances see the getter
     */
    public PanicEnteredEvent(String loadBalancerName, ZonedDateTime creationTime, Integer availableInstances, Integer knownInstances) {
        super(loadBalancerName, creationTime);
        this.availableInstances = requireNonNull(availableInstances, "availableInstances");
        this.knownInstances = requireNonNull(knownInstances, "knownInstances");
    }

    @Override
    public Type getEventType() {
        return Type.PANIC_ENTERED;
    }

    /** @return how many instances were available */
    public Integer getAvailableInstances() {
        return availableInstances;
    }

    /** @return how many instances are known */
    public Integer getKnownInstances() {
        return knownInstances;
    }

    @Override
    protected String describe() {
        return "entered panic mode (" + availableInstances + " of " + knownInstances + " instances available)";
    }
}
