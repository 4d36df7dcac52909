package io.github.loadbalancer4j.retry.internal;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.Deadline;
import io.github.loadbalancer4j.retry.DeadlineExceededException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The hedging engine: one hedged call, its attempts and what happens when each ends, whoever runs
 * them. The asynchronous decorators, the blocking ones and the OkHttp interceptor only say how to
 * start an attempt and how to cancel it ({@link Attempts}); this class picks each attempt's instance,
 * decides when a hedge goes, who wins, what is cancelled, and how the call ends.
 *
 * <p>The rules, in one place:
 * <ul>
 *   <li>the first attempt goes where the load balancer picks; a hedge is due a delay after the
 *       previous attempt started ({@link DefaultHedging#delayNanos()}; none while a percentile has too
 *       few samples); it goes to an instance the call has not tried, or not at all (every available
 *       instance tried, none available), and only when the budget grants it (a refusal ends the call's
 *       hedging) and the deadline leaves at least its floor;
 *   <li>the first success wins: its lease records it, every other attempt is marked over, its lease
 *       {@link Lease#release() released} (neither success nor failure), then cancelled; an answer that
 *       arrives after that is discarded ({@link Attempts#discard});
 *   <li>a failure ends its attempt only: the next hedge goes at once when the failure may move on;
 *       the call ends once no attempt runs and none may start, with the last answer that counted as a
 *       failure (an HTTP 503), else the last failure, else a {@link DeadlineExceededException} when the
 *       deadline is why nothing more may start;
 *   <li>at the deadline the attempts still running are failures of their instances
 *       ({@link TimeoutException}) and are cancelled; the call fails with a {@link DeadlineExceededException};
 *   <li>the first attempt's latency feeds the histogram of a percentile delay; a first attempt that is
 *       cancelled counts as the time it ran (the latency is at least that).
 * </ul>
 * Each lease is ended once (whoever is first: a lease ended again ignores it, which the OkHttp
 * interceptor relies on, as its attempts end their own leases). Thread-safe: attempts end on their
 * own threads, timers fire on the scheduler, the caller may cancel. Decisions are taken under one
 * lock per call; leases, cancellations, events and the caller's stage are handled after it is let go.
 *
 * @param <T> the call's result type
 */
public final class HedgedCall<T> {

    /** How a caller runs attempts. */
    public interface Attempts<T> {
        /**
         * Starts an attempt on {@code attempt.instance()}. Its outcome must come back once through
         * {@code attempt.succeeded}, {@code failed} or {@code failedWithAnswer}, from any thread, possibly
         * before this method returns.
         *
         * @param attempt the attempt
         * @return what cancels it (cancels its stage, interrupts its thread, cancels its HTTP call)
         * @throws Exception if it could not start: a failed attempt
         */
        Runnable start(HedgedCall<T>.Attempt attempt) throws Exception;

        /**
         * Frees an answer nobody will get: a loser's, or a failed answer replaced by a later one.
         *
         * @param answer the answer
         */
        default void discard(T answer) {
        }
    }

    private final DefaultHedging hedging;
    private final Attempts<T> runner;
    private final boolean hedged;
    private final Predicate<Throwable> mayMoveOn;
    private final @Nullable Deadline deadline;
    private final @Nullable ScheduledExecutorService timers;
    private final long start;
    private final long delayNanos;
    private final CompletableFuture<T> promise = new CompletableFuture<>();
    private final Object lock = new Object();

    // Guarded by lock.
    private final List<Attempt> running = new ArrayList<>(2);
    private SelectionContext selection;
    private int started;
    private int hedgesLeft;
    private long nextHedgeAt;
    private boolean hedgePending;
    private boolean deadlineRefused;
    private boolean done;
    private @Nullable T failedAnswer;
    private boolean hasFailedAnswer;
    private @Nullable Throwable lastFailure;
    private @Nullable ScheduledFuture<?> hedgeTimer;
    private @Nullable ScheduledFuture<?> deadlineTimer;

    HedgedCall(DefaultHedging hedging, Attempts<T> runner, boolean hedged, Predicate<Throwable> mayMoveOn,
            @Nullable Deadline deadline, @Nullable ScheduledExecutorService timers, SelectionContext first) {
        this.hedging = hedging;
        this.runner = runner;
        this.hedged = hedged;
        this.mayMoveOn = mayMoveOn;
        this.deadline = deadline;
        this.timers = timers;
        this.selection = first;
        this.start = hedging.ticker().getAsLong();
        this.delayNanos = hedged ? hedging.delayNanos() : -1;
        this.hedgesLeft = hedged ? hedging.getPolicy().getMaxHedges() : 0;
    }

    /**
     * Starts the call: deposits it in the budget and starts its first attempt (on this thread, as far as
     * the runner does).
     *
     * @return the call's outcome; always completes
     */
    public CompletableFuture<T> start() {
        hedging.metrics().calls.increment();
        hedging.getBudget().deposit();
        Attempt first;
        synchronized (lock) {
            try {
                first = newAttempt(hedging.getLoadBalancer().acquire(selection), start);
            } catch (NoAvailableInstanceException e) {
                done = true;
                promise.completeExceptionally(e);
                return promise;
            }
            if (hedgesLeft > 0 && delayNanos >= 0) {
                hedgeDueAt(start + delayNanos);
            }
            Deadline d = deadline;
            if (d != null && timers != null) {
                deadlineTimer = schedule(this::onDeadline, d.timeLeftNanos());
            }
        }
        promise.whenComplete((value, error) -> {
            if (promise.isCancelled()) {
                cancel();
            }
        });
        launch(first);
        return promise;
    }

    /** @return the call's outcome */
    public CompletableFuture<T> promise() {
        return promise;
    }

    /**
     * For callers without a scheduler, which wait for the call themselves: how long until
     * {@link #onTimer()} or {@link #onDeadline()} has something to do.
     *
     * @return nanoseconds, {@code >= 0}; {@link Long#MAX_VALUE} when nothing is due
     */
    public long nanosUntilDue() {
        long now = hedging.ticker().getAsLong();
        synchronized (lock) {
            if (done) {
                return Long.MAX_VALUE;
            }
            long until = hedgePending ? Math.max(0, nextHedgeAt - now) : Long.MAX_VALUE;
            Deadline d = deadline;
            return d == null ? until : Math.min(until, d.timeLeftNanos());
        }
    }

    /** A hedge may be due: sends it if it is (a timer that fires early, or for a replaced due time, does nothing). */
    public void onTimer() {
        long now = hedging.ticker().getAsLong();
        Attempt next;
        synchronized (lock) {
            if (done || !hedgePending || now - nextHedgeAt < 0) {
                return;
            }
            next = tryHedge(now);
        }
        if (next != null) {
            launch(next);
        }
    }

    /** The deadline may have passed: if it did, the attempts still running fail and are cancelled, and so does the call. */
    public void onDeadline() {
        Deadline d = deadline;
        if (d == null) {
            return;
        }
        long now = hedging.ticker().getAsLong();
        List<Attempt> cut;
        Outcome<T> outcome;
        synchronized (lock) {
            if (done) {
                return;
            }
            if (!d.isExpired()) {
                if (timers != null) {
                    deadlineTimer = schedule(this::onDeadline, d.timeLeftNanos());
                }
                return;
            }
            cut = endAll();
            deadlineRefused = true;
            outcome = outcome(timeout(d));
        }
        TimeoutException timeout = timeout(d);
        for (Attempt a : cut) {
            a.lease.onError(timeout);
            recordFirst(a, now);
            cancel(a);
        }
        complete(outcome);
    }

    /** The caller gave up: every attempt is cancelled (its lease released) and so is the call's stage. */
    public void cancel() {
        long now = hedging.ticker().getAsLong();
        List<Attempt> victims;
        Outcome<T> dropped;
        synchronized (lock) {
            if (done) {
                return;
            }
            victims = endAll();
            dropped = outcome(null);
        }
        release(victims, now);
        if (dropped.hasAnswer) {
            runner.discard(dropped.answer);
        }
        promise.cancel(false);
    }

    private Attempt newAttempt(Lease lease, long now) {
        Attempt a = new Attempt(started++, lease, now);
        selection = selection.excluding(lease.instance());
        running.add(a);
        return a;
    }

    /** Sends a hedge now if the call may have one; arms the timer of the next. Under the lock. */
    private @Nullable Attempt tryHedge(long now) {
        hedgePending = false;
        if (done || hedgesLeft <= 0) {
            return null;
        }
        Deadline d = deadline;
        if (d != null && !d.allowsAttemptAfter(0)) {
            deadlineRefused = true;
            return null;
        }
        LoadBalancer lb = hedging.getLoadBalancer();
        Lease lease;
        try {
            lease = lb.acquire(selection);
        } catch (NoAvailableInstanceException e) {
            return null;
        }
        if (selection.isTried(lease.instance())) {
            lease.release(); // every available instance was tried: a hedge would only add load to one of them
            hedgesLeft = 0;
            return null;
        }
        if (!hedging.getBudget().tryWithdraw()) {
            lease.release();
            hedgesLeft = 0;
            return null;
        }
        hedgesLeft--;
        Attempt hedge = newAttempt(lease, now);
        if (hedgesLeft > 0 && delayNanos >= 0) {
            hedgeDueAt(now + delayNanos);
        }
        return hedge;
    }

    private void hedgeDueAt(long at) {
        nextHedgeAt = at;
        hedgePending = true;
        if (timers != null) {
            hedgeTimer = schedule(this::onTimer, at - hedging.ticker().getAsLong());
        }
    }

    private @Nullable ScheduledFuture<?> schedule(Runnable task, long nanos) {
        try {
            return timers == null ? null : timers.schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // the scheduler is shutting down: no more hedges, the attempts run to their end
        }
    }

    private void launch(Attempt a) {
        if (a.number > 0) {
            hedging.sent(a.instance(), a.number, a.startedAt - start);
        }
        Runnable cancel;
        try {
            cancel = runner.start(a);
        } catch (Throwable e) {
            failed(a, false, null, e);
            return;
        }
        a.cancelWith(cancel);
    }

    private void succeeded(Attempt a, @Nullable T value) {
        long now = hedging.ticker().getAsLong();
        List<Attempt> losers;
        Outcome<T> replaced;
        synchronized (lock) {
            if (a.over) {
                losers = null;
                replaced = null;
            } else {
                a.over = true;
                running.remove(a);
                losers = endAll();
                replaced = outcome(null);
            }
        }
        if (losers == null) {
            if (value != null) {
                runner.discard(value); // a loser that answered after it was cancelled
            }
            return;
        }
        a.lease.onResult(value);
        recordFirst(a, now);
        release(losers, now);
        if (replaced.hasAnswer) {
            runner.discard(replaced.answer);
        }
        if (a.number > 0) {
            hedging.won(a.instance(), a.number, now - start);
        }
        if (!promise.complete(value) && value != null) {
            runner.discard(value); // the caller cancelled in the meantime
        }
    }

    private void failed(Attempt a, boolean hasAnswer, @Nullable T answer, Throwable error) {
        long now = hedging.ticker().getAsLong();
        Attempt next = null;
        @Nullable Outcome<T> outcome = null;
        boolean late;
        T replaced = null;
        boolean hasReplaced = false;
        synchronized (lock) {
            late = a.over;
            if (!late) {
                a.over = true;
                running.remove(a);
                lastFailure = error;
                if (hasAnswer) {
                    hasReplaced = hasFailedAnswer;
                    replaced = failedAnswer;
                    failedAnswer = answer;
                    hasFailedAnswer = true;
                }
                if (error instanceof Exception && mayMoveOn.test(error)) {
                    next = tryHedge(now);
                }
                if (next == null && running.isEmpty()) {
                    endAll();
                    Deadline d = deadline;
                    outcome = outcome(d != null && (deadlineRefused || d.isExpired()) ? error : null);
                }
            }
        }
        if (late) {
            if (hasAnswer) {
                runner.discard(answer);
            }
            return;
        }
        a.lease.onError(error);
        recordFirst(a, now);
        if (hasReplaced) {
            runner.discard(replaced);
        }
        if (next != null) {
            launch(next);
        } else if (outcome != null) {
            complete(outcome);
        }
    }

    /** Marks the call done and every running attempt over and cancelled; returns them. Under the lock. */
    private List<Attempt> endAll() {
        done = true;
        hedgePending = false;
        List<Attempt> ended = running.isEmpty() ? List.of() : new ArrayList<>(running);
        for (Attempt a : ended) {
            a.over = true;
            a.cancelled = true;
        }
        running.clear();
        cancelTimer(hedgeTimer);
        cancelTimer(deadlineTimer);
        return ended;
    }

    /**
     * How the call ends now that nothing runs, taken under the lock: the failed answer if there is one,
     * else a {@link DeadlineExceededException} caused by {@code deadlineCause} when that is given, else the
     * last failure.
     */
    private Outcome<T> outcome(@Nullable Throwable deadlineCause) {
        Outcome<T> o = new Outcome<>();
        o.hasAnswer = hasFailedAnswer;
        o.answer = failedAnswer;
        hasFailedAnswer = false;
        failedAnswer = null;
        Deadline d = deadline;
        if (deadlineCause != null && d != null) {
            Throwable cause = lastFailure != null ? lastFailure : deadlineCause;
            o.failure = DeadlineExceededException.createDeadlineExceededException(hedging.getLoadBalancer().getName(),
                    d.getTimeout(), started, cause);
        } else {
            o.failure = lastFailure;
        }
        return o;
    }

    private void complete(Outcome<T> outcome) {
        if (outcome.hasAnswer) {
            if (!promise.complete(outcome.answer) && outcome.answer != null) {
                runner.discard(outcome.answer);
            }
        } else {
            Throwable failure = outcome.failure;
            promise.completeExceptionally(failure != null ? failure : new IllegalStateException("hedged call ended without an outcome"));
        }
    }

    private void release(List<Attempt> losers, long now) {
        for (Attempt a : losers) {
            a.lease.release();
            hedging.metrics().cancelled.increment();
            recordFirst(a, now);
            cancel(a);
        }
    }

    private void cancel(Attempt a) {
        Runnable c;
        synchronized (lock) {
            c = a.cancel;
        }
        if (c != null) {
            c.run(); // when it is not set yet, cancelWith runs it as soon as it is
        }
    }

    private void recordFirst(Attempt a, long now) {
        if (a.number == 0) {
            hedging.recordFirstAttempt(now - a.startedAt);
        }
    }

    private static void cancelTimer(@Nullable ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private static TimeoutException timeout(Deadline d) {
        return new TimeoutException("the attempt was cut at the call's deadline of " + d.getTimeout());
    }

    /** How a call ends: an answer, or a failure. */
    private static final class Outcome<T> {
        boolean hasAnswer;
        @Nullable T answer;
        @Nullable Throwable failure;
    }

    /** One attempt of the call, on one instance. */
    public final class Attempt {
        private final int number;
        private final Lease lease;
        private final long startedAt;
        // Guarded by lock.
        private boolean over;
        private boolean cancelled;
        private @Nullable Runnable cancel;

        Attempt(int number, Lease lease, long startedAt) {
            this.number = number;
            this.lease = lease;
            this.startedAt = startedAt;
        }

        /** @return the instance to go to */
        public ServiceInstance instance() {
            return lease.instance();
        }

        /** @return the attempt's lease, for callers that end it themselves (ending it again does nothing) */
        public Lease lease() {
            return lease;
        }

        /** @return 0 for the call's first attempt, 1 for its first hedge, and so on */
        public int number() {
            return number;
        }

        /** @return the call's deadline, or null: the attempt gets at most its time left */
        public @Nullable Deadline deadline() {
            return deadline;
        }

        /**
         * The attempt succeeded.
         *
         * @param value its result
         */
        public void succeeded(@Nullable T value) {
            HedgedCall.this.succeeded(this, value);
        }

        /**
         * The attempt failed.
         *
         * @param error what it failed with
         */
        public void failed(Throwable error) {
            HedgedCall.this.failed(this, false, null, error);
        }

        /**
         * The attempt answered, and the answer is a failure (an HTTP 503): kept to return if no attempt
         * succeeds.
         *
         * @param answer the answer
         * @param error the failure it counts as
         */
        public void failedWithAnswer(T answer, Throwable error) {
            HedgedCall.this.failed(this, true, answer, error);
        }

        void cancelWith(Runnable c) {
            synchronized (lock) {
                if (!cancelled) {
                    cancel = c;
                    return;
                }
            }
            c.run(); // cancelled while it was starting
        }

        @Override
        public String toString() {
            return "Attempt{" + number + " on " + lease.instance().id() + '}';
        }
    }
}
