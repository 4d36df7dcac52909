package io.github.loadbalancer4j.okhttp;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.StatusFailureException;
import java.io.IOException;

/**
 * A response whose status counts as a failure of the instance that sent it (by default any 5xx).
 *
 * <p>{@link LoadBalancingInterceptor} records it on the instance's circuit breaker; it is never
 * thrown to the caller, who receives the response as it is. It is an {@link IOException} so that a
 * breaker configured with {@code recordExceptions(IOException.class)} counts it; a breaker that
 * should not count statuses can {@code ignoreExceptions(FailureStatusException.class)}, or
 * {@link StatusFailureException} for every client's. It carries no stack trace.
 */
public final class FailureStatusException extends StatusFailureException {

    private static final long serialVersionUID = 1L;

    /**
     * @param instance the instance that answered
     * @param code the HTTP status
     */
    public FailureStatusException(ServiceInstance instance, int code) {
        super(instance, code);
    }
}
