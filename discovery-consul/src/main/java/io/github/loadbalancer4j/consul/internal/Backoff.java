package io.github.loadbalancer4j.consul.internal;

import java.util.function.DoubleSupplier;

/**
 * How long the loop waits after failed queries: exponential from {@code initial}, doubling with every
 * failure in a row up to {@code max}, each wait drawn between half and all of that ("equal jitter", so
 * many clients that lost Consul together do not come back together). Not thread-safe: one loop uses
 * it at a time.
 */
final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private final DoubleSupplier random;
    private int failures;

    /**
     * Creates the backoff.
     *
     * @param initialNanos the ceiling of the first wait, {@code > 0}
     * @param maxNanos the largest ceiling, {@code >= initialNanos}
     * @param random values in [0, 1)
     */
    Backoff(long initialNanos, long maxNanos, DoubleSupplier random) {
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
        this.random = random;
    }

    /**
     * Counts one more failure in a row.
     *
     * @return how long to wait before the next query, in nanoseconds
     */
    long nextDelayNanos() {
        failures = Math.min(failures + 1, 62);
        long ceiling = initialNanos;
        for (int i = 1; i < failures && ceiling < maxNanos; i++) {
            ceiling = ceiling > maxNanos / 2 ? maxNanos : ceiling * 2;
        }
        ceiling = Math.min(ceiling, maxNanos);
        long half = ceiling / 2;
        return half + (long) (random.getAsDouble() * (ceiling - half));
    }

    /** Forgets the failures: the next failure waits from {@code initial} again. */
    void reset() {
        failures = 0;
    }

    /** @return the failures in a row so far */
    int failures() {
        return failures;
    }
}
