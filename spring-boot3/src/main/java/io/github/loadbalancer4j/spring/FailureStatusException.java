package io.github.loadbalancer4j.spring;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import java.io.IOException;

/**
 * A response whose status counts as a failure of the instance that sent it (by default any 5xx).
 *
 * <p>{@link LoadBalancingClientHttpRequestInterceptor} and {@link LoadBalancingExchangeFilterFunction}
 * record it on the instance's circuit breaker, and show it to the failover {@code Retry} as the
 * attempt's failure, so resilience4j's {@code retry-exceptions} and {@code ignore-exceptions} decide
 * whether a failure status is retried. It is never thrown to the caller, who receives the last
 * response as it is. It is an {@link IOException}, so a breaker configured with
 * {@code record-exceptions: java.io.IOException} counts it; one that should not count statuses can
 * {@code ignore-exceptions} it. It carries no stack trace.
 */
public final class FailureStatusException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient ServiceInstance instance;
    /** The HTTP status the instance answered with. */
    private final int code;

    /**
     * @param instance the instance that answered
     * @param code the HTTP status
     */
    public FailureStatusException(ServiceInstance instance, int code) {
        super("HTTP " + code + " from " + requireNonNull(instance, "instance").id(), null);
        this.instance = instance;
        this.code = code;
    }

    /** @return the instance that answered */
    public ServiceInstance instance() {
        return instance;
    }

    /** @return the HTTP status */
    public int code() {
        return code;
    }

    /** @return this, without filling in a stack trace: the failure is a status, not a place in the code */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
