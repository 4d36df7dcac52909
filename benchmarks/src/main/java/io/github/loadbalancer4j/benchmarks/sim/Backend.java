package io.github.loadbalancer4j.benchmarks.sim;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One simulated backend: how long it answers, how often it succeeds, how many calls it serves at
 * once, and phases during which it behaves differently (slower, failing). Immutable; built with
 * {@link #builder(String)}.
 */
public final class Backend {

    private final String name;
    private final Latency latency;
    private final @Nullable Latency failureLatency;
    private final double successRate;
    private final int concurrency;
    private final @Nullable String zone;
    private final int weight;
    private final List<Phase> phases;

    private Backend(Builder b) {
        this.name = b.name;
        this.latency = b.latency;
        this.failureLatency = b.failureLatency;
        this.successRate = b.successRate;
        this.concurrency = b.concurrency;
        this.zone = b.zone;
        this.weight = b.weight;
        this.phases = List.copyOf(b.phases);
    }

    /**
     * Starts a backend: by default it answers in a fixed 10 ms, always succeeds, serves any number of
     * calls at once, has weight 1 and no zone.
     *
     * @param name the name, unique in a scenario (letters, digits, '-')
     * @return a builder
     * @throws IllegalArgumentException if the name is not of that form
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the latency outside any phase */
    public Latency latency() {
        return latency;
    }

    /** @return how long a failed call takes, or null when failures take {@link #latency()} like the rest */
    public @Nullable Latency failureLatency() {
        return failureLatency;
    }

    /** @return the share of calls that succeed outside any phase, 0.0-1.0 */
    public double successRate() {
        return successRate;
    }

    /** @return how many calls it serves at once (the others wait in a FIFO queue); 0 is unlimited */
    public int concurrency() {
        return concurrency;
    }

    /** @return the zone, or null */
    public @Nullable String zone() {
        return zone;
    }

    /** @return the weight its instance carries */
    public int weight() {
        return weight;
    }

    /** @return the phases, in the order given; the first one covering a moment applies */
    public List<Phase> phases() {
        return phases;
    }

    /** @return a builder starting from this backend */
    public Builder toBuilder() {
        Builder b = new Builder(name).latency(latency).successRate(successRate).concurrency(concurrency).zone(zone)
                .weight(weight);
        b.failureLatency = failureLatency;
        b.phases.addAll(phases);
        return b;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(": ").append(latency);
        if (successRate < 1.0) {
            sb.append(", ").append(Math.round(successRate * 1000) / 10.0).append("% success");
        }
        if (failureLatency != null) {
            sb.append(", failures in ").append(failureLatency);
        }
        if (concurrency > 0) {
            sb.append(", ").append(concurrency).append(" at a time");
        }
        if (weight != 1) {
            sb.append(", weight ").append(weight);
        }
        if (zone != null) {
            sb.append(", zone ").append(zone);
        }
        for (Phase p : phases) {
            sb.append(", ").append(p);
        }
        return sb.toString();
    }

    /**
     * A time window (from the start of the simulation) in which a backend's latency is replaced or
     * multiplied, and/or its success rate replaced.
     */
    public static final class Phase {
        final long fromNanos;
        final long toNanos;
        final @Nullable Latency latency;
        final double factor;
        final double successRate;

        Phase(Duration from, Duration to, @Nullable Latency latency, double factor, double successRate) {
            requireNonNull(from, "from");
            requireNonNull(to, "to");
            if (from.isNegative() || to.compareTo(from) <= 0) {
                throw new IllegalArgumentException("phase: " + from + "-" + to + " (expected: 0 <= from < to)");
            }
            this.fromNanos = from.toNanos();
            this.toNanos = to.toNanos();
            this.latency = latency;
            this.factor = factor;
            this.successRate = successRate;
        }

        boolean covers(long nanos) {
            return nanos >= fromNanos && nanos < toNanos;
        }

        @Override
        public String toString() {
            String window = DurationText.format(Duration.ofNanos(fromNanos)) + "-" + DurationText.format(Duration.ofNanos(toNanos));
            StringBuilder sb = new StringBuilder(window).append(':');
            if (latency != null) {
                sb.append(' ').append(latency);
            }
            if (factor != 1.0) {
                sb.append(" x").append(factor).append(" slower");
            }
            if (successRate >= 0) {
                sb.append(' ').append(Math.round(successRate * 1000) / 10.0).append("% success");
            }
            return sb.toString();
        }
    }

    /** Builds a {@link Backend}; every setter checks its value at once. */
    public static final class Builder {
        private final String name;
        private Latency latency = Latency.fixed(Duration.ofMillis(10));
        private @Nullable Latency failureLatency;
        private double successRate = 1.0;
        private int concurrency;
        private @Nullable String zone;
        private int weight = 1;
        private final List<Phase> phases = new ArrayList<>();

        private Builder(String name) {
            requireNonNull(name, "name");
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9-]*")) {
                throw new IllegalArgumentException("name: '" + name + "' (expected: letters, digits and '-')");
            }
            this.name = name;
        }

        /**
         * @param latency how long it answers, failures included
         * @return this builder
         */
        public Builder latency(Latency latency) {
            this.latency = requireNonNull(latency, "latency");
            return this;
        }

        /**
         * Failed calls take this long instead of {@link #latency(Latency)} (a backend that fails fast,
         * with a 500 from a broken dependency); phases that change the latency do not change this one.
         *
         * @param latency how long a failed call takes
         * @return this builder
         */
        public Builder failureLatency(Latency latency) {
            this.failureLatency = requireNonNull(latency, "failureLatency");
            return this;
        }

        /**
         * @param rate the share of calls that succeed, 0.0-1.0
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder successRate(double rate) {
            this.successRate = checkRate(rate);
            return this;
        }

        /**
         * @param calls how many calls it serves at once, the others waiting in a FIFO queue; 0 is unlimited
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder concurrency(int calls) {
            if (calls < 0) {
                throw new IllegalArgumentException("concurrency: " + calls + " (expected: >= 0, 0 for unlimited)");
            }
            this.concurrency = calls;
            return this;
        }

        /**
         * @param zone the zone of its instance, or null
         * @return this builder
         */
        public Builder zone(@Nullable String zone) {
            this.zone = zone;
            return this;
        }

        /**
         * @param weight the weight of its instance, {@code >= 0}
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder weight(int weight) {
            if (weight < 0) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
            }
            this.weight = weight;
            return this;
        }

        /**
         * From {@code from} to {@code to} the backend answers with another latency.
         *
         * @param from start of the window, from the start of the simulation
         * @param to end of the window (exclusive)
         * @param latency the latency in the window
         * @return this builder
         * @throws IllegalArgumentException if the window is empty or negative
         */
        public Builder latencyDuring(Duration from, Duration to, Latency latency) {
            phases.add(new Phase(from, to, requireNonNull(latency, "latency"), 1.0, -1));
            return this;
        }

        /**
         * From {@code from} to {@code to} the backend is {@code factor} times slower.
         *
         * @param from start of the window
         * @param to end of the window (exclusive)
         * @param factor {@code > 0}
         * @return this builder
         * @throws IllegalArgumentException if the window is empty or the factor not positive
         */
        public Builder slowerDuring(Duration from, Duration to, double factor) {
            if (!(factor > 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("factor: " + factor + " (expected: > 0)");
            }
            phases.add(new Phase(from, to, null, factor, -1));
            return this;
        }

        /**
         * From {@code from} to {@code to} the backend succeeds at another rate.
         *
         * @param from start of the window
         * @param to end of the window (exclusive)
         * @param rate 0.0-1.0
         * @return this builder
         * @throws IllegalArgumentException if the window is empty or the rate out of range
         */
        public Builder successRateDuring(Duration from, Duration to, double rate) {
            phases.add(new Phase(from, to, null, 1.0, checkRate(rate)));
            return this;
        }

        /** @return the backend */
        public Backend build() {
            return new Backend(this);
        }

        private static double checkRate(double rate) {
            if (!(rate >= 0.0 && rate <= 1.0)) {
                throw new IllegalArgumentException("successRate: " + rate + " (expected: 0.0-1.0)");
            }
            return rate;
        }
    }
}
