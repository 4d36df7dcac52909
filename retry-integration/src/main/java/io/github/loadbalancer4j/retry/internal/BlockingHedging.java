package io.github.loadbalancer4j.retry.internal;

import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.Deadline;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Hedging for blocking callers: every attempt runs on an executor's thread while the caller's thread
 * waits for the call's outcome and, when a hedge or the deadline is due, tells the {@link HedgedCall}
 * (no scheduler needed). The OkHttp interceptor waits the same way for its attempts, which are calls of
 * their own.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class BlockingHedging {

    /** How often a wait looks at whether its caller gave up, when it has a way to tell. */
    static final long CANCEL_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private BlockingHedging() {
    }

    /**
     * Runs a hedged blocking call.
     *
     * @param hedging the hedging
     * @param executor runs the attempts
     * @param hedged whether the call may be hedged (its request is idempotent)
     * @param call the call
     * @param <T> the result type
     * @return the first success
     * @throws Throwable the last failure as the call threw it, a {@code DeadlineExceededException}, a
     *     {@code NoAvailableInstanceException}, or a {@link CancellationException} when the waiting thread
     *     was interrupted
     */
    static <T> T execute(DefaultHedging hedging, Executor executor, boolean hedged, Function<ServiceInstance, T> call)
            throws Throwable {
        HedgedCall.Attempts<T> attempts = attempt -> {
            FutureTask<Void> task = new FutureTask<>(() -> {
                T value;
                Deadline outer = CurrentDeadline.set(attempt.deadline());
                try {
                    value = call.apply(attempt.instance());
                } catch (Throwable e) {
                    attempt.failed(e);
                    return;
                } finally {
                    CurrentDeadline.restore(outer);
                }
                attempt.succeeded(value);
            }, null);
            executor.execute(task);
            return () -> task.cancel(true);
        };
        HedgedCall<T> hedgedCall = hedging.newCall(attempts, hedged, failure -> true, hedging.startDeadline(), null,
                SelectionContext.empty());
        return await(hedgedCall, hedgedCall.start(), null);
    }

    /**
     * Waits on the calling thread for a started call's outcome, sending its hedges and enforcing its
     * deadline when they are due.
     *
     * @param call the call, made without a scheduler
     * @param promise what {@link HedgedCall#start()} returned
     * @param canceled tells whether the caller gave up (looked at every 5 ms), or null
     * @param <T> the result type
     * @return the call's result
     * @throws Throwable the call's failure; a {@link CancellationException} when the caller gave up or the
     *     thread was interrupted (its flag kept), after every attempt was cancelled
     */
    public static <T> T await(HedgedCall<T> call, CompletableFuture<T> promise, @Nullable BooleanSupplier canceled)
            throws Throwable {
        while (true) {
            long wait = call.nanosUntilDue();
            if (canceled != null) {
                wait = Math.min(wait, CANCEL_CHECK_NANOS);
            }
            try {
                return wait == Long.MAX_VALUE ? promise.get() : promise.get(wait, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (canceled != null && canceled.getAsBoolean()) {
                    call.cancel();
                    throw new CancellationException("the caller canceled the call");
                }
                call.onTimer();
                call.onDeadline();
            } catch (ExecutionException e) {
                throw e.getCause() != null ? e.getCause() : e;
            } catch (InterruptedException e) {
                call.cancel();
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting for the hedged attempts");
            }
        }
    }
}
