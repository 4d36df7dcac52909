package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.Candidate;

/**
 * A candidate whose peak-EWMA cost can be read as recorded, with the time it was recorded: two such
 * costs are compared by their stamps' distance, without ageing each to now (see
 * {@code peakEwma()}). The load balancer's own candidates are. Public for the strategies' package;
 * not API.
 */
public interface StampedCost extends Candidate {

    /**
     * @return the cost in nanoseconds as last recorded, not yet decayed for the time since; 0 before
     *     the first call ends. {@link Candidate#latencyCost()} is this times
     *     {@code InstanceState.decay(now - costStamp())}.
     */
    double undecayedCost();

    /** @return the ticker time at which {@link #undecayedCost()} was recorded */
    long costStamp();

    /** @return whether the last call that ended failed (its cost is then the failure penalty) */
    boolean failing();

    /** @return how long a failing instance no call reached waits for a probe call, in ticker nanoseconds */
    static long probeAfterNanos() {
        return InstanceState.PROBE_AFTER_NANOS;
    }
}
