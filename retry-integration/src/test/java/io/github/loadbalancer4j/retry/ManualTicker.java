package io.github.loadbalancer4j.retry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanosecond ticker that moves only when a test says so. */
final class ManualTicker implements LongSupplier {

    private final AtomicLong nanos = new AtomicLong(Duration.ofDays(20_000).toNanos());

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public long getAsLong() {
        return nanos.get();
    }
}
