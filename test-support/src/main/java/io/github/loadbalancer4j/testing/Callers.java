package io.github.loadbalancer4j.testing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Threads that make a load-balanced call in a loop until stopped, and record which backend served
 * each call (the call returns the backend's name, as {@link LoopbackBackends} answer with their
 * address) and in which phase of the test it was picked. A test moves to a new phase once the load
 * balancer holds a new list (an instance removed, say); calls that start after that count in the new
 * phase, so {@link #servedIn(String)} tells where the calls picked from that list went.
 */
public final class Callers implements AutoCloseable {

    /** The phase of the calls made before the first {@link #phase(String)}. */
    public static final String FIRST_PHASE = "start";

    private final Supplier<String> call;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Map<String, AtomicInteger>> served = new ConcurrentHashMap<>();
    private final AtomicInteger completed = new AtomicInteger();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private volatile String phase = FIRST_PHASE;
    private volatile boolean stop;

    private Callers(Supplier<String> call) {
        this.call = call;
    }

    /**
     * Starts the callers.
     *
     * @param count how many threads call at once
     * @param call the load-balanced call; returns the name of the backend that served it
     * @return the running callers
     */
    public static Callers start(int count, Supplier<String> call) {
        Callers callers = new Callers(requireNonNull(call, "call"));
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(callers::run, "callers-" + (i + 1));
            t.setDaemon(true);
            callers.threads.add(t);
            t.start();
        }
        return callers;
    }

    /**
     * Begins a phase: the calls that start from now on count in it.
     *
     * @param name the phase's name
     */
    public void phase(String name) {
        this.phase = requireNonNull(name, "name");
    }

    /** @return how many calls returned so far */
    public int completed() {
        return completed.get();
    }

    /**
     * @param backend a backend's name
     * @return how many calls it served, in every phase
     */
    public int servedBy(String backend) {
        return served.values().stream().mapToInt(counts -> {
            AtomicInteger n = counts.get(backend);
            return n == null ? 0 : n.get();
        }).sum();
    }

    /**
     * @param phase a phase's name
     * @return how many calls each backend served among the calls that started in that phase
     */
    public Map<String, Integer> servedIn(String phase) {
        Map<String, Integer> out = new TreeMap<>();
        served.getOrDefault(phase, Map.of()).forEach((backend, n) -> out.put(backend, n.get()));
        return out;
    }

    /** @return the calls that threw, oldest first (a live, thread-safe view) */
    public List<Throwable> failures() {
        return failures;
    }

    /** Stops calling and waits (up to 10 s) for the calls under way to end. */
    @Override
    public void close() {
        stop = true;
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run() {
        while (!stop) {
            // Read before the call picks its instance: the pick is made from the list of this phase or a later one.
            String pickedIn = phase;
            String backend;
            try {
                backend = call.get();
            } catch (RuntimeException e) {
                failures.add(e);
                continue;
            }
            served.computeIfAbsent(pickedIn, p -> new ConcurrentHashMap<>())
                    .computeIfAbsent(backend, b -> new AtomicInteger())
                    .incrementAndGet();
            completed.incrementAndGet();
        }
    }
}
