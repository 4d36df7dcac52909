package io.github.loadbalancer4j;

/**
 * One instance as a {@link Selector} sees it: the instance and the load balancer's live,
 * per-instance statistics. All of this state belongs to the load balancer, not to a strategy, so a
 * strategy can be changed at run time with nothing lost.
 *
 * <p>Every method is cheap (a field read) and safe from any thread.
 */
public interface Candidate {

    /** @return the instance */
    ServiceInstance instance();

    /**
     * The weight to select with: the instance's weight, scaled down while the instance is in slow
     * start.
     *
     * @return {@code >= 0}
     */
    double weight();

    /**
     * How far a slow-starting instance has ramped: its share of its own weight now, from 0.1 when it
     * joined (or became available again) to 1 at the end of the load balancer's slow-start window.
     * {@link #weight()} already includes it; strategies that do not select by weight (round robin,
     * random, the power-of-two-choices strategies) read it to give a warming instance its share.
     *
     * @return in (0, 1]; 1 when slow start is off or over
     */
    default double slowStartFactor() {
        return 1.0;
    }

    /** @return calls started on this instance and not yet ended */
    int inFlight();

    /**
     * The peak-EWMA latency cost in nanoseconds, as Finagle defines it: a new latency above the
     * average replaces it at once, lower ones pull it down exponentially (decay 10 s); failures
     * count as slow. Zero until the first call ends.
     *
     * @return the cost, {@code >= 0}
     */
    double latencyCost();
}
