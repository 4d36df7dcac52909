package io.github.loadbalancer4j.examples;

import io.github.loadbalancer4j.ServiceInstance;

/** A 5xx answer, thrown by the call so that the instance's circuit breaker records a failure. */
final class HttpStatusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HttpStatusException(ServiceInstance instance, int code) {
        super("HTTP " + code + " from " + instance.id(), null, false, false);
    }
}
