package io.github.loadbalancer4j.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.testing.CallLoop;
import io.github.loadbalancer4j.testing.grpc.LoopbackGrpcServers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The channel's strategy swapped while calls run, through the load balancer the provider registered:
 * no call is lost, and the breakers and in-flight counts (which belong to the load balancer, not to
 * the strategy) stay what they were.
 */
class StrategySwapTest {

    private static final String SCHEME = "lb4j-swap";
    private static final Duration BOUND = Duration.ofSeconds(10);

    private static Testbed testbed;

    @BeforeAll
    static void startServers() throws Exception {
        testbed = Testbed.start(SCHEME, LoadBalancerConfig.custom().circuitBreakerRegistry(CircuitBreakerRegistry.ofDefaults()).build());
    }

    @AfterAll
    static void stopServers() throws Exception {
        testbed.close();
    }

    @Test
    void swappingRoundRobinForLeastRequestsUnderLoadLosesNoCallAndKeepsBreakersAndInFlightCounts() throws Exception {
        ManagedChannel channel = testbed.channel(Map.of("strategy", "round-robin"));
        LoopbackGrpcServers.Backend slow = testbed.servers.get(0);
        try (CallLoop calls = CallLoop.start(6, () -> TestChannels.read(channel))) {
            LoadBalancer lb = testbed.awaitReady(channel, 3);
            await().atMost(BOUND).until(() -> calls.completed() > 100);
            // The first server holds three calls: they stay in flight across the swap.
            slow.hold(3);
            await().atMost(BOUND).until(() -> slow.held() == 3);
            List<CircuitBreaker> breakersBefore = breakers(lb);
            int heldAtSwap = slow.held();

            lb.changeStrategy(SelectionStrategy.leastRequests());
            calls.mark("swapped");
            await().atMost(BOUND).until(() -> calls.servedSince("swapped").values().stream().mapToInt(n -> n).sum() > 300);
            int inFlightAfter = inFlightOf(lb, slow);
            List<CircuitBreaker> breakersAfter = breakers(lb);
            slow.answer(); // the held calls complete now

            calls.close();
            assertThat(calls.failures()).isEmpty();
            assertThat(lb.getSelectionStrategy()).isEqualTo(SelectionStrategy.leastRequests());
            assertThat(breakersAfter).containsExactlyElementsOf(breakersBefore);
            assertThat(inFlightAfter).isBetween(heldAtSwap, 6); // the held calls were still counted
            // Least requests keeps new calls off the instance whose calls pile up (round robin would
            // have sent it a third of them).
            assertThat(calls.servedSince("swapped").getOrDefault(slow.address(), 0)).isLessThan(30);
            assertThat(calls.servedSince("swapped")).containsKeys("127.0.0.12", "127.0.0.13");
        } finally {
            TestChannels.shutdown(channel);
        }
    }

    private static List<CircuitBreaker> breakers(LoadBalancer lb) {
        return lb.getInstances().stream().map(InstanceStatus::circuitBreaker).collect(Collectors.toList());
    }

    private static int inFlightOf(LoadBalancer lb, LoopbackGrpcServers.Backend server) {
        return lb.getInstances().stream().filter(s -> s.instance().equals(server.instance()))
                .mapToInt(InstanceStatus::inFlight).sum();
    }
}
