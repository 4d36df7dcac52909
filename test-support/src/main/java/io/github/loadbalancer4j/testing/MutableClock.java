package io.github.loadbalancer4j.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A clock and a nanosecond ticker that move only when a test says so; both read the same time, so a
 * load balancer configured with {@code clock(clock)} and {@code ticker(clock.ticker())} sees one
 * consistent time. Starts far from 0 (20,000 days) so that code subtracting durations never goes
 * negative. Thread-safe.
 */
public final class MutableClock extends Clock {

    private final AtomicLong nanos = new AtomicLong(Duration.ofDays(20_000).toNanos());

    /**
     * Moves time forward.
     *
     * @param duration how far; must not be negative
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
        }
        nanos.addAndGet(duration.toNanos());
    }

    /** @return a ticker reading this clock's time in nanoseconds */
    public LongSupplier ticker() {
        return nanos::get;
    }

    /** @return the time in nanoseconds, as {@link #ticker()} reads it */
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        long n = nanos.get();
        return Instant.ofEpochSecond(n / 1_000_000_000L, n % 1_000_000_000L);
    }

    @Override
    public long millis() {
        return nanos.get() / 1_000_000L;
    }
}
