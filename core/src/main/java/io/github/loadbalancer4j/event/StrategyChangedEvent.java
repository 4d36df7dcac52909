package io.github.loadbalancer4j.event;

import static java.util.Objects.requireNonNull;

import java.time.ZonedDateTime;

/** The selection strategy was swapped at run time. */
public final class StrategyChangedEvent extends AbstractLoadBalancerEvent {

    private final String previousStrategy;
    private final String newStrategy;

    /**
     * @param loadBalancerName the publisher's name
     * @param creationTime when it happened
     * @param previousStrategy see the getter
     * @param newStrategy see the getter
     */
    public StrategyChangedEvent(String loadBalancerName, ZonedDateTime creationTime, String previousStrategy, String newStrategy) {
        super(loadBalancerName, creationTime);
        this.previousStrategy = requireNonNull(previousStrategy, "previousStrategy");
        this.newStrategy = requireNonNull(newStrategy, "newStrategy");
    }

    @Override
    public Type getEventType() {
        return Type.STRATEGY_CHANGED;
    }

    /** @return the previous strategy, as its toString */
    public String getPreviousStrategy() {
        return previousStrategy;
    }

    /** @return the new strategy, as its toString */
    public String getNewStrategy() {
        return newStrategy;
    }

    @Override
    protected String describe() {
        return "changed strategy from " + previousStrategy + " to " + newStrategy;
    }
}
