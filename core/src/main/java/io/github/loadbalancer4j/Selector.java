package io.github.loadbalancer4j;

import org.jspecify.annotations.Nullable;

/**
 * Picks one candidate among a fixed set; made by {@link SelectionStrategy#newSelector(Candidates)}
 * each time the set of available candidates changes.
 *
 * <p>{@link #select(SelectionContext)} is the hot path: no locks, no allocation, safe under any
 * number of threads. A selector may prefer candidates the context has not tried; the load balancer
 * enforces that failover never repeats an instance while an untried one is available, so a
 * selector need not.
 */
@FunctionalInterface
public interface Selector {

    /**
     * Picks a candidate.
     *
     * @param context what the call says about itself
     * @return a candidate of the set this selector was made for, or null only when that set is empty
     */
    @Nullable Candidate select(SelectionContext context);
}
