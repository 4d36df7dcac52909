package io.github.loadbalancer4j.benchmarks.sim;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.retry.HedgingPolicy;
import io.github.loadbalancer4j.retry.RetryBudget;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Hedging in a variant, as the real {@link HedgingPolicy} is built for each run: its budget, a real
 * {@link RetryBudget}, must run on the run's virtual time. Immutable.
 */
public final class HedgingSetup {

    private final double percentile;
    private final Duration minDelay;
    private final int maxHedges;
    private final double budgetShare;

    private HedgingSetup(double percentile, Duration minDelay, int maxHedges, double budgetShare) {
        this.percentile = percentile;
        this.minDelay = minDelay;
        this.maxHedges = maxHedges;
        this.budgetShare = budgetShare;
    }

    /**
     * Hedges after a percentile of the observed latency.
     *
     * @param percentile e.g. 0.95
     * @param minDelay the delay's floor
     * @param maxHedges hedges per call, from 1
     * @param budgetShare the extra attempts the budget allows, as a share of calls (0.1 is 10%); no floor
     *     of retries per second
     * @return the setup
     * @throws IllegalArgumentException if a value is out of the range {@link HedgingPolicy} accepts
     */
    public static HedgingSetup afterPercentile(double percentile, Duration minDelay, int maxHedges, double budgetShare) {
        HedgingSetup setup = new HedgingSetup(percentile, requireNonNull(minDelay, "minDelay"), maxHedges, budgetShare);
        setup.policy("check", () -> 0L); // fails now on a value the policy or budget refuses
        return setup;
    }

    /**
     * @param name the scenario's name, for the budget
     * @param ticker the run's virtual time
     * @return the policy for one run
     */
    HedgingPolicy policy(String name, LongSupplier ticker) {
        return HedgingPolicy.custom()
                .delayAtPercentile(percentile, minDelay)
                .maxHedges(maxHedges)
                .budget(RetryBudget.custom().name(name + "-hedges").percentCanRetry(budgetShare).minRetriesPerSecond(0)
                        .ticker(ticker).build())
                .build();
    }

    /** @return e.g. {@code hedged(p95, 1, 10%)} */
    String label() {
        return String.format(Locale.ROOT, "hedged(p%s, %d, %s%%)", trim(percentile * 100), maxHedges, trim(budgetShare * 100));
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    @Override
    public String toString() {
        return label() + " >= " + DurationText.format(minDelay);
    }
}
