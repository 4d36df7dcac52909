package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import io.github.loadbalancer4j.internal.Randomness;
import org.jspecify.annotations.Nullable;

/**
 * Weighted round robin. {@link #newSelector} turns the weights into small integers and lays out one
 * period of an earliest-deadline-first schedule (instance i's k-th turn is due at (k + 1/2) / w_i), so
 * an instance's turns are spread evenly over the period rather than bunched; a pick walks that array
 * with a position per thread ({@link Cycle}). When the period would be longer than {@link #MAX_SCHEDULE} entries (huge
 * or very uneven weights over many instances), picks follow a golden-ratio sequence over the cumulative
 * weights instead: O(log n), also deterministic and evenly spread.
 */
final class WeightedRoundRobinStrategy implements SelectionStrategy {

    /** The one instance: the strategy has no parameters. */
    static final WeightedRoundRobinStrategy INSTANCE = new WeightedRoundRobinStrategy();

    /** The longest schedule laid out: 64 Ki entries (256 KB of references at most). */
    static final int MAX_SCHEDULE = 1 << 16;
    /** Fractional weights (slow start) are rounded to this many steps of the largest weight. */
    static final int RESOLUTION = 1000;

    private static final String NAME = "weightedRoundRobin";
    /** 2^64 divided by the golden ratio: consecutive multiples are as evenly spread as any sequence can be. */
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private WeightedRoundRobinStrategy() {
    }

    @Override
    public Selector newSelector(Candidates available) {
        return newSelector(NAME, Weights.of(available));
    }

    /** Weighted round robin over {@code w}, named {@code strategy}; also round robin's, during slow start. */
    static Selector newSelector(String strategy, Weights w) {
        if (w.size() <= 1 || w.uniform) {
            return RoundRobinStrategy.newSelector(strategy, w.candidates);
        }
        long[] turns = turns(w.weights);
        long period = 0;
        for (long t : turns) {
            period += t;
        }
        if (period <= MAX_SCHEDULE) {
            return new ScheduleSelector(strategy, schedule(w.candidates, turns, (int) period), w.size());
        }
        return new GoldenRatioSelector(strategy, w.candidates, w.weights);
    }

    /** The weights as the smallest integers in the same ratio (fractional weights rounded first). */
    static long[] turns(double[] weights) {
        long[] turns = new long[weights.length];
        boolean integral = true;
        double max = 0;
        for (double w : weights) {
            integral &= w == Math.rint(w) && w <= Integer.MAX_VALUE;
            max = Math.max(max, w);
        }
        double scale = integral ? 1.0 : RESOLUTION / max;
        long gcd = 0;
        for (int i = 0; i < weights.length; i++) {
            turns[i] = Math.max(1, Math.round(weights[i] * scale)); // a positive weight keeps at least one turn
            gcd = gcd(gcd, turns[i]);
        }
        for (int i = 0; i < turns.length; i++) {
            turns[i] /= gcd;
        }
        return turns;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /**
     * One period, earliest deadline first; ties go to the lower index. Deadlines are compared as
     * fractions, (2k_a + 1) / (2 t_a) against (2k_b + 1) / (2 t_b), so no rounding can reorder them.
     */
    static Candidate[] schedule(Candidate[] candidates, long[] turns, int period) {
        int n = candidates.length;
        long[] taken = new long[n];
        int[] heap = new int[n];
        for (int i = 0; i < n; i++) {
            heap[i] = i;
        }
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(heap, i, n, taken, turns);
        }
        Candidate[] schedule = new Candidate[period];
        for (int slot = 0; slot < period; slot++) {
            int top = heap[0];
            schedule[slot] = candidates[top];
            taken[top]++;
            siftDown(heap, 0, n, taken, turns);
        }
        return schedule;
    }

    private static void siftDown(int[] heap, int i, int n, long[] taken, long[] turns) {
        int item = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && earlier(heap[child + 1], heap[child], taken, turns)) {
                child++;
            }
            if (!earlier(heap[child], item, taken, turns)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = item;
    }

    private static boolean earlier(int a, int b, long[] taken, long[] turns) {
        // turns <= 2^16 and taken <= turns within one period here, so the products fit in a long.
        long da = (2 * taken[a] + 1) * turns[b];
        long db = (2 * taken[b] + 1) * turns[a];
        return da < db || (da == db && a < b);
    }

    @Override
    public String toString() {
        return NAME;
    }

    private static final class ScheduleSelector implements Selector {
        private final String strategy;
        private final Candidate[] schedule;
        private final int candidates;
        private final Cycle cycle;

        ScheduleSelector(String strategy, Candidate[] schedule, int candidates) {
            this.strategy = strategy;
            this.schedule = schedule;
            this.candidates = candidates;
            this.cycle = new Cycle(schedule.length);
        }

        @Override
        public @Nullable Candidate select(SelectionContext context) {
            return schedule[cycle.next()];
        }

        @Override
        public String toString() {
            return strategy + '{' + candidates + " candidates, a schedule of " + schedule.length + '}';
        }
    }

    private static final class GoldenRatioSelector implements Selector {
        private final String strategy;
        private final Candidate[] candidates;
        /** cumulative[i] = weights[0] + ... + weights[i]. */
        private final double[] cumulative;
        private final double total;
        /** Each thread's own place in the sequence, from a random start: no counter shared between threads. */
        private final ThreadLocal<long[]> next = ThreadLocal.withInitial(() -> new long[] {Randomness.current().nextLong()});

        GoldenRatioSelector(String strategy, Candidate[] candidates, double[] weights) {
            this.strategy = strategy;
            this.candidates = candidates;
            this.cumulative = new double[weights.length];
            double sum = 0;
            for (int i = 0; i < weights.length; i++) {
                sum += weights[i];
                cumulative[i] = sum;
            }
            this.total = sum;
        }

        @Override
        public @Nullable Candidate select(SelectionContext context) {
            // The fractional parts of k / phi, as 53-bit fractions: an evenly spread point in [0, total).
            long[] k = next.get();
            double point = ((k[0]++ * GOLDEN_GAMMA) >>> 11) * 0x1.0p-53 * total;
            int lo = 0;
            int hi = cumulative.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] > point) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return candidates[lo];
        }

        @Override
        public String toString() {
            return strategy + '{' + candidates.length + " candidates, golden-ratio sequence}";
        }
    }
}
