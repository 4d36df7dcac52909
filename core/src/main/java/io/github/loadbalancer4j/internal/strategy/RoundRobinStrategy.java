package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Round robin over an immutable array with one atomic counter per selector. */
public final class RoundRobinStrategy implements SelectionStrategy {

    /** The one instance: the strategy has no parameters. */
    public static final RoundRobinStrategy INSTANCE = new RoundRobinStrategy();

    private RoundRobinStrategy() {
    }

    @Override
    public Selector newSelector(Candidates available) {
        int n = available.size();
        if (n == 0) {
            return context -> null;
        }
        if (n == 1) {
            Candidate only = available.get(0);
            return context -> only;
        }
        return new RoundRobinSelector(available.toArray());
    }

    @Override
    public String toString() {
        return "roundRobin";
    }

    private static final class RoundRobinSelector implements Selector {
        private final Candidate[] candidates;
        private final AtomicInteger next = new AtomicInteger();

        RoundRobinSelector(Candidate[] candidates) {
            this.candidates = candidates;
        }

        @Override
        public @Nullable Candidate select(SelectionContext context) {
            // Masking keeps the index non-negative after the counter wraps past Integer.MAX_VALUE.
            return candidates[(next.getAndIncrement() & Integer.MAX_VALUE) % candidates.length];
        }
    }
}
