package io.github.loadbalancer4j.zookeeper.internal;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.zookeeper.UnreadableRegistrationException;
import org.jspecify.annotations.Nullable;

/**
 * What one node of the service read as: an instance, a registration left out on purpose, or a
 * failure to report. The service cache holds one per node, so a node that changes is read once.
 */
public final class ReadResult {

    private final @Nullable ServiceInstance instance;
    private final @Nullable UnreadableRegistrationException failure;

    private ReadResult(@Nullable ServiceInstance instance, @Nullable UnreadableRegistrationException failure) {
        this.instance = instance;
        this.failure = failure;
    }

    static ReadResult of(@Nullable ServiceInstance instance) {
        return new ReadResult(instance, null);
    }

    static ReadResult failed(UnreadableRegistrationException failure) {
        return new ReadResult(null, failure);
    }

    /** @return the instance, or null when the node was left out or unreadable */
    public @Nullable ServiceInstance instance() {
        return instance;
    }

    /** @return why the node could not be read, or null when it could */
    public @Nullable UnreadableRegistrationException failure() {
        return failure;
    }

    @Override
    public String toString() {
        return failure != null ? "unreadable: " + failure.getMessage() : String.valueOf(instance);
    }
}
