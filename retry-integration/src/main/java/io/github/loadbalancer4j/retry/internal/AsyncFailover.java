package io.github.loadbalancer4j.retry.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.Deadline;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.resilience4j.retry.Retry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Failover for the asynchronous decorators, in the shape of resilience4j's {@code AsyncRetryBlock}:
 * each attempt's stage goes to the {@link Failover}; a retry runs on the scheduler after the backoff,
 * never on (or blocking) the caller's thread.
 *
 * <p>Unlike the block it mirrors, the returned stage always completes: also when the call throws
 * instead of returning a stage, returns null, when the user's retry predicate throws, or when the
 * scheduler refuses the retry. Each attempt's outcome is recorded on that attempt's own lease.
 * Cancelling the returned future stops further attempts.
 *
 * <p>With a deadline, each attempt gets at most the time left: at the deadline an attempt still running
 * is ended as failed with a {@link TimeoutException} (its stage is cancelled), and the call fails with
 * a {@code DeadlineExceededException}.
 *
 * @param <T> the result type
 */
public final class AsyncFailover<T> {

    private final Failover<T> failover;
    private final LoadBalancer loadBalancer;
    private final ScheduledExecutorService scheduler;
    private final Function<ServiceInstance, ? extends CompletionStage<T>> call;
    private final CompletableFuture<T> promise = new CompletableFuture<>();

    private AsyncFailover(Failover<T> failover, LoadBalancer loadBalancer, ScheduledExecutorService scheduler,
            Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        this.failover = failover;
        this.loadBalancer = loadBalancer;
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
     * @param deadline the call's deadline, started; null for none
     * @param call the call
     * @param <T> the result type
     * @return a stage that always completes
     */
    public static <T> CompletableFuture<T> execute(Retry retry, LoadBalancer loadBalancer, RetryBudget budget,
            ScheduledExecutorService scheduler, SelectionContext first, @Nullable Deadline deadline,
            Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        CompletableFuture<T> promise;
        try {
            AsyncFailover<T> failover = new AsyncFailover<>(Failover.start(retry, budget, first, deadline, loadBalancer.getName()),
                    loadBalancer, scheduler, call);
            promise = failover.promise;
            failover.attempt();
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
        return promise;
    }

    private void attempt() {
        if (promise.isDone()) {
            return; // cancelled by the caller
        }
        try {
            Lease lease;
            try {
                lease = loadBalancer.acquire(failover.selection());
            } catch (NoAvailableInstanceException e) {
                decide(failover.afterFailure(null, e), null, e);
                return;
            }
            ServiceInstance instance = lease.instance();
            CompletionStage<T> stage;
            Deadline outer = CurrentDeadline.set(failover.deadline());
            try {
                stage = requireNonNull(call.apply(instance), "the call returned null (expected: a CompletionStage)");
            } catch (Throwable e) {
                lease.onError(e);
                decide(failover.afterFailure(instance, e), null, e);
                return;
            } finally {
                CurrentDeadline.restore(outer);
            }
            AtomicBoolean over = new AtomicBoolean();
            ScheduledFuture<?> cut = cutAtDeadline(lease, stage, over);
            stage.whenComplete((value, error) -> {
                if (!over.compareAndSet(false, true)) {
                    return; // cut at the deadline: its lease is ended and the call decided
                }
                if (cut != null) {
                    cut.cancel(false);
                }
                try {
                    if (error == null) {
                        lease.onResult(value);
                        decide(failover.afterResult(instance, value), value, null);
                    } else {
                        Throwable cause = unwrap(error);
                        lease.onError(cause);
                        decide(failover.afterFailure(instance, cause), null, cause);
                    }
                } catch (Throwable e) {
                    promise.completeExceptionally(e);
                }
            });
        } catch (Throwable e) {
            promise.completeExceptionally(e);
        }
    }

    /**
     * Ends the attempt at the deadline if it still runs then: a failure of its instance (it did not answer
     * in the time the call had), its stage cancelled.
     */
    private @Nullable ScheduledFuture<?> cutAtDeadline(Lease lease, CompletionStage<T> stage, AtomicBoolean over) {
        Deadline deadline = failover.deadline();
        if (deadline == null) {
            return null;
        }
        try {
            return scheduler.schedule(() -> {
                if (!over.compareAndSet(false, true)) {
                    return;
                }
                ServiceInstance instance = lease.instance();
                TimeoutException timeout = new TimeoutException(
                        "the attempt on " + instance + " was cut at the call's deadline of " + deadline.getTimeout());
                lease.onError(timeout);
                cancel(stage);
                try {
                    decide(failover.afterFailure(instance, timeout), null, timeout);
                } catch (Throwable e) {
                    promise.completeExceptionally(e);
                }
            }, deadline.timeLeftNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // the scheduler is shutting down: the attempt runs to its end
        }
    }

    /**
     * Cancels a stage that may not support it.
     *
     * @param stage an attempt's stage
     */
    static void cancel(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException e) {
            // A stage that cannot be turned into a future cannot be cancelled either: its result is ignored.
        }
    }

    /** Carries out the failover's answer to an attempt that returned {@code value} or failed with {@code failure}. */
    private void decide(Failover.Action next, @Nullable T value, @Nullable Throwable failure) {
        switch (next) {
            case RETURN:
                promise.complete(value);
                return;
            case THROW:
                promise.completeExceptionally(failover.failure());
                return;
            default:
                try {
                    scheduler.schedule(this::attempt, failover.delayMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // The scheduler is shutting down: end with what the last attempt got.
                    if (failure != null) {
                        failure.addSuppressed(e);
                        promise.completeExceptionally(failure);
                    } else {
                        promise.complete(value);
                    }
                }
        }
    }

    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
