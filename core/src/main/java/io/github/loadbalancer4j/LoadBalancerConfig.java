package io.github.loadbalancer4j;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.internal.Durations;
import io.github.loadbalancer4j.internal.strategy.Strategies;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link LoadBalancer} selects and isolates instances. Immutable; built with
 * {@link #custom()}, {@link #from(LoadBalancerConfig)} or {@link #ofDefaults()}. Every builder
 * method checks its argument at once; {@link Builder#build()} checks combinations.
 */
public final class LoadBalancerConfig {

    /**
     * The default strategy: {@link SelectionStrategy#peakEwma()}. The simulator (benchmarks module,
     * {@code scripts/simulate.sh all}) showed it best, or within 15% of best, in every published
     * scenario: one slow backend, mixed backends, cold start, slow middle, a fast-failing backend;
     * round robin was worst or next to worst in all of them but equal backends.
     */
    public static final SelectionStrategy DEFAULT_SELECTION_STRATEGY = SelectionStrategy.peakEwma();

    /** Off: with no instance available, calls fail fast with {@link NoAvailableInstanceException}. */
    public static final double DEFAULT_PANIC_THRESHOLD = 0.0;

    /** Off: new instances get their full weight at once. */
    public static final Duration DEFAULT_SLOW_START = Duration.ZERO;

    /** How many picks a call makes when it loses races for circuit breaker permissions. */
    public static final int DEFAULT_MAX_SELECTION_ATTEMPTS = 3;

    /**
     * The circuit breaker config each instance gets unless {@link Builder#circuitBreakerConfig} or
     * {@link Builder#circuitBreakerConfigName} says otherwise: a COUNT_BASED window of 20 calls,
     * at least 5 calls, open at 50% failures, open wait growing exponentially from 10 s (with
     * jitter) up to 300 s, automatic transition to HALF_OPEN, 3 calls permitted in HALF_OPEN. A
     * registry's own default (a 100-call window) suits a whole service, not one instance.
     */
    public static final CircuitBreakerConfig DEFAULT_INSTANCE_CIRCUIT_BREAKER_CONFIG = CircuitBreakerConfig.custom()
            .slidingWindow(20, 5, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .failureRateThreshold(50)
            .waitIntervalFunctionInOpenState(
                    IntervalFunction.ofExponentialRandomBackoff(Duration.ofSeconds(10), 2.0, 0.25, Duration.ofSeconds(300)))
            .automaticTransitionFromOpenToHalfOpenEnabled(true)
            .permittedNumberOfCallsInHalfOpenState(3)
            .build();

    private static final LongSupplier SYSTEM_TICKER = System::nanoTime;

    private final SelectionStrategy selectionStrategy;
    private final @Nullable CircuitBreakerRegistry circuitBreakerRegistry;
    private final @Nullable CircuitBreakerConfig circuitBreakerConfig;
    private final @Nullable String circuitBreakerConfigName;
    private final @Nullable HealthCheckConfig healthCheck;
    private final @Nullable OutlierEjectionConfig outlierEjection;
    private final double panicThreshold;
    private final Duration slowStart;
    private final int maxSelectionAttempts;
    private final Clock clock;
    private final LongSupplier ticker;

    private LoadBalancerConfig(Builder b) {
        this.selectionStrategy = b.selectionStrategy;
        this.circuitBreakerRegistry = b.circuitBreakerRegistry;
        this.circuitBreakerConfig = b.circuitBreakerConfig;
        this.circuitBreakerConfigName = b.circuitBreakerConfigName;
        this.healthCheck = b.healthCheck;
        this.outlierEjection = b.outlierEjection;
        this.panicThreshold = b.panicThreshold;
        this.slowStart = b.slowStart;
        this.maxSelectionAttempts = b.maxSelectionAttempts;
        this.clock = b.clock;
        this.ticker = b.ticker;
    }

    /** @return a builder starting from the defaults */
    public static Builder custom() {
        return new Builder();
    }

    /**
     * Returns a builder starting from another config's values.
     *
     * @param base the config to copy
     * @return a builder
     */
    public static Builder from(LoadBalancerConfig base) {
        return new Builder(requireNonNull(base, "base"));
    }

    /** @return the default config */
    public static LoadBalancerConfig ofDefaults() {
        return custom().build();
    }

    /** @return the selection strategy a new load balancer starts with */
    public SelectionStrategy getSelectionStrategy() {
        return selectionStrategy;
    }

    /** @return the registry instance breakers are created in, or null for a private registry per load balancer */
    public @Nullable CircuitBreakerRegistry getCircuitBreakerRegistry() {
        return circuitBreakerRegistry;
    }

    /** @return the explicit instance breaker config, or null */
    public @Nullable CircuitBreakerConfig getCircuitBreakerConfig() {
        return circuitBreakerConfig;
    }

    /** @return the name of a config in the registry to use for instance breakers, or null */
    public @Nullable String getCircuitBreakerConfigName() {
        return circuitBreakerConfigName;
    }

    /** @return how instances are checked actively, or null when active checking is off (the default) */
    public @Nullable HealthCheckConfig getHealthCheck() {
        return healthCheck;
    }

    /** @return how outliers relative to the fleet are ejected, or null when outlier ejection is off (the default) */
    public @Nullable OutlierEjectionConfig getOutlierEjection() {
        return outlierEjection;
    }

    /** @return the fraction of known instances below which selection uses all of them; 0 is off */
    public double getPanicThreshold() {
        return panicThreshold;
    }

    /** @return how long a new or recovered instance takes to reach its full weight; zero is off */
    public Duration getSlowStart() {
        return slowStart;
    }

    /** @return how many picks one call may make when it loses permission races */
    public int getMaxSelectionAttempts() {
        return maxSelectionAttempts;
    }

    /** @return the wall clock for breaker waits and event times */
    public Clock getClock() {
        return clock;
    }

    /** @return the nanosecond ticker that times calls */
    public LongSupplier getTicker() {
        return ticker;
    }

    @Override
    public String toString() {
        return "LoadBalancerConfig{selectionStrategy=" + selectionStrategy
                + ", circuitBreakerConfigName=" + circuitBreakerConfigName
                + ", explicitCircuitBreakerConfig=" + (circuitBreakerConfig != null)
                + ", healthCheck=" + healthCheck + ", outlierEjection=" + outlierEjection
                + ", panicThreshold=" + panicThreshold + ", slowStart=" + slowStart
                + ", maxSelectionAttempts=" + maxSelectionAttempts + '}';
    }

    /** Builds a {@link LoadBalancerConfig}. */
    public static final class Builder {
        private SelectionStrategy selectionStrategy = DEFAULT_SELECTION_STRATEGY;
        private @Nullable CircuitBreakerRegistry circuitBreakerRegistry;
        private @Nullable CircuitBreakerConfig circuitBreakerConfig;
        private @Nullable String circuitBreakerConfigName;
        private @Nullable HealthCheckConfig healthCheck;
        private @Nullable OutlierEjectionConfig outlierEjection;
        private double panicThreshold = DEFAULT_PANIC_THRESHOLD;
        private Duration slowStart = DEFAULT_SLOW_START;
        private int maxSelectionAttempts = DEFAULT_MAX_SELECTION_ATTEMPTS;
        private Clock clock = Clock.systemUTC();
        private LongSupplier ticker = SYSTEM_TICKER;

        private Builder() {
        }

        private Builder(LoadBalancerConfig base) {
            this.selectionStrategy = base.selectionStrategy;
            this.circuitBreakerRegistry = base.circuitBreakerRegistry;
            this.circuitBreakerConfig = base.circuitBreakerConfig;
            this.circuitBreakerConfigName = base.circuitBreakerConfigName;
            this.healthCheck = base.healthCheck;
            this.outlierEjection = base.outlierEjection;
            this.panicThreshold = base.panicThreshold;
            this.slowStart = base.slowStart;
            this.maxSelectionAttempts = base.maxSelectionAttempts;
            this.clock = base.clock;
            this.ticker = base.ticker;
        }

        /**
         * Sets the strategy a new load balancer starts with.
         *
         * @param strategy the strategy
         * @return this builder
         */
        public Builder selectionStrategy(SelectionStrategy strategy) {
            this.selectionStrategy = requireNonNull(strategy, "selectionStrategy");
            return this;
        }

        /**
         * Sets the registry in which the per-instance circuit breakers are created (named
         * {@code <loadBalancer>#<instanceId>}), so its event consumers and metrics see them.
         *
         * @param registry the user's registry
         * @return this builder
         */
        public Builder circuitBreakerRegistry(CircuitBreakerRegistry registry) {
            this.circuitBreakerRegistry = requireNonNull(registry, "circuitBreakerRegistry");
            return this;
        }

        /**
         * Sets the config of every instance breaker.
         *
         * @param config the config
         * @return this builder
         */
        public Builder circuitBreakerConfig(CircuitBreakerConfig config) {
            this.circuitBreakerConfig = requireNonNull(config, "circuitBreakerConfig");
            return this;
        }

        /**
         * Uses a config registered in the circuit breaker registry under this name for every
         * instance breaker; needs {@link #circuitBreakerRegistry}.
         *
         * @param name the configuration's name
         * @return this builder
         * @throws IllegalArgumentException if the name is blank
         */
        public Builder circuitBreakerConfigName(String name) {
            requireNonNull(name, "circuitBreakerConfigName");
            if (name.isBlank()) {
                throw new IllegalArgumentException("circuitBreakerConfigName: '" + name + "' (expected: a non-blank name)");
            }
            this.circuitBreakerConfigName = name;
            return this;
        }

        /**
         * Checks every instance actively (TCP connect, HTTP HEAD, ...): unhealthy instances are not
         * selected, and a passing check moves an OPEN breaker to HALF_OPEN early. Off by default.
         *
         * @param healthCheck how to check
         * @return this builder
         */
        public Builder healthCheck(HealthCheckConfig healthCheck) {
            this.healthCheck = requireNonNull(healthCheck, "healthCheck");
            return this;
        }

        /**
         * Ejects instances that fail much more often than the rest of the fleet (a gray failure, below
         * their breaker's threshold) by opening their own circuit breaker: the breaker's wait, HALF_OPEN
         * probes, events and metrics apply; an {@code OutlierEjectedEvent} says why. Off by default.
         *
         * @param outlierEjection how outliers are found and how many may be out at once
         * @return this builder
         */
        public Builder outlierEjection(OutlierEjectionConfig outlierEjection) {
            this.outlierEjection = requireNonNull(outlierEjection, "outlierEjection");
            return this;
        }

        /**
         * When fewer than this fraction of known instances is available, select among all of
         * them instead of failing, and publish panic events.
         *
         * @param threshold 0 (off) to 1
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder panicThreshold(double threshold) {
            if (!(threshold >= 0.0 && threshold <= 1.0)) {
                throw new IllegalArgumentException("panicThreshold: " + threshold + " (expected: 0.0-1.0)");
            }
            this.panicThreshold = threshold;
            return this;
        }

        /**
         * Ramps the share of calls of a new or recovered instance from 10% to 100% over this window.
         * Every built-in strategy honours it: the weighted ones through the weight, round robin and
         * random as weighted round robin and weighted random over the ramp, the power-of-two-choices
         * ones by letting a warming instance take part in a draw with the probability of its ramp.
         * {@code consistentHash()} cannot (a ramp would move keys): {@link #build()} refuses the pair.
         *
         * @param window {@code >= 0}; zero is off
         * @return this builder
         * @throws IllegalArgumentException if negative, or longer than a count of nanoseconds holds (292 years)
         */
        public Builder slowStart(Duration window) {
            this.slowStart = Durations.requireNonNegative("slowStart", window);
            return this;
        }

        /**
         * Sets how many picks one call may make when the picked instance's breaker refuses the
         * permission (a race with other calls); then the call fails with
         * {@link NoAvailableInstanceException}.
         *
         * @param attempts {@code >= 1}
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder maxSelectionAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxSelectionAttempts: " + attempts + " (expected: >= 1)");
            }
            this.maxSelectionAttempts = attempts;
            return this;
        }

        /**
         * Sets the wall clock (breaker open waits, event times). Tests inject one to advance time
         * without sleeping.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the nanosecond ticker that times calls (read once at each end of a call).
         *
         * @param ticker returns nanoseconds from an arbitrary origin, like {@link System#nanoTime()}
         * @return this builder
         */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * @return the config
         * @throws IllegalStateException if two settings conflict
         */
        public LoadBalancerConfig build() {
            if (circuitBreakerConfig != null && circuitBreakerConfigName != null) {
                throw new IllegalStateException("circuitBreakerConfig and circuitBreakerConfigName('"
                        + circuitBreakerConfigName + "') were both set (expected: one of them)");
            }
            if (circuitBreakerConfigName != null && circuitBreakerRegistry == null) {
                throw new IllegalStateException("circuitBreakerConfigName('" + circuitBreakerConfigName
                        + "') was set without circuitBreakerRegistry (expected: the registry that holds the named config)");
            }
            if (circuitBreakerConfigName != null && circuitBreakerRegistry.getConfiguration(circuitBreakerConfigName).isEmpty()) {
                throw new IllegalStateException("circuitBreakerConfigName: '" + circuitBreakerConfigName
                        + "' is not a configuration of the circuitBreakerRegistry (expected: a name added with addConfiguration)");
            }
            if (!slowStart.isZero() && Strategies.usesHashRing(selectionStrategy)) {
                throw new IllegalStateException("slowStart(" + slowStart + ") cannot be combined with selectionStrategy("
                        + selectionStrategy + "): a hash ring gives each key one instance, so a ramp would move keys"
                        + " (expected: slowStart(Duration.ZERO), or another strategy)");
            }
            return new LoadBalancerConfig(this);
        }
    }
}
