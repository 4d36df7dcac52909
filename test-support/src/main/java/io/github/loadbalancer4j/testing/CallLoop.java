package io.github.loadbalancer4j.testing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Threads that call a decorated call in a loop, for end-to-end tests of discovery: each call returns
 * the name of the backend that answered it (a {@link LoopbackBackends} backend answers with its
 * address), and the loop counts who served how many calls, keeps every failure, and, for each
 * {@link #mark(String) mark}, who served the calls that started after it (e.g. after a removal was
 * applied, to show that none of them reached the removed instance).
 */
public final class CallLoop implements AutoCloseable {

    private final Supplier<String> call;
    private final AtomicInteger completed = new AtomicInteger();
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    private final Map<String, Map<String, AtomicInteger>> servedSince = new ConcurrentHashMap<>();
    private final List<String> marks = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    private CallLoop(Supplier<String> call) {
        this.call = call;
    }

    /**
     * Starts {@code threads} threads calling {@code call} until {@link #close()}.
     *
     * @param threads how many callers, {@code >= 1}
     * @param call one call; returns who answered it
     * @return the running loop
     */
    public static CallLoop start(int threads, Supplier<String> call) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
        CallLoop loop = new CallLoop(requireNonNull(call, "call"));
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(loop::run, "caller-" + i);
            loop.threads.add(t);
            t.start();
        }
        return loop;
    }

    private void run() {
        while (running) {
            // Read before the call picks its instance: these marks were set before the pick.
            List<String> marksBefore = List.copyOf(marks);
            String backend;
            try {
                backend = call.get();
            } catch (RuntimeException e) {
                failures.add(e);
                continue;
            }
            served.computeIfAbsent(backend, b -> new AtomicInteger()).incrementAndGet();
            for (String mark : marksBefore) {
                servedSince.get(mark).computeIfAbsent(backend, b -> new AtomicInteger()).incrementAndGet();
            }
            completed.incrementAndGet();
        }
    }

    /**
     * Marks this point: calls that start from now on are also counted under {@code name}.
     *
     * @param name a name not used before
     */
    public void mark(String name) {
        if (servedSince.putIfAbsent(name, new ConcurrentHashMap<>()) != null) {
            throw new IllegalArgumentException("mark: '" + name + "' (expected: a name not used before)");
        }
        marks.add(name);
    }

    /**
     * @param mark a name given to {@link #mark(String)}
     * @return who served the calls that started after the mark, and how many each
     */
    public Map<String, Integer> servedSince(String mark) {
        Map<String, Integer> out = new ConcurrentHashMap<>();
        requireNonNull(servedSince.get(mark), mark).forEach((backend, n) -> out.put(backend, n.get()));
        return out;
    }

    /** @return the calls that returned */
    public int completed() {
        return completed.get();
    }

    /**
     * @param backend a name a call returned
     * @return how many calls it served
     */
    public int servedBy(String backend) {
        AtomicInteger n = served.get(backend);
        return n == null ? 0 : n.get();
    }

    /** @return the calls that threw, oldest first (a live, thread-safe view) */
    public List<Throwable> failures() {
        return failures;
    }

    /** Stops the callers and waits up to 10 s for each to end its current call. */
    @Override
    public void close() {
        running = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
