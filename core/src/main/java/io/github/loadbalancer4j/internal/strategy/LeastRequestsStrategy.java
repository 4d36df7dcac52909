package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import org.jspecify.annotations.Nullable;

/**
 * Least requests by the power of two choices: draw two distinct candidates at random and take the one
 * with fewer calls in flight. When the candidates' weights differ, the one with the larger
 * {@code weight / (inFlight + 1)} wins instead; zero-weight candidates then take no part while another
 * has weight.
 */
final class LeastRequestsStrategy implements SelectionStrategy {

    /** The one instance: the strategy has no parameters. */
    static final LeastRequestsStrategy INSTANCE = new LeastRequestsStrategy();

    private static final String NAME = "leastRequests";

    private LeastRequestsStrategy() {
    }

    @Override
    public Selector newSelector(Candidates available) {
        Weights w = Weights.of(available);
        if (w.size() == 0) {
            return FixedSelector.empty(NAME);
        }
        if (w.size() == 1) {
            return FixedSelector.of(NAME, w.candidates[0]);
        }
        double[] factors = Weights.slowStartFactors(w.candidates);
        if (factors != null) {
            return slowStart(w, factors);
        }
        return w.uniform ? new LeastRequestsSelector(w.candidates) : new WeightedLeastRequestsSelector(w.candidates);
    }

    /**
     * While some candidates ramp up: each takes part in a draw with the probability of its factor,
     * and the comparison uses the weights without the ramp, so the ramp is not counted twice.
     */
    private static Selector slowStart(Weights w, double[] factors) {
        Candidate[] c = w.candidates;
        double[] base = new double[c.length];
        boolean uniform = true;
        for (int i = 0; i < c.length; i++) {
            base[i] = factors[i] > 0 ? w.weights[i] / factors[i] : w.weights[i];
            uniform &= base[i] == base[0];
        }
        SlowStartPowerOfTwo.Preference fewerInFlight = (b, a) -> c[b].inFlight() < c[a].inFlight();
        SlowStartPowerOfTwo.Preference moreWeightPerCall =
                (b, a) -> base[b] * (c[a].inFlight() + 1.0) > base[a] * (c[b].inFlight() + 1.0);
        return new SlowStartPowerOfTwo(NAME, c, factors, uniform ? fewerInFlight : moreWeightPerCall);
    }

    @Override
    public String toString() {
        return NAME;
    }

    private static final class LeastRequestsSelector implements Selector {
        private final Candidate[] candidates;

        LeastRequestsSelector(Candidate[] candidates) {
            this.candidates = candidates;
        }

        @Override
        public @Nullable Candidate select(SelectionContext context) {
            long pair = PowerOfTwoChoices.drawPair(candidates.length);
            Candidate a = candidates[PowerOfTwoChoices.first(pair)];
            Candidate b = candidates[PowerOfTwoChoices.second(pair)];
            return b.inFlight() < a.inFlight() ? b : a;
        }

        @Override
        public String toString() {
            return NAME + '{' + candidates.length + " candidates}";
        }
    }

    private static final class WeightedLeastRequestsSelector implements Selector {
        private final Candidate[] candidates;

        WeightedLeastRequestsSelector(Candidate[] candidates) {
            this.candidates = candidates;
        }

        @Override
        public @Nullable Candidate select(SelectionContext context) {
            long pair = PowerOfTwoChoices.drawPair(candidates.length);
            Candidate a = candidates[PowerOfTwoChoices.first(pair)];
            Candidate b = candidates[PowerOfTwoChoices.second(pair)];
            // b wins when weight_b / (inFlight_b + 1) > weight_a / (inFlight_a + 1), compared without dividing.
            double scoreB = b.weight() * (a.inFlight() + 1.0);
            double scoreA = a.weight() * (b.inFlight() + 1.0);
            return scoreB > scoreA ? b : a;
        }

        @Override
        public String toString() {
            return NAME + "{weighted, " + candidates.length + " candidates}";
        }
    }
}
