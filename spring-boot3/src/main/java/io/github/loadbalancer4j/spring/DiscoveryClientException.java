package io.github.loadbalancer4j.spring;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Reported by a {@link DiscoveryClientInstanceSource} (as a discovery failure, never thrown to a
 * caller) when Spring Cloud's {@code DiscoveryClient} could not list a service's instances: the last
 * good list stays in force.
 */
public class DiscoveryClientException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The service whose instances were asked for. */
    private final String serviceId;

    /**
     * @param serviceId the service whose instances were asked for
     * @param message what went wrong
     * @param cause what the DiscoveryClient threw, or null
     */
    public DiscoveryClientException(String serviceId, String message, @Nullable Throwable cause) {
        super(requireNonNull(message, "message"), cause);
        this.serviceId = requireNonNull(serviceId, "serviceId");
    }

    /** @return the service whose instances were asked for */
    public String serviceId() {
        return serviceId;
    }
}
