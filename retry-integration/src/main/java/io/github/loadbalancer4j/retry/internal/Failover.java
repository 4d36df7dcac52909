package io.github.loadbalancer4j.retry.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.resilience4j.retry.Retry;
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
 *       load balancer's exclusion rule over {@link #selection()}).
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
    private SelectionContext selection;
    private long delayMillis;
    private @Nullable Throwable failure;
    private boolean decisionFailed;

    private Failover(Retry retry, RetryBudget budget, SelectionContext first) {
        this.retry = retry;
        this.context = retry.asyncContext();
        this.budget = budget;
        this.selection = first;
    }

    /**
     * Starts a call: deposits it in the budget.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param budget asked before every retry
     * @param first the first attempt's selection context (a hash key, or empty)
     * @param <T> the result type
     * @return the call's failover
     */
    public static <T> Failover<T> start(Retry retry, RetryBudget budget, SelectionContext first) {
        Failover<T> failover = new Failover<>(requireNonNull(retry, "retry"), requireNonNull(budget, "budget"),
                requireNonNull(first, "first"));
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

    /**
     * An attempt returned.
     *
     * @param instance where it went
     * @param result what it returned
     * @return {@link Action#RETRY} when the Retry retries the result and the budget allows it,
     *     {@link Action#RETURN} when the result is final (or the budget is spent), {@link Action#THROW}
     *     when the Retry threw (a result predicate, or {@code failAfterMaxAttempts})
     */
    public Action afterResult(ServiceInstance instance, @Nullable T result) {
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
        if (!budget.tryWithdraw()) {
            return Action.RETURN; // the budget is spent: the caller gets this result
        }
        return retry(instance, delay);
    }

    /**
     * An attempt failed, or found no instance ({@code instance} null).
     *
     * @param instance where it went, or null when none was available
     * @param error what it failed with
     * @return {@link Action#RETRY} when the Retry retries it and the budget allows it, else {@link Action#THROW}
     */
    public Action afterFailure(@Nullable ServiceInstance instance, Throwable error) {
        requireNonNull(error, "error");
        if (!(error instanceof Exception) || error instanceof InterruptedException) {
            return end(error); // an Error is not retried, as in resilience4j; an interrupt means stop
        }
        long delay;
        try {
            delay = context.onError(error);
        } catch (RuntimeException | Error e) {
            return decisionFailed(e, error);
        }
        if (delay < 0 || !budget.tryWithdraw()) {
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
        return Action.THROW;
    }

    private Action decisionFailed(Throwable thrown, @Nullable Throwable callFailure) {
        if (callFailure != null && thrown != callFailure) {
            thrown.addSuppressed(callFailure);
        }
        this.failure = thrown;
        this.decisionFailed = true;
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
