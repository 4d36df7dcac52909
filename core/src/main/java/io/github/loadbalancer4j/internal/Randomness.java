package io.github.loadbalancer4j.internal;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Where the load balancer's randomized choices draw from: the random strategies, the power of two
 * choices, the start of a round-robin cycle, and the failover fallback. Normally
 * {@link ThreadLocalRandom}; a thread may install a seeded generator of its own, so that a
 * single-threaded deterministic simulation (the benchmarks module's simulator) gives the same picks on
 * every run. The override is per thread and affects no other thread; while no thread has one, the
 * cost is one volatile read. Public only for other loadbalancer4j modules; not API.
 */
public final class Randomness {

    private static final ThreadLocal<RandomGenerator> OVERRIDE = new ThreadLocal<>();
    private static volatile boolean anyOverride;

    private Randomness() {
    }

    /** @return the calling thread's generator: its override, else {@link ThreadLocalRandom#current()} */
    public static RandomGenerator current() {
        if (anyOverride) {
            RandomGenerator random = OVERRIDE.get();
            if (random != null) {
                return random;
            }
        }
        return ThreadLocalRandom.current();
    }

    /**
     * Makes the calling thread's randomized choices draw from {@code random} until
     * {@link #useOnCurrentThread(RandomGenerator)} is called again with null.
     *
     * @param random a generator used only by this thread (a seeded {@link java.util.SplittableRandom}),
     *     or null to go back to {@link ThreadLocalRandom}
     */
    public static void useOnCurrentThread(@Nullable RandomGenerator random) {
        if (random == null) {
            OVERRIDE.remove();
            return;
        }
        OVERRIDE.set(requireNonNull(random, "random"));
        anyOverride = true;
    }
}
