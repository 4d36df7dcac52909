package io.github.loadbalancer4j.internal;

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

    Snapshot(InstanceState[] known, InstanceState[] selectable, int availableCount, Selector selector,
            SelectionStrategy strategy, boolean panic, long recheckAt, boolean closed) {
        this.known = known;
        this.selectable = selectable;
        this.availableCount = availableCount;
        this.selector = selector;
        this.strategy = strategy;
        this.panic = panic;
        this.recheckAt = recheckAt;
        this.closed = closed;
    }

    boolean recheckDue(long now) {
        return recheckAt != NEVER && now - recheckAt >= 0;
    }
}
