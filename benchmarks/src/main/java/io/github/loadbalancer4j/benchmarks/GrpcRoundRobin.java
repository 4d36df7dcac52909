package io.github.loadbalancer4j.benchmarks;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.LoadBalancer.FixedResultPicker;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.LoadBalancer.SubchannelPicker;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The P4 peer gRPC-java: the picker its {@code round_robin} policy hands the channel once every
 * subchannel is READY ({@code io.grpc.util.RoundRobinLoadBalancer.ReadyPicker}: one shared atomic
 * counter over the children's pickers, each a {@code FixedResultPicker} of one subchannel). The class
 * is package-private in grpc-util, so it is built reflectively, once; picks are plain calls.
 */
final class GrpcRoundRobin {

    private static final String READY_PICKER = "io.grpc.util.RoundRobinLoadBalancer$ReadyPicker";

    private GrpcRoundRobin() {
    }

    static PeerPickers.Picker picker(int n) {
        List<SubchannelPicker> children = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            children.add(new FixedResultPicker(PickResult.withSubchannel(new IdleSubchannel("10.0.0." + i))));
        }
        SubchannelPicker picker;
        try {
            Constructor<?> constructor = Class.forName(READY_PICKER).getDeclaredConstructor(List.class, AtomicInteger.class);
            constructor.setAccessible(true);
            picker = (SubchannelPicker) constructor.newInstance(children, new AtomicInteger());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("gRPC's round-robin picker (" + READY_PICKER + ") not found: " + e, e);
        }
        PickSubchannelArgs args = new NoArgs();
        return () -> picker.pickSubchannel(args).getSubchannel();
    }

    /** A subchannel that is only ever picked, never connected. */
    private static final class IdleSubchannel extends Subchannel {
        private final String address;

        IdleSubchannel(String address) {
            this.address = address;
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void requestConnection() {
        }

        @Override
        public Attributes getAttributes() {
            return Attributes.EMPTY;
        }

        @Override
        public String toString() {
            return address;
        }
    }

    /** What a pick is told about the call; the round-robin picker reads none of it. */
    private static final class NoArgs extends PickSubchannelArgs {
        @Override
        public CallOptions getCallOptions() {
            return CallOptions.DEFAULT;
        }

        @Override
        public Metadata getHeaders() {
            return new Metadata();
        }

        @Override
        public MethodDescriptor<?, ?> getMethodDescriptor() {
            throw new UnsupportedOperationException("selection only");
        }
    }
}
