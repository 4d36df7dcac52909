package io.github.loadbalancer4j.consul.internal;

import java.util.function.LongSupplier;

/**
 * A token bucket for the blocking-query loop, as Consul's "Blocking Queries" page recommends: while
 * answers come rarely the loop never waits, and when the answers churn it lets {@code burst} queries
 * through at once and then one per {@code interval}, instead of turning into a busy loop. Not
 * thread-safe: one loop uses it at a time.
 */
final class TokenBucket {

    private final long intervalNanos;
    private final long capacityNanos;
    private final LongSupplier ticker;
    private long credit;
    private long last;

    /**
     * Creates a full bucket.
     *
     * @param burst how many queries may go at once, {@code >= 1}
     * @param intervalNanos one token comes back per interval; 0 for no limit
     * @param ticker nanosecond time
     */
    TokenBucket(int burst, long intervalNanos, LongSupplier ticker) {
        this.intervalNanos = intervalNanos;
        this.capacityNanos = intervalNanos > Long.MAX_VALUE / burst ? Long.MAX_VALUE : burst * intervalNanos;
        this.ticker = ticker;
        this.credit = capacityNanos;
        this.last = ticker.getAsLong();
    }

    /**
     * Takes a token when one is there.
     *
     * @return 0 when a token was taken, else how many nanoseconds until one is there (none is taken)
     */
    long tryTake() {
        if (intervalNanos == 0) {
            return 0;
        }
        long now = ticker.getAsLong();
        long elapsed = Math.max(0, now - last);
        last = now;
        credit = capacityNanos - credit <= elapsed ? capacityNanos : credit + elapsed;
        if (credit >= intervalNanos) {
            credit -= intervalNanos;
            return 0;
        }
        return intervalNanos - credit;
    }
}
