package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.event.EjectionReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * When not to pick: which of the known instances the selector may choose from at a given time, as a
 * function of their breakers, health verdicts, Retry-After holds and the panic threshold. It reads
 * the instances' states and changes nothing but what each instance remembers of the breaker state it
 * last saw (so that a call can tell a change); the load balancer applies what it says under its lock.
 */
final class Availability {

    /** How often OPEN breakers are looked at again, in ticker time. */
    static final long RECHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final double panicThreshold;
    private final long slowStartNanos;
    private final boolean selectableBeforeFirstCheck;

    /**
     * @param panicThreshold below this fraction available, all known instances are selected (0: off)
     * @param slowStartNanos the slow-start window, 0 when off
     * @param selectableBeforeFirstCheck whether an instance no health check has passed yet may be picked
     */
    Availability(double panicThreshold, long slowStartNanos, boolean selectableBeforeFirstCheck) {
        this.panicThreshold = panicThreshold;
        this.slowStartNanos = slowStartNanos;
        this.selectableBeforeFirstCheck = selectableBeforeFirstCheck;
    }

    /** One instance whose availability differs from what the load balancer last applied. */
    static final class Transition {
        final InstanceState state;
        /** Null when it became available; why not, otherwise. */
        final @Nullable EjectionReason ejected;

        Transition(InstanceState state, @Nullable EjectionReason ejected) {
            this.state = state;
            this.ejected = ejected;
        }
    }

    /** What the selector may choose from, and what changed. */
    static final class Result {
        final InstanceState[] selectable;
        final int availableCount;
        final boolean panic;
        /** Ticker time to look again (breaker waits, slow-start ramps, holds), or {@link Snapshot#NEVER}. */
        final long recheckAt;
        final List<Transition> transitions;
        /** Whether each known instance is available, position for position (in panic mode too). */
        final boolean[] availableAt;

        Result(InstanceState[] selectable, int availableCount, boolean panic, long recheckAt, List<Transition> transitions,
                boolean[] availableAt) {
            this.selectable = selectable;
            this.availableCount = availableCount;
            this.panic = panic;
            this.recheckAt = recheckAt;
            this.transitions = transitions;
            this.availableAt = availableAt;
        }
    }

    /**
     * @param known every instance of the current list, in its order
     * @param now ticker time
     * @return the available instances (all known ones in panic mode) and the changes since last applied
     */
    Result compute(InstanceState[] known, long now) {
        InstanceState[] available = new InstanceState[known.length];
        boolean[] availableAt = new boolean[known.length];
        int availableCount = 0;
        List<Transition> transitions = new ArrayList<>(0);
        boolean anyCircuitOpen = false;
        boolean anySlowStarting = false;
        long holdEnds = Snapshot.NEVER;
        for (int i = 0; i < known.length; i++) {
            InstanceState state = known[i];
            state.refreshSeenState();
            boolean permits = state.circuitPermits();
            anyCircuitOpen |= !permits;
            boolean held = state.held(now);
            if (held) {
                holdEnds = Math.min(holdEnds, state.holdEnds());
            }
            boolean healthy = healthAllows(state);
            boolean isAvailable = permits && healthy && !held;
            if (isAvailable != state.available) {
                transitions.add(new Transition(state, isAvailable ? null
                        : !permits ? EjectionReason.CIRCUIT_OPEN : !healthy ? EjectionReason.UNHEALTHY : EjectionReason.RETRY_AFTER));
            }
            if (isAvailable) {
                availableAt[i] = true;
                available[availableCount++] = state;
                // An instance becoming available now starts its ramp now.
                anySlowStarting |= state.available ? state.slowStarting(now) : slowStartNanos != 0;
            }
        }
        boolean panic = isPanic(availableCount, known.length);
        InstanceState[] selectable = panic ? known : trimmed(available, availableCount);
        return new Result(selectable, availableCount, panic, recheckAt(now, anyCircuitOpen, anySlowStarting, holdEnds),
                transitions, availableAt);
    }

    /**
     * What {@link #compute} would say after a list update, without reading any instance that was
     * already known: each keeps the availability last applied to it, which is what a full pass would
     * find, since every change since then has a rebuild of its own coming (the call, health check or
     * sweep that made it asked for one) and the changes that come with time are due at
     * {@code previous.recheckAt}. At 100,000 instances a pass that reads every state costs about 4 ms.
     *
     * @param known every instance of the new list, in its order
     * @param previousPositions for each of them, its position in the previous list, or -1 if new
     * @param previous the snapshot of the previous list
     * @param now ticker time
     * @return the result, or null when it takes a full pass: a recheck is due, panic mode before or
     *     after, or a new instance that is not available (its breaker remembered OPEN)
     */
    @Nullable Result carryOver(InstanceState[] known, int[] previousPositions, Snapshot previous, long now) {
        if (previous.panic || previous.recheckDue(now)) {
            return null;
        }
        boolean[] before = previous.availableAt;
        InstanceState[] available = new InstanceState[known.length];
        boolean[] availableAt = new boolean[known.length];
        int availableCount = 0;
        long recheckAt = previous.recheckAt;
        for (int i = 0; i < known.length; i++) {
            int was = previousPositions[i];
            boolean isAvailable;
            if (was >= 0) {
                isAvailable = before[was];
            } else {
                InstanceState joined = known[i];
                if (!joined.available) {
                    return null;
                }
                isAvailable = true;
                if (joined.slowStarting(now)) {
                    recheckAt = Math.min(recheckAt, now + slowStartRecheckNanos());
                }
            }
            if (isAvailable) {
                availableAt[i] = true;
                available[availableCount++] = known[i];
            }
        }
        if (isPanic(availableCount, known.length)) {
            return null;
        }
        return new Result(trimmed(available, availableCount), availableCount, false, recheckAt, List.of(), availableAt);
    }

    /** Whether so few of the known instances are available that all of them are selected. */
    private boolean isPanic(int availableCount, int knownCount) {
        return panicThreshold > 0 && knownCount > 0 && availableCount < panicThreshold * knownCount;
    }

    private static InstanceState[] trimmed(InstanceState[] available, int count) {
        return count == available.length ? available : Arrays.copyOf(available, count);
    }

    private long slowStartRecheckNanos() {
        return Math.max(slowStartNanos / 20, TimeUnit.MILLISECONDS.toNanos(1));
    }

    /** Whether health checking lets the instance be picked. */
    boolean healthAllows(InstanceState state) {
        InstanceStatus.Health h = state.health();
        return h == InstanceStatus.Health.HEALTHY || (h == InstanceStatus.Health.UNKNOWN && selectableBeforeFirstCheck);
    }

    /** Whether the instance is available now, read live (for status and metrics between rebuilds). */
    boolean isAvailable(InstanceState state, long now) {
        return state.circuitPermits() && healthAllows(state) && !state.held(now);
    }

    /** When to look again: for breakers whose wait may be over, slow-start weights in selectors, holds that end. */
    private long recheckAt(long now, boolean anyCircuitOpen, boolean anySlowStarting, long holdEnds) {
        long at = holdEnds;
        if (anyCircuitOpen) {
            at = Math.min(at, now + RECHECK_INTERVAL_NANOS);
        }
        if (anySlowStarting) {
            at = Math.min(at, now + slowStartRecheckNanos());
        }
        return at;
    }
}
