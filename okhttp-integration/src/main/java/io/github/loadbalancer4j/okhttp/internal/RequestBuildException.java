package io.github.loadbalancer4j.okhttp.internal;

import io.github.loadbalancer4j.ServiceInstance;
import okhttp3.Request;

/**
 * The request could not be rewritten for the chosen instance, so it was never sent. An
 * {@link java.io.IOException} so that OkHttp reports it like any other failure (to the callback of an
 * enqueued call; an unchecked exception would end OkHttp's dispatcher thread instead), and a failure
 * of that instance, so its circuit breaker and latency see it. Since nothing was sent, failover may
 * move on for any method.
 *
 * <p>Public for the loadbalancer4j modules; not API.
 */
public final class RequestBuildException extends java.io.IOException {

    private static final long serialVersionUID = 1L;

    /**
     * @param request the caller's request
     * @param instance the instance it was to go to
     * @param cause what building the request threw
     */
    public RequestBuildException(Request request, ServiceInstance instance, Throwable cause) {
        super("could not build " + request.method() + " " + request.url().redact() + " for instance " + instance.id()
                + ": " + cause, cause);
    }
}
