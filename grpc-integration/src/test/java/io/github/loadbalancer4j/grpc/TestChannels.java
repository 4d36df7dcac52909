package io.github.loadbalancer4j.grpc;

import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.testing.grpc.TestService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Channels, service configs and calls of {@link TestService} for this module's tests. */
final class TestChannels {

    /** A generous deadline for calls that should succeed. */
    static final Duration DEADLINE = Duration.ofSeconds(5);

    private TestChannels() {
    }

    /** A service config selecting one policy with its config object. */
    static Map<String, ?> serviceConfig(String policy, Map<String, ?> config) {
        return Map.of("loadBalancingConfig", List.of(Map.of(policy, config)));
    }

    /** A plaintext channel to {@code target} whose service config selects {@code policy}. */
    static ManagedChannel channel(String target, String policy, Map<String, ?> config, ClientInterceptor... interceptors) {
        return Grpc.newChannelBuilder(target, InsecureChannelCredentials.create())
                .defaultServiceConfig(serviceConfig(policy, config))
                .intercept(interceptors)
                .build();
    }

    /** One {@link TestService#READ} call: the name of the server that answered it. */
    static String read(Channel channel) {
        return read(channel, DEADLINE);
    }

    /** One {@link TestService#READ} call with a deadline. */
    static String read(Channel channel, Duration deadline) {
        return ClientCalls.blockingUnaryCall(channel, TestService.READ,
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS), "read");
    }

    /** One {@link TestService#WRITE} call. */
    static String write(Channel channel) {
        return ClientCalls.blockingUnaryCall(channel, TestService.WRITE,
                CallOptions.DEFAULT.withDeadlineAfter(DEADLINE.toNanos(), TimeUnit.NANOSECONDS), "write");
    }

    /** Connects the channel and waits until its load balancer has {@code n} available instances. */
    static LoadBalancer awaitReady(BalancingPolicyProvider policy, ManagedChannel channel, int n) {
        channel.getState(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.getState(false) == ConnectivityState.READY
                && policy.loadBalancer(channel.authority()).map(lb -> lb.getMetrics().getNumberOfAvailableInstances()).orElse(0) == n);
        return policy.loadBalancer(channel.authority()).orElseThrow();
    }

    /** Shuts a channel down and waits for it. */
    static void shutdown(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Registers a policy in gRPC's default registry until closed. */
    static AutoCloseable register(LoadBalancerProvider provider) {
        LoadBalancerRegistry.getDefaultRegistry().register(provider);
        return () -> LoadBalancerRegistry.getDefaultRegistry().deregister(provider);
    }

    /** Registers a name resolver in gRPC's default registry until closed. */
    static AutoCloseable register(NameResolverProvider provider) {
        NameResolverRegistry.getDefaultRegistry().register(provider);
        return () -> NameResolverRegistry.getDefaultRegistry().deregister(provider);
    }
}
