package io.github.loadbalancer4j.retry.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.resilience4j.retry.Retry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One asynchronous call with failover, in the shape of resilience4j's {@code AsyncRetryBlock}: each
 * attempt's stage is handed to the Retry's {@link Retry.AsyncContext}; a retry runs on the scheduler
 * after the backoff, never on (or blocking) the caller's thread.
 *
 * <p>Unlike the block it mirrors, the returned stage always completes: also when the call throws
 * instead of returning a stage, returns null, when the user's retry predicate throws, or when the
 * scheduler refuses the retry. Each attempt's outcome is recorded on that attempt's own lease.
 * Cancelling the returned future stops further attempts.
 *
 * @param <T> the result type
 */
public final class AsyncFailover<T> {

    private final Retry.AsyncContext<T> context;
    private final LoadBalancer loadBalancer;
    private final RetryBudget budget;
    private final ScheduledExecutorService scheduler;
    private final Function<ServiceInstance, ? extends CompletionStage<T>> call;
    private final CompletableFuture<T> promise = new CompletableFuture<>();

    private AsyncFailover(Retry retry, LoadBalancer loadBalancer, RetryBudget budget, ScheduledExecutorService scheduler,
            Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        this.context = retry.asyncContext();
        this.loadBalancer = loadBalancer;
        this.budget = budget;
        this.scheduler = scheduler;
        this.call = call;
    }

    /**
     * Starts a call: its first attempt runs on the caller's thread, as far as the call itself does.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks each attempt's instance
     * @param budget asked before each retry
     * @param scheduler runs the retries after their backoff
     * @param first the first attempt's selection context
     * @param call the call
     * @param <T> the result type
     * @return a stage that always completes
     */
    public static <T> CompletableFuture<T> execute(Retry retry, LoadBalancer loadBalancer, RetryBudget budget,
            ScheduledExecutorService scheduler, SelectionContext first, Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        AsyncFailover<T> failover = new AsyncFailover<>(retry, loadBalancer, budget, scheduler, call);
        try {
            budget.deposit();
            failover.attempt(first);
        } catch (Throwable e) {
            failover.promise.completeExceptionally(e);
        }
        return failover.promise;
    }

    private void attempt(SelectionContext selection) {
        if (promise.isDone()) {
            return; // cancelled by the caller
        }
        try {
            Lease lease;
            try {
                lease = loadBalancer.acquire(selection);
            } catch (NoAvailableInstanceException e) {
                onError(selection, null, e);
                return;
            }
            ServiceInstance instance = lease.instance();
            CompletionStage<T> stage;
            try {
                stage = requireNonNull(call.apply(instance), "the call returned null (expected: a CompletionStage)");
            } catch (Throwable e) {
                lease.onError(e);
                onError(selection, instance, e);
                return;
            }
            stage.whenComplete((value, error) -> {
                try {
                    if (error == null) {
                        lease.onResult(value);
                        onResult(selection, instance, value);
                    } else {
                        Throwable cause = unwrap(error);
                        lease.onError(cause);
                        onError(selection, instance, cause);
                    }
                } catch (Throwable e) {
                    promise.completeExceptionally(e);
                }
            });
        } catch (Throwable e) {
            promise.completeExceptionally(e);
        }
    }

    private void onResult(SelectionContext selection, ServiceInstance instance, @Nullable T value) {
        long delay;
        try {
            delay = context.onResult(value);
            if (delay < 0) {
                context.onComplete(); // may throw MaxRetriesExceededException (failAfterMaxAttempts)
            }
        } catch (Throwable e) {
            promise.completeExceptionally(e);
            return;
        }
        if (delay < 0 || !budget.tryWithdraw()) {
            promise.complete(value);
            return;
        }
        schedule(selection.excluding(instance), delay, null, value);
    }

    private void onError(SelectionContext selection, @Nullable ServiceInstance instance, Throwable failure) {
        if (!(failure instanceof Exception)) {
            promise.completeExceptionally(failure); // an Error is not retried, as in resilience4j
            return;
        }
        long delay;
        try {
            delay = context.onError(failure);
        } catch (Throwable e) {
            // The user's retry predicate (or interval function) threw: end with that, keeping the call's failure.
            if (e != failure) {
                e.addSuppressed(failure);
            }
            promise.completeExceptionally(e);
            return;
        }
        if (delay < 0 || !budget.tryWithdraw()) {
            promise.completeExceptionally(failure);
            return;
        }
        schedule(instance == null ? selection : selection.excluding(instance), delay, failure, null);
    }

    private void schedule(SelectionContext next, long delayMillis, @Nullable Throwable failure, @Nullable T value) {
        try {
            scheduler.schedule(() -> attempt(next), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            if (failure != null) {
                failure.addSuppressed(e);
                promise.completeExceptionally(failure);
            } else {
                promise.complete(value);
            }
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
