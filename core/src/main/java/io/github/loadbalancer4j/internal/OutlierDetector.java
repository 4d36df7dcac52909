package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.OutlierEjectionConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Outlier ejection for one load balancer. Calls count their outcome on their instance (one atomic add,
 * only when ejection is on); every interval a sweep reads and resets those counts, asks
 * {@link OutlierRule} which instances are outliers, and opens their own breakers, worst first, while
 * no more than {@code maxEjectionPercent} of the instances would be out.
 *
 * <p>No timer of its own: the sweep's time is folded into the snapshot's recheck time, which every
 * pick already compares with the ticker, so the first call after the interval hands the sweep to the
 * load balancer's thread ({@link Refresher}), as it does for a breaker whose wait is over. Calls pay
 * nothing more, a quiet load balancer holds no thread, and an injected ticker (tests, the simulator)
 * moves sweeps with virtual time. A sweep therefore judges the calls that ended since the previous one,
 * an interval or a little more.
 *
 * <p>An ejection opens the breaker for the breaker's own open wait at attempt {@code m}
 * ({@code waitIntervalFunctionInOpenState}, 10 s doubling up to 300 s by default), where {@code m}
 * is Envoy's and gRPC's multiplier: one more per ejection, one less per sweep that judged the instance
 * (its breaker CLOSED, enough calls) and did not eject it. {@code transitionToOpenState()} would start a CLOSED breaker at attempt 1 every time, so
 * an instance that passes its HALF_OPEN probes (a 10%-failing one passes three in 73% of tries) would
 * come back after the shortest wait again and again. The breaker then lets the instance back through
 * HALF_OPEN as for any other opening. Not thread-safe: the load balancer calls it under its lock.
 */
final class OutlierDetector {

    /** The multiplier stops growing here: with the default 10 s doubling wait it reached the 300 s cap long before. */
    static final int MAX_MULTIPLIER = 100;

    /** One instance ejected by a sweep. */
    static final class Ejection {
        final InstanceState state;
        final OutlierRule.Finding finding;
        final Duration openFor;

        Ejection(InstanceState state, OutlierRule.Finding finding, Duration openFor) {
            this.state = state;
            this.finding = finding;
            this.openFor = openFor;
        }
    }

    private final OutlierEjectionConfig config;
    private final OutlierRule rule;
    private final long intervalNanos;
    private final LongAdder ejections = new LongAdder();
    private long nextSweepAt;
    // Reused by each sweep: the counts of the instances whose breakers are CLOSED.
    private long[] successes = new long[0];
    private long[] failures = new long[0];
    private InstanceState[] judged = new InstanceState[0];

    /**
     * @param config the config
     * @param now ticker time; the first sweep is one interval later
     */
    OutlierDetector(OutlierEjectionConfig config, long now) {
        this.config = config;
        this.rule = new OutlierRule(config);
        this.intervalNanos = config.getInterval().toNanos();
        this.nextSweepAt = now + intervalNanos;
    }

    /** @return ticker time of the next sweep */
    long nextSweepAt() {
        return nextSweepAt;
    }

    /** @return whether a sweep is due at {@code now} */
    boolean due(long now) {
        return now - nextSweepAt >= 0;
    }

    /** @return the rule's mode, for events */
    OutlierEjectionConfig.Mode mode() {
        return config.getMode();
    }

    /** @return instances ejected since creation */
    long ejections() {
        return ejections.sum();
    }

    /**
     * Judges the calls since the last sweep and opens the breakers of the outliers.
     *
     * @param known every instance of the current list
     * @param now ticker time
     * @return the instances ejected, worst first
     */
    List<Ejection> sweep(InstanceState[] known, long now) {
        nextSweepAt = now + intervalNanos;
        int n = collect(known);
        List<OutlierRule.Finding> findings = rule.find(successes, failures, n);
        List<Ejection> ejected = findings.isEmpty() ? List.of() : eject(known, findings);
        for (int i = 0; i < n; i++) {
            InstanceState state = judged[i];
            // Judged on enough calls and found no outlier: its next ejection waits a step less.
            if (state.outlierEjections > 0 && successes[i] + failures[i] >= config.getRequestVolume()
                    && !contains(ejected, state)) {
                state.outlierEjections--;
            }
        }
        Arrays.fill(judged, 0, n, null); // no removed instance is kept alive until the next sweep
        return ejected;
    }

    /** Reads and resets every instance's counts; keeps those of instances whose breakers are CLOSED. */
    private int collect(InstanceState[] known) {
        if (successes.length < known.length) {
            successes = new long[known.length];
            failures = new long[known.length];
            judged = new InstanceState[known.length];
        }
        int n = 0;
        for (InstanceState state : known) {
            long s = state.takeSuccesses();
            long f = state.takeFailures();
            // OPEN, HALF_OPEN, forced or disabled: the breaker is in charge of it; its few calls say little.
            if (state.circuitBreaker().getState() == CircuitBreaker.State.CLOSED) {
                successes[n] = s;
                failures[n] = f;
                judged[n] = state;
                n++;
            }
        }
        return n;
    }

    private List<Ejection> eject(InstanceState[] known, List<OutlierRule.Finding> findings) {
        int out = 0;
        for (InstanceState state : known) {
            out += state.circuitPermits() ? 0 : 1; // OPEN for any reason counts as out
        }
        List<Ejection> ejected = new ArrayList<>(1);
        for (OutlierRule.Finding finding : findings) {
            // Counted after the ejection, as Envoy counts; one may always go while none is out.
            if (out > 0 && (out + 1) * 100L > (long) config.getMaxEjectionPercent() * known.length) {
                break;
            }
            InstanceState state = judged[finding.index];
            CircuitBreaker breaker = state.circuitBreaker();
            if (breaker.getState() != CircuitBreaker.State.CLOSED) {
                continue; // a call's end moved it since the counts were read
            }
            int multiplier = Math.min(MAX_MULTIPLIER, state.outlierEjections + 1);
            Duration openFor = openWait(breaker, multiplier);
            breaker.transitionToOpenStateFor(openFor);
            state.outlierEjections = multiplier;
            ejections.increment();
            out++;
            ejected.add(new Ejection(state, finding, openFor));
        }
        return ejected;
    }

    /** The breaker's own open wait at attempt {@code multiplier}. */
    private static Duration openWait(CircuitBreaker breaker, int multiplier) {
        IntervalFunction wait = breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState();
        return Duration.ofMillis(Math.max(1, wait.apply(multiplier)));
    }

    private static boolean contains(List<Ejection> ejected, InstanceState state) {
        for (Ejection e : ejected) {
            if (e.state == state) {
                return true;
            }
        }
        return false;
    }
}
