package io.github.loadbalancer4j.retry.internal;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.Deadline;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Hedging for the asynchronous decorators: an attempt is a stage, cancelled by cancelling it; the
 * hedges' and the deadline's timers run on the scheduler. What happens is the {@link HedgedCall}'s
 * decision.
 */
final class AsyncHedging {

    private AsyncHedging() {
    }

    /**
     * Starts a hedged call.
     *
     * @param hedging the hedging
     * @param scheduler runs the timers
     * @param hedged whether the call may be hedged (its request is idempotent)
     * @param call the call
     * @param <T> the result type
     * @return a stage that always completes
     */
    static <T> CompletableFuture<T> execute(DefaultHedging hedging, ScheduledExecutorService scheduler, boolean hedged,
            Function<ServiceInstance, ? extends CompletionStage<T>> call) {
        try {
            HedgedCall.Attempts<T> attempts = attempt -> {
                CompletionStage<T> stage;
                Deadline outer = CurrentDeadline.set(attempt.deadline());
                try {
                    stage = requireNonNull(call.apply(attempt.instance()), "the call returned null (expected: a CompletionStage)");
                } finally {
                    CurrentDeadline.restore(outer);
                }
                stage.whenComplete((value, error) -> {
                    if (error == null) {
                        attempt.succeeded(value);
                    } else {
                        attempt.failed(AsyncFailover.unwrap(error));
                    }
                });
                return () -> AsyncFailover.cancel(stage);
            };
            return hedging.newCall(attempts, hedged, failure -> true, hedging.startDeadline(), scheduler, SelectionContext.empty())
                    .start();
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
