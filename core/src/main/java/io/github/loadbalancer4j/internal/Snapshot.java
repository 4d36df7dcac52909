package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;

/**
 * One immutable view of a load balancer, published through a single volatile field: the hot path
 * reads it once and needs nothing else.
 */
final class Snapshot {

    /** {@link #recheckAt} when no instance waits for its breaker. */
    static final long NEVER = Long.MAX_VALUE;

    final InstanceState[] known;
    /** What the selector chooses from: the available instances, or all known ones in panic mode. */
    final InstanceState[] selectable;
    final int availableCount;
    final Selector selector;
    final SelectionStrategy strategy;
    final boolean panic;
    /** Ticker time at which ejected breakers are looked at again, or {@link #NEVER}. */
    final long recheckAt;
    final boolean closed;
    /** Whether each known instance was available when this snapshot was built, position for position. */
    final boolean[] availableAt;

    Snapshot(InstanceState[] known, InstanceState[] selectable, int availableCount, Selector selector,
            SelectionStrategy strategy, boolean panic, long recheckAt, boolean closed, boolean[] availableAt) {
        this.known = known;
        this.selectable = selectable;
        this.availableCount = availableCount;
        this.selector = selector;
        this.strategy = strategy;
        this.panic = panic;
        this.recheckAt = recheckAt;
        this.closed = closed;
        this.availableAt = availableAt;
    }

    /** @return the snapshot of a load balancer whose source delivered nothing yet */
    static Snapshot empty(SelectionStrategy strategy) {
        return new Snapshot(new InstanceState[0], new InstanceState[0], 0, strategy.newSelector(Candidates.empty()), strategy,
                false, NEVER, false, new boolean[0]);
    }

    /** @return the snapshot of a closed load balancer: nothing to pick */
    static Snapshot closed(SelectionStrategy strategy) {
        return new Snapshot(new InstanceState[0], new InstanceState[0], 0, ctx -> null, strategy, false, NEVER, true, new boolean[0]);
    }

    boolean recheckDue(long now) {
        return recheckAt != NEVER && now - recheckAt >= 0;
    }
}
