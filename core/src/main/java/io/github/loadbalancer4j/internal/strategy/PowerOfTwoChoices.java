package io.github.loadbalancer4j.internal.strategy;

import io.github.loadbalancer4j.internal.Randomness;
import java.util.random.RandomGenerator;

/**
 * The draw shared by the power-of-two-choices selectors: two distinct indices, each unordered pair
 * equally likely. A static method (inlined by the JIT), not a base class, so that each selector's
 * comparison stays a monomorphic call site.
 */
final class PowerOfTwoChoices {

    private PowerOfTwoChoices() {
    }

    /**
     * Draws two distinct indices below {@code n}.
     *
     * @param n the number of candidates, at least 2
     * @return the first index in the high 32 bits, the second in the low 32 bits
     */
    static long drawPair(int n) {
        RandomGenerator random = Randomness.current();
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++;
        }
        return ((long) i << 32) | j;
    }

    /** @return the first index of a pair from {@link #drawPair} */
    static int first(long pair) {
        return (int) (pair >>> 32);
    }

    /** @return the second index of a pair from {@link #drawPair} */
    static int second(long pair) {
        return (int) pair;
    }
}
