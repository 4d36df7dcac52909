package io.github.loadbalancer4j;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.internal.PollingInstanceSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Where a load balancer's instances come from: a static list, a programmatic list, or a discovery
 * system (DNS, ZooKeeper, ...).
 *
 * <p>Rules every source keeps:
 * <ul>
 *   <li>a failure to reach discovery keeps the last good list and is reported through
 *       {@link Listener#onDiscoveryFailure(Throwable)}; it never replaces the list with an empty one;</li>
 *   <li>an authoritative empty answer (the service has no instances) is applied;</li>
 *   <li>duplicate ids in one list are collapsed (the first wins) and reported through
 *       {@link Listener#onDuplicateInstances(List)}, never thrown.</li>
 * </ul>
 * Implementations usually extend {@link AbstractInstanceSource}, which keeps these rules.
 */
public interface InstanceSource extends AutoCloseable {

    /**
     * Returns the current list.
     *
     * @return an immutable list without duplicate ids; empty when the service has no instances
     */
    List<ServiceInstance> instances();

    /**
     * Registers a listener. It is called at once with the current list, then with every new
     * whole list and every discovery failure, until the returned subscription is closed.
     *
     * @param listener the listener; exceptions it throws are caught and do not stop the source
     * @return closing it unsubscribes the listener
     */
    Subscription subscribe(Listener listener);

    /** Stops the source (its polling, watches, threads). The last list stays readable. */
    @Override
    void close();

    /**
     * A fixed list of instances.
     *
     * @param instances the instances; duplicate ids are collapsed, the first wins
     * @return a source that never changes
     */
    static InstanceSource of(ServiceInstance... instances) {
        requireNonNull(instances, "instances");
        return of(Arrays.asList(instances));
    }

    /**
     * A fixed list of instances.
     *
     * @param instances the instances; duplicate ids are collapsed, the first wins
     * @return a source that never changes
     */
    static InstanceSource of(List<ServiceInstance> instances) {
        MutableInstanceSource source = new MutableInstanceSource(instances);
        return new AbstractInstanceSource.Fixed(source);
    }

    /**
     * A fixed list of instances, from {@code http://host:port} or {@code https://host:port}.
     *
     * @param uris the URIs
     * @return a source that never changes
     * @throws IllegalArgumentException if a URI is malformed, naming it
     */
    static InstanceSource ofUris(String... uris) {
        requireNonNull(uris, "uris");
        List<ServiceInstance> list = new ArrayList<>(uris.length);
        for (int i = 0; i < uris.length; i++) {
            list.add(ServiceInstance.parse(requireNonNull(uris[i], "uris[" + i + "]")));
        }
        return of(list);
    }

    /**
     * A source whose list the program sets with {@link MutableInstanceSource#update(List)}.
     *
     * @param initial the first list
     * @return the source
     */
    static MutableInstanceSource mutable(ServiceInstance... initial) {
        requireNonNull(initial, "initial");
        return new MutableInstanceSource(Arrays.asList(initial));
    }

    /**
     * A source that calls {@code fetch} at once and then every {@code interval} on its own daemon
     * thread. A fetch that throws (or returns null) keeps the last good list and is reported to
     * listeners as a discovery failure; a fetch that returns an empty list applies it.
     *
     * @param fetch returns the whole current list
     * @param interval time between fetches, at least 10 ms
     * @return the source; close it to stop polling
     * @throws IllegalArgumentException if the interval is shorter than 10 ms or longer than a count of
     *     nanoseconds holds (292 years)
     */
    static InstanceSource polling(Callable<? extends List<ServiceInstance>> fetch, Duration interval) {
        return new PollingInstanceSource(fetch, interval);
    }

    /** Receives a source's lists and failures. */
    @FunctionalInterface
    interface Listener {
        /**
         * Called with each new whole list.
         *
         * @param instances immutable, without duplicate ids; may be empty
         */
        void onInstances(List<ServiceInstance> instances);

        /**
         * Called when discovery failed; the last good list stays in force.
         *
         * @param cause what went wrong
         */
        default void onDiscoveryFailure(Throwable cause) {
        }

        /**
         * Called when a list held several instances with the same id; all but the first were dropped.
         *
         * @param dropped the dropped instances
         */
        default void onDuplicateInstances(List<ServiceInstance> dropped) {
        }
    }

    /** A registration that can be ended. */
    @FunctionalInterface
    interface Subscription extends AutoCloseable {
        /** Ends the subscription; further calls do nothing. */
        @Override
        void close();
    }
}
