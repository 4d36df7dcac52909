package io.github.loadbalancer4j.benchmarks.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * The simulation's time: a nanosecond ticker and a wall {@link Clock} that only move when the event
 * loop moves them. Handed to the load balancer through {@code LoadBalancerConfig.custom().clock(...).ticker(...)},
 * so call durations, latency averages and circuit breaker waits all follow virtual time.
 */
public final class VirtualTime extends Clock implements LongSupplier {

    private static final Instant ORIGIN = Instant.parse("2026-01-01T00:00:00Z");

    private long nanos;

    /** @return nanoseconds since the simulation started */
    public long nanos() {
        return nanos;
    }

    /**
     * Moves time forward.
     *
     * @param to nanoseconds since the start; never earlier than now
     * @throws IllegalArgumentException if {@code to} is in the past
     */
    void advanceTo(long to) {
        if (to < nanos) {
            throw new IllegalArgumentException("to: " + to + " (expected: >= " + nanos + ")");
        }
        nanos = to;
    }

    @Override
    public long getAsLong() {
        return nanos;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this; // the simulation has one time line; zones only matter for formatting
    }

    @Override
    public Instant instant() {
        return ORIGIN.plusNanos(nanos);
    }

    @Override
    public long millis() {
        return ORIGIN.toEpochMilli() + nanos / 1_000_000L;
    }

    @Override
    public String toString() {
        return "VirtualTime{" + nanos + " ns}";
    }
}
