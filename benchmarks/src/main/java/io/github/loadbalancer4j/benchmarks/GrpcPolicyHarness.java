package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.grpc.InstanceAttributes;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ChannelLogger;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolver;
import io.grpc.SynchronizationContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A gRPC load-balancing policy outside a channel, for P17's pick benchmark: the policy made by its
 * provider (as a channel makes it, health-checking wrapper included), given {@code n} addresses, each
 * subchannel reporting CONNECTING then READY at once; {@link #picker()} is what the policy last gave
 * the channel. Nothing connects: only the picks are measured.
 */
final class GrpcPolicyHarness extends LoadBalancer.Helper {

    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grpc-harness-timer");
        t.setDaemon(true);
        return t;
    });

    private final SynchronizationContext sync = new SynchronizationContext((t, e) -> {
        throw new IllegalStateException("the policy failed on the synchronization context", e);
    });
    private final LoadBalancer balancer;
    private volatile LoadBalancer.SubchannelPicker picker;
    private volatile ConnectivityState state;

    private GrpcPolicyHarness(LoadBalancerProvider provider) {
        this.balancer = provider.newLoadBalancer(this);
    }

    /**
     * Makes a policy and gives it {@code n} instances, all READY.
     *
     * @param provider the policy's provider
     * @param config the policy's config object, as a service config gives it
     * @param instances the instances
     * @return the harness, its picker READY over every instance
     */
    static GrpcPolicyHarness ready(LoadBalancerProvider provider, Map<String, ?> config, List<ServiceInstance> instances) {
        GrpcPolicyHarness harness = new GrpcPolicyHarness(provider);
        NameResolver.ConfigOrError parsed = provider.parseLoadBalancingPolicyConfig(config);
        if (parsed.getError() != null) {
            throw new IllegalArgumentException(parsed.getError().toString());
        }
        List<EquivalentAddressGroup> groups = new ArrayList<>();
        for (ServiceInstance instance : instances) {
            groups.add(new EquivalentAddressGroup(new InetSocketAddress(instance.host(), instance.port()),
                    Attributes.newBuilder().set(InstanceAttributes.INSTANCE_ID, instance.id()).build()));
        }
        harness.sync.execute(() -> harness.balancer.acceptResolvedAddresses(LoadBalancer.ResolvedAddresses.newBuilder()
                .setAddresses(groups).setLoadBalancingPolicyConfig(parsed.getConfig()).build()));
        if (harness.state != ConnectivityState.READY) {
            throw new IllegalStateException(provider.getPolicyName() + " is " + harness.state + " (expected: READY)");
        }
        return harness;
    }

    /** @return the picker the policy gave the channel last */
    LoadBalancer.SubchannelPicker picker() {
        return picker;
    }

    /** Shuts the policy down. */
    void shutdown() {
        sync.execute(balancer::shutdown);
    }

    @Override
    public LoadBalancer.Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
        return new ReadySubchannel(args);
    }

    @Override
    public void updateBalancingState(ConnectivityState newState, LoadBalancer.SubchannelPicker newPicker) {
        state = newState;
        picker = newPicker;
    }

    @Override
    public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
        throw new UnsupportedOperationException("no out-of-band channels here");
    }

    @Override
    public SynchronizationContext getSynchronizationContext() {
        return sync;
    }

    @Override
    public ScheduledExecutorService getScheduledExecutorService() {
        return TIMERS;
    }

    @Override
    public String getAuthority() {
        return "orders";
    }

    @Override
    public ChannelLogger getChannelLogger() {
        return SilentLogger.INSTANCE;
    }

    /** A subchannel that says it connected as soon as it is started. */
    private final class ReadySubchannel extends LoadBalancer.Subchannel {
        private final LoadBalancer.CreateSubchannelArgs args;
        private List<EquivalentAddressGroup> addresses;

        ReadySubchannel(LoadBalancer.CreateSubchannelArgs args) {
            this.args = args;
            this.addresses = args.getAddresses();
        }

        @Override
        public void start(LoadBalancer.SubchannelStateListener listener) {
            sync.executeLater(() -> listener.onSubchannelState(ConnectivityStateInfo.forNonError(ConnectivityState.CONNECTING)));
            sync.executeLater(() -> listener.onSubchannelState(ConnectivityStateInfo.forNonError(ConnectivityState.READY)));
            LoadBalancer.SubchannelStateListener health = args.getOption(LoadBalancer.HEALTH_CONSUMER_LISTENER_ARG_KEY);
            if (health != null) {
                sync.executeLater(() -> health.onSubchannelState(ConnectivityStateInfo.forNonError(ConnectivityState.READY)));
            }
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void requestConnection() {
        }

        @Override
        public List<EquivalentAddressGroup> getAllAddresses() {
            return addresses;
        }

        @Override
        public void updateAddresses(List<EquivalentAddressGroup> addrs) {
            this.addresses = addrs;
        }

        @Override
        public Attributes getAttributes() {
            return args.getAttributes();
        }

        @Override
        public ChannelLogger getChannelLogger() {
            return SilentLogger.INSTANCE;
        }

        @Override
        public String toString() {
            return addresses.toString();
        }
    }

    /** A channel logger that logs nothing. */
    private static final class SilentLogger extends ChannelLogger {
        static final SilentLogger INSTANCE = new SilentLogger();

        @Override
        public void log(ChannelLogLevel level, String message) {
        }

        @Override
        public void log(ChannelLogLevel level, String messageFormat, Object... args) {
        }
    }

    /** What one call tells the picker: no headers, default call options. */
    static final class Args extends LoadBalancer.PickSubchannelArgs {
        private final Metadata headers = new Metadata();
        private final MethodDescriptor<?, ?> method;

        Args(MethodDescriptor<?, ?> method) {
            this.method = method;
        }

        @Override
        public CallOptions getCallOptions() {
            return CallOptions.DEFAULT;
        }

        @Override
        public Metadata getHeaders() {
            return headers;
        }

        @Override
        public MethodDescriptor<?, ?> getMethodDescriptor() {
            return method;
        }
    }
}
