package io.github.loadbalancer4j.event;

/** Why an instance is not selectable. */
public enum EjectionReason {
    /** Its circuit breaker does not permit calls (OPEN or FORCED_OPEN). */
    CIRCUIT_OPEN,
    /** Active health checking marked it unhealthy. */
    UNHEALTHY
}
