package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.Selector;
import io.github.loadbalancer4j.internal.Randomness;
import org.jspecify.annotations.Nullable;

/**
 * The power of two choices while some candidates are in slow start: a warming candidate takes part
 * in a draw only with the probability of its slow-start factor, and otherwise loses it to the other
 * one, so its share of the calls follows its ramp (about factor / n of them) whatever its cost or
 * load says. Without this, a new instance with no latency yet costs nothing under peakEwma() and took
 * a third to two thirds of the calls at once. Used only while the ramp runs: the load balancer makes
 * a new selector as the factors move, and the plain selectors once every ramp is over.
 */
final class SlowStartPowerOfTwo implements Selector {

    /** Which of two candidates, by index, the strategy prefers. */
    @FunctionalInterface
    interface Preference {
        /** @return whether the candidate at {@code b} is better than the one at {@code a} */
        boolean prefers(int b, int a);
    }

    private final String strategy;
    private final Candidate[] candidates;
    private final double[] factors;
    private final Preference preference;

    SlowStartPowerOfTwo(String strategy, Candidate[] candidates, double[] factors, Preference preference) {
        this.strategy = strategy;
        this.candidates = candidates;
        this.factors = factors;
        this.preference = preference;
    }

    @Override
    public @Nullable Candidate select(SelectionContext context) {
        long pair = PowerOfTwoChoices.drawPair(candidates.length);
        int a = PowerOfTwoChoices.first(pair);
        int b = PowerOfTwoChoices.second(pair);
        boolean aTakesPart = takesPart(factors[a]);
        boolean bTakesPart = takesPart(factors[b]);
        if (aTakesPart != bTakesPart) {
            return candidates[aTakesPart ? a : b];
        }
        return candidates[preference.prefers(b, a) ? b : a];
    }

    private static boolean takesPart(double factor) {
        return factor >= 1.0 || Randomness.current().nextDouble() < factor;
    }

    @Override
    public String toString() {
        return strategy + '{' + candidates.length + " candidates, slow start}";
    }
}
