package io.github.loadbalancer4j.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.testing.grpc.LoopbackGrpcServers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sick server among three, with {@code roundRobin()} and no failover, so that every failure shows:
 * one that answers UNAVAILABLE to every call is isolated by its breaker, one that hangs by the calls'
 * deadlines (DEADLINE_EXCEEDED is a failure by default).
 */
class FaultIsolationTest {

    private static final String SCHEME = "lb4j-faults";
    private static final Duration BOUND = Duration.ofSeconds(10);

    private static Testbed testbed;
    private static LoopbackGrpcServers servers;
    private ManagedChannel channel;
    private LoadBalancer lb;

    @BeforeAll
    static void startServers() throws Exception {
        // Two failures of the last four open a breaker, for a minute: longer than any test here.
        CircuitBreakerConfig instanceBreaker = CircuitBreakerConfig.custom()
                .slidingWindow(4, 2, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMinutes(1))
                .build();
        testbed = Testbed.start(SCHEME, LoadBalancerConfig.custom().circuitBreakerRegistry(CircuitBreakerRegistry.ofDefaults())
                .circuitBreakerConfig(instanceBreaker).build());
        servers = testbed.servers;
    }

    @AfterAll
    static void stopServers() throws Exception {
        testbed.close();
    }

    @BeforeEach
    void channelToThreeAnsweringServers() {
        servers.reset();
        channel = testbed.channel(Map.of("strategy", "round-robin"));
        lb = testbed.awaitReady(channel, 3);
    }

    @AfterEach
    void shutdownChannel() throws Exception {
        TestChannels.shutdown(channel);
        servers.all().forEach(LoopbackGrpcServers.Backend::answer);
    }

    @Test
    void serverAnsweringUnavailableToEveryCallIsIsolatedByItsBreaker() {
        LoopbackGrpcServers.Backend sick = servers.get(0);
        sick.failWith(Status.UNAVAILABLE.withDescription("overloaded"));
        List<Status.Code> before = new ArrayList<>();
        await().atMost(BOUND).until(() -> {
            before.add(codeOf(() -> TestChannels.read(channel)));
            return breakerOf(sick).getState() == CircuitBreaker.State.OPEN;
        });
        int reachedSick = sick.received();

        List<String> after = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            after.add(TestChannels.read(channel));
        }

        assertThat(before).contains(Status.Code.UNAVAILABLE);
        assertThat(after).containsOnly("127.0.0.12", "127.0.0.13");
        assertThat(sick.received()).isEqualTo(reachedSick);
        assertThat(lb.getInstances()).filteredOn(s -> s.instance().equals(sick.instance()))
                .extracting(InstanceStatus::available).containsExactly(false);
    }

    @Test
    void serverThatHangsIsIsolatedByTheCallsDeadlines() {
        LoopbackGrpcServers.Backend hung = servers.get(1);
        hung.hang();
        Duration deadline = Duration.ofMillis(300);
        List<Status.Code> before = new ArrayList<>();
        await().atMost(BOUND).until(() -> {
            before.add(codeOf(() -> TestChannels.read(channel, deadline)));
            return breakerOf(hung).getState() == CircuitBreaker.State.OPEN;
        });
        int reachedHung = hung.received();

        long start = System.nanoTime();
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            after.add(TestChannels.read(channel, deadline));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(before).contains(Status.Code.DEADLINE_EXCEEDED);
        assertThat(after).containsOnly("127.0.0.11", "127.0.0.13");
        assertThat(hung.received()).isEqualTo(reachedHung);
        assertThat(took).isLessThan(deadline.multipliedBy(10)); // none of the 60 waited for a deadline
    }

    @Test
    void failureStatusCodesOfThePolicyConfigDecideWhatCountsAgainstAnInstance() throws Exception {
        TestChannels.shutdown(channel);
        channel = testbed.channel(Map.of("strategy", "round-robin", "failureStatusCodes", List.of("INTERNAL")));
        lb = testbed.awaitReady(channel, 3);
        LoopbackGrpcServers.Backend sick = servers.get(2);
        sick.failWith(Status.UNAVAILABLE.withDescription("not a failure for this channel"));

        for (int i = 0; i < 30; i++) {
            codeOf(() -> TestChannels.read(channel));
        }

        assertThat(breakerOf(sick).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breakerOf(sick).getMetrics().getNumberOfSuccessfulCalls()).isGreaterThan(0);
        assertThat(breakerOf(sick).getMetrics().getNumberOfFailedCalls()).isZero();
    }

    private CircuitBreaker breakerOf(LoopbackGrpcServers.Backend server) {
        return lb.getInstances().stream().filter(s -> s.instance().equals(server.instance()))
                .findFirst().orElseThrow().circuitBreaker();
    }

    private static Status.Code codeOf(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void callsFailWithTheLoadBalancersMessageWhenEveryBreakerIsOpen() {
        servers.all().forEach(s -> s.failWith(Status.UNAVAILABLE.withDescription("all down")));
        await().atMost(BOUND).until(() -> {
            codeOf(() -> TestChannels.read(channel));
            return lb.getMetrics().getNumberOfAvailableInstances() == 0;
        });

        assertThatThrownBy(() -> TestChannels.read(channel))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("UNAVAILABLE")
                .hasMessageContaining("LoadBalancer 'orders' has no available instance (3 known: 3 circuit open)");
    }
}
