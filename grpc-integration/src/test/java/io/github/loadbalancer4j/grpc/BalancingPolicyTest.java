package io.github.loadbalancer4j.grpc;

import static io.github.loadbalancer4j.grpc.TestChannels.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
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

    private static CircuitBreakerRegistry breakers;
    private static Testbed testbed;
    private static LoopbackGrpcServers servers;
    private static BalancingPolicyProvider policy;

    @BeforeAll
    static void startServers() throws Exception {
        breakers = CircuitBreakerRegistry.ofDefaults();
        testbed = Testbed.start(POLICY, LoadBalancerConfig.custom().circuitBreakerRegistry(breakers).build());
        servers = testbed.servers;
        policy = testbed.policy;
    }

    @AfterAll
    static void stopServers() throws Exception {
        testbed.close();
    }

    @BeforeEach
    void serversAnswer() {
        servers.reset();
    }

    @Test
    void roundRobinFromTheServiceConfigSpreadsCallsEvenlyOverTheThreeServers() throws Exception {
        ManagedChannel channel = testbed.channel(Map.of("strategy", "round-robin"));
        try {
            testbed.awaitReady(channel, 3);

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
        ManagedChannel channel = testbed.channel(Map.of("strategy", "round-robin"));
        try {
            testbed.awaitReady(channel, 3);

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
