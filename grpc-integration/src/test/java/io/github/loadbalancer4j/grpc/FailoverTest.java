package io.github.loadbalancer4j.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.retry.RetryBudget;
import io.github.loadbalancer4j.testing.grpc.LoopbackGrpcServers;
import io.github.loadbalancer4j.testing.grpc.TestService;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FailoverInterceptor} on a channel with the {@code loadbalancer4j} policy, against three real
 * servers of which some answer UNAVAILABLE to every call; and what gRPC's own retry policy does with
 * the same policy. Breakers here never open (a window of 1,000 calls), so that every failure reaches
 * a server.
 */
class FailoverTest {

    private static final String SCHEME = "lb4j-failover";
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final Retry THREE_AT_ONCE = Retry.of("three", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ZERO)
            .retryOnException(e -> Status.fromThrowable(e).getCode() == Status.Code.UNAVAILABLE).build());

    private static Testbed testbed;
    private static LoopbackGrpcServers servers;
    private static BalancingPolicyProvider policy;
    private ManagedChannel channel;

    @BeforeAll
    static void startServers() throws Exception {
        CircuitBreakerConfig neverOpens = CircuitBreakerConfig.custom().slidingWindow(1000, 1000,
                CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).build();
        testbed = Testbed.start(SCHEME, LoadBalancerConfig.custom().circuitBreakerRegistry(CircuitBreakerRegistry.ofDefaults())
                .circuitBreakerConfig(neverOpens).build());
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

    @AfterEach
    void shutdownChannel() throws Exception {
        if (channel != null) {
            TestChannels.shutdown(channel);
        }
    }

    private LoadBalancer channelWith(String strategy, ClientInterceptor... interceptors) {
        channel = testbed.channel(Map.of("strategy", strategy), interceptors);
        return testbed.awaitReady(channel, 3);
    }

    private static FailoverInterceptor failover(Retry retry, RetryBudget budget) {
        return FailoverInterceptor.builder().retry(retry).retryBudget(budget).safeMethod(TestService.READ).build();
    }

    @Test
    void safeCallsMoveToAnInstanceTheyHaveNotTriedSoTwoFailingServersOfThreeCostNothing() {
        LoadBalancer lb = channelWith("random", failover(THREE_AT_ONCE, RetryBudget.unlimited()));
        servers.get(0).failWith(Status.UNAVAILABLE.withDescription("down"));
        servers.get(1).failWith(Status.UNAVAILABLE.withDescription("down"));

        List<String> served = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            served.add(TestChannels.read(channel));
        }

        assertThat(served).containsOnly("127.0.0.13");
        int failedAttempts = servers.get(0).received() + servers.get(1).received();
        assertThat(failedAttempts).isPositive().isLessThanOrEqualTo(2 * 90); // at most one attempt on each failing server
        assertThat(lb.getInstances()).allSatisfy(s -> assertThat(s.circuitBreaker().getMetrics().getNumberOfBufferedCalls())
                .isEqualTo(servers.all().stream().filter(b -> b.instance().equals(s.instance())).findFirst().orElseThrow().received()));
    }

    @Test
    void gRpcsOwnRetryPolicyRepicksThroughThePolicyButMayReturnToAnInstanceAlreadyTried() throws Exception {
        Map<String, ?> retryPolicy = Map.of("maxAttempts", 3.0, "initialBackoff", "0.001s", "maxBackoff", "0.001s",
                "backoffMultiplier", 1.0, "retryableStatusCodes", List.of("UNAVAILABLE"));
        channel = Grpc.newChannelBuilder(testbed.resolvers.target("orders"), InsecureChannelCredentials.create())
                .defaultServiceConfig(Map.of(
                        "loadBalancingConfig", List.of(Map.of(SCHEME, Map.of("strategy", "random"))),
                        "methodConfig", List.of(Map.of("name", List.of(Map.of("service", TestService.NAME)), "retryPolicy", retryPolicy))))
                .build();
        LoadBalancer lb = testbed.awaitReady(channel, 3);
        servers.get(0).failWith(Status.UNAVAILABLE.withDescription("down"));
        servers.get(1).failWith(Status.UNAVAILABLE.withDescription("down"));

        int failed = 0;
        for (int i = 0; i < 90; i++) {
            try {
                TestChannels.read(channel);
            } catch (StatusRuntimeException e) {
                failed++;
            }
        }

        // Each of gRPC's attempts is a new pick, unaware of the ones before: with two failing servers
        // of three, (2/3)^3 of the calls (8 in 27) pick a failing one three times.
        assertThat(failed).isPositive();
        assertThat(servers.get(2).received()).isEqualTo(90 - failed);
        long recorded = lb.getInstances().stream().mapToLong(s -> s.circuitBreaker().getMetrics().getNumberOfFailedCalls()).sum();
        assertThat(recorded).isEqualTo(servers.get(0).received() + servers.get(1).received());
    }

    @Test
    void methodsNotMarkedSafeAreNeverSentTwice() {
        channelWith("round-robin", failover(THREE_AT_ONCE, RetryBudget.unlimited()));
        servers.get(0).failWith(Status.UNAVAILABLE.withDescription("down"));

        int failed = 0;
        for (int i = 0; i < 30; i++) {
            try {
                TestChannels.write(channel);
            } catch (StatusRuntimeException e) {
                failed++;
            }
        }

        assertThat(failed).isEqualTo(10);
        assertThat(servers.get(0).received()).isEqualTo(failed);
    }

    @Test
    void callThatFailsEverywhereTriesEachInstanceOnceAndEndsWithTheLastAttemptsStatus() {
        channelWith("round-robin", failover(THREE_AT_ONCE, RetryBudget.unlimited()));
        servers.all().forEach(s -> s.failWith(Status.UNAVAILABLE.withDescription("down: " + s.address())));

        assertThatThrownBy(() -> TestChannels.read(channel))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE))
                .hasMessageStartingWith("UNAVAILABLE: down: 127.0.0.1");

        assertThat(servers.all()).extracting(LoopbackGrpcServers.Backend::received).containsExactly(1, 1, 1);
    }

    @Test
    void spentRetryBudgetEndsTheCallWithItsFirstFailure() {
        RetryBudget none = RetryBudget.custom().percentCanRetry(0.0).minRetriesPerSecond(0).build();
        channelWith("round-robin", failover(THREE_AT_ONCE, none));
        servers.all().forEach(s -> s.failWith(Status.UNAVAILABLE.withDescription("down")));

        assertThatThrownBy(() -> TestChannels.read(channel)).isInstanceOf(StatusRuntimeException.class).hasMessage("UNAVAILABLE: down");

        assertThat(servers.totalReceived()).isEqualTo(1);
        assertThat(none.getNumberOfRefusedRetries()).isEqualTo(1);
    }

    @Test
    void theCallsDeadlineBoundsAllItsAttemptsAndTheirWaits() {
        Retry waiting = Retry.of("waiting", RetryConfig.custom().maxAttempts(5).waitDuration(Duration.ofMillis(200))
                .retryOnException(e -> Status.fromThrowable(e).getCode() == Status.Code.UNAVAILABLE).build());
        channelWith("round-robin", failover(waiting, RetryBudget.unlimited()));
        servers.all().forEach(s -> s.failWith(Status.UNAVAILABLE.withDescription("down")));
        long start = System.nanoTime();

        assertThatThrownBy(() -> TestChannels.read(channel, Duration.ofMillis(300)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(servers.totalReceived()).isEqualTo(2); // at 0 and 200 ms; the third would start at 400 ms
    }

    @Test
    void cancellingTheCallWhileItWaitsForTheNextAttemptEndsItAtOnce() throws Exception {
        Retry slow = Retry.of("slow", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMinutes(1))
                .retryOnException(e -> true).build());
        channelWith("round-robin", failover(slow, RetryBudget.unlimited()));
        servers.all().forEach(s -> s.failWith(Status.UNAVAILABLE.withDescription("down")));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        ClientCall<String, String> call = ClientInterceptors.intercept(channel).newCall(TestService.READ, CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        call.request(1);
        call.sendMessage("read");
        call.halfClose();
        await().atMost(BOUND).until(() -> servers.totalReceived() == 1);

        call.cancel("the caller gave up", null);

        Status status = closed.get(5, TimeUnit.SECONDS);
        assertThat(status.getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThat(status.getDescription()).isEqualTo("the caller gave up");
        assertThat(servers.totalReceived()).isEqualTo(1);
    }

    @Test
    void builderRefusesMethodsWhoseCallerSendsMoreThanOneMessage() {
        io.grpc.MethodDescriptor<String, String> streaming = TestService.READ.toBuilder()
                .setType(io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING).build();

        assertThatThrownBy(() -> FailoverInterceptor.builder().safeMethod(streaming))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("method: loadbalancer4j.test.Backend/Read is CLIENT_STREAMING (expected: UNARY or SERVER_STREAMING, "
                        + "whose one request can be sent again)");
        assertThatThrownBy(() -> FailoverInterceptor.builder().safeMethod("Read"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fullMethodName: 'Read' (expected: package.Service/Method)");
    }
}
