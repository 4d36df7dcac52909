package io.github.loadbalancer4j.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A factory of named daemon threads that remembers the threads it made, so that an owner's
 * {@code close()} can end its executor and return only once those threads are gone.
 *
 * <p>{@link ExecutorService#awaitTermination} is not enough for that: an executor counts as
 * terminated while its last worker is still leaving {@code run()}, so a caller that looks at the
 * live threads right after it can still see one.
 */
public final class DaemonThreads implements ThreadFactory {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonThreads.class);

    private final String name;
    private final boolean numbered;
    private final AtomicInteger count = new AtomicInteger();
    private final Set<Thread> made = ConcurrentHashMap.newKeySet();

    private DaemonThreads(String name, boolean numbered) {
        this.name = requireNonNull(name, "name");
        this.numbered = numbered;
    }

    /**
     * For a single-thread executor.
     *
     * @param name the name of every thread made
     * @return a new factory
     */
    public static DaemonThreads named(String name) {
        return new DaemonThreads(name, false);
    }

    /**
     * For a pool.
     *
     * @param prefix the threads are named {@code prefix-1}, {@code prefix-2}, ...
     * @return a new factory
     */
    public static DaemonThreads numbered(String prefix) {
        return new DaemonThreads(prefix, true);
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread t = new Thread(task, numbered ? name + "-" + count.incrementAndGet() : name);
        t.setDaemon(true);
        made.removeIf(old -> old.getState() == Thread.State.TERMINATED); // a pool replaces threads that died
        made.add(t);
        return t;
    }

    /** Whether the calling thread is one of ours (then it must not wait for itself). */
    private boolean isCurrentThreadOurs() {
        return made.contains(Thread.currentThread());
    }

    /**
     * Shuts {@code executor} down (interrupting running work when {@code interrupt}) and waits up to
     * {@code bound} until every thread this factory made has ended, and logs a warning naming the
     * threads still alive after it. Called from one of those threads, it does not wait (nor warn).
     * Keeps the caller's interrupt status.
     *
     * @param executor the executor whose threads this factory made
     * @param interrupt whether to interrupt running tasks ({@code shutdownNow}) or let them finish
     * @param bound the longest wait
     * @return true when no thread of ours is left alive
     */
    public boolean shutdownAndJoin(ExecutorService executor, boolean interrupt, Duration bound) {
        if (interrupt) {
            executor.shutdownNow();
        } else {
            executor.shutdown();
        }
        if (isCurrentThreadOurs()) {
            return false;
        }
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            executor.awaitTermination(bound.toNanos(), TimeUnit.NANOSECONDS);
            for (Thread t : made) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(t, left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        made.removeIf(t -> !t.isAlive());
        if (!made.isEmpty()) {
            LOG.warn("{} did not end within {}", made, bound);
            return false;
        }
        return true;
    }
}
