package io.github.loadbalancer4j.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.LoadBalancerRegistry;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.testing.grpc.LoopbackGrpcServers;
import io.github.loadbalancer4j.testing.grpc.TestService;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolverRegistry;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the examples of {@code docs/grpc.md} as they are written there, against three real servers on
 * 127.0.0.11-13 (their {@code Read} method stands for the page's {@code getOrder}).
 */
class GrpcPageTest {

    private static LoopbackGrpcServers servers;

    @BeforeAll
    static void startServers() throws Exception {
        servers = LoopbackGrpcServers.start();
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @Test
    void theSetupExampleBalancesCallsOverEveryInstanceAndTheLiveStrategyChangeApplies() throws Exception {
        InstanceSource ordersSource = InstanceSource.of(servers.instances());
        CircuitBreakerRegistry circuitBreakerRegistry = CircuitBreakerRegistry.ofDefaults();
        MethodDescriptor<String, String> getOrder = TestService.READ;

        InstanceSourceNameResolverProvider resolvers = InstanceSourceNameResolverProvider.builder()
                .source("orders", ordersSource)                       // any InstanceSource: static, DNS, ZooKeeper, ...
                .build();
        NameResolverRegistry.getDefaultRegistry().register(resolvers);

        BalancingPolicyProvider policy = BalancingPolicyProvider.builder()
                .loadBalancerRegistry(LoadBalancerRegistry.of(LoadBalancerConfig.custom()
                        .circuitBreakerRegistry(circuitBreakerRegistry)   // the per-instance breakers go here
                        .build()))
                .build();
        io.grpc.LoadBalancerRegistry.getDefaultRegistry().register(policy);

        ManagedChannel channel = Grpc.newChannelBuilder("loadbalancer4j:///orders", InsecureChannelCredentials.create())
                .defaultServiceConfig(Map.of("loadBalancingConfig",
                        List.of(Map.of("loadbalancer4j", Map.of("strategy", "least-requests")))))
                .intercept(FailoverInterceptor.builder().safeMethod(getOrder).build())
                .build();

        try {
            Set<String> servedBy = new HashSet<>();
            for (int i = 0; i < 60; i++) {
                String answer = ClientCalls.blockingUnaryCall(channel, getOrder, CallOptions.DEFAULT, "42");
                servedBy.add(answer);
            }

            policy.loadBalancer("orders").ifPresent(lb -> lb.changeStrategy(SelectionStrategy.roundRobin()));

            LoadBalancer orders = policy.loadBalancer("orders").orElseThrow();
            assertThat(servedBy).containsExactlyInAnyOrder("127.0.0.11", "127.0.0.12", "127.0.0.13");
            assertThat(orders.getSelectionStrategy()).isEqualTo(SelectionStrategy.roundRobin());
            assertThat(circuitBreakerRegistry.getAllCircuitBreakers()).hasSize(3);
        } finally {
            TestChannels.shutdown(channel);
            NameResolverRegistry.getDefaultRegistry().deregister(resolvers);
            io.grpc.LoadBalancerRegistry.getDefaultRegistry().deregister(policy);
        }
    }

    @Test
    void theHealthExampleChecksEveryInstanceWithTheHealthService() throws Exception {
        servers.all().forEach(server -> server.health("orders.Orders", ServingStatus.SERVING));

        GrpcHealthChecker checker = GrpcHealthChecker.builder().service("orders.Orders").build();
        LoadBalancerConfig withChecks = LoadBalancerConfig.custom()
                .healthCheck(HealthCheckConfig.custom(checker).interval(Duration.ofSeconds(1)).timeout(Duration.ofMillis(500)).build())
                .build();

        try (LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(servers.instances()), withChecks)) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> lb.getInstances().stream().allMatch(s -> s.health() == io.github.loadbalancer4j.InstanceStatus.Health.HEALTHY));

            assertThat(lb.getMetrics().getNumberOfAvailableInstances()).isEqualTo(3);
            servers.get(0).health("orders.Orders", ServingStatus.NOT_SERVING);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> lb.getMetrics().getNumberOfUnhealthyInstances() == 1);
        } finally {
            servers.get(0).health("orders.Orders", ServingStatus.SERVING);
            checker.close();
        }
    }
}
