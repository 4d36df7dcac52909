package io.github.loadbalancer4j.okhttp;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import java.io.IOException;

/**
 * A response whose status counts as a failure of the instance that sent it (by default any 5xx).
 *
 * <p>{@link LoadBalancingInterceptor} records it on the instance's circuit breaker; it is never
 * thrown to the caller, who receives the response as it is. It is an {@link IOException} so that a
 * breaker configured with {@code recordExceptions(IOException.class)} counts it; a breaker that
 * should not count statuses can {@code ignoreExceptions(FailureStatusException.class)}. It carries
 * no stack trace.
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
