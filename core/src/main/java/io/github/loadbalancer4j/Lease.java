package io.github.loadbalancer4j;

/**
 * One call on one instance, from {@link LoadBalancer#acquire()}: the instance was picked and its
 * circuit breaker's permission taken. Exactly one of {@link #onSuccess()}, {@link #onResult(Object)},
 * {@link #onError(Throwable)} or {@link #release()} must end it; the call's duration is measured from
 * the acquire. Ending a lease again does nothing, so a lease can never be counted twice.
 *
 * <p>This is the low-level API the decorators, the OkHttp interceptor and {@code FailoverRetry} are
 * built on; most code uses the decorators instead.
 */
public interface Lease {

    /** @return the instance the call must go to */
    ServiceInstance instance();

    /** The call succeeded: recorded on the instance's breaker and latency. */
    void onSuccess();

    /**
     * The call returned a result; the breaker's {@code recordResult} predicate decides whether it
     * counts as a failure.
     *
     * @param result what the call returned, possibly null
     */
    void onResult(@org.jspecify.annotations.Nullable Object result);

    /**
     * The call failed; the breaker's exception predicates decide whether it counts as a failure.
     *
     * @param error what the call threw
     */
    void onError(Throwable error);

    /**
     * The call failed and the instance asked not to be called again for a while (an HTTP 429 or 503
     * with {@code Retry-After}): recorded as {@link #onError(Throwable)} does, and the instance is
     * kept out of selection for {@code retryAfter} (an {@code InstanceEjectedEvent} with reason
     * {@code RETRY_AFTER}, then an {@code InstanceRestoredEvent}). Callers cap the duration; a zero
     * duration only records the failure.
     *
     * @param error what the call failed with
     * @param retryAfter how long to keep the instance out, {@code >= 0}
     * @throws IllegalArgumentException if {@code retryAfter} is negative or longer than 292 years
     */
    default void onError(Throwable error, java.time.Duration retryAfter) {
        onError(error);
    }

    /** The call never ran: the permission is given back and nothing is recorded. */
    void release();
}
