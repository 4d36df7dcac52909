package io.github.loadbalancer4j.grpc;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.testing.grpc.LoopbackGrpcServers;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;

/**
 * What most test classes here share: three real servers, a {@code loadbalancer4j} policy and a
 * resolver registered under the class's own name (as policy name and scheme, so that classes never
 * see each other's), by default of one source, {@code orders}, over the three servers.
 */
final class Testbed implements AutoCloseable {

    final LoopbackGrpcServers servers;
    final BalancingPolicyProvider policy;
    final InstanceSourceNameResolverProvider resolvers;
    private final String name;
    private final AutoCloseable policyRegistration;
    private final AutoCloseable resolverRegistration;

    private Testbed(String name, LoopbackGrpcServers servers, LoadBalancerConfig config, Map<String, InstanceSource> sources) {
        this.name = name;
        this.servers = servers;
        this.policy = BalancingPolicyProvider.builder().policyName(name).loadBalancerRegistry(LoadBalancerRegistry.of(config)).build();
        InstanceSourceNameResolverProvider.Builder builder = InstanceSourceNameResolverProvider.builder().scheme(name);
        sources.forEach(builder::source);
        this.resolvers = builder.build();
        this.policyRegistration = TestChannels.register(policy);
        this.resolverRegistration = TestChannels.register(resolvers);
    }

    /**
     * Starts three servers and registers a policy whose load balancers get {@code config}, and a
     * resolver of the sources {@code sources} makes.
     *
     * @param name the policy's name and the resolver's scheme
     * @param config the config of the channels' load balancers
     * @param sources the sources by name, given the servers
     */
    static Testbed start(String name, LoadBalancerConfig config, Function<LoopbackGrpcServers, Map<String, InstanceSource>> sources)
            throws IOException {
        LoopbackGrpcServers servers = LoopbackGrpcServers.start();
        return new Testbed(name, servers, config, sources.apply(servers));
    }

    /** {@link #start(String, LoadBalancerConfig, Function)} with the one source {@code orders} over the three servers. */
    static Testbed start(String name, LoadBalancerConfig config) throws IOException {
        return start(name, config, servers -> Map.of("orders", InstanceSource.of(servers.instances())));
    }

    /** A channel to {@code orders} with this policy and its config object. */
    ManagedChannel channel(Map<String, ?> policyConfig, ClientInterceptor... interceptors) {
        return channel("orders", policyConfig, interceptors);
    }

    /** A channel to a source with this policy and its config object. */
    ManagedChannel channel(String source, Map<String, ?> policyConfig, ClientInterceptor... interceptors) {
        return TestChannels.channel(resolvers.target(source), name, policyConfig, interceptors);
    }

    /** Connects the channel and waits until its load balancer has {@code n} available instances. */
    LoadBalancer awaitReady(ManagedChannel channel, int n) {
        return TestChannels.awaitReady(policy, channel, n);
    }

    String name() {
        return name;
    }

    @Override
    public void close() throws Exception {
        policyRegistration.close();
        resolverRegistration.close();
        servers.close();
    }
}
