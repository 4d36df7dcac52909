package io.github.loadbalancer4j;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * An {@link InstanceSource} whose list the program sets, for tests, for glue to a discovery system
 * of your own, and for draining instances by hand. Thread-safe: updates are applied in the order
 * they are made, each as one whole list.
 */
public final class MutableInstanceSource extends AbstractInstanceSource {

    MutableInstanceSource(List<ServiceInstance> initial) {
        super(requireNonNull(initial, "initial"));
    }

    /**
     * Replaces the whole list. An empty list is applied (the service has no instances).
     *
     * @param instances the new list; duplicate ids are collapsed, the first wins, and reported
     */
    public void update(List<ServiceInstance> instances) {
        publish(instances);
    }

    /**
     * Replaces the whole list.
     *
     * @param instances the new list
     */
    public void update(ServiceInstance... instances) {
        publish(Arrays.asList(requireNonNull(instances, "instances")));
    }

    /**
     * Reports a discovery failure to listeners without changing the list (useful when bridging a
     * discovery system of your own).
     *
     * @param cause what went wrong
     */
    public void fail(Throwable cause) {
        publishFailure(cause);
    }

    @Override
    public String toString() {
        return "MutableInstanceSource" + instances();
    }
}
