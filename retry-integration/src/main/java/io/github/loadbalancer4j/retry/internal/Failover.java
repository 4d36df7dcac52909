package io.github.loadbalancer4j.retry.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.Deadline;
import io.github.loadbalancer4j.retry.DeadlineExceededException;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.resilience4j.retry.Retry;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One call with failover: the attempt count and the instances tried (in the {@link SelectionContext}),
 * the Retry's context and the budget. After each attempt it answers one question: attempt again on
 * this context after this wait, return what the call got, or end with this failure. The blocking
 * decorators, the asynchronous ones and the OkHttp interceptor only say how to call and how to wait.
 *
 * <p>The rules, in one place:
 * <ul>
 *   <li>the user's {@link Retry} decides what is retried and the backoff, through its
 *       {@link Retry.AsyncContext}, whose {@code onError}/{@code onResult} return the backoff without
 *       waiting: so the budget is asked <em>before</em> the wait (a retry the budget refuses never
 *       waits), and the Retry's events and metrics are the ones {@code Retry.context()} publishes;
 *   <li>an {@link Error}, and an {@link InterruptedException}, is never retried;
 *   <li>a predicate or interval function of the Retry that throws ends the call with what it threw,
 *       the call's failure added as suppressed;
 *   <li>every retry goes to an instance this call has not tried while an untried one is available (the
 *       load balancer's exclusion rule over {@link #selection()});
 *   <li>with a {@link Deadline}: no retry whose backoff would leave less than the deadline's floor
 *       (the call ends at once, with its last result or a {@link DeadlineExceededException} whose
 *       cause is its last failure: waiting would only spend the time left), and a failure after the
 *       deadline passed ends the call with that exception whatever the Retry says. The deadline is
 *       asked before the budget, so a retry it refuses costs the budget nothing. The callers give each
 *       attempt at most {@link Deadline#timeLeft()}.
 * </ul>
 * Not thread-safe: one attempt at a time, as every caller runs them.
 *
 * @param <T> the call's result type
 */
public final class Failover<T> {

    /** What to do after an attempt. */
    public enum Action {
        /** Attempt again on {@link Failover#selection()} after {@link Failover#delayMillis()}. */
        RETRY,
        /** Return what the last attempt returned. */
        RETURN,
        /** End with {@link Failover#failure()}. */
        THROW
    }

    private final Retry retry;
    private final Retry.AsyncContext<T> context;
    private final RetryBudget budget;
    private final @Nullable Deadline deadline;
    private final String loadBalancerName;
    private SelectionContext selection;
    private long delayMillis;
    private int attempts;
    private @Nullable Throwable failure;
    private boolean decisionFailed;
    private boolean deadlineSpent;

    private Failover(Retry retry, RetryBudget budget, SelectionContext first, @Nullable Deadline deadline,
            String loadBalancerName) {
        this.retry = retry;
        this.context = retry.asyncContext();
        this.budget = budget;
        this.selection = first;
        this.deadline = deadline;
        this.loadBalancerName = loadBalancerName;
    }

    /**
     * Starts a call without a deadline: deposits it in the budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param budget asked before every retry
     * @param first the first attempt's selection context (a hash key, or empty)
     * @param <T> the result type
     * @return the call's failover
     */
    public static <T> Failover<T> start(Retry retry, RetryBudget budget, SelectionContext first) {
        return start(retry, budget, first, null, requireNonNull(retry, "retry").getName());
    }

    /**
     * Starts a call: deposits it in the budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param budget asked before every retry
     * @param first the first attempt's selection context (a hash key, or empty)
     * @param deadline the call's deadline, started; null for none
     * @param loadBalancerName the load balancer's name, for a {@link DeadlineExceededException}
     * @param <T> the result type
     * @return the call's failover
     */
    public static <T> Failover<T> start(Retry retry, RetryBudget budget, SelectionContext first, @Nullable Deadline deadline,
            String loadBalancerName) {
        Failover<T> failover = new Failover<>(requireNonNull(retry, "retry"), requireNonNull(budget, "budget"),
                requireNonNull(first, "first"), deadline, requireNonNull(loadBalancerName, "loadBalancerName"));
        budget.deposit();
        return failover;
    }

    /** @return the selection context of the next attempt: the instances tried so far excluded */
    public SelectionContext selection() {
        return selection;
    }

    /** @return after {@link Action#RETRY}: how long to wait before the next attempt, {@code >= 0} */
    public long delayMillis() {
        return delayMillis;
    }

    /** @return after {@link Action#THROW}: what to end the call with */
    public Throwable failure() {
        return requireNonNull(failure, "failure (expected: asked after Action.THROW)");
    }

    /**
     * @return after {@link Action#THROW}: whether {@link #failure()} is what the Retry itself threw
     *     (a predicate or interval function), rather than the call's failure
     */
    public boolean decisionFailed() {
        return decisionFailed;
    }

    /** @return the Retry, for messages */
    public Retry retry() {
        return retry;
    }

    /** @return the call's deadline, or null: each attempt gets at most its time left */
    public @Nullable Deadline deadline() {
        return deadline;
    }

    /** @return the attempts that reached an instance so far */
    public int attempts() {
        return attempts;
    }

    /**
     * @return after {@link Action#THROW}: whether {@link #failure()} is a {@link DeadlineExceededException}
     *     the deadline ended the call with (its cause is the call's last failure)
     */
    public boolean deadlineSpent() {
        return deadlineSpent;
    }

    /**
     * An attempt returned.
     *
     * @param instance where it went
     * @param result what it returned
     * @return {@link Action#RETRY} when the Retry retries the result and the deadline and budget allow
     *     it, {@link Action#RETURN} when the result is final (or the deadline or budget leaves no retry),
     *     {@link Action#THROW} when the Retry threw (a result predicate, or {@code failAfterMaxAttempts})
     */
    public Action afterResult(ServiceInstance instance, @Nullable T result) {
        attempts++;
        long delay;
        try {
            delay = context.onResult(result);
            if (delay < 0) {
                context.onComplete(); // may throw MaxRetriesExceededException (failAfterMaxAttempts)
                return Action.RETURN;
            }
        } catch (RuntimeException | Error e) {
            return decisionFailed(e, null);
        }
        if (!deadlineAllows(delay) || !budget.tryWithdraw()) {
            return Action.RETURN; // no time or no budget left for a retry: the caller gets this result
        }
        return retry(instance, delay);
    }

    /**
     * An attempt failed, or found no instance ({@code instance} null).
     *
     * @param instance where it went, or null when none was available
     * @param error what it failed with
     * @return {@link Action#RETRY} when the Retry retries it and the deadline and budget allow it, else
     *     {@link Action#THROW}: with the failure, or with a {@link DeadlineExceededException} when the
     *     deadline passed or leaves no room for the retry
     */
    public Action afterFailure(@Nullable ServiceInstance instance, Throwable error) {
        requireNonNull(error, "error");
        if (instance != null) {
            attempts++;
        }
        if (!(error instanceof Exception) || error instanceof InterruptedException) {
            return end(error); // an Error is not retried, as in resilience4j; an interrupt means stop
        }
        long delay;
        try {
            delay = context.onError(error);
        } catch (RuntimeException | Error e) {
            return decisionFailed(e, error);
        }
        Deadline d = deadline;
        if (d != null && d.isExpired()) {
            return deadlineSpent(error); // whatever the Retry thinks: the time is up (the attempt was likely cut by it)
        }
        if (delay < 0) {
            return end(error);
        }
        if (!deadlineAllows(delay)) {
            return deadlineSpent(error);
        }
        if (!budget.tryWithdraw()) {
            return end(error);
        }
        return retry(instance, delay);
    }

    /**
     * The last attempt's result is final without asking the Retry whether to retry it (a response to a
     * request that must not be sent twice): the Retry records the call as done.
     *
     * @return {@link Action#RETURN}, or {@link Action#THROW} when the Retry throws ({@code failAfterMaxAttempts})
     */
    public Action finish() {
        try {
            context.onComplete();
            return Action.RETURN;
        } catch (RuntimeException | Error e) {
            return decisionFailed(e, null);
        }
    }

    /**
     * Ends the call with {@code error} without asking the Retry: for failures the caller knows must not
     * move on (a request that reached the server and is not safe to repeat, a canceled call).
     *
     * @param error the call's failure
     * @return {@link Action#THROW}
     */
    public Action end(Throwable error) {
        this.failure = error;
        this.decisionFailed = false;
        this.deadlineSpent = false;
        return Action.THROW;
    }

    private Action deadlineSpent(Throwable error) {
        Deadline d = requireNonNull(deadline, "deadline");
        this.failure = DeadlineExceededException.createDeadlineExceededException(loadBalancerName, d.getTimeout(), attempts, error);
        this.decisionFailed = false;
        this.deadlineSpent = true;
        return Action.THROW;
    }

    private boolean deadlineAllows(long delayMillis) {
        Deadline d = deadline;
        return d == null || d.allowsAttemptAfter(TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMillis)));
    }

    private Action decisionFailed(Throwable thrown, @Nullable Throwable callFailure) {
        if (callFailure != null && thrown != callFailure) {
            thrown.addSuppressed(callFailure);
        }
        this.failure = thrown;
        this.decisionFailed = true;
        this.deadlineSpent = false;
        return Action.THROW;
    }

    private Action retry(@Nullable ServiceInstance instance, long delay) {
        if (instance != null) {
            selection = selection.excluding(instance);
        }
        this.delayMillis = Math.max(0, delay);
        return Action.RETRY;
    }
}
