package io.github.loadbalancer4j.consul;

import org.jspecify.annotations.Nullable;

/**
 * A Consul discovery failure reported to the source's listeners (and so as a load balancer's
 * {@code DiscoveryFailedEvent}): Consul could not be reached, timed out, answered with an error
 * status, or sent a body that is not a list of health entries. The last good list of instances stays
 * in force. The message names the service, the query's URL (the ACL token travels in a header and is
 * never part of it) and what went wrong.
 */
public class ConsulDiscoveryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The service whose instances were asked for. */
    private final String serviceName;
    /** The HTTP status Consul answered with, or -1 when no answer came. */
    private final int statusCode;

    /**
     * Creates the exception.
     *
     * @param serviceName the service whose instances were asked for
     * @param statusCode the HTTP status Consul answered with, or -1 when no answer came
     * @param message what happened, naming the service and the query
     * @param cause the underlying failure, or null
     */
    public ConsulDiscoveryException(String serviceName, int statusCode, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.serviceName = serviceName;
        this.statusCode = statusCode;
    }

    /** @return the service whose instances were asked for */
    public String serviceName() {
        return serviceName;
    }

    /** @return the HTTP status Consul answered with, or -1 when no answer came (connection failed, timed out) */
    public int statusCode() {
        return statusCode;
    }
}
