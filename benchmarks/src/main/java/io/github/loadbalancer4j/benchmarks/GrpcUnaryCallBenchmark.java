package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.grpc.InstanceSourceNameResolverProvider;
import io.github.loadbalancer4j.testing.grpc.LoopbackGrpcServers;
import io.github.loadbalancer4j.testing.grpc.TestService;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.util.List;
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
 * P17, calls: one blocking unary call over a loopback channel to three real gRPC servers
 * (grpc-netty-shaded, {@link LoopbackGrpcServers} on 127.0.0.11-13, in this JVM), the channel's
 * addresses from our resolver and its policy gRPC's {@code round_robin} or ours ({@code loadbalancer4j}
 * with round robin, or with its default peak EWMA), chosen by the service config. The server answers
 * at once, so the figure is the cost of a call through each policy on an otherwise idle path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GrpcUnaryCallBenchmark {

    /** The service config's policy: gRPC's, or ours with a strategy. */
    @Param({"round_robin", "loadbalancer4j:round-robin", "loadbalancer4j:peak-ewma"})
    public String policy;

    private LoopbackGrpcServers servers;
    private InstanceSourceNameResolverProvider resolvers;
    private ManagedChannel channel;

    /** Starts the servers and connects the channel. */
    @Setup
    public void setUp() throws IOException {
        servers = LoopbackGrpcServers.start();
        resolvers = InstanceSourceNameResolverProvider.builder().scheme("p17")
                .source("orders", InstanceSource.of(servers.instances())).build();
        NameResolverRegistry.getDefaultRegistry().register(resolvers);
        String[] parts = policy.split(":");
        Map<String, ?> config = parts.length == 1 ? Map.of() : Map.of("strategy", parts[1]);
        channel = Grpc.newChannelBuilder(resolvers.target("orders"), InsecureChannelCredentials.create())
                .defaultServiceConfig(Map.of("loadBalancingConfig", List.of(Map.of(parts[0], config))))
                .build();
        for (int i = 0; i < 100; i++) {
            call(); // connected to every server
        }
    }

    /** Closes the channel and the servers. */
    @TearDown
    public void tearDown() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        NameResolverRegistry.getDefaultRegistry().deregister(resolvers);
        servers.close();
    }

    /** @return the name of the server that answered */
    @Benchmark
    public String call() {
        return ClientCalls.blockingUnaryCall(channel, TestService.READ, CallOptions.DEFAULT, "read");
    }
}
