package io.github.loadbalancer4j.zookeeper;

import org.jspecify.annotations.Nullable;

/**
 * A ZooKeeper discovery failure reported to the source's listeners (and so as a load balancer's
 * {@code DiscoveryFailedEvent}): the connection was suspended or the session lost, or the service
 * could not be watched. The last good list of instances stays in force.
 */
public class ZookeeperDiscoveryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, to which service
     * @param cause the underlying failure, or null
     */
    public ZookeeperDiscoveryException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
