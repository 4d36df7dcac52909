package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import org.jspecify.annotations.Nullable;

/**
 * Round robin over an immutable array: each thread walks it in order from a random start
 * ({@link Cycle}), so threads share no written cache line and each thread's picks are exact rounds.
 */
final class RoundRobinStrategy implements SelectionStrategy {

    /** The one instance: the strategy has no parameters. */
    static final RoundRobinStrategy INSTANCE = new RoundRobinStrategy();

    private static final String NAME = "roundRobin";

    private RoundRobinStrategy() {
    }

    @Override
    public Selector newSelector(Candidates available) {
        Candidate[] candidates = available.toArray();
        Weights warming = Weights.ofSlowStart(candidates);
        // While an instance is in slow start, its turns follow its ramp: weighted round robin over the factors.
        return warming == null ? newSelector(NAME, candidates) : WeightedRoundRobinStrategy.newSelector(NAME, warming);
    }

    /** Round robin over {@code candidates}, for strategies that fall back to it; the array is not copied. */
    static Selector newSelector(String strategy, Candidate[] candidates) {
        int n = candidates.length;
        if (n == 0) {
            return FixedSelector.empty(strategy);
        }
        if (n == 1) {
            return FixedSelector.of(strategy, candidates[0]);
        }
        return new RoundRobinSelector(strategy, candidates);
    }

    @Override
    public String toString() {
        return NAME;
    }

    static final class RoundRobinSelector implements Selector {
        private final String strategy;
        private final Candidate[] candidates;
        private final Cycle cycle;

        RoundRobinSelector(String strategy, Candidate[] candidates) {
            this.strategy = strategy;
            this.candidates = candidates;
            this.cycle = new Cycle(candidates.length);
        }

        @Override
        public @Nullable Candidate select(SelectionContext context) {
            return candidates[cycle.next()];
        }

        @Override
        public String toString() {
            return strategy + '{' + candidates.length + " candidates}";
        }
    }
}
