package io.github.loadbalancer4j.spring;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.retry.StatusFailureException;
import java.io.IOException;

/**
 * A response whose status counts as a failure of the instance that sent it (by default 429 and 5xx).
 *
 * <p>{@link LoadBalancingClientHttpRequestInterceptor} and {@link LoadBalancingExchangeFilterFunction}
 * record it on the instance's circuit breaker, and show it to the failover {@code Retry} as the
 * attempt's failure, so resilience4j's {@code retry-exceptions} and {@code ignore-exceptions} decide
 * whether a failure status is retried. It is never thrown to the caller, who receives the last
 * response as it is. It is an {@link IOException}, so a breaker configured with
 * {@code record-exceptions: java.io.IOException} counts it; one that should not count statuses can
 * {@code ignore-exceptions} it (or {@link StatusFailureException}, every client's). It carries no stack trace.
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
