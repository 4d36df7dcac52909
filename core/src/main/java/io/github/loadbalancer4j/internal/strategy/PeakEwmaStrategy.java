package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import io.github.loadbalancer4j.internal.InstanceState;
import io.github.loadbalancer4j.internal.StampedCost;
import org.jspecify.annotations.Nullable;

/**
 * Peak EWMA, as Finagle and Linkerd define it: the power of two choices on a cost of
 * {@code latencyCost x (inFlight + 1)}, where the latency cost is the load balancer's per-instance
 * peak EWMA ({@link Candidate#latencyCost()}: decay 10 s, failures counted as slow). An instance with
 * no latency yet costs nothing while idle, so new instances are tried at once, and a large penalty
 * plus its in-flight count while busy, so they are not flooded before their first answer.
 */
final class PeakEwmaStrategy implements SelectionStrategy {

    /** The one instance: the strategy has no parameters. */
    static final PeakEwmaStrategy INSTANCE = new PeakEwmaStrategy();

    /** How long a failing instance no call reached waits for a probe. */
    private static final long PROBE_AFTER = StampedCost.probeAfterNanos();

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
        double[] factors = Weights.slowStartFactors(candidates);
        if (factors != null) {
            // A new instance costs nothing until its first answer: without the ramp it takes every draw it is in.
            return new SlowStartPowerOfTwo(NAME, candidates, factors, (b, a) -> cost(candidates[b]) < cost(candidates[a]));
        }
        StampedCost[] states = new StampedCost[candidates.length];
        for (int i = 0; i < candidates.length; i++) {
            if (!(candidates[i] instanceof StampedCost)) {
                return new PeakEwmaSelector(candidates);
            }
            states[i] = (StampedCost) candidates[i];
        }
        return new StampedPeakEwmaSelector(states);
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

    /** Over any candidates: each cost aged to now by {@link Candidate#latencyCost()}. */
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

    /**
     * Over the load balancer's own candidates (which {@link #newSelector} checks once per candidate
     * set). Both latency costs decay by exp(-(now - stamp) / 10 s), so the common factor
     * exp(-now / 10 s) drops out of a comparison: one decay over the two stamps' distance (usually
     * milliseconds) and no clock read, instead of a decay per candidate over its age.
     */
    private static final class StampedPeakEwmaSelector implements Selector {
        private final StampedCost[] candidates;

        StampedPeakEwmaSelector(StampedCost[] candidates) {
            this.candidates = candidates;
        }

        @Override
        public @Nullable Candidate select(SelectionContext context) {
            long pair = PowerOfTwoChoices.drawPair(candidates.length);
            StampedCost a = candidates[PowerOfTwoChoices.first(pair)];
            StampedCost b = candidates[PowerOfTwoChoices.second(pair)];
            return cheaper(b, a) ? b : a;
        }

        /** Whether {@code b} costs less than {@code a}. */
        private static boolean cheaper(StampedCost b, StampedCost a) {
            double costA = a.undecayedCost();
            double costB = b.undecayedCost();
            if (costA == 0.0 || costB == 0.0) {
                return cost(b) < cost(a); // no latency yet: the penalty rules apply
            }
            long newer = b.costStamp() - a.costStamp(); // how much later b's cost was recorded than a's
            // A failing instance that no call reached for a while (told by the other's newer stamp, no
            // clock read) gets one probe at a time: it may be back, and only a call can tell.
            if (newer > PROBE_AFTER && a.failing() && a.inFlight() == 0) {
                return false;
            }
            if (-newer > PROBE_AFTER && b.failing() && b.inFlight() == 0) {
                return true;
            }
            double scoreA = costA * (a.inFlight() + 1);
            double scoreB = costB * (b.inFlight() + 1);
            double w = InstanceState.decay(Math.abs(newer));
            // The older cost decays by w against the newer one; selects rather than branches, as the sign is a coin toss.
            double wa = newer >= 0 ? w : 1.0;
            double wb = newer >= 0 ? 1.0 : w;
            return scoreB * wb < scoreA * wa;
        }

        @Override
        public String toString() {
            return NAME + '{' + candidates.length + " candidates}";
        }
    }
}
