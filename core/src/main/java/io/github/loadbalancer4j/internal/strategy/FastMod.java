package io.github.loadbalancer4j.internal.strategy;

/**
 * {@code a % d} for a non-negative int {@code a} and a divisor fixed when a selector is built,
 * without a division on the hot path (Lemire, Kaser and Kurz, "Faster remainder by direct
 * computation", 2019): two multiplications instead of an integer division that costs 20-40 cycles.
 */
final class FastMod {

    private final long multiplier;
    private final int divisor;

    FastMod(int divisor) {
        if (divisor < 1) {
            throw new IllegalArgumentException("divisor: " + divisor + " (expected: >= 1)");
        }
        this.divisor = divisor;
        this.multiplier = Long.divideUnsigned(-1L, divisor) + 1;
    }

    /** @return {@code a % divisor} for {@code a >= 0} */
    int mod(int a) {
        long lowBits = multiplier * a;
        // The high 64 bits of the unsigned 128-bit product lowBits * divisor (Java 17 has only the signed one).
        return (int) (Math.multiplyHigh(lowBits, divisor) + ((lowBits >> 63) & divisor));
    }
}
