package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.Selector;
import org.jspecify.annotations.Nullable;

/** The selector of a set of zero or one candidate: every strategy agrees on what to pick there. */
final class FixedSelector implements Selector {

    private final String strategy;
    private final @Nullable Candidate candidate;

    private FixedSelector(String strategy, @Nullable Candidate candidate) {
        this.strategy = strategy;
        this.candidate = candidate;
    }

    /** @return a selector that always answers null, for an empty candidate set */
    static Selector empty(String strategy) {
        return new FixedSelector(strategy, null);
    }

    /** @return a selector that always answers {@code candidate} */
    static Selector of(String strategy, Candidate candidate) {
        return new FixedSelector(strategy, candidate);
    }

    @Override
    public @Nullable Candidate select(SelectionContext context) {
        return candidate;
    }

    @Override
    public String toString() {
        return strategy + (candidate == null ? "{no candidates}" : "{" + candidate.instance().id() + '}');
    }
}
