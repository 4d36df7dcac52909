package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.event.EjectionReason;
import io.github.loadbalancer4j.event.InstanceEjectedEvent;
import io.github.loadbalancer4j.event.LoadBalancerEvent;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.health.HealthChecker;
import io.github.loadbalancer4j.testing.ManualScheduler;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthCheckTest {

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<ServerSocket> servers = new ArrayList<>();

    @AfterEach
    void closeServers() throws IOException {
        for (ServerSocket s : servers) {
            s.close();
        }
    }

    private ServerSocket listen(String address, int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(address), port), 50);
        servers.add(server);
        return server;
    }

    private HealthCheckConfig.Builder tcpChecks() {
        return HealthCheckConfig.custom(HealthChecker.tcp()).interval(INTERVAL).jitter(0).timeout(Duration.ofMillis(500))
                .unhealthyThreshold(3).healthyThreshold(2).scheduler(scheduler);
    }

    @Test
    void instanceWhoseServerStopsLeavesAfterNFailedChecksAndReturnsAfterMPassedChecks() throws IOException {
        ServerSocket s1 = listen("127.0.0.11", 0);
        int port = s1.getLocalPort();
        listen("127.0.0.12", port);
        listen("127.0.0.13", port);
        ServiceInstance i1 = ServiceInstance.of("127.0.0.11", port);
        LoadBalancer lb = LoadBalancer.of("orders",
                InstanceSource.of(i1, ServiceInstance.of("127.0.0.12", port), ServiceInstance.of("127.0.0.13", port)),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).healthCheck(tcpChecks().build()).build());
        List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
        lb.getEventPublisher().onEvent(events::add);
        scheduler.advance(INTERVAL);
        assertThat(lb.getInstances()).allSatisfy(s -> assertThat(s.health()).isEqualTo(InstanceStatus.Health.HEALTHY));

        s1.close();
        scheduler.advance(INTERVAL.multipliedBy(2));
        boolean availableAfterTwoFailures = lb.getInstances().get(0).available();
        scheduler.advance(INTERVAL);
        Set<ServiceInstance> pickedWhileDown = pickMany(lb, 300);

        assertThat(availableAfterTwoFailures).isTrue();
        assertThat(lb.getInstances().get(0).health()).isEqualTo(InstanceStatus.Health.UNHEALTHY);
        assertThat(pickedWhileDown).doesNotContain(i1).hasSize(2);
        assertThat(events).singleElement().isInstanceOfSatisfying(InstanceEjectedEvent.class,
                e -> assertThat(e.getReason()).isEqualTo(EjectionReason.UNHEALTHY));

        listen("127.0.0.11", port);
        scheduler.advance(INTERVAL);
        boolean availableAfterOnePass = lb.getInstances().get(0).available();
        scheduler.advance(INTERVAL);

        assertThat(availableAfterOnePass).isFalse();
        assertThat(lb.getInstances().get(0).available()).isTrue();
        assertThat(pickMany(lb, 300)).contains(i1).hasSize(3);
        assertThat(events).extracting(LoadBalancerEvent::getEventType)
                .containsExactly(LoadBalancerEvent.Type.INSTANCE_EJECTED, LoadBalancerEvent.Type.INSTANCE_RESTORED);
    }

    @Test
    void passingCheckMovesAnOpenBreakerToHalfOpenBeforeTheOpenWaitEnds() throws IOException {
        ServerSocket server = listen("127.0.0.11", 0);
        ServiceInstance instance = ServiceInstance.of("127.0.0.11", server.getLocalPort());
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(instance),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).healthCheck(tcpChecks().build()).build());
        CircuitBreaker breaker = lb.getInstances().get(0).circuitBreaker();
        breaker.transitionToOpenState(); // its wait: 10 s or more

        scheduler.advance(INTERVAL);

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(lb.<ServiceInstance>executeSupplier(i -> i)).isEqualTo(instance);
    }

    @Test
    void checksRunOnHealthThreadsNeverOnTheCallersThread() throws IOException {
        ServerSocket server = listen("127.0.0.11", 0);
        ServiceInstance instance = ServiceInstance.of("127.0.0.11", server.getLocalPort());
        Set<String> checkThreads = ConcurrentHashMap.newKeySet();
        CompletableFuture<Boolean> never = new CompletableFuture<>();
        AtomicInteger checks = new AtomicInteger();
        HealthChecker slowChecker = (i, timeout) -> {
            checkThreads.add(Thread.currentThread().getName());
            checks.incrementAndGet();
            return never; // a check that never answers: must not hold anyone up
        };
        LoadBalancer lb = LoadBalancer.of("slowchecks", InstanceSource.of(instance), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin())
                .healthCheck(HealthCheckConfig.custom(slowChecker).interval(HealthCheckConfig.MIN_INTERVAL).timeout(Duration.ofMillis(20))
                        .unhealthyThreshold(1000).build()).build());

        for (int i = 0; i < 1000; i++) {
            lb.executeSupplier(ServiceInstance::id);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> checks.get() >= 3);
        lb.close();

        assertThat(checkThreads).allSatisfy(name -> assertThat(name).startsWith("loadbalancer4j-health-slowchecks-"));
        assertThat(checkThreads).doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void afterCloseNoHealthCheckThreadIsAlive() throws IOException {
        ServerSocket server = listen("127.0.0.11", 0);
        LoadBalancer lb = LoadBalancer.of("closing", InstanceSource.of(ServiceInstance.of("127.0.0.11", server.getLocalPort())),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).healthCheck(HealthCheckConfig.custom(HealthChecker.tcp())
                        .interval(HealthCheckConfig.MIN_INTERVAL).timeout(Duration.ofMillis(10)).build()).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> healthThreads("closing") > 0);

        lb.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> healthThreads("closing") == 0);
        assertThat(healthThreads("closing")).isZero();
    }

    @Test
    void removedInstancesAreNoLongerChecked() throws IOException {
        ServerSocket server = listen("127.0.0.11", 0);
        ServiceInstance a = ServiceInstance.of("127.0.0.11", server.getLocalPort());
        ServiceInstance b = ServiceInstance.of("127.0.0.12", server.getLocalPort());
        Map<ServiceInstance, AtomicInteger> checks = new ConcurrentHashMap<>();
        HealthChecker counting = (i, timeout) -> {
            checks.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
            return CompletableFuture.completedFuture(true);
        };
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer.of("orders", source, LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).healthCheck(HealthCheckConfig.custom(counting)
                .interval(INTERVAL).jitter(0).timeout(Duration.ofMillis(100)).scheduler(scheduler).build()).build());
        scheduler.advance(INTERVAL);

        source.update(a);
        scheduler.advance(INTERVAL.multipliedBy(5));

        assertThat(checks.get(a)).hasValue(6);
        assertThat(checks.get(b)).hasValue(1);
    }

    @Test
    void aCheckThatTimesOutCountsAsFailed() {
        ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
        HealthChecker hanging = (i, timeout) -> new CompletableFuture<>();
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin())
                .healthCheck(HealthCheckConfig.custom(hanging).interval(INTERVAL).jitter(0).timeout(Duration.ofMillis(100))
                        .unhealthyThreshold(2).scheduler(scheduler).build()).build());

        scheduler.advance(INTERVAL.plusMillis(100).multipliedBy(2)); // each check waits its timeout; the next starts an interval later

        assertThat(lb.getInstances().get(0).health()).isEqualTo(InstanceStatus.Health.UNHEALTHY);
        assertThatThrownBy(() -> lb.executeSupplier(i -> i)).isInstanceOf(NoAvailableInstanceException.class)
                .hasMessage("LoadBalancer 'orders' has no available instance (1 known: 1 unhealthy)");
    }

    @Test
    void newInstancesCanWaitForTheirFirstPassingCheck() {
        ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
        AtomicReference<Boolean> answer = new AtomicReference<>(false);
        HealthChecker checker = (i, timeout) -> CompletableFuture.completedFuture(answer.get());
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin())
                .healthCheck(HealthCheckConfig.custom(checker).interval(INTERVAL).jitter(0).timeout(Duration.ofMillis(100))
                        .waitForFirstCheck(true).scheduler(scheduler).build()).build());
        boolean availableBeforeAnyCheck = lb.getInstances().get(0).available();

        answer.set(true);
        scheduler.advance(Duration.ZERO);

        assertThat(availableBeforeAnyCheck).isFalse();
        assertThat(lb.getInstances().get(0).available()).isTrue();
    }

    @Test
    void panicSelectsAmongAllInstancesWhenTooFewAreAvailable() {
        List<ServiceInstance> four = List.of(ServiceInstance.of("127.0.0.11", 80), ServiceInstance.of("127.0.0.12", 80),
                ServiceInstance.of("127.0.0.13", 80), ServiceInstance.of("127.0.0.14", 80));
        HealthChecker onlyFirstHealthy = (i, timeout) -> CompletableFuture.completedFuture(i.equals(four.get(0)));
        HealthCheckConfig checks = HealthCheckConfig.custom(onlyFirstHealthy).interval(INTERVAL).jitter(0)
                .timeout(Duration.ofMillis(100)).unhealthyThreshold(1).scheduler(scheduler).build();
        LoadBalancer panicking = LoadBalancer.of("panicking", InstanceSource.of(four),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).healthCheck(checks).panicThreshold(0.5).build());
        LoadBalancer failFast = LoadBalancer.of("failfast", InstanceSource.of(four),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).healthCheck(checks).build());
        List<LoadBalancerEvent> panicEvents = new CopyOnWriteArrayList<>();
        panicking.getEventPublisher().onPanicEntered(panicEvents::add);

        scheduler.advance(INTERVAL);
        Set<ServiceInstance> inPanic = pickMany(panicking, 400);
        Set<ServiceInstance> withDefault = pickMany(failFast, 400);

        assertThat(inPanic).containsExactlyInAnyOrderElementsOf(four);
        assertThat(panicking.getMetrics().isPanicking()).isTrue();
        assertThat(panicEvents).hasSize(1);
        assertThat(panicEvents.get(0).toString()).contains("entered panic mode (1 of 4 instances available)");
        assertThat(withDefault).containsExactly(four.get(0));
        assertThat(failFast.getMetrics().isPanicking()).isFalse();
    }

    @Test
    void withTheDefaultNoPanicAndNothingAvailableCallsFailFast() {
        ServiceInstance a = ServiceInstance.of("127.0.0.11", 80);
        ServiceInstance b = ServiceInstance.of("127.0.0.12", 80);
        HealthChecker allDown = (i, timeout) -> CompletableFuture.completedFuture(false);
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin())
                .healthCheck(HealthCheckConfig.custom(allDown).interval(INTERVAL).jitter(0).timeout(Duration.ofMillis(100))
                        .unhealthyThreshold(1).scheduler(scheduler).build()).build());
        lb.getInstances().get(1).circuitBreaker().transitionToForcedOpenState();

        scheduler.advance(INTERVAL);

        assertThatThrownBy(() -> lb.executeSupplier(i -> i)).isInstanceOf(NoAvailableInstanceException.class)
                .hasMessage("LoadBalancer 'orders' has no available instance (2 known: 2 unhealthy)");
    }

    @Test
    void badHealthCheckConfigFailsAtBuildTime() {
        assertThatThrownBy(() -> HealthCheckConfig.custom(HealthChecker.tcp()).interval(Duration.ofSeconds(1))
                .timeout(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("timeout: PT1S must be shorter than interval: PT1S (expected: timeout < interval)");
        assertThatThrownBy(() -> HealthCheckConfig.custom(HealthChecker.tcp()).unhealthyThreshold(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("unhealthyThreshold: 0 (expected: >= 1)");
        assertThatThrownBy(() -> HealthCheckConfig.custom(HealthChecker.tcp()).healthyThreshold(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("healthyThreshold: 0 (expected: >= 1)");
        assertThatThrownBy(() -> HealthCheckConfig.custom(HealthChecker.tcp()).jitter(1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("jitter: 1.0 (expected: >= 0.0 and < 1.0)");
        assertThatThrownBy(() -> HealthCheckConfig.custom(HealthChecker.tcp()).jitter(-0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("jitter: -0.1 (expected: >= 0.0 and < 1.0)");
        assertThatThrownBy(() -> HealthCheckConfig.custom(HealthChecker.tcp()).interval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("interval: PT0S (expected: >= 100 ms)");
        assertThatThrownBy(() -> HealthCheckConfig.custom(null))
                .isInstanceOf(NullPointerException.class).hasMessage("checker");
    }

    private static Set<ServiceInstance> pickMany(LoadBalancer lb, int n) {
        Set<ServiceInstance> picked = new HashSet<>();
        for (int i = 0; i < n; i++) {
            picked.add(lb.executeSupplier(instance -> instance));
        }
        return picked;
    }

    private static long healthThreads(String lbName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("loadbalancer4j-health-" + lbName + "-")).count();
    }

    @Test
    void jitterSpreadsTheProbesOfManyInstancesOverTheInterval() {
        List<ServiceInstance> instances = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            instances.add(ServiceInstance.of("10.0.1." + (i + 1), 8080));
        }
        Map<ServiceInstance, Duration> firstProbe = new ConcurrentHashMap<>();
        HealthChecker recording = (instance, timeout) -> {
            firstProbe.putIfAbsent(instance, Duration.ofNanos(scheduler.nanoTime()));
            return CompletableFuture.completedFuture(true);
        };
        LoadBalancer.of("spread", InstanceSource.of(instances), LoadBalancerConfig.custom()
                .healthCheck(HealthCheckConfig.custom(recording).interval(INTERVAL).jitter(0.2)
                        .timeout(Duration.ofMillis(500)).scheduler(scheduler).build()).build());

        scheduler.advance(INTERVAL.multipliedBy(2));

        assertThat(firstProbe).hasSize(50);
        // Each first probe waits the interval moved by up to 20% either way: 0.8-1.2 s, at 50 different times.
        assertThat(firstProbe.values()).allSatisfy(t -> assertThat(t).isBetween(Duration.ofMillis(800), Duration.ofMillis(1_200)));
        assertThat(new java.util.HashSet<>(firstProbe.values())).hasSizeGreaterThan(45);
        Duration earliest = firstProbe.values().stream().min(Duration::compareTo).orElseThrow();
        Duration latest = firstProbe.values().stream().max(Duration::compareTo).orElseThrow();
        assertThat(latest.minus(earliest)).isGreaterThan(Duration.ofMillis(200)); // spread, not bunched
    }
}
