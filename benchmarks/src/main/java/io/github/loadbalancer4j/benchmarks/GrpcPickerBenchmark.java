package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.grpc.BalancingPolicyProvider;
import io.github.loadbalancer4j.testing.grpc.TestService;
import io.grpc.CallOptions;
import io.grpc.ClientStreamTracer;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * P17, picks: the picker each policy hands a gRPC channel over 3 READY subchannels, made by the
 * policy's provider as a channel makes it (both behind gRPC's client-side health-checking wrapper,
 * which grpc-services puts around {@code round_robin} and which our provider always uses), given by
 * {@link GrpcPolicyHarness}. {@link #pick()} is the pick alone; {@link #pickAndEndCall()} also makes
 * the stream tracer the pick asks for and closes it with OK, as the channel does around each call
 * (gRPC's {@code round_robin} asks for none). Run with {@code -prof gc} for the allocation per pick.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GrpcPickerBenchmark {

    /** Which policy: gRPC's {@code round_robin}, or ours with a strategy. */
    @Param({"grpc-round_robin", "lb4j-round-robin", "lb4j-peak-ewma"})
    public String policy;

    private GrpcPolicyHarness harness;
    private LoadBalancer.SubchannelPicker picker;
    private LoadBalancer.PickSubchannelArgs args;
    private ClientStreamTracer.StreamInfo info;
    private Metadata headers;

    /** Makes the policy and waits for its READY picker. */
    @Setup
    public void setUp() {
        LoadBalancerProvider provider;
        Map<String, ?> config;
        if (policy.equals("grpc-round_robin")) {
            provider = LoadBalancerRegistry.getDefaultRegistry().getProvider("round_robin");
            config = Map.of();
        } else {
            provider = BalancingPolicyProvider.builder().build();
            config = Map.of("strategy", policy.substring("lb4j-".length()));
        }
        harness = GrpcPolicyHarness.ready(provider, config, BenchmarkInstances.instances(3));
        picker = harness.picker();
        args = new GrpcPolicyHarness.Args(TestService.READ);
        info = ClientStreamTracer.StreamInfo.newBuilder().setCallOptions(CallOptions.DEFAULT).build();
        headers = new Metadata();
    }

    /** Shuts the policy down. */
    @TearDown
    public void tearDown() {
        harness.shutdown();
    }

    /** @return one pick (ours leaves the call's lease open: its in-flight count grows, which round robin ignores) */
    @Benchmark
    public LoadBalancer.PickResult pick() {
        return picker.pickSubchannel(args);
    }

    /** @return one pick, its stream tracer made and closed with OK (the outcome recorded) */
    @Benchmark
    public LoadBalancer.PickResult pickAndEndCall() {
        LoadBalancer.PickResult result = picker.pickSubchannel(args);
        ClientStreamTracer.Factory factory = result.getStreamTracerFactory();
        if (factory != null) {
            factory.newClientStreamTracer(info, headers).streamClosed(Status.OK);
        }
        return result;
    }
}
