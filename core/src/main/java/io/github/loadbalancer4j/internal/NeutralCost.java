package io.github.loadbalancer4j.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Where the latency statistics of an instance start again when it becomes available (its breaker
 * left OPEN, health checks restored it, a Retry-After hold ended) or joins a running fleet: at the
 * median cost of the other available instances. Peak EWMA would otherwise remember the 5 s failure
 * penalty for about a minute (decay 10 s) and power of two choices would never pick the instance, or,
 * for a newcomer with no cost at all, pick it first every time.
 */
final class NeutralCost {

    /** How many of the other instances' costs the median is taken over, at most. */
    static final int SAMPLE = 31;

    private NeutralCost() {
    }

    /**
     * Restarts the cost of each instance of {@code restarting} at the median cost of the instances of
     * {@code fleet} that are not restarting; at 0 when there are none.
     *
     * @param restarting the instances that start again
     * @param fleet the available instances (may include the restarting ones)
     * @param now ticker time
     */
    static void restart(Collection<InstanceState> restarting, List<InstanceState> fleet, long now) {
        double cost = median(restarting, fleet);
        for (InstanceState state : restarting) {
            state.restartCost(cost, now);
        }
    }

    /**
     * The median of up to {@link #SAMPLE} costs, evenly spaced over the fleet (the restarting ones
     * skipped), so that 100,000 instances cost no more than 31: no pass over the whole fleet.
     */
    static double median(Collection<InstanceState> excluded, List<InstanceState> fleet) {
        int size = fleet.size();
        double[] costs = new double[SAMPLE];
        int n = 0;
        int step = Math.max(1, size / SAMPLE);
        for (int i = 0; i < size && n < SAMPLE; i += step) {
            InstanceState state = fleet.get(i);
            if (!isIn(excluded, state)) {
                costs[n++] = state.latencyCost();
            }
        }
        Arrays.sort(costs, 0, n);
        return n == 0 ? 0.0 : costs[n / 2];
    }

    /** Identity membership in the few restarting instances (a scan: they are a handful, not the fleet). */
    private static boolean isIn(Collection<InstanceState> excluded, InstanceState state) {
        for (InstanceState e : excluded) {
            if (e == state) {
                return true;
            }
        }
        return false;
    }
}
