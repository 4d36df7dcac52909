package io.github.loadbalancer4j.benchmarks.sim;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What surrounds the strategy in one column of a scenario's table: whether the per-instance circuit
 * breakers may open, and whether failed attempts are retried on another instance (failover) within a
 * retry budget. Immutable.
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
    private final int retries;
    private final boolean budget;
    private final @Nullable HedgingSetup hedging;

    private Variant(String label, @Nullable CircuitBreakerConfig breakers, int retries, boolean budget, @Nullable HedgingSetup hedging) {
        this.label = label;
        this.breakers = breakers;
        this.retries = retries;
        this.budget = budget;
        this.hedging = hedging;
    }

    /** @return breakers that never open, no retry */
    public static Variant plain() {
        return new Variant("plain", null, 0, true, null);
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
        return new Variant(autoLabel(config, retries, hedging), config, retries, budget, hedging);
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
        return new Variant(autoLabel(breakers, retries, hedging), breakers, retries, budget, hedging);
    }

    /**
     * Returns this variant with retries not capped by a budget.
     *
     * @return a new variant
     */
    public Variant withoutBudget() {
        return new Variant(label + " (no budget)", breakers, retries, false, hedging);
    }

    /**
     * Returns this variant under another label.
     *
     * @param label the column's label
     * @return a new variant
     */
    public Variant named(String label) {
        requireNonNull(label, "label");
        return new Variant(label, breakers, retries, budget, hedging);
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
        return new Variant(autoLabel(breakers, retries, setup), breakers, retries, budget, setup);
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

    /** @return the retries a call may make */
    public int retries() {
        return retries;
    }

    /** @return whether retries are paid from a budget */
    public boolean hasBudget() {
        return budget;
    }

    private static String autoLabel(@Nullable CircuitBreakerConfig breakers, int retries, @Nullable HedgingSetup hedging) {
        if (breakers == null && retries == 0 && hedging == null) {
            return "plain";
        }
        String b = breakers != null ? "breakers" : "";
        String r = retries > 0 ? "FailoverRetry(" + retries + ")" : hedging != null ? hedging.label() : "";
        return b.isEmpty() ? r : r.isEmpty() ? b : b + " + " + r;
    }

    @Override
    public String toString() {
        return label;
    }
}
