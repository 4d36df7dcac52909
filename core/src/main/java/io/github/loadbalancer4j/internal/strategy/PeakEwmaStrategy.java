package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import org.jspecify.annotations.Nullable;

/**
 * Peak EWMA, as Finagle and Linkerd define it: the power of two choices on a cost of
 * {@code latencyCost x (inFlight + 1)}, where the latency cost is the load balancer's per-instance
 * peak EWMA ({@link Candidate#latencyCost()}: decay 10 s, failures counted as slow). An instance with
 * no latency yet costs nothing while idle, so new instances are tried at once, and a large penalty
 * plus its in-flight count while busy, so they are not flooded before their first answer.
 */
public final class PeakEwmaStrategy implements SelectionStrategy {

    /** The one instance: the strategy has no parameters. */
    public static final PeakEwmaStrategy INSTANCE = new PeakEwmaStrategy();

    /** Finagle's penalty for a busy instance with no latency yet: far above any real cost. */
    static final double PENALTY = (double) (Long.MAX_VALUE >> 16);

    private static final String NAME = "peakEwma";

    private PeakEwmaStrategy() {
    }

    @Override
    public Selector newSelector(Candidates available) {
        Candidate[] candidates = available.toArray();
        if (candidates.length == 0) {
            return FixedSelector.empty(NAME);
        }
        if (candidates.length == 1) {
            return FixedSelector.of(NAME, candidates[0]);
        }
        return new PeakEwmaSelector(candidates);
    }

    /** @return the candidate's cost; lower is better */
    static double cost(Candidate candidate) {
        int inFlight = candidate.inFlight();
        double latency = candidate.latencyCost();
        if (latency == 0.0 && inFlight > 0) {
            return PENALTY + inFlight;
        }
        return latency * (inFlight + 1);
    }

    @Override
    public String toString() {
        return NAME;
    }

    private static final class PeakEwmaSelector implements Selector {
        private final Candidate[] candidates;

        PeakEwmaSelector(Candidate[] candidates) {
            this.candidates = candidates;
        }

        @Override
        public @Nullable Candidate select(SelectionContext context) {
            long pair = PowerOfTwoChoices.drawPair(candidates.length);
            Candidate a = candidates[PowerOfTwoChoices.first(pair)];
            Candidate b = candidates[PowerOfTwoChoices.second(pair)];
            return cost(b) < cost(a) ? b : a;
        }

        @Override
        public String toString() {
            return NAME + '{' + candidates.length + " candidates}";
        }
    }
}
