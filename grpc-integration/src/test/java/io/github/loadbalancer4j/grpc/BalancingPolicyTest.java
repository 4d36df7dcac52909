package io.github.loadbalancer4j.grpc;

import static io.github.loadbalancer4j.grpc.TestChannels.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.testing.grpc.LoopbackGrpcServers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.grpc.ManagedChannel;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code loadbalancer4j} policy on one channel to three real servers on 127.0.0.11-13. */
class BalancingPolicyTest {

    private static final String POLICY = "lb4j-policy-test";

    private static LoopbackGrpcServers servers;
    private static CircuitBreakerRegistry breakers;
    private static LoadBalancerRegistry registry;
    private static BalancingPolicyProvider policy;
    private static InstanceSourceNameResolverProvider resolvers;
    private static AutoCloseable policyRegistration;
    private static AutoCloseable resolverRegistration;

    @BeforeAll
    static void startServers() throws Exception {
        servers = LoopbackGrpcServers.start();
        breakers = CircuitBreakerRegistry.ofDefaults();
        registry = LoadBalancerRegistry.of(LoadBalancerConfig.custom().circuitBreakerRegistry(breakers).build());
        policy = BalancingPolicyProvider.builder().policyName(POLICY).loadBalancerRegistry(registry).build();
        resolvers = InstanceSourceNameResolverProvider.builder().scheme(POLICY)
                .source("orders", InstanceSource.of(servers.instances()))
                .build();
        policyRegistration = TestChannels.register(policy);
        resolverRegistration = TestChannels.register(resolvers);
    }

    @AfterAll
    static void stopServers() throws Exception {
        policyRegistration.close();
        resolverRegistration.close();
        servers.close();
    }

    @BeforeEach
    void serversAnswer() {
        servers.all().forEach(LoopbackGrpcServers.Backend::answer);
    }

    @Test
    void roundRobinFromTheServiceConfigSpreadsCallsEvenlyOverTheThreeServers() throws Exception {
        ManagedChannel channel = TestChannels.channel(resolvers.target("orders"), POLICY, Map.of("strategy", "round-robin"));
        try {
            TestChannels.awaitReady(policy, channel, 3);

            Map<String, Long> served = new TreeMap<>();
            for (int i = 0; i < 300; i++) {
                served.merge(read(channel), 1L, Long::sum);
            }

            assertThat(served).containsOnlyKeys("127.0.0.11", "127.0.0.12", "127.0.0.13");
            assertThat(served.values()).allSatisfy(n -> assertThat(n).isBetween(99L, 101L));
        } finally {
            TestChannels.shutdown(channel);
        }
    }

    @Test
    void eachInstanceHasItsBreakerInTheUsersRegistryNamedAfterTheChannelsAuthority() throws Exception {
        ManagedChannel channel = TestChannels.channel(resolvers.target("orders"), POLICY, Map.of("strategy", "round-robin"));
        try {
            TestChannels.awaitReady(policy, channel, 3);

            read(channel);

            assertThat(breakers.getAllCircuitBreakers().stream().map(CircuitBreaker::getName).collect(Collectors.toList()))
                    .containsExactlyInAnyOrderElementsOf(servers.instances().stream()
                            .map(i -> "orders#" + i.id()).collect(Collectors.toList()));
            assertThat(policy.loadBalancer("orders")).get().extracting(LoadBalancer::getSelectionStrategy)
                    .isEqualTo(SelectionStrategy.roundRobin());
        } finally {
            TestChannels.shutdown(channel);
        }

        assertThat(policy.loadBalancer("orders")).isEmpty();
        assertThat(breakers.getAllCircuitBreakers()).isEmpty();
    }
}
