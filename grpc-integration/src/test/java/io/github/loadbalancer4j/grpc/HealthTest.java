package io.github.loadbalancer4j.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.testing.CallLoop;
import io.github.loadbalancer4j.testing.grpc.LoopbackGrpcServers;
import io.github.loadbalancer4j.testing.grpc.TestService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Health: {@link GrpcHealthChecker} against the standard health service of real servers, as a core
 * load balancer's health check; and gRPC's own client-side health checking ({@code healthCheckConfig}
 * in the service config), which the {@code loadbalancer4j} policy honours.
 */
class HealthTest {

    private static final String SCHEME = "lb4j-health";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration BOUND = Duration.ofSeconds(10);

    private static Testbed testbed;
    private static LoopbackGrpcServers servers;
    private final GrpcHealthChecker checker = GrpcHealthChecker.create();

    @BeforeAll
    static void startServers() throws Exception {
        testbed = Testbed.start(SCHEME, LoadBalancerConfig.ofDefaults());
        servers = testbed.servers;
    }

    @AfterAll
    static void stopServers() throws Exception {
        testbed.close();
    }

    @BeforeEach
    void serversServe() {
        servers.reset();
        for (LoopbackGrpcServers.Backend server : servers.all()) {
            server.restart();
            server.health("", ServingStatus.SERVING);
            server.health(TestService.NAME, ServingStatus.SERVING);
        }
    }

    @AfterEach
    void closeChecker() {
        checker.close();
    }

    @Test
    void servingIsHealthyAndEverythingElseIsNot() throws Exception {
        LoopbackGrpcServers.Backend server = servers.get(0);
        GrpcHealthChecker ofService = GrpcHealthChecker.builder().service(TestService.NAME).build();
        try {
            assertThat(check(checker, server.instance())).isTrue();
            assertThat(check(ofService, server.instance())).isTrue();

            server.health(TestService.NAME, ServingStatus.NOT_SERVING);
            assertThat(check(ofService, server.instance())).isFalse();
            assertThat(check(checker, server.instance())).isTrue(); // the server as a whole still serves
            assertThat(check(GrpcHealthChecker.builder().service("no.such.Service").build(), server.instance())).isFalse();

            server.kill();
            assertThat(check(checker, server.instance())).isFalse();
        } finally {
            ofService.close();
        }
    }

    @Test
    void aServerWithoutTheHealthServiceIsHealthyUnlessSaidOtherwise() throws Exception {
        Server bare = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.11", 0)).build().start();
        ServiceInstance instance = ServiceInstance.of("127.0.0.11", bare.getPort());
        GrpcHealthChecker strict = GrpcHealthChecker.builder().unimplementedIsHealthy(false).build();
        try {
            assertThat(check(checker, instance)).isTrue();
            assertThat(check(strict, instance)).isFalse();
        } finally {
            strict.close();
            bare.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aServerThatDoesNotAnswerInTimeIsUnhealthy() throws Exception {
        // A port that accepts connections and never speaks HTTP/2.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.12"))) {
            ServiceInstance instance = ServiceInstance.of("127.0.0.12", silent.getLocalPort());
            long start = System.nanoTime();

            boolean healthy = checker.check(instance, Duration.ofMillis(300)).toCompletableFuture().get(5, TimeUnit.SECONDS);

            assertThat(healthy).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void channelsUnusedForTheIdleTimeoutAreShutDownAndAClosedCheckerRefusesChecks() throws Exception {
        AtomicLong now = new AtomicLong();
        GrpcHealthChecker idle = GrpcHealthChecker.builder().idleTimeout(Duration.ofMinutes(1)).ticker(now::get).build();
        check(idle, servers.get(0).instance());
        check(idle, servers.get(1).instance());
        int both = idle.openChannels();

        now.addAndGet(Duration.ofMinutes(2).toNanos());
        check(idle, servers.get(1).instance());
        idle.close();

        assertThat(both).isEqualTo(2);
        assertThatThrownBy(() -> idle.check(servers.get(0).instance(), TIMEOUT))
                .isInstanceOf(IllegalStateException.class).hasMessage("the GrpcHealthChecker was closed");
        assertThatThrownBy(() -> GrpcHealthChecker.builder().idleTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("idleTimeout: PT0S (expected: > 0)");
    }

    @Test
    void asTheHealthCheckOfACoreLoadBalancerItKeepsANotServingInstanceOut() throws Exception {
        LoopbackGrpcServers.Backend sick = servers.get(2);
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(servers.instances()), LoadBalancerConfig.custom()
                .healthCheck(HealthCheckConfig.custom(checker).interval(Duration.ofMillis(200)).timeout(Duration.ofMillis(150))
                        .unhealthyThreshold(1).healthyThreshold(1).build())
                .build());
        try {
            await().atMost(BOUND).until(() -> lb.getMetrics().getNumberOfUnhealthyInstances() == 0
                    && lb.getInstances().stream().allMatch(s -> s.health() == InstanceStatus.Health.HEALTHY));

            sick.health("", ServingStatus.NOT_SERVING);

            await().atMost(BOUND).until(() -> lb.getMetrics().getNumberOfUnhealthyInstances() == 1);
            assertThat(lb.getInstances()).filteredOn(s -> s.instance().equals(sick.instance()))
                    .extracting(InstanceStatus::health).containsExactly(InstanceStatus.Health.UNHEALTHY);
        } finally {
            lb.close();
        }
    }

    @Test
    void gRpcsHealthCheckConfigKeepsANotServingServerOutOfThePolicysPicks() throws Exception {
        LoopbackGrpcServers.Backend sick = servers.get(1);
        ManagedChannel channel = io.grpc.Grpc.newChannelBuilder(testbed.resolvers.target("orders"), io.grpc.InsecureChannelCredentials.create())
                .defaultServiceConfig(Map.of(
                        "loadBalancingConfig", List.of(Map.of(SCHEME, Map.of("strategy", "round-robin"))),
                        "healthCheckConfig", Map.of("serviceName", TestService.NAME)))
                .build();
        try (CallLoop calls = CallLoop.start(2, () -> TestChannels.read(channel))) {
            LoadBalancer lb = testbed.awaitReady(channel, 3);

            sick.health(TestService.NAME, ServingStatus.NOT_SERVING);
            await().atMost(BOUND).until(() -> lb.getInstances().size() == 2);
            calls.mark("not serving");
            await().atMost(BOUND).until(() -> calls.servedSince("not serving").values().stream().mapToInt(n -> n).sum() > 50);
            Map<String, Integer> whileNotServing = calls.servedSince("not serving");
            sick.health(TestService.NAME, ServingStatus.SERVING);
            await().atMost(BOUND).until(() -> lb.getInstances().size() == 3);
            calls.mark("serving");
            await().atMost(BOUND).until(() -> calls.servedSince("serving").getOrDefault(sick.address(), 0) > 10);

            assertThat(whileNotServing).doesNotContainKey(sick.address());
            assertThat(calls.failures()).isEmpty();
        } finally {
            TestChannels.shutdown(channel);
        }
    }

    private static boolean check(GrpcHealthChecker checker, ServiceInstance instance) throws Exception {
        return checker.check(instance, TIMEOUT).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
