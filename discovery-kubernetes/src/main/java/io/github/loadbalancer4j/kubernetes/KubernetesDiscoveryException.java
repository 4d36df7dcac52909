package io.github.loadbalancer4j.kubernetes;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A Kubernetes discovery failure reported to the source's listeners (and so as a load balancer's
 * {@code DiscoveryFailedEvent}): the EndpointSlices could not be listed or watched, the watch on the
 * API server was lost, or the chosen port is in none of the Service's slices. The last good list of
 * instances stays in force unless the message says otherwise.
 */
public class KubernetesDiscoveryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The namespace of the Service. */
    private final String namespace;
    /** The name of the Service. */
    private final String serviceName;

    /**
     * Creates the exception.
     *
     * @param namespace the namespace of the Service
     * @param serviceName the name of the Service
     * @param message what happened, naming the Service
     * @param cause the underlying failure, or null
     */
    public KubernetesDiscoveryException(String namespace, String serviceName, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.namespace = requireNonNull(namespace, "namespace");
        this.serviceName = requireNonNull(serviceName, "serviceName");
    }

    /** @return the namespace of the Service whose discovery failed */
    public String namespace() {
        return namespace;
    }

    /** @return the name of the Service whose discovery failed */
    public String serviceName() {
        return serviceName;
    }
}
