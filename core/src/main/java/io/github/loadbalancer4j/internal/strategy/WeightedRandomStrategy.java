package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import io.github.loadbalancer4j.internal.Randomness;
import org.jspecify.annotations.Nullable;

/**
 * Weighted random choice in O(1): Vose's alias method. {@link #newSelector} builds the alias table
 * once per candidate set; a pick is one random draw, one table lookup and one comparison.
 */
final class WeightedRandomStrategy implements SelectionStrategy {

    /** The one instance: the strategy has no parameters. */
    static final WeightedRandomStrategy INSTANCE = new WeightedRandomStrategy();

    private static final String NAME = "weightedRandom";

    private WeightedRandomStrategy() {
    }

    @Override
    public Selector newSelector(Candidates available) {
        return newSelector(NAME, Weights.of(available));
    }

    /** Weighted random choice over {@code w}, named {@code strategy}; also random's, during slow start. */
    static Selector newSelector(String strategy, Weights w) {
        if (w.size() <= 1 || w.uniform) {
            return RandomStrategy.newSelector(strategy, w.candidates);
        }
        return new AliasSelector(strategy, w.candidates, w.weights);
    }

    @Override
    public String toString() {
        return NAME;
    }

    private static final class AliasSelector implements Selector {
        private final String strategy;
        private final Candidate[] candidates;
        /** The chance of keeping column i's own candidate rather than its alias. */
        private final double[] keep;
        private final int[] alias;

        AliasSelector(String strategy, Candidate[] candidates, double[] weights) {
            this.strategy = strategy;
            int n = weights.length;
            this.candidates = candidates;
            this.keep = new double[n];
            this.alias = new int[n];
            double total = 0;
            for (double w : weights) {
                total += w;
            }
            double[] scaled = new double[n];
            int[] small = new int[n];
            int[] large = new int[n];
            int smalls = 0;
            int larges = 0;
            for (int i = 0; i < n; i++) {
                scaled[i] = weights[i] * n / total;
                if (scaled[i] < 1.0) {
                    small[smalls++] = i;
                } else {
                    large[larges++] = i;
                }
            }
            while (smalls > 0 && larges > 0) {
                int s = small[--smalls];
                int l = large[--larges];
                keep[s] = scaled[s];
                alias[s] = l;
                scaled[l] = (scaled[l] + scaled[s]) - 1.0;
                if (scaled[l] < 1.0) {
                    small[smalls++] = l;
                } else {
                    large[larges++] = l;
                }
            }
            // What is left is 1 up to rounding; every weight here is positive, so keeping is always right.
            while (larges > 0) {
                int l = large[--larges];
                keep[l] = 1.0;
                alias[l] = l;
            }
            while (smalls > 0) {
                int s = small[--smalls];
                keep[s] = 1.0;
                alias[s] = s;
            }
        }

        @Override
        public @Nullable Candidate select(SelectionContext context) {
            int n = keep.length;
            double u = Randomness.current().nextDouble() * n;
            int column = Math.min((int) u, n - 1);
            return candidates[u - column < keep[column] ? column : alias[column]];
        }

        @Override
        public String toString() {
            return strategy + '{' + candidates.length + " candidates}";
        }
    }
}
