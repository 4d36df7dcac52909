package io.github.loadbalancer4j.health;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.internal.Durations;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * How a load balancer checks its instances actively: which {@link HealthChecker}, how often, with
 * what timeout, and after how many failed or passed checks an instance changes state. Immutable;
 * built with {@link #custom(HealthChecker)}. Every setter checks its argument at once;
 * {@link Builder#build()} checks that the timeout is shorter than the interval.
 */
public final class HealthCheckConfig {

    /** Time between two checks of one instance. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /** Each interval is moved by up to this fraction either way, so checks of many instances spread out. */
    public static final double DEFAULT_JITTER = 0.1;
    /** How long one check may take. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * The shortest interval accepted: below it, checks of a few hundred instances would keep a core
     * busy (an interval of 2 ns ran 1.3 million checks a second on two cores).
     */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    /** The shortest timeout accepted: no check over a network answers sooner. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    /** Consecutive failed checks that make an instance unhealthy. */
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
    /** Consecutive passed checks that make an unhealthy instance healthy again. */
    public static final int DEFAULT_HEALTHY_THRESHOLD = 2;

    private final HealthChecker checker;
    private final Duration interval;
    private final double jitter;
    private final Duration timeout;
    private final int unhealthyThreshold;
    private final int healthyThreshold;
    private final boolean waitForFirstCheck;
    private final @Nullable ScheduledExecutorService scheduler;

    private HealthCheckConfig(Builder b) {
        this.checker = b.checker;
        this.interval = b.interval;
        this.jitter = b.jitter;
        this.timeout = b.timeout;
        this.unhealthyThreshold = b.unhealthyThreshold;
        this.healthyThreshold = b.healthyThreshold;
        this.waitForFirstCheck = b.waitForFirstCheck;
        this.scheduler = b.scheduler;
    }

    /**
     * Starts a builder with the defaults.
     *
     * @param checker the check to run
     * @return a builder
     */
    public static Builder custom(HealthChecker checker) {
        return new Builder(requireNonNull(checker, "checker"));
    }

    /**
     * TCP-connect checks with every default.
     *
     * @return the config
     */
    public static HealthCheckConfig ofDefaults() {
        return custom(HealthChecker.tcp()).build();
    }

    /** @return the checker */
    public HealthChecker getChecker() {
        return checker;
    }

    /** @return the time between two checks of one instance */
    public Duration getInterval() {
        return interval;
    }

    /** @return the jitter fraction, 0 to less than 1 */
    public double getJitter() {
        return jitter;
    }

    /** @return how long one check may take */
    public Duration getTimeout() {
        return timeout;
    }

    /** @return consecutive failed checks that make an instance unhealthy */
    public int getUnhealthyThreshold() {
        return unhealthyThreshold;
    }

    /** @return consecutive passed checks that make an unhealthy instance healthy */
    public int getHealthyThreshold() {
        return healthyThreshold;
    }

    /** @return whether a new instance is kept out of selection until its first check passes */
    public boolean isWaitForFirstCheck() {
        return waitForFirstCheck;
    }

    /** @return the user's scheduler to run checks on, or null for the load balancer's own threads */
    public @Nullable ScheduledExecutorService getScheduler() {
        return scheduler;
    }

    @Override
    public String toString() {
        return "HealthCheckConfig{" + checker + ", interval=" + interval + ", jitter=" + jitter + ", timeout=" + timeout
                + ", unhealthyThreshold=" + unhealthyThreshold + ", healthyThreshold=" + healthyThreshold
                + ", waitForFirstCheck=" + waitForFirstCheck + '}';
    }

    /** Builds a {@link HealthCheckConfig}. */
    public static final class Builder {
        private final HealthChecker checker;
        private Duration interval = DEFAULT_INTERVAL;
        private double jitter = DEFAULT_JITTER;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int unhealthyThreshold = DEFAULT_UNHEALTHY_THRESHOLD;
        private int healthyThreshold = DEFAULT_HEALTHY_THRESHOLD;
        private boolean waitForFirstCheck;
        private @Nullable ScheduledExecutorService scheduler;

        private Builder(HealthChecker checker) {
            this.checker = checker;
        }

        /**
         * @param interval time between two checks of one instance, at least {@link #MIN_INTERVAL} (100 ms)
         * @return this builder
         * @throws IllegalArgumentException if shorter than 100 ms, or longer than a count of
         *     nanoseconds holds (292 years)
         */
        public Builder interval(Duration interval) {
            this.interval = Durations.requireAtLeast("interval", interval, MIN_INTERVAL, ">= 100 ms");
            return this;
        }

        /**
         * @param jitter fraction of the interval by which each wait moves either way, 0.0 to below 1.0
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0.0 && jitter < 1.0)) {
                throw new IllegalArgumentException("jitter: " + jitter + " (expected: >= 0.0 and < 1.0)");
            }
            this.jitter = jitter;
            return this;
        }

        /**
         * @param timeout how long one check may take, at least {@link #MIN_TIMEOUT} (1 ms) and shorter
         *     than the interval
         * @return this builder
         * @throws IllegalArgumentException if shorter than 1 ms, or longer than a count of nanoseconds
         *     holds (292 years)
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Durations.requireAtLeast("timeout", timeout, MIN_TIMEOUT, ">= 1 ms");
            return this;
        }

        /**
         * @param checks consecutive failed checks that make an instance unhealthy, {@code >= 1}
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder unhealthyThreshold(int checks) {
            if (checks < 1) {
                throw new IllegalArgumentException("unhealthyThreshold: " + checks + " (expected: >= 1)");
            }
            this.unhealthyThreshold = checks;
            return this;
        }

        /**
         * @param checks consecutive passed checks that make an unhealthy instance healthy, {@code >= 1}
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder healthyThreshold(int checks) {
            if (checks < 1) {
                throw new IllegalArgumentException("healthyThreshold: " + checks + " (expected: >= 1)");
            }
            this.healthyThreshold = checks;
            return this;
        }

        /**
         * @param wait whether a new instance stays out of selection until its first check passes
         *     (default false: new instances are selectable at once)
         * @return this builder
         */
        public Builder waitForFirstCheck(boolean wait) {
            this.waitForFirstCheck = wait;
            return this;
        }

        /**
         * Runs checks on a scheduler of the caller's (not shut down by the load balancer). By
         * default each load balancer with health checks owns two daemon threads, stopped on close.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * @return the config
         * @throws IllegalStateException if the timeout is not shorter than the interval
         */
        public HealthCheckConfig build() {
            if (timeout.compareTo(interval) >= 0) {
                throw new IllegalStateException("timeout: " + timeout + " must be shorter than interval: " + interval
                        + " (expected: timeout < interval)");
            }
            return new HealthCheckConfig(this);
        }
    }
}
