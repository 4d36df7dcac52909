package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import java.util.Arrays;

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
        double[] weights = new double[all.length];
        int positive = 0;
        for (int i = 0; i < all.length; i++) {
            double w = all[i].weight();
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
