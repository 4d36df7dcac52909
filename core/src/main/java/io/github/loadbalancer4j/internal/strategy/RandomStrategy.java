package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** Uniform random choice with {@link ThreadLocalRandom}: no shared state at all between callers. */
public final class RandomStrategy implements SelectionStrategy {

    /** The one instance: the strategy has no parameters. */
    public static final RandomStrategy INSTANCE = new RandomStrategy();

    private static final String NAME = "random";

    private RandomStrategy() {
    }

    @Override
    public Selector newSelector(Candidates available) {
        return newSelector(NAME, available.toArray());
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
            return candidates[ThreadLocalRandom.current().nextInt(candidates.length)];
        }

        @Override
        public String toString() {
            return strategy + '{' + candidates.length + " candidates}";
        }
    }
}
