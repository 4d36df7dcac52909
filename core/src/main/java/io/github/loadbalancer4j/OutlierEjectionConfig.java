package io.github.loadbalancer4j;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.internal.Durations;
import java.time.Duration;

/**
 * Outlier ejection relative to the fleet: every {@linkplain #getInterval() interval} the load balancer
 * looks at how the calls of that interval went on each instance and ejects the instances that do much
 * worse than the others, by opening their own circuit breaker (so the breaker's wait, HALF_OPEN
 * probes, events and metrics apply). It catches the gray failure a breaker cannot: an instance that
 * fails 10% of its calls never reaches a 50% breaker's threshold.
 *
 * <p>Two modes, with the names and defaults of Envoy's outlier detection and gRPC's proposal A50:
 * <ul>
 *   <li>{@link Mode#SUCCESS_RATE} (the default): among the instances with at least
 *       {@linkplain #getRequestVolume() requestVolume} calls in the interval (at least
 *       {@linkplain #getMinimumHosts() minimumHosts} of them, or nothing is judged), an instance whose
 *       success rate is below {@code mean - stdevFactor x stdev} of those rates is an outlier, if its
 *       failures are also more than chance explains (see {@link #getSignificance()});</li>
 *   <li>{@link Mode#FAILURE_PERCENTAGE}: an instance with at least {@code requestVolume} calls whose
 *       failures are at least {@linkplain #getFailurePercentageThreshold() threshold} percent of them
 *       is an outlier, whatever the others do.</li>
 * </ul>
 * At most {@linkplain #getMaxEjectionPercent() maxEjectionPercent} of the known instances are out at
 * once, counted after the ejection; one instance may always be ejected when none is out. Immutable;
 * built with {@link #custom()}, {@link #from(OutlierEjectionConfig)} or {@link #ofDefaults()}; every
 * builder method checks its argument at once, {@link Builder#build()} checks combinations.
 */
public final class OutlierEjectionConfig {

    /** How outliers are told apart. */
    public enum Mode {
        /** Success rate below the fleet's mean by more than {@code stdevFactor} standard deviations. */
        SUCCESS_RATE,
        /** Failure percentage at or above a fixed threshold. */
        FAILURE_PERCENTAGE
    }

    /** Envoy's and gRPC's {@code interval}: one sweep every 10 s. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** The shortest interval accepted: each sweep looks at every instance and rebuilds the load balancer's snapshot. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    /** The longest interval accepted: counts older than a day say nothing about an instance now. */
    public static final Duration MAX_INTERVAL = Duration.ofDays(1);
    /** Envoy's and gRPC's {@code max_ejection_percent}. */
    public static final int DEFAULT_MAX_EJECTION_PERCENT = 10;
    /** Envoy's {@code success_rate_stdev_factor} (1900 / 1000) and gRPC's {@code success_rate_ejection.stdev_factor}. */
    public static final double DEFAULT_STDEV_FACTOR = 1.9;
    /** Envoy's {@code failure_percentage_threshold} and gRPC's {@code failure_percentage_ejection.threshold}. */
    public static final int DEFAULT_FAILURE_PERCENTAGE_THRESHOLD = 85;
    /** Envoy's and gRPC's {@code minimum_hosts}, in both modes. */
    public static final int DEFAULT_MINIMUM_HOSTS = 5;
    /** Envoy's {@code success_rate_request_volume} and gRPC's {@code success_rate_ejection.request_volume}. */
    public static final int DEFAULT_SUCCESS_RATE_REQUEST_VOLUME = 100;
    /** Envoy's {@code failure_percentage_request_volume} and gRPC's {@code failure_percentage_ejection.request_volume}. */
    public static final int DEFAULT_FAILURE_PERCENTAGE_REQUEST_VOLUME = 50;
    /**
     * Ours (Envoy and gRPC have no such test): an instance is an outlier in success-rate mode only if an
     * instance failing as often as the rest of the fleet would fail as often as it did with a chance
     * below one in a million. Without it, a fleet whose instances all fail 1% of calls loses one
     * healthy instance in about a third of the sweeps to chance alone (the worst of ten draws is often
     * 1.9 standard deviations out).
     */
    public static final double DEFAULT_SIGNIFICANCE = 1e-6;

    private final Duration interval;
    private final int maxEjectionPercent;
    private final Mode mode;
    private final double stdevFactor;
    private final int failurePercentageThreshold;
    private final int minimumHosts;
    private final int requestVolume;
    private final double significance;
    /** The request volume as set, 0 when the mode's default applies: what {@link #from} copies. */
    private final int requestVolumeSet;

    private OutlierEjectionConfig(Builder b) {
        this.interval = b.interval;
        this.maxEjectionPercent = b.maxEjectionPercent;
        this.mode = b.mode;
        this.stdevFactor = b.stdevFactor;
        this.failurePercentageThreshold = b.failurePercentageThreshold;
        this.minimumHosts = b.minimumHosts;
        this.requestVolume = b.requestVolume != 0 ? b.requestVolume
                : b.mode == Mode.SUCCESS_RATE ? DEFAULT_SUCCESS_RATE_REQUEST_VOLUME : DEFAULT_FAILURE_PERCENTAGE_REQUEST_VOLUME;
        this.significance = b.significance;
        this.requestVolumeSet = b.requestVolume;
    }

    /** @return a builder starting from the defaults: success-rate mode with Envoy's and gRPC's values */
    public static Builder custom() {
        return new Builder();
    }

    /**
     * Returns a builder starting from another config's values.
     *
     * @param base the config to copy
     * @return a builder
     */
    public static Builder from(OutlierEjectionConfig base) {
        return new Builder(requireNonNull(base, "base"));
    }

    /** @return success-rate ejection with every default */
    public static OutlierEjectionConfig ofDefaults() {
        return custom().build();
    }

    /** @return the time between two sweeps */
    public Duration getInterval() {
        return interval;
    }

    /** @return the largest share of the known instances, in percent, that may be out at once (one always may) */
    public int getMaxEjectionPercent() {
        return maxEjectionPercent;
    }

    /** @return how outliers are told apart */
    public Mode getMode() {
        return mode;
    }

    /** @return success-rate mode: how many standard deviations below the mean an outlier is */
    public double getStdevFactor() {
        return stdevFactor;
    }

    /** @return failure-percentage mode: the failure percentage, 1-100, from which an instance is an outlier */
    public int getFailurePercentageThreshold() {
        return failurePercentageThreshold;
    }

    /** @return how many instances must have {@link #getRequestVolume()} calls in an interval for any to be judged */
    public int getMinimumHosts() {
        return minimumHosts;
    }

    /** @return the calls an instance needs in one interval to be judged (and, in success-rate mode, to count in the mean) */
    public int getRequestVolume() {
        return requestVolume;
    }

    /**
     * Success-rate mode: the largest chance, for an instance failing at the rate of the rest of the
     * fleet, of failing at least as often as the instance did, at which it is still ejected (a
     * one-sided binomial test; 1.0 turns the test off and leaves Envoy's and gRPC's rule alone).
     *
     * @return the significance, in (0, 1]
     */
    public double getSignificance() {
        return significance;
    }

    @Override
    public String toString() {
        String rule = mode == Mode.SUCCESS_RATE
                ? "successRate(stdevFactor=" + stdevFactor + ", significance=" + significance + ")"
                : "failurePercentage(threshold=" + failurePercentageThreshold + "%)";
        return "OutlierEjectionConfig{" + rule + ", interval=" + interval + ", maxEjectionPercent=" + maxEjectionPercent
                + ", minimumHosts=" + minimumHosts + ", requestVolume=" + requestVolume + '}';
    }

    /** Builds an {@link OutlierEjectionConfig}. */
    public static final class Builder {
        private Duration interval = DEFAULT_INTERVAL;
        private int maxEjectionPercent = DEFAULT_MAX_EJECTION_PERCENT;
        private Mode mode = Mode.SUCCESS_RATE;
        private double stdevFactor = DEFAULT_STDEV_FACTOR;
        private int failurePercentageThreshold = DEFAULT_FAILURE_PERCENTAGE_THRESHOLD;
        private int minimumHosts = DEFAULT_MINIMUM_HOSTS;
        /** 0 until set: the mode's default. */
        private int requestVolume;
        private double significance = DEFAULT_SIGNIFICANCE;
        // What was set explicitly, for build()'s checks of combinations.
        private boolean successRateSet;
        private boolean failurePercentageSet;
        private boolean significanceSet;

        private Builder() {
        }

        private Builder(OutlierEjectionConfig base) {
            this.interval = base.interval;
            this.maxEjectionPercent = base.maxEjectionPercent;
            this.mode = base.mode;
            this.stdevFactor = base.stdevFactor;
            this.failurePercentageThreshold = base.failurePercentageThreshold;
            this.minimumHosts = base.minimumHosts;
            this.requestVolume = base.requestVolumeSet;
            this.significance = base.significance;
        }

        /**
         * Sets the time between two sweeps. A sweep runs at the first call after the interval is over
         * and judges the calls that ended since the previous one.
         *
         * @param interval from {@link #MIN_INTERVAL} (100 ms) to {@link #MAX_INTERVAL} (1 day)
         * @return this builder
         * @throws IllegalArgumentException if out of that range
         */
        public Builder interval(Duration interval) {
            requireNonNull(interval, "interval");
            if (interval.compareTo(MAX_INTERVAL) > 0) {
                throw new IllegalArgumentException("interval: " + interval + " (expected: 100 ms to 1 day)");
            }
            this.interval = Durations.requireAtLeast("interval", interval, MIN_INTERVAL, "100 ms to 1 day");
            return this;
        }

        /**
         * Sets the largest share of the known instances that may be out at once, counted after the
         * ejection: with 10 instances and 10%, one. An instance whose breaker is OPEN for any reason
         * counts as out. One instance may always be ejected while none is out, however few
         * instances there are.
         *
         * @param percent 1-100
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxEjectionPercent(int percent) {
            if (percent < 1 || percent > 100) {
                throw new IllegalArgumentException("maxEjectionPercent: " + percent + " (expected: 1-100)");
            }
            this.maxEjectionPercent = percent;
            return this;
        }

        /**
         * Judges by success rate (the default mode): an instance is an outlier when its success rate
         * is below {@code mean - stdevFactor x stdev} of the success rates of the instances with enough
         * calls.
         *
         * @param stdevFactor {@code > 0}; Envoy's and gRPC's default is 1.9 (given there as 1900)
         * @return this builder
         * @throws IllegalArgumentException if not a positive finite number
         */
        public Builder successRate(double stdevFactor) {
            if (!(stdevFactor > 0) || Double.isInfinite(stdevFactor)) {
                throw new IllegalArgumentException("stdevFactor: " + stdevFactor + " (expected: > 0)");
            }
            this.mode = Mode.SUCCESS_RATE;
            this.stdevFactor = stdevFactor;
            this.successRateSet = true;
            return this;
        }

        /**
         * Judges by failure percentage: an instance whose failures are at least this percentage of its
         * calls in an interval is an outlier, whatever the others do.
         *
         * @param threshold 1-100; Envoy's and gRPC's default is 85
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder failurePercentage(int threshold) {
            if (threshold < 1 || threshold > 100) {
                throw new IllegalArgumentException("failurePercentageThreshold: " + threshold + " (expected: 1-100)");
            }
            this.mode = Mode.FAILURE_PERCENTAGE;
            this.failurePercentageThreshold = threshold;
            this.failurePercentageSet = true;
            return this;
        }

        /**
         * Sets how many instances must have {@link #requestVolume(int)} calls in an interval for any
         * instance to be judged.
         *
         * @param hosts {@code >= 1}; default 5
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder minimumHosts(int hosts) {
            if (hosts < 1) {
                throw new IllegalArgumentException("minimumHosts: " + hosts + " (expected: >= 1)");
            }
            this.minimumHosts = hosts;
            return this;
        }

        /**
         * Sets how many calls an instance needs in one interval to be judged.
         *
         * @param calls {@code >= 1}; default 100 in success-rate mode, 50 in failure-percentage mode
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder requestVolume(int calls) {
            if (calls < 1) {
                throw new IllegalArgumentException("requestVolume: " + calls + " (expected: >= 1)");
            }
            this.requestVolume = calls;
            return this;
        }

        /**
         * Success-rate mode: sets how unlikely an instance's failures must be, for an instance as good
         * as the rest of the fleet, before it may be ejected (see {@link OutlierEjectionConfig#getSignificance()}).
         *
         * @param significance in (0, 1]; 1.0 turns the test off (Envoy's and gRPC's behaviour); default 1e-6
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder significance(double significance) {
            if (!(significance > 0 && significance <= 1)) {
                throw new IllegalArgumentException("significance: " + significance + " (expected: > 0.0 and <= 1.0)");
            }
            this.significance = significance;
            this.significanceSet = true;
            return this;
        }

        /**
         * @return the config
         * @throws IllegalStateException if both modes were chosen, or a success-rate setting was given
         *     with failure-percentage mode
         */
        public OutlierEjectionConfig build() {
            if (successRateSet && failurePercentageSet) {
                throw new IllegalStateException("successRate(" + stdevFactor + ") and failurePercentage("
                        + failurePercentageThreshold + ") were both set (expected: one mode)");
            }
            if (significanceSet && mode == Mode.FAILURE_PERCENTAGE) {
                throw new IllegalStateException("significance(" + significance + ") was set with failurePercentage("
                        + failurePercentageThreshold + ") (expected: significance only in success-rate mode)");
            }
            return new OutlierEjectionConfig(this);
        }

    }
}
