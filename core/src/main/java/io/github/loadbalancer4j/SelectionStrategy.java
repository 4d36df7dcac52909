package io.github.loadbalancer4j;

import io.github.loadbalancer4j.internal.strategy.RoundRobinStrategy;

/**
 * How a load balancer chooses among its available instances: a stateless factory of
 * {@link Selector}s.
 *
 * <p>{@link #newSelector(Candidates)} is called whenever the set of available candidates changes;
 * per-snapshot work (a hash ring, an alias table, a weighted schedule) is done there, once, never per
 * call. All per-instance state lives in the load balancer's {@link Candidate}s, so
 * {@code loadBalancer.changeStrategy(...)} swaps strategies at run time with nothing lost.
 */
@FunctionalInterface
public interface SelectionStrategy {

    /**
     * Makes the selector for one set of available candidates.
     *
     * @param available the candidates, possibly empty
     * @return a selector over exactly these candidates
     */
    Selector newSelector(Candidates available);

    /**
     * Round robin: an atomic counter over an immutable array; each of n instances is picked once
     * in every n consecutive picks of one thread. The default.
     *
     * @return the strategy
     */
    static SelectionStrategy roundRobin() {
        return RoundRobinStrategy.INSTANCE;
    }
}
