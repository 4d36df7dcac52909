package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The weights of one candidate set, read once when a selector is made: the candidates with a
 * positive weight (weight 0 is never picked while another candidate has weight), or all of them
 * with equal weights when none has a positive weight.
 */
final class Weights {

    final Candidate[] candidates;
    final double[] weights;
    /** Whether every candidate kept has the same weight, so that weighted selection is plain selection. */
    final boolean uniform;

    private Weights(Candidate[] candidates, double[] weights, boolean uniform) {
        this.candidates = candidates;
        this.weights = weights;
        this.uniform = uniform;
    }

    static Weights of(Candidates available) {
        Candidate[] all = available.toArray();
        double[] raw = new double[all.length];
        for (int i = 0; i < all.length; i++) {
            raw[i] = all[i].weight();
        }
        return of(all, raw);
    }

    /**
     * The slow-start factors of candidates as weights, for the strategies that do not select by
     * weight (round robin, random): a warming instance then gets its share of the calls.
     *
     * @return the factors, or null when no candidate is in slow start
     */
    static @Nullable Weights ofSlowStart(Candidate[] all) {
        double[] factors = slowStartFactors(all);
        return factors == null ? null : of(all, factors);
    }

    /** @return each candidate's slow-start factor, or null when none is below 1 */
    static double @Nullable [] slowStartFactors(Candidate[] all) {
        double[] factors = null;
        for (int i = 0; i < all.length; i++) {
            double f = all[i].slowStartFactor();
            if (f < 1.0) {
                if (factors == null) {
                    factors = new double[all.length];
                    Arrays.fill(factors, 1.0);
                }
                factors[i] = f > 0 ? f : 0.0;
            }
        }
        return factors;
    }

    private static Weights of(Candidate[] all, double[] raw) {
        double[] weights = new double[all.length];
        int positive = 0;
        for (int i = 0; i < all.length; i++) {
            double w = raw[i];
            // A NaN or infinite weight from a custom Candidate counts as 0, as a negative one does.
            weights[i] = w > 0 && w < Double.POSITIVE_INFINITY ? w : 0;
            if (weights[i] > 0) {
                positive++;
            }
        }
        if (positive == 0) {
            Arrays.fill(weights, 1.0);
            return new Weights(all, weights, true);
        }
        Candidate[] kept = all;
        double[] keptWeights = weights;
        if (positive < all.length) {
            kept = new Candidate[positive];
            keptWeights = new double[positive];
            int j = 0;
            for (int i = 0; i < all.length; i++) {
                if (weights[i] > 0) {
                    kept[j] = all[i];
                    keptWeights[j++] = weights[i];
                }
            }
        }
        boolean uniform = true;
        for (double w : keptWeights) {
            uniform &= w == keptWeights[0];
        }
        return new Weights(kept, keptWeights, uniform);
    }

    int size() {
        return candidates.length;
    }
}
