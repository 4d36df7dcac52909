package io.github.loadbalancer4j.grpc.internal;

import static io.grpc.ConnectivityState.CONNECTING;
import static io.grpc.ConnectivityState.IDLE;
import static io.grpc.ConnectivityState.READY;
import static io.grpc.ConnectivityState.TRANSIENT_FAILURE;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.MutableInstanceSource;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.SynchronizationContext;
import io.grpc.SynchronizationContext.ScheduledHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC load balancer of the {@code loadbalancer4j} policy, one per channel. It keeps one
 * subchannel per resolved address group (one per instance) and feeds the READY ones, as instances,
 * to a core {@link LoadBalancer} made in the provider's {@link LoadBalancerRegistry}: that load
 * balancer's strategy, per-instance circuit breakers (in the user's {@code CircuitBreakerRegistry},
 * named {@code <name>#<instanceId>}), health checks and events apply unchanged, and its picker
 * ({@link BalancingPicker}) picks through it. Subchannels that go IDLE are asked to connect again;
 * those that are not READY are no candidates. Everything here runs on the channel's synchronization
 * context.
 *
 * <p>The channel's state: READY while some instance is available; TRANSIENT_FAILURE when subchannels
 * are READY but every breaker is open (the picker then fails calls with the load balancer's message),
 * or when every subchannel failed to connect; CONNECTING otherwise. A subchannel that failed stays
 * "failing" while it reconnects, until it is READY again (gRPC's sticky TRANSIENT_FAILURE).
 */
public final class BalancingPolicy extends io.grpc.LoadBalancer {

    private static final Logger LOG = LoggerFactory.getLogger(BalancingPolicy.class);
    /** How often the picker is published again while every breaker is open, so waiting calls pick again. */
    private static final long RECHECK_MILLIS = 1000;

    private final Helper helper;
    private final SynchronizationContext syncContext;
    private final LoadBalancerRegistry registry;
    private final Predicate<Status> defaultFailure;
    private final String policyName;
    private final MutableInstanceSource ready = InstanceSource.mutable();
    /** Changes of the READY set; raised before the load balancer sees one, and a picker follows each. */
    private final AtomicInteger readyChanges = new AtomicInteger();

    private Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private Map<String, Subchannel> subchannels = Map.of();
    private List<ServiceInstance> readyInstances = List.of();
    private @Nullable ChannelLoadBalancer channelLoadBalancer;
    private @Nullable Status resolutionError;
    private @Nullable ScheduledHandle recheck;
    private boolean shutdown;

    /**
     * @param helper the channel's helper
     * @param registry where the channel's load balancer is made and registered
     * @param defaultFailure which statuses are failures of an instance, unless the policy config says
     * @param policyName the policy's name, for messages
     */
    public BalancingPolicy(Helper helper, LoadBalancerRegistry registry, Predicate<Status> defaultFailure, String policyName) {
        this.helper = helper;
        this.syncContext = helper.getSynchronizationContext();
        this.registry = registry;
        this.defaultFailure = defaultFailure;
        this.policyName = policyName;
    }

    @Override
    public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
        if (shutdown) {
            return Status.OK;
        }
        Object given = resolved.getLoadBalancingPolicyConfig();
        PolicyConfig config = given instanceof PolicyConfig ? (PolicyConfig) given : PolicyConfig.DEFAULT;
        ChannelLoadBalancer lb = channelLoadBalancer;
        if (lb == null) {
            try {
                lb = ChannelLoadBalancer.create(registry, config, helper.getAuthority(), ready, defaultFailure, policyName);
            } catch (StatusException e) {
                helper.updateBalancingState(TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(e.getStatus())));
                return e.getStatus();
            }
            channelLoadBalancer = lb;
            // Availability changes (a breaker opened, one let calls through again) reach the channel as
            // a new picker, so that calls waiting for ready pick again.
            LoadBalancer.EventPublisher events = lb.get().getEventPublisher();
            events.onInstanceEjected(e -> syncContext.execute(this::publish));
            events.onInstanceRestored(e -> syncContext.execute(this::publish));
            events.onPanicEntered(e -> syncContext.execute(this::publish));
            events.onPanicLeft(e -> syncContext.execute(this::publish));
        } else {
            lb.reconfigure(config);
        }
        resolutionError = null;
        List<EquivalentAddressGroup> groups = resolved.getAddresses();
        updateEndpoints(groups);
        if (groups.isEmpty()) {
            refresh();
            Status none = Status.UNAVAILABLE.withDescription(policyName + " '" + lb.name()
                    + "': the name resolver gave no address (the service has no instances)");
            helper.updateBalancingState(TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(none)));
            return none;
        }
        refresh();
        return Status.OK;
    }

    @Override
    public void handleNameResolutionError(Status error) {
        if (shutdown) {
            return;
        }
        resolutionError = error;
        if (readyInstances.isEmpty()) {
            // As gRPC's own policies do: with nothing READY the resolver's error is the best answer.
            helper.updateBalancingState(TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(error)));
        }
    }

    @Override
    public void requestConnection() {
        for (Endpoint e : endpoints.values()) {
            if (e.state == IDLE) {
                e.subchannel.requestConnection();
            }
        }
    }

    @Override
    public void shutdown() {
        shutdown = true;
        cancelRecheck();
        for (Endpoint e : endpoints.values()) {
            e.subchannel.shutdown();
        }
        endpoints = new LinkedHashMap<>();
        ChannelLoadBalancer lb = channelLoadBalancer;
        if (lb != null) {
            lb.close();
        }
        ready.close();
    }

    private void updateEndpoints(List<EquivalentAddressGroup> groups) {
        Map<String, Endpoint> next = new LinkedHashMap<>();
        for (EquivalentAddressGroup group : groups) {
            ServiceInstance instance;
            try {
                instance = AddressGroups.instanceOf(group);
            } catch (IllegalArgumentException e) {
                LOG.warn("{}: address group {} skipped: {}", policyName, group, e.getMessage());
                continue;
            }
            if (next.containsKey(instance.id())) {
                continue; // the same instance twice: the first wins, as in every source
            }
            Endpoint e = endpoints.get(instance.id());
            if (e == null) {
                e = new Endpoint(instance, group);
            } else if (!e.group.equals(group)) {
                e.group = group;
                e.instance = instance;
                e.subchannel.updateAddresses(List.of(group));
            }
            next.put(instance.id(), e);
        }
        for (Endpoint old : endpoints.values()) {
            if (next.get(old.instance.id()) != old) {
                old.subchannel.shutdown();
                if (channelLoadBalancer != null) {
                    channelLoadBalancer.parked().forget(old.instance.id());
                }
            }
        }
        endpoints = next;
        Map<String, Subchannel> byId = new HashMap<>();
        next.forEach((id, e) -> byId.put(id, e.subchannel));
        subchannels = Map.copyOf(byId);
        for (Endpoint e : next.values()) {
            if (!e.started) {
                e.start();
            }
        }
    }

    /** Gives the load balancer the READY instances (when they changed) and the channel a new picker. */
    private void refresh() {
        ChannelLoadBalancer lb = channelLoadBalancer;
        if (shutdown || lb == null) {
            return;
        }
        List<ServiceInstance> now = new ArrayList<>(endpoints.size());
        for (Endpoint e : endpoints.values()) {
            if (e.state == READY) {
                now.add(e.instance);
            }
        }
        if (!sameInstances(now, readyInstances)) {
            ParkedBreakers p = lb.parked();
            Set<String> readyIds = new HashSet<>();
            for (ServiceInstance i : now) {
                readyIds.add(i.id());
                p.returned(i.id());
            }
            Map<String, CircuitBreaker> leaving = new LinkedHashMap<>();
            for (ServiceInstance i : readyInstances) {
                if (!readyIds.contains(i.id()) && endpoints.containsKey(i.id())) {
                    p.current(i).ifPresent(breaker -> leaving.put(i.id(), breaker));
                }
            }
            readyInstances = List.copyOf(now);
            readyChanges.incrementAndGet();
            ready.update(readyInstances); // applied before the picker below is published
            leaving.forEach(p::park);
        }
        publish();
    }

    /** Publishes the channel's state and a picker for it. */
    private void publish() {
        ChannelLoadBalancer lb = channelLoadBalancer;
        if (shutdown || lb == null || endpoints.isEmpty()) {
            return;
        }
        if (!readyInstances.isEmpty()) {
            LoadBalancer.Metrics metrics = lb.get().getMetrics();
            boolean available = metrics.getNumberOfAvailableInstances() > 0 || metrics.isPanicking();
            if (available) {
                cancelRecheck();
            } else {
                scheduleRecheck();
            }
            helper.updateBalancingState(available ? READY : TRANSIENT_FAILURE,
                    new BalancingPicker(lb.get(), subchannels, lb.failure(), readyChanges));
            return;
        }
        int failing = 0;
        Status last = null;
        for (Endpoint e : endpoints.values()) {
            if (e.failing) {
                failing++;
                last = e.lastFailure;
            }
        }
        if (failing < endpoints.size()) {
            helper.updateBalancingState(CONNECTING, new FixedResultPicker(PickResult.withNoResult()));
            return;
        }
        StringBuilder why = new StringBuilder(policyName).append(" '").append(lb.name()).append("': no READY subchannel (")
                .append(failing).append(" of ").append(endpoints.size()).append(" failed to connect");
        if (last != null) {
            why.append("; the last: ").append(last.getCode()).append(' ').append(last.getDescription());
        }
        why.append(')');
        Status resolver = resolutionError;
        if (resolver != null) {
            why.append("; the name resolver says: ").append(resolver.getDescription());
        }
        Status status = Status.UNAVAILABLE.withDescription(why.toString());
        if (last != null && last.getCause() != null) {
            status = status.withCause(last.getCause());
        }
        helper.updateBalancingState(TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(status)));
    }

    private void scheduleRecheck() {
        if (recheck == null || !recheck.isPending()) {
            recheck = syncContext.schedule(this::publish, RECHECK_MILLIS, TimeUnit.MILLISECONDS, helper.getScheduledExecutorService());
        }
    }

    private void cancelRecheck() {
        ScheduledHandle r = recheck;
        if (r != null) {
            r.cancel();
            recheck = null;
        }
    }

    /** Same instances in the same order, and the same objects (a new weight or zone is a new object of the same id). */
    private static boolean sameInstances(List<ServiceInstance> a, List<ServiceInstance> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        ChannelLoadBalancer lb = channelLoadBalancer;
        return "BalancingPolicy{" + (lb == null ? "-" : lb.name()) + ", " + endpoints.size() + " subchannels, "
                + readyInstances.size() + " READY}";
    }

    /** One instance's subchannel and what it last said of its connection. */
    private final class Endpoint implements SubchannelStateListener {
        final Subchannel subchannel;
        EquivalentAddressGroup group;
        ServiceInstance instance;
        ConnectivityState state = IDLE;
        boolean started;
        /** It failed to connect and has not been READY since (sticky TRANSIENT_FAILURE). */
        boolean failing;
        @Nullable Status lastFailure;

        Endpoint(ServiceInstance instance, EquivalentAddressGroup group) {
            this.instance = instance;
            this.group = group;
            this.subchannel = helper.createSubchannel(CreateSubchannelArgs.newBuilder().setAddresses(group).build());
        }

        void start() {
            started = true;
            subchannel.start(this);
            subchannel.requestConnection();
        }

        @Override
        public void onSubchannelState(ConnectivityStateInfo info) {
            if (shutdown || endpoints.get(instance.id()) != this || info.getState() == ConnectivityState.SHUTDOWN) {
                return;
            }
            state = info.getState();
            switch (state) {
                case READY:
                    failing = false;
                    break;
                case TRANSIENT_FAILURE:
                    failing = true;
                    lastFailure = info.getStatus();
                    break;
                case IDLE:
                    subchannel.requestConnection(); // the connection closed (server's GOAWAY, idle timeout): connect again
                    break;
                default:
                    break;
            }
            refresh();
        }

        @Override
        public String toString() {
            return instance.id() + '{' + state + (failing ? ", failing" : "") + '}';
        }
    }
}
