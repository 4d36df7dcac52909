package io.github.loadbalancer4j.retry;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.ServiceInstance;
import java.io.IOException;

/**
 * An HTTP response whose status counts as a failure of the instance that sent it (by default 429 and
 * 5xx), as every HTTP client integration records it on the instance's circuit breaker: OkHttp's
 * {@code FailureStatusException} and Spring's are this. A breaker configured to record
 * {@link IOException}s counts it; one that should not count statuses can ignore this class, whichever
 * client sent the request. It is never thrown to a caller, who receives the response as it is, and it
 * carries no stack trace.
 */
public class StatusFailureException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient ServiceInstance instance;
    /** The HTTP status the instance answered with. */
    private final int code;

    /**
     * @param instance the instance that answered
     * @param code the HTTP status
     */
    public StatusFailureException(ServiceInstance instance, int code) {
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
