package io.github.loadbalancer4j.etcd;

import org.jspecify.annotations.Nullable;

/**
 * An etcd discovery failure reported to the source's listeners (and so as a load balancer's
 * {@code DiscoveryFailedEvent}): the instances under the prefix could not be read, the watch was
 * lost, or etcd did not answer in time. The last good list of instances stays in force.
 */
public class EtcdDiscoveryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, to which prefix
     * @param cause the underlying failure, or null
     */
    public EtcdDiscoveryException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
