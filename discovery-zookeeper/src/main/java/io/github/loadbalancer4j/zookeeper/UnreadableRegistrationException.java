package io.github.loadbalancer4j.zookeeper;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Reported when a node under the service's path cannot be turned into an instance: it is not a
 * Curator {@code ServiceInstance} in JSON, or its fields do not make a valid instance (no address,
 * no port, a bad weight). The node is skipped; every other instance is still applied.
 */
public final class UnreadableRegistrationException extends ZookeeperDiscoveryException {

    private static final long serialVersionUID = 1L;

    /** The ZooKeeper path of the service. */
    private final String servicePath;
    /** The registration id, when the node could be parsed that far. */
    private final @Nullable String registrationId;
    /** The start of the node's data. */
    private final String data;

    /**
     * Creates the exception.
     *
     * @param servicePath the ZooKeeper path of the service, e.g. {@code /services/orders}
     * @param registrationId the registration's id when the node could be parsed far enough, else null
     * @param data the start of the node's data, for the message
     * @param cause why the node could not be read
     */
    public UnreadableRegistrationException(String servicePath, @Nullable String registrationId, String data,
            Throwable cause) {
        super(message(servicePath, registrationId, data, cause), requireNonNull(cause, "cause"));
        this.servicePath = servicePath;
        this.registrationId = registrationId;
        this.data = data;
    }

    /** @return the ZooKeeper path of the service whose node was skipped */
    public String servicePath() {
        return servicePath;
    }

    /** @return the skipped registration's id, or null when the node's data could not be parsed that far */
    public @Nullable String registrationId() {
        return registrationId;
    }

    /** @return the start of the skipped node's data (at most 200 characters) */
    public String data() {
        return data;
    }

    private static String message(String servicePath, @Nullable String registrationId, String data, Throwable cause) {
        String which = registrationId == null ? "a node" : "registration '" + registrationId + "'";
        return "Skipped " + which + " under " + servicePath + ": " + cause.getMessage()
                + " (expected: a Curator ServiceInstance in JSON with an address and a port); data: '" + data + "'";
    }
}
