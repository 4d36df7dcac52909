package io.github.loadbalancer4j.benchmarks.sim;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.OutlierEjectionConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What surrounds the strategy in one column of a scenario's table: whether the per-instance circuit
 * breakers may open, whether outlier ejection opens them too, and whether failed attempts are retried
 * on another instance (failover) within a retry budget, or hedged. Immutable.
 */
public final class Variant {

    /**
     * Breakers that never open: a time-based window whose minimum number of calls is never reached.
     * Failures are still recorded, so peak EWMA still counts them as slow.
     */
    static final CircuitBreakerConfig NEVER_OPEN = CircuitBreakerConfig.custom()
            .slidingWindow(1, Integer.MAX_VALUE, CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
            .automaticTransitionFromOpenToHalfOpenEnabled(false)
            .build();

    private static final String BOTH = "a variant hedges or retries, not both (expected: withHedging or withRetries:"
            + " a hedged call's hedges are its retries)";

    private final String label;
    private final @Nullable CircuitBreakerConfig breakers;
    private final @Nullable OutlierEjectionConfig outliers;
    private final @Nullable HedgingSetup hedging;
    private final int retries;
    private final boolean budget;

    private Variant(String label, @Nullable CircuitBreakerConfig breakers, @Nullable OutlierEjectionConfig outliers, int retries,
            boolean budget, @Nullable HedgingSetup hedging) {
        this.label = label;
        this.breakers = breakers;
        this.outliers = outliers;
        this.hedging = hedging;
        this.retries = retries;
        this.budget = budget;
    }

    /** @return breakers that never open, no retry */
    public static Variant plain() {
        return new Variant("plain", null, null, 0, true, null);
    }

    /**
     * The load balancer's default instance breakers (window 20, minimum 5, 50%, open 10 s doubling up
     * to 300 s, 3 probes), except that the open wait has no random jitter and the move to HALF_OPEN
     * is made by the load balancer on the virtual clock rather than by resilience4j's real-time
     * scheduler: both would make runs differ.
     *
     * @return the config
     */
    public static CircuitBreakerConfig defaultBreakers() {
        return CircuitBreakerConfig.from(LoadBalancerConfig.DEFAULT_INSTANCE_CIRCUIT_BREAKER_CONFIG)
                .waitIntervalFunctionInOpenState(
                        IntervalFunction.ofExponentialBackoff(Duration.ofSeconds(10), 2.0, Duration.ofSeconds(300)))
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build();
    }

    /**
     * Breakers as Linkerd's "mixed backends" experiment set them: open at 50% failures over 20
     * calls (minimum 5), open for 10 s, 3 probes.
     *
     * @return the config
     */
    public static CircuitBreakerConfig linkerdBreakers() {
        return CircuitBreakerConfig.custom()
                .slidingWindow(20, 5, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(50)
                .waitIntervalFunctionInOpenState(IntervalFunction.of(Duration.ofSeconds(10)))
                .permittedNumberOfCallsInHalfOpenState(3)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build();
    }

    /**
     * Returns this variant with breakers that open. Keep {@code automaticTransitionFromOpenToHalfOpenEnabled}
     * off and the open wait free of random jitter, or runs will differ.
     *
     * @param config the instance breakers' config
     * @return a new variant
     */
    public Variant withBreakers(CircuitBreakerConfig config) {
        requireNonNull(config, "config");
        return new Variant(autoLabel(config, outliers, retries, hedging), config, outliers, retries, budget, hedging);
    }

    /**
     * Returns this variant with outlier ejection: every interval, instances that fail much more often
     * than the rest of the fleet have their breaker opened (see {@link OutlierEjectionConfig}). Use it
     * with breakers whose open wait has no random jitter ({@link #defaultBreakers()}), or runs will differ.
     *
     * @param config how outliers are found
     * @return a new variant
     */
    public Variant withOutlierEjection(OutlierEjectionConfig config) {
        requireNonNull(config, "config");
        return new Variant(autoLabel(breakers, config, retries, hedging), breakers, config, retries, budget, hedging);
    }

    /**
     * Returns this variant with failover: a failed or timed-out attempt is tried again on an instance
     * this call has not tried ({@code lb.acquire(ctx.excluding(previous))}), at most {@code retries}
     * times, each retry paid from a retry budget (Finagle's defaults: 20% of calls plus 10 a second
     * over 10 s).
     *
     * @param retries {@code >= 0}
     * @return a new variant
     * @throws IllegalArgumentException if negative
     */
    public Variant withRetries(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
        }
        if (retries > 0 && hedging != null) {
            throw new IllegalStateException(BOTH);
        }
        return new Variant(autoLabel(breakers, outliers, retries, hedging), breakers, outliers, retries, budget, hedging);
    }

    /**
     * Returns this variant with retries not capped by a budget.
     *
     * @return a new variant
     */
    public Variant withoutBudget() {
        return new Variant(label + " (no budget)", breakers, outliers, retries, false, hedging);
    }

    /**
     * Returns this variant under another label.
     *
     * @param label the column's label
     * @return a new variant
     */
    public Variant named(String label) {
        requireNonNull(label, "label");
        return new Variant(label, breakers, outliers, retries, budget, hedging);
    }

    /**
     * Returns this variant with hedged calls: the real {@code Hedging} engine, its timers on the
     * simulation's event loop, sends each call again to an instance it has not tried once the first
     * attempt is slower than the setup's delay; the first answer wins, the other attempts are cancelled
     * (their leases released; the backend still serves them, as a server whose client left does).
     *
     * @param setup when and how often to hedge, and the budget
     * @return a new variant
     * @throws IllegalStateException if this variant retries (a hedged call's hedges are its retries)
     */
    public Variant withHedging(HedgingSetup setup) {
        requireNonNull(setup, "setup");
        if (retries > 0) {
            throw new IllegalStateException(BOTH);
        }
        return new Variant(autoLabel(breakers, outliers, retries, setup), breakers, outliers, retries, budget, setup);
    }

    /** @return the hedging of this variant, or null */
    public @Nullable HedgingSetup hedging() {
        return hedging;
    }

    /** @return the label */
    public String label() {
        return label;
    }

    /** @return the breakers' config; a config that never opens when this variant has none */
    public CircuitBreakerConfig breakerConfig() {
        return breakers != null ? breakers : NEVER_OPEN;
    }

    /** @return whether the breakers may open */
    public boolean hasBreakers() {
        return breakers != null;
    }

    /** @return the outlier ejection the load balancer runs, or null for none */
    public @Nullable OutlierEjectionConfig outlierEjection() {
        return outliers;
    }

    /** @return the retries a call may make */
    public int retries() {
        return retries;
    }

    /** @return whether retries are paid from a budget */
    public boolean hasBudget() {
        return budget;
    }

    private static String autoLabel(@Nullable CircuitBreakerConfig breakers, @Nullable OutlierEjectionConfig outliers, int retries,
            @Nullable HedgingSetup hedging) {
        java.util.List<String> parts = new java.util.ArrayList<>(4);
        if (breakers != null) {
            parts.add("breakers");
        }
        if (outliers != null) {
            parts.add("outlier ejection");
        }
        if (retries > 0) {
            parts.add("FailoverRetry(" + retries + ")");
        }
        if (hedging != null) {
            parts.add(hedging.label());
        }
        return parts.isEmpty() ? "plain" : String.join(" + ", parts);
    }

    @Override
    public String toString() {
        return label;
    }
}
