package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.grpc.BalancingPolicyProvider;
import io.github.loadbalancer4j.grpc.InstanceSourceNameResolverProvider;
import io.github.loadbalancer4j.testing.grpc.LoopbackGrpcServers;
import io.github.loadbalancer4j.testing.grpc.TestService;
import io.grpc.CallOptions;
import io.grpc.ClientStreamTracer;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * P17 in {@link InterleavedCheck}'s way (the fastest of many alternating rounds): the pick of the
 * {@code loadbalancer4j} policy's picker against gRPC's {@code round_robin} picker, both made by their
 * providers over 3 READY subchannels ({@link GrpcPolicyHarness}); and a blocking unary call over a
 * loopback channel to three real servers through each policy.
 */
final class GrpcCheck {

    private static final int PICKS = 1_000_000;
    private static final int CALLS = 2_000;

    private static volatile Object sink;

    private GrpcCheck() {
    }

    static void run() {
        LoadBalancer.PickSubchannelArgs args = new GrpcPolicyHarness.Args(TestService.READ);
        GrpcPolicyHarness roundRobin = GrpcPolicyHarness.ready(LoadBalancerRegistry.getDefaultRegistry().getProvider("round_robin"),
                Map.of(), BenchmarkInstances.instances(3));
        GrpcPolicyHarness ours = GrpcPolicyHarness.ready(BalancingPolicyProvider.builder().build(), Map.of("strategy", "round-robin"),
                BenchmarkInstances.instances(3));
        ClientStreamTracer.StreamInfo info = ClientStreamTracer.StreamInfo.newBuilder().setCallOptions(CallOptions.DEFAULT).build();
        io.github.loadbalancer4j.LoadBalancer core = io.github.loadbalancer4j.LoadBalancer.of("core",
                InstanceSource.of(BenchmarkInstances.instances(3)),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        double[] best = InterleavedCheck.bestOf(PICKS, () -> grpcPicks(roundRobin.picker(), args), () -> ourPicks(ours.picker(), args),
                () -> ourPicksEnded(ours.picker(), args, info), () -> coreAcquires(core), GrpcCheck::clockReads);
        InterleavedCheck.print("P17 loadbalancer4j pick (round-robin)", 3, "gRPC round_robin pick", new double[] {best[0], best[1]});
        InterleavedCheck.print("P17 ... with the call's outcome", 3, "gRPC round_robin pick", new double[] {best[0], best[2]});
        InterleavedCheck.print("P17 ... of which core's acquire", 3, "gRPC round_robin pick", new double[] {best[0], best[3]});
        InterleavedCheck.print("P17 ... of which System.nanoTime()", 3, "gRPC round_robin pick", new double[] {best[0], best[4]});
        roundRobin.shutdown();
        ours.shutdown();
        core.close();
        try {
            calls();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("the P17 calls could not run: " + e, e);
        }
    }

    private static void calls() throws IOException, InterruptedException {
        try (LoopbackGrpcServers servers = LoopbackGrpcServers.start()) {
            InstanceSourceNameResolverProvider resolvers = InstanceSourceNameResolverProvider.builder().scheme("p17-check")
                    .source("orders", InstanceSource.of(servers.instances())).build();
            NameResolverRegistry.getDefaultRegistry().register(resolvers);
            ManagedChannel roundRobin = channel(resolvers, "round_robin", Map.of());
            ManagedChannel ours = channel(resolvers, "loadbalancer4j", Map.of("strategy", "round-robin"));
            ManagedChannel peakEwma = channel(resolvers, "loadbalancer4j", Map.of("strategy", "peak-ewma"));
            try {
                double[] best = InterleavedCheck.bestOf(CALLS, () -> grpcCalls(roundRobin), () -> ourCalls(ours), () -> peakEwmaCalls(peakEwma));
                InterleavedCheck.print("P17 unary call, loadbalancer4j round-robin", 3, "round_robin", new double[] {best[0], best[1]});
                InterleavedCheck.print("P17 unary call, loadbalancer4j peak-ewma", 3, "round_robin", new double[] {best[0], best[2]});
            } finally {
                for (ManagedChannel channel : List.of(roundRobin, ours, peakEwma)) {
                    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
                }
                NameResolverRegistry.getDefaultRegistry().deregister(resolvers);
            }
        }
    }

    private static ManagedChannel channel(InstanceSourceNameResolverProvider resolvers, String policy, Map<String, ?> config) {
        ManagedChannel channel = Grpc.newChannelBuilder(resolvers.target("orders"), InsecureChannelCredentials.create())
                .defaultServiceConfig(Map.of("loadBalancingConfig", List.of(Map.of(policy, config))))
                .build();
        for (int i = 0; i < 100; i++) {
            call(channel);
        }
        return channel;
    }

    private static String call(ManagedChannel channel) {
        return ClientCalls.blockingUnaryCall(channel, TestService.READ, CallOptions.DEFAULT, "read");
    }

    private static void grpcPicks(LoadBalancer.SubchannelPicker picker, LoadBalancer.PickSubchannelArgs args) {
        Object last = null;
        for (int i = 0; i < PICKS; i++) {
            last = picker.pickSubchannel(args);
        }
        sink = last;
    }

    private static void ourPicks(LoadBalancer.SubchannelPicker picker, LoadBalancer.PickSubchannelArgs args) {
        Object last = null;
        for (int i = 0; i < PICKS; i++) {
            last = picker.pickSubchannel(args);
        }
        sink = last;
    }

    private static void ourPicksEnded(LoadBalancer.SubchannelPicker picker, LoadBalancer.PickSubchannelArgs args,
            ClientStreamTracer.StreamInfo info) {
        Object last = null;
        Metadata headers = new Metadata();
        for (int i = 0; i < PICKS; i++) {
            LoadBalancer.PickResult result = picker.pickSubchannel(args);
            result.getStreamTracerFactory().newClientStreamTracer(info, headers).streamClosed(Status.OK);
            last = result;
        }
        sink = last;
    }

    /** Core's part of our pick: a lease taken (and, as in a pick, not ended: round robin ignores in-flight counts). */
    private static void coreAcquires(io.github.loadbalancer4j.LoadBalancer core) {
        Object last = null;
        for (int i = 0; i < PICKS; i++) {
            last = core.acquire();
        }
        sink = last;
    }

    /** The one clock read a pick makes (the call's start, for its latency). */
    private static void clockReads() {
        long sum = 0;
        for (int i = 0; i < PICKS; i++) {
            sum += System.nanoTime();
        }
        sink = sum;
    }

    private static void grpcCalls(ManagedChannel channel) {
        Object last = null;
        for (int i = 0; i < CALLS; i++) {
            last = call(channel);
        }
        sink = last;
    }

    private static void ourCalls(ManagedChannel channel) {
        Object last = null;
        for (int i = 0; i < CALLS; i++) {
            last = call(channel);
        }
        sink = last;
    }

    private static void peakEwmaCalls(ManagedChannel channel) {
        Object last = null;
        for (int i = 0; i < CALLS; i++) {
            last = call(channel);
        }
        sink = last;
    }
}
