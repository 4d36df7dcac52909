package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import io.github.loadbalancer4j.internal.Randomness;
import org.jspecify.annotations.Nullable;

/** Uniform random choice with {@link java.util.concurrent.ThreadLocalRandom} (or {@link Randomness}): no shared state at all between callers. */
final class RandomStrategy implements SelectionStrategy {

    /** The one instance: the strategy has no parameters. */
    static final RandomStrategy INSTANCE = new RandomStrategy();

    private static final String NAME = "random";

    private RandomStrategy() {
    }

    @Override
    public Selector newSelector(Candidates available) {
        Candidate[] candidates = available.toArray();
        Weights warming = Weights.ofSlowStart(candidates);
        // While an instance is in slow start, its chance follows its ramp: weighted random over the factors.
        return warming == null ? newSelector(NAME, candidates) : WeightedRandomStrategy.newSelector(NAME, warming);
    }

    static Selector newSelector(String strategy, Candidate[] candidates) {
        if (candidates.length == 0) {
            return FixedSelector.empty(strategy);
        }
        if (candidates.length == 1) {
            return FixedSelector.of(strategy, candidates[0]);
        }
        return new RandomSelector(strategy, candidates);
    }

    @Override
    public String toString() {
        return NAME;
    }

    private static final class RandomSelector implements Selector {
        private final String strategy;
        private final Candidate[] candidates;

        RandomSelector(String strategy, Candidate[] candidates) {
            this.strategy = strategy;
            this.candidates = candidates;
        }

        @Override
        public @Nullable Candidate select(SelectionContext context) {
            return candidates[Randomness.current().nextInt(candidates.length)];
        }

        @Override
        public String toString() {
            return strategy + '{' + candidates.length + " candidates}";
        }
    }
}
