package io.github.loadbalancer4j.internal;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The instances a load balancer knows, reconciled with each whole list its source delivers: one
 * pass over the new list with a hash lookup each, new states (and breakers) only for new ids,
 * unchanged instances keep their state (breaker, in-flight count, latency, health) and removed ones
 * give their breaker back to the registry. The cost is proportional to the list plus what changed,
 * with small constants: no map of every instance is built again per update. Not thread-safe: the load
 * balancer calls it under its lock.
 */
final class InstanceList {

    private static final InstanceState[] NONE = new InstanceState[0];

    private final InstanceCircuitBreakers breakers;
    private final CoarseTicker recent;
    private final long slowStartNanos;
    private final Map<String, InstanceState> byId = new HashMap<>();
    private InstanceState[] known = NONE;
    /** The instances of {@link #known}, position for position: what the last list held. */
    private ServiceInstance[] knownInstances = new ServiceInstance[0];
    private boolean initialized;

    InstanceList(InstanceCircuitBreakers breakers, CoarseTicker recent, long slowStartNanos) {
        this.breakers = breakers;
        this.recent = recent;
        this.slowStartNanos = slowStartNanos;
    }

    /** What one list update changed. */
    static final class Change {
        final List<InstanceState> added;
        final List<InstanceState> removed;
        /** Whether instances joined a list that was already running (they then start at the fleet's cost). */
        final boolean joinedRunningFleet;
        /** The list before the update. */
        final InstanceState[] previous;
        /**
         * For each instance of the new list, its position in {@link #previous}, or -1 if new; null
         * when duplicates were dropped from the new list (rare: positions were made again).
         */
        final int @Nullable [] previousPositions;

        Change(List<InstanceState> added, List<InstanceState> removed, boolean joinedRunningFleet, InstanceState[] previous,
                int @Nullable [] previousPositions) {
            this.added = added;
            this.removed = removed;
            this.joinedRunningFleet = joinedRunningFleet;
            this.previous = previous;
            this.previousPositions = previousPositions;
        }
    }

    /** @return every known instance, in the source's order (do not modify) */
    InstanceState[] known() {
        return known;
    }

    /**
     * Applies a whole new list. An instance found where the previous list had it is matched through
     * {@link #knownInstances} alone: the pass reads two arrays in order and touches an unchanged
     * instance's state only when its position moved (at 100,000 instances the states are scattered
     * over the heap, and reading each was most of an update's cost).
     *
     * @param instances the source's list, without duplicate ids (a duplicate is skipped, the first wins)
     * @param now ticker time
     * @return what was added and removed
     */
    Change apply(List<ServiceInstance> instances, long now) {
        InstanceState[] previous = known;
        ServiceInstance[] previousInstances = knownInstances;
        InstanceState[] next = new InstanceState[instances.size()];
        ServiceInstance[] nextInstances = new ServiceInstance[instances.size()];
        int[] previousPositions = new int[instances.size()];
        int size = 0;
        List<ServiceInstance> fresh = null;
        int[] freshAt = null;
        int cursor = 0; // where in the previous list the next instance most likely is: lists change little
        // Which previous positions the new list kept: the removed ones, and duplicates, are found without reading states.
        boolean[] kept = new boolean[previous.length];
        for (ServiceInstance instance : instances) {
            int was = -1;
            if (cursor < previous.length) {
                ServiceInstance expected = previousInstances[cursor];
                if (expected == instance || expected.id().equals(instance.id())) {
                    was = cursor; // found in place: no hash lookup
                }
            }
            if (was < 0) {
                InstanceState state = byId.get(instance.id());
                if (state == null) {
                    if (fresh == null) {
                        fresh = new ArrayList<>();
                        freshAt = new int[instances.size()];
                    }
                    freshAt[fresh.size()] = size;
                    fresh.add(instance);
                    previousPositions[size] = -1;
                    nextInstances[size++] = instance; // its state is made below
                    continue;
                }
                was = state.position;
            }
            if (kept[was]) {
                continue; // a duplicate id in one list: the first wins
            }
            kept[was] = true;
            cursor = was + 1;
            InstanceState state = previous[was];
            if (was != size) {
                state.position = size;
            }
            if (previousInstances[was] != instance) {
                state.instance(instance); // same id, maybe new weight, zone or metadata
            }
            next[size] = state;
            previousPositions[size] = was;
            nextInstances[size++] = instance;
        }
        List<InstanceState> added = fresh == null ? List.of() : create(fresh, freshAt, next, now);
        int compacted = compact(next, size);
        List<InstanceState> removed = List.of();
        for (int i = 0; i < previous.length; i++) {
            if (!kept[i]) {
                InstanceState old = previous[i];
                if (removed.isEmpty()) {
                    removed = new ArrayList<>();
                }
                removed.add(old);
                byId.remove(previousInstances[i].id());
                breakers.remove(old.instance(), old.circuitBreaker());
            }
        }
        boolean positionsHold = compacted == next.length;
        if (positionsHold) {
            known = next;
            knownInstances = nextInstances;
        } else { // duplicates among the new instances left gaps (rare): positions again
            known = Arrays.copyOf(next, compacted);
            knownInstances = new ServiceInstance[compacted];
            for (int i = 0; i < compacted; i++) {
                known[i].position = i;
                knownInstances[i] = known[i].instance();
            }
        }
        boolean joined = initialized && !added.isEmpty();
        initialized = true;
        return new Change(added, removed, joined, previous, positionsHold ? previousPositions : null);
    }

    /**
     * The new instances' breakers first, then their states in one run: the states that selectors read
     * on every pick then lie next to each other in memory instead of between their breakers (P2 at
     * 10,000 instances).
     */
    private List<InstanceState> create(List<ServiceInstance> fresh, int[] freshAt, InstanceState[] next, long now) {
        CircuitBreaker[] newBreakers = new CircuitBreaker[fresh.size()];
        for (int i = 0; i < fresh.size(); i++) {
            newBreakers[i] = breakers.create(fresh.get(i)); // a duplicate id gets the registry's same breaker
        }
        List<InstanceState> added = new ArrayList<>(fresh.size());
        // Slow start applies to instances that join later, not to the first list.
        long availableSince = initialized ? now : now - slowStartNanos;
        for (int i = 0; i < fresh.size(); i++) {
            ServiceInstance instance = fresh.get(i);
            if (byId.containsKey(instance.id())) {
                continue; // a duplicate id among the new ones: the first wins
            }
            InstanceState state = new InstanceState(instance, newBreakers[i], recent, slowStartNanos, availableSince);
            state.position = freshAt[i];
            byId.put(instance.id(), state);
            next[freshAt[i]] = state;
            added.add(state);
        }
        return added;
    }

    /** Closes the gaps duplicates left; returns the size. */
    private static int compact(InstanceState[] next, int size) {
        int j = 0;
        for (int i = 0; i < size; i++) {
            if (next[i] != null) {
                next[j++] = next[i];
            }
        }
        for (int i = j; i < size; i++) {
            next[i] = null;
        }
        return j;
    }

    /** Forgets every instance and gives every breaker back to the registry. */
    void clear() {
        breakers.removeAll(Arrays.asList(known));
        byId.clear();
        known = NONE;
        knownInstances = new ServiceInstance[0];
    }
}
