package io.github.loadbalancer4j.event;

/** Why an instance is not selectable. */
public enum EjectionReason {
    /** Its circuit breaker does not permit calls (OPEN or FORCED_OPEN). */
    CIRCUIT_OPEN,
    /** Active health checking marked it unhealthy. */
    UNHEALTHY,
    /**
     * The instance asked not to be called for a while (HTTP 429 or 503 with {@code Retry-After}),
     * through {@link io.github.loadbalancer4j.Lease#onError(Throwable, java.time.Duration)}.
     */
    RETRY_AFTER
}
