package io.github.loadbalancer4j.grpc;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.grpc.internal.AddressGroups;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A gRPC {@link NameResolver} over a loadbalancer4j {@link InstanceSource}: every list the source
 * delivers becomes the channel's addresses, one {@link EquivalentAddressGroup} per instance with the
 * instance's id, weight, zone and metadata as {@link InstanceAttributes}. The source pushes its
 * lists, so the channel follows it without polling; {@link #refresh()} asks nothing of it.
 *
 * <p>A discovery failure goes to the channel through the resolver's error path, as
 * {@link Status#UNAVAILABLE} naming the source and the cause, while the last good list stays in force
 * (the source never replaces it with an empty one). An empty list the source delivers is the
 * service's authoritative answer and is applied: the channel then has no address. When the source's
 * first lookup failed (it has no list yet), the channel gets that failure rather than an empty list.
 *
 * <p>Made by {@link InstanceSourceNameResolverProvider} for targets such as
 * {@code loadbalancer4j:///orders}. The source is not closed with the resolver: it may feed other
 * channels and load balancers.
 */
public final class InstanceSourceNameResolver extends NameResolver {

    private final String sourceName;
    private final InstanceSource source;
    private final SynchronizationContext syncContext;
    private @Nullable Listener2 listener;
    private InstanceSource.@Nullable Subscription subscription;
    // Both only on the channel's synchronization context.
    private boolean shutdown;
    private boolean anyList;

    InstanceSourceNameResolver(String sourceName, InstanceSource source, SynchronizationContext syncContext) {
        this.sourceName = requireNonNull(sourceName, "sourceName");
        this.source = requireNonNull(source, "source");
        this.syncContext = requireNonNull(syncContext, "syncContext");
    }

    /** @return the source's name, which is also the channel's authority (as in {@code loadbalancer4j:///orders}) */
    @Override
    public String getServiceAuthority() {
        return sourceName;
    }

    /**
     * Subscribes to the source: its current list (or the failure that kept it from having one) goes
     * to the channel at once, then every change and every failure.
     *
     * @param listener the channel's listener
     * @throws IllegalStateException if started twice
     */
    @Override
    public void start(Listener2 listener) {
        requireNonNull(listener, "listener");
        if (this.listener != null) {
            throw new IllegalStateException("the resolver of '" + sourceName + "' was already started");
        }
        this.listener = listener;
        FirstDelivery first = new FirstDelivery();
        subscription = source.subscribe(first);
        first.done();
    }

    /** Does nothing: the source pushes every change, and keeps its own schedule when it polls. */
    @Override
    public void refresh() {
    }

    /** Unsubscribes from the source (which stays open); nothing more reaches the channel. */
    @Override
    public void shutdown() {
        shutdown = true;
        InstanceSource.Subscription s = subscription;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return "InstanceSourceNameResolver{" + sourceName + ", " + source + '}';
    }

    private void deliver(List<EquivalentAddressGroup> groups) {
        Listener2 l = listener;
        if (shutdown || l == null) {
            return;
        }
        anyList = true;
        l.onResult2(ResolutionResult.newBuilder().setAddressesOrError(StatusOr.fromValue(groups)).build());
    }

    private void fail(Throwable cause) {
        Listener2 l = listener;
        if (shutdown || l == null) {
            return;
        }
        String what = anyList ? "; its last list stays in force" : " and has no list yet";
        l.onError(Status.UNAVAILABLE.withCause(cause)
                .withDescription("loadbalancer4j source '" + sourceName + "' could not reach discovery" + what + ": " + cause));
    }

    private static List<EquivalentAddressGroup> groups(List<ServiceInstance> instances) {
        List<EquivalentAddressGroup> groups = new ArrayList<>(instances.size());
        for (ServiceInstance instance : instances) {
            groups.add(AddressGroups.of(instance));
        }
        return groups;
    }

    /**
     * The source's listener. Until {@code subscribe} has returned it holds back what the source tells
     * (the current list, then the failure that kept the first list from coming), so that an empty list
     * that is no answer at all does not reach the channel before its reason does. Addresses are built on
     * the source's thread (host names may need a lookup), then queued in order on the channel's
     * synchronization context, which runs them outside this listener's lock.
     */
    private final class FirstDelivery implements InstanceSource.Listener {
        private boolean subscribing = true;
        private @Nullable List<EquivalentAddressGroup> initialList;
        private @Nullable Throwable initialFailure;

        @Override
        public void onInstances(List<ServiceInstance> instances) {
            List<EquivalentAddressGroup> groups = groups(instances);
            synchronized (this) {
                if (subscribing) {
                    initialList = groups;
                    initialFailure = null;
                } else {
                    syncContext.executeLater(() -> deliver(groups));
                }
            }
            syncContext.drain();
        }

        @Override
        public void onDiscoveryFailure(Throwable cause) {
            synchronized (this) {
                if (subscribing) {
                    if (initialFailure == null) {
                        initialFailure = cause;
                    }
                } else {
                    syncContext.executeLater(() -> fail(cause));
                }
            }
            syncContext.drain();
        }

        void done() {
            synchronized (this) {
                subscribing = false;
                List<EquivalentAddressGroup> list = initialList;
                Throwable failure = initialFailure;
                if (list != null && !(list.isEmpty() && failure != null)) {
                    syncContext.executeLater(() -> deliver(list));
                }
                if (failure != null) {
                    syncContext.executeLater(() -> fail(failure));
                }
            }
            syncContext.drain();
        }
    }
}
