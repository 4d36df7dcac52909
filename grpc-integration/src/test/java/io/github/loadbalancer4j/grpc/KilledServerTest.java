package io.github.loadbalancer4j.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.testing.CallLoop;
import io.github.loadbalancer4j.testing.grpc.LoopbackGrpcServers;
import io.github.loadbalancer4j.testing.grpc.TestService;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server killed while calls run, with {@code roundRobin()}: no call of a safe method fails (the
 * calls it had in progress move to the others through {@link FailoverInterceptor}), its breaker opens
 * on those failures, and after a restart it comes back through HALF_OPEN to CLOSED.
 */
class KilledServerTest {

    private static final String SCHEME = "lb4j-killed";
    private static final Duration BOUND = Duration.ofSeconds(10);

    private static CircuitBreakerRegistry breakers;
    private static Testbed testbed;

    @BeforeAll
    static void startServers() throws Exception {
        breakers = CircuitBreakerRegistry.ofDefaults();
        // Small windows, so that the few calls a kill catches in progress open the breaker; a wait
        // long enough for the restart to land while it is open.
        CircuitBreakerConfig instanceBreaker = CircuitBreakerConfig.custom()
                .slidingWindow(4, 2, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(3))
                .permittedNumberOfCallsInHalfOpenState(2)
                .build();
        testbed = Testbed.start(SCHEME, LoadBalancerConfig.custom().circuitBreakerRegistry(breakers)
                .circuitBreakerConfig(instanceBreaker).build());
    }

    @AfterAll
    static void stopServers() throws Exception {
        testbed.close();
    }

    @Test
    void serverKilledMidRunCostsNoCallOpensItsBreakerAndComesBackThroughHalfOpenAfterRestart() throws Exception {
        FailoverInterceptor failover = FailoverInterceptor.builder()
                .safeMethod(TestService.READ)
                .retryBudget(RetryBudget.unlimited())
                .build();
        ManagedChannel channel = testbed.channel(Map.of("strategy", "round-robin"), failover);
        LoopbackGrpcServers.Backend victim = testbed.servers.get(0);
        try (CallLoop calls = CallLoop.start(4, () -> TestChannels.read(channel))) {
            LoadBalancer lb = testbed.awaitReady(channel, 3);
            await().atMost(BOUND).until(() -> calls.servedBy(victim.address()) > 10);
            CircuitBreaker breaker = breakers.find("orders#" + victim.instance().id()).orElseThrow();
            List<String> transitions = new CopyOnWriteArrayList<>();
            breaker.getEventPublisher().onStateTransition(
                    e -> transitions.add(e.getStateTransition().getFromState() + "->" + e.getStateTransition().getToState()));
            // The server stops answering, then dies with the calls it holds: what a crash under load looks like.
            victim.hang();
            await().atMost(BOUND).until(() -> victim.received() - victim.answered() >= 2);

            victim.kill();
            await().atMost(BOUND).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
            calls.mark("killed");
            await().atMost(BOUND).until(() -> calls.servedSince("killed").values().stream().mapToInt(n -> n).sum() > 50);
            victim.answer();
            victim.restart();
            channel.resetConnectBackoff();
            await().atMost(BOUND).until(() -> breaker.getState() == CircuitBreaker.State.CLOSED);
            calls.mark("back");
            await().atMost(BOUND).until(() -> calls.servedSince("back").getOrDefault(victim.address(), 0) > 10);

            assertThat(calls.failures()).isEmpty();
            assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
            assertThat(lb.getInstances()).extracting(s -> s.circuitBreaker()).contains(breaker);
        } finally {
            TestChannels.shutdown(channel);
        }
    }
}
