package io.github.loadbalancer4j.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A scheduler in virtual time: tasks run on the test's thread when {@link #advance(Duration)} moves
 * time past them. One-shot {@code schedule(Runnable)} and {@code execute} are supported (what health
 * checking and the asynchronous failover use); the periodic forms throw.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final PriorityQueue<Task> queue = new PriorityQueue<>(
            (x, y) -> x.at != y.at ? Long.compare(x.at, y.at) : Long.compare(x.seq, y.seq));
    private long now;
    private long sequence;
    private boolean shutdown;

    /**
     * The scheduler's virtual time: while a task runs, the time it was due at; between
     * {@link #advance(Duration)} calls, where the last advance ended. Starts at 0.
     *
     * @return the virtual time in nanoseconds
     */
    public synchronized long nanoTime() {
        return now;
    }

    /** @return a nanosecond ticker reading {@link #nanoTime()}, for code that measures time between the tasks it schedules */
    public LongSupplier ticker() {
        return this::nanoTime;
    }

    /** @return tasks scheduled and neither run nor cancelled */
    public synchronized int pending() {
        return (int) queue.stream().filter(t -> !t.cancelled).count();
    }

    /**
     * Moves virtual time forward, running on this thread every task due by then, in time order.
     *
     * @param duration how far
     */
    public void advance(Duration duration) {
        long until;
        synchronized (this) {
            until = now + duration.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.at > until) {
                    now = until;
                    return;
                }
                queue.poll();
                now = next.at;
            }
            if (!next.cancelled) {
                next.command.run();
            }
        }
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task task = new Task(command, now + unit.toNanos(delay), sequence++);
        queue.add(task);
        return task;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("schedule(Callable) (expected: schedule(Runnable))");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("periodic tasks (expected: one-shot schedule(Runnable))");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("periodic tasks (expected: one-shot schedule(Runnable))");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>();
        queue.forEach(t -> left.add(t.command));
        queue.clear();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    private final class Task implements ScheduledFuture<Object> {
        final Runnable command;
        final long at;
        final long seq;
        volatile boolean cancelled;

        Task(Runnable command, long at, long seq) {
            this.command = command;
            this.at = at;
            this.seq = seq;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            synchronized (ManualScheduler.this) {
                return unit.convert(at - now, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }
    }
}
