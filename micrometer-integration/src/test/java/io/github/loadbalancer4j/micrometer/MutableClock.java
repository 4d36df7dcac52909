package io.github.loadbalancer4j.micrometer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A clock and nano ticker that move only when a test says so; both read the same time. */
final class MutableClock extends Clock {

    private final AtomicLong nanos = new AtomicLong(Duration.ofDays(20_000).toNanos());

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    LongSupplier ticker() {
        return nanos::get;
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
