package io.github.loadbalancer4j.retry.internal;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.Deadline;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.resilience4j.retry.Retry;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Failover for the blocking decorators: each attempt runs on the calling thread, the backoff is
 * slept on it. What to do after each attempt is the {@link Failover}'s answer. With a deadline, the
 * attempt's call finds it in {@link Deadline#current()} (a blocking call cannot be cut from outside:
 * it hands the time left to its own client).
 */
public final class SyncFailover {

    /** One attempt on one instance; may throw anything. */
    @FunctionalInterface
    public interface Attempt<T> {
        /**
         * @param instance the instance to go to
         * @return the result
         * @throws Throwable what the call threw
         */
        T apply(ServiceInstance instance) throws Throwable;
    }

    private SyncFailover() {
    }

    /**
     * Runs a call with failover.
     *
     * @param retry decides what is retried, how often and the backoff
     * @param loadBalancer picks each attempt's instance
     * @param budget asked before each retry
     * @param first the first attempt's selection context
     * @param deadline the call's deadline, started; null for none
     * @param call the call
     * @param <T> the result type
     * @return the first result the Retry accepts, or the last result when retries ran out
     * @throws Throwable the last failure (or what the Retry throws, e.g. MaxRetriesExceededException, or a
     *     {@code DeadlineExceededException})
     */
    public static <T> T execute(Retry retry, LoadBalancer loadBalancer, RetryBudget budget, SelectionContext first,
            @Nullable Deadline deadline, Attempt<T> call) throws Throwable {
        Failover<T> failover = Failover.start(retry, budget, first, deadline, loadBalancer.getName());
        while (true) {
            @Nullable T result = null;
            @Nullable Throwable failure = null;
            @Nullable Lease lease = null;
            try {
                lease = loadBalancer.acquire(failover.selection());
            } catch (NoAvailableInstanceException e) {
                failure = e;
            }
            if (lease != null) {
                Deadline outer = CurrentDeadline.set(deadline);
                try {
                    result = call.apply(lease.instance());
                } catch (Throwable e) {
                    lease.onError(e);
                    failure = e;
                } finally {
                    CurrentDeadline.restore(outer);
                }
                if (failure == null) {
                    lease.onResult(result);
                }
            }
            Failover.Action next = failure == null ? failover.afterResult(lease.instance(), result)
                    : failover.afterFailure(lease == null ? null : lease.instance(), failure);
            if (next == Failover.Action.RETURN) {
                return result;
            }
            if (next == Failover.Action.THROW) {
                throw failover.failure();
            }
            long delay = failover.delayMillis();
            if (delay > 0) {
                try {
                    TimeUnit.MILLISECONDS.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (failure != null) {
                        failure.addSuppressed(e);
                        throw failure;
                    }
                    return result;
                }
            }
        }
    }
}
