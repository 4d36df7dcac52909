package io.github.loadbalancer4j.retry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * When and how often {@link Hedging} sends a call again to another instance while the first attempt
 * is still running: after a delay (fixed, or a percentile of the latency the hedged calls observed,
 * never below a floor), at most {@link #getMaxHedges() maxHedges} times per call, within a
 * {@link RetryBudget}, and only for requests the {@link #isIdempotent(Object) idempotency predicate}
 * accepts.
 *
 * <pre>{@code
 * HedgingPolicy policy = HedgingPolicy.custom()
 *         .delayAtPercentile(0.95, Duration.ofMillis(5))   // hedge a call slower than 95% of first attempts
 *         .maxHedges(1)
 *         .budget(RetryBudget.custom().percentCanRetry(0.1).build())   // at most 10% more attempts
 *         .build();
 * }</pre>
 *
 * <p>A percentile delay ("The Tail at Scale": hedge after the 95th-percentile latency) is read from a
 * histogram of the first attempts of the calls hedged with one {@link Hedging}, over the last 10 to 20
 * seconds; an attempt cancelled because another won counts as the time it ran (a lower bound, so the
 * slow tail the hedges cut stays in the histogram). Until {@value #MIN_SAMPLES} first attempts were
 * seen, no hedge is sent for latency (a percentile of nothing is no delay); a failed attempt still sends
 * one. The histogram's buckets are 12.5% wide
 * and the delay is the top of the percentile's bucket, so it is never shorter than the percentile and
 * at most 1 - percentile of calls are hedged for their latency.
 *
 * <p>Immutable and thread-safe; the budget it names is shared by every {@link Hedging} built with it.
 */
public final class HedgingPolicy {

    /** Default most hedges per call: 1 (the first attempt and one hedge). */
    public static final int DEFAULT_MAX_HEDGES = 1;
    /** Default percentile of the observed latency to hedge after: the 95th. */
    public static final double DEFAULT_PERCENTILE = 0.95;
    /**
     * Default floor of the delay: 10 ms. Below that a hedge rarely beats the first attempt by enough
     * to pay for the work it adds (and "The Tail at Scale" hedged after 10 ms).
     */
    public static final Duration DEFAULT_MIN_DELAY = Duration.ofMillis(10);
    /** First attempts a percentile delay needs before the first hedge. */
    public static final int MIN_SAMPLES = 100;
    /** Most hedges a call may send. */
    public static final int MAX_HEDGES = 10;

    private final @Nullable Duration fixedDelay;
    private final double percentile;
    private final Duration minDelay;
    private final int maxHedges;
    private final @Nullable RetryBudget budget;
    private final Predicate<Object> idempotent;

    private HedgingPolicy(Builder b) {
        this.fixedDelay = b.fixedDelay;
        this.percentile = b.percentile;
        this.minDelay = b.minDelay;
        this.maxHedges = b.maxHedges;
        this.budget = b.budget;
        this.idempotent = b.idempotent;
    }

    /**
     * Returns the defaults: one hedge after the 95th percentile of the observed latency, at least
     * 10 ms, within the load balancer's default budget, for every request.
     *
     * @return the policy
     */
    public static HedgingPolicy ofDefaults() {
        return custom().build();
    }

    /** @return a builder starting from the defaults */
    public static Builder custom() {
        return new Builder();
    }

    /** @return the fixed delay, or null when the delay is a percentile of the observed latency */
    public @Nullable Duration getFixedDelay() {
        return fixedDelay;
    }

    /** @return the percentile of the observed latency to hedge after (0.95 is the 95th); NaN with a fixed delay */
    public double getPercentile() {
        return fixedDelay != null ? Double.NaN : percentile;
    }

    /** @return the shortest delay a percentile gives; the fixed delay when there is one */
    public Duration getMinDelay() {
        return fixedDelay != null ? fixedDelay : minDelay;
    }

    /** @return the most hedges one call sends */
    public int getMaxHedges() {
        return maxHedges;
    }

    /** @return the budget hedges draw on, or null for the load balancer's default budget (shared with failover) */
    public @Nullable RetryBudget getBudget() {
        return budget;
    }

    /**
     * Tells whether a request may be sent twice.
     *
     * @param request the request of a hedged call: the argument of a decorated function, or the OkHttp
     *     {@code Request} (which the interceptor also restricts to its hedged methods)
     * @return whether it may be hedged
     */
    public boolean isIdempotent(Object request) {
        return idempotent.test(requireNonNull(request, "request"));
    }

    @Override
    public String toString() {
        return "HedgingPolicy{" + (fixedDelay != null ? "delay=" + fixedDelay : "delay=p" + percentile * 100 + " >= " + minDelay)
                + ", maxHedges=" + maxHedges + (budget != null ? ", budget=" + budget.getName() : "") + '}';
    }

    /** Builds a {@link HedgingPolicy}; every setter checks its value at once. */
    public static final class Builder {
        private @Nullable Duration fixedDelay;
        private double percentile = DEFAULT_PERCENTILE;
        private Duration minDelay = DEFAULT_MIN_DELAY;
        private int maxHedges = DEFAULT_MAX_HEDGES;
        private @Nullable RetryBudget budget;
        private Predicate<Object> idempotent = request -> true;

        private Builder() {
        }

        /**
         * Hedges after a fixed delay (instead of a percentile).
         *
         * @param delay after how long the first attempt gets a hedge (and each hedge the next), {@code > 0}
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder delay(Duration delay) {
            this.fixedDelay = Deadline.requirePositive("delay", delay);
            return this;
        }

        /**
         * Hedges after a percentile of the latency observed by this policy's {@link Hedging}, never sooner
         * than {@code minDelay} (instead of a fixed delay).
         *
         * @param percentile above 0 and below 1: 0.95 hedges a call once it is slower than 95% of first attempts
         * @param minDelay the floor of the delay, {@code > 0}
         * @return this builder
         * @throws IllegalArgumentException if the percentile is out of range or the floor not positive
         */
        public Builder delayAtPercentile(double percentile, Duration minDelay) {
            if (!(percentile > 0.0 && percentile < 1.0)) {
                throw new IllegalArgumentException("percentile: " + percentile + " (expected: above 0.0 and below 1.0, e.g. 0.95)");
            }
            this.minDelay = Deadline.requirePositive("minDelay", minDelay);
            this.percentile = percentile;
            this.fixedDelay = null;
            return this;
        }

        /**
         * @param maxHedges the most hedges one call sends, from 1 to {@value HedgingPolicy#MAX_HEDGES}
         *     (default 1)
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxHedges(int maxHedges) {
            if (maxHedges < 1 || maxHedges > MAX_HEDGES) {
                throw new IllegalArgumentException("maxHedges: " + maxHedges + " (expected: 1-" + MAX_HEDGES + ")");
            }
            this.maxHedges = maxHedges;
            return this;
        }

        /**
         * Caps the extra load: every hedged call deposits once, every hedge withdraws one (Finagle's
         * budget for backup requests). Without one, hedges draw on the load balancer's
         * {@link FailoverRetry#defaultBudget(io.github.loadbalancer4j.LoadBalancer) default budget}, so
         * failover and hedging together stay within it.
         *
         * @param budget the budget, e.g. {@code RetryBudget.custom().percentCanRetry(0.1).build()} for 10% more attempts
         * @return this builder
         */
        public Builder budget(RetryBudget budget) {
            this.budget = requireNonNull(budget, "budget");
            return this;
        }

        /**
         * Says which requests may be sent twice; the others are sent once, never hedged. Decorating a call
         * with hedging marks it idempotent; this predicate tells apart the requests of a decorated function
         * (its argument) and of the OkHttp interceptor (the {@code okhttp3.Request}, already restricted to
         * the interceptor's hedged methods, GET, HEAD and OPTIONS by default).
         *
         * @param isIdempotent tells whether a request may be sent twice (default: every request)
         * @return this builder
         */
        public Builder idempotent(Predicate<Object> isIdempotent) {
            this.idempotent = requireNonNull(isIdempotent, "isIdempotent");
            return this;
        }

        /** @return the policy */
        public HedgingPolicy build() {
            return new HedgingPolicy(this);
        }
    }
}
