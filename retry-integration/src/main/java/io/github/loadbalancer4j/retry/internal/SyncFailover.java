package io.github.loadbalancer4j.retry.internal;

import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.NoAvailableInstanceException;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.resilience4j.retry.Retry;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The blocking failover loop shared by every synchronous decorator.
 *
 * <p>The user's {@link Retry} decides through its {@link Retry.AsyncContext}: {@code onError}/{@code onResult}
 * return the backoff (or -1: do not retry) without waiting, so the budget is asked <em>before</em> the
 * backoff is waited. With {@link Retry#context()} the backoff would be slept inside {@code onError},
 * and a call refused by an empty budget would first wait for a retry that cannot happen. The events and
 * metrics the Retry publishes are the same through either context.
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
     * @param call the call
     * @param <T> the result type
     * @return the first result the Retry accepts, or the last result when retries ran out
     * @throws Throwable the last failure (or what the Retry throws, e.g. MaxRetriesExceededException)
     */
    public static <T> T execute(Retry retry, LoadBalancer loadBalancer, RetryBudget budget, SelectionContext first,
            Attempt<T> call) throws Throwable {
        Retry.AsyncContext<T> context = retry.asyncContext();
        budget.deposit();
        SelectionContext selection = first;
        while (true) {
            @Nullable ServiceInstance instance = null;
            @Nullable Throwable failure = null;
            @Nullable T result = null;
            @Nullable Lease lease;
            try {
                lease = loadBalancer.acquire(selection);
            } catch (NoAvailableInstanceException e) {
                lease = null;
                failure = e;
            }
            if (lease != null) {
                instance = lease.instance();
                try {
                    result = call.apply(instance);
                } catch (Throwable e) {
                    lease.onError(e);
                    failure = e;
                }
                if (failure == null) {
                    lease.onResult(result);
                }
            }
            long delay;
            if (failure == null) {
                delay = context.onResult(result);
                if (delay < 0) {
                    context.onComplete();
                    return result;
                }
                if (!budget.tryWithdraw()) {
                    return result;
                }
            } else {
                if (!(failure instanceof Exception)) {
                    throw failure; // an Error is not retried, as in resilience4j
                }
                if (failure instanceof InterruptedException) {
                    throw failure; // the caller wants to stop: no further attempt
                }
                try {
                    delay = context.onError(failure);
                } catch (Throwable e) {
                    // The user's retry predicate (or interval function) threw: end with that, keeping the call's failure.
                    if (e != failure) {
                        e.addSuppressed(failure);
                    }
                    throw e;
                }
                if (delay < 0 || !budget.tryWithdraw()) {
                    throw failure;
                }
            }
            if (instance != null) {
                selection = selection.excluding(instance);
            }
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
