package io.github.loadbalancer4j.micrometer;

import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.CALLS;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.INSTANCES;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.INSTANCE_IN_FLIGHT;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.INSTANCE_LATENCY;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.INSTANCE_WEIGHT;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.KNOWN_INSTANCES;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.NO_AVAILABLE_INSTANCE_CALLS;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.OUTLIER_EJECTIONS;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.PANIC;
import static io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics.SELECTIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.MutableInstanceSource;
import io.github.loadbalancer4j.OutlierEjectionConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.health.HealthChecker;
import io.github.loadbalancer4j.testing.BackgroundWorkOnTestThread;
import io.github.loadbalancer4j.testing.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BackgroundWorkOnTestThread.class)
class TaggedLoadBalancerMetricsTest {

    private final MutableClock clock = new MutableClock();
    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);
    private final ServiceInstance c = ServiceInstance.of("127.0.0.13", 8080);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<LoadBalancer> created = new ArrayList<>();

    @AfterEach
    void closeLoadBalancers() {
        created.forEach(LoadBalancer::close);
    }

    @Test
    void callsAreTimedByHowTheBreakerRecordedThem() {
        LoadBalancer lb = loadBalancer("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin())
                .circuitBreakerConfig(CircuitBreakerConfig.custom().ignoreExceptions(IllegalArgumentException.class).build()));
        TaggedLoadBalancerMetrics.ofLoadBalancer(lb).bindTo(registry);

        for (int i = 0; i < 3; i++) {
            lb.executeSupplier(instance -> {
                clock.advance(Duration.ofMillis(20));
                return "ok";
            });
        }
        catchThrowable(() -> lb.executeSupplier(instance -> {
            clock.advance(Duration.ofMillis(5));
            throw new IllegalStateException("boom");
        }));
        catchThrowable(() -> lb.executeSupplier(instance -> {
            throw new IllegalArgumentException("bad request: not the instance's fault");
        }));

        assertThat(callTimer("orders", "successful").count()).isEqualTo(3);
        assertThat(callTimer("orders", "successful").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(60.0);
        assertThat(callTimer("orders", "failed").count()).isEqualTo(1);
        assertThat(callTimer("orders", "failed").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5.0);
        assertThat(callTimer("orders", "ignored").count()).isEqualTo(1);
        assertThat(registry.get(SELECTIONS).tag("name", "orders").counter().count()).isEqualTo(5.0);
    }

    @Test
    void leaseCallsAreCountedAndAReleasedLeaseIsASelectionOnly() {
        LoadBalancer lb = loadBalancer("orders", InstanceSource.of(a), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()));
        TaggedLoadBalancerMetrics.ofLoadBalancer(lb).bindTo(registry);

        lb.acquire().onSuccess();
        lb.acquire().onError(new IllegalStateException("boom"));
        lb.acquire().release();

        assertThat(callTimer("orders", "successful").count()).isEqualTo(1);
        assertThat(callTimer("orders", "failed").count()).isEqualTo(1);
        assertThat(registry.get(SELECTIONS).tag("name", "orders").counter().count()).isEqualTo(3.0);
    }

    @Test
    void instancesAreCountedByState() {
        LoadBalancer lb = loadBalancer("orders", InstanceSource.of(a, b, c), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()));
        TaggedLoadBalancerMetrics.ofLoadBalancer(lb).bindTo(registry);
        assertThat(instances("orders", "available")).isEqualTo(3.0);

        failUntilOpen(lb, c);

        assertThat(instances("orders", "available")).isEqualTo(2.0);
        assertThat(instances("orders", "circuit_open")).isEqualTo(1.0);
        assertThat(instances("orders", "unhealthy")).isEqualTo(0.0);
        assertThat(registry.get(KNOWN_INSTANCES).tag("name", "orders").gauge().value()).isEqualTo(3.0);
        assertThat(registry.get(PANIC).tag("name", "orders").gauge().value()).isEqualTo(0.0);
    }

    @Test
    void instancesMarkedUnhealthyByHealthChecksAreCounted() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            HealthChecker cIsDown = (instance, timeout) -> CompletableFuture.completedFuture(!instance.equals(c));
            LoadBalancer lb = loadBalancer("orders", InstanceSource.of(a, b, c), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin())
                    .healthCheck(HealthCheckConfig.custom(cIsDown).interval(HealthCheckConfig.MIN_INTERVAL).timeout(Duration.ofMillis(20))
                            .jitter(0).unhealthyThreshold(1).scheduler(scheduler).build()));
            TaggedLoadBalancerMetrics.ofLoadBalancer(lb).bindTo(registry);

            await().atMost(Duration.ofSeconds(10)).until(() -> instances("orders", "unhealthy") == 1.0);

            assertThat(instances("orders", "available")).isEqualTo(2.0);
            assertThat(instances("orders", "circuit_open")).isZero();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void panicFlagIsRaisedWhenTooFewInstancesAreAvailable() {
        LoadBalancer lb = loadBalancer("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).panicThreshold(0.75));
        TaggedLoadBalancerMetrics.ofLoadBalancer(lb).bindTo(registry);

        failUntilOpen(lb, b);

        assertThat(registry.get(PANIC).tag("name", "orders").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void callsFindingNoInstanceAreCounted() {
        LoadBalancer lb = loadBalancer("orders", InstanceSource.of(), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()));
        TaggedLoadBalancerMetrics.ofLoadBalancer(lb).bindTo(registry);

        for (int i = 0; i < 4; i++) {
            catchThrowable(() -> lb.executeSupplier(ServiceInstance::id));
        }

        assertThat(registry.get(NO_AVAILABLE_INSTANCE_CALLS).tag("name", "orders").functionCounter().count()).isEqualTo(4.0);
        assertThat(registry.get(SELECTIONS).tag("name", "orders").counter().count()).isZero();
        assertThat(registry.get(KNOWN_INSTANCES).tag("name", "orders").gauge().value()).isZero();
    }

    @Test
    void outlierEjectionsAreCounted() {
        List<ServiceInstance> fleet = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            fleet.add(ServiceInstance.of("127.0.0." + (10 + i), 8080));
        }
        ServiceInstance gray = fleet.get(5);
        LoadBalancer lb = loadBalancer("orders", InstanceSource.of(fleet), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin())
                .outlierEjection(OutlierEjectionConfig.custom().interval(Duration.ofSeconds(5)).requestVolume(50).build()));
        TaggedLoadBalancerMetrics.ofLoadBalancer(lb).bindTo(registry);
        double before = registry.get(OUTLIER_EJECTIONS).tag("name", "orders").functionCounter().count();
        int[] grayCalls = {0};

        for (int i = 0; i < 600; i++) { // 6 s of 10 ms calls: one sweep; the gray instance fails a quarter, below its breaker's 50%
            catchThrowable(() -> lb.executeSupplier(instance -> {
                clock.advance(Duration.ofMillis(10));
                if (instance.equals(gray) && ++grayCalls[0] % 4 == 0) {
                    throw new IllegalStateException("503");
                }
                return "ok";
            }));
        }

        assertThat(before).isZero();
        assertThat(registry.get(OUTLIER_EJECTIONS).tag("name", "orders").functionCounter().count()).isEqualTo(1.0);
    }

    @Test
    void instanceGaugesReadInFlightLatencyAndWeight() {
        ServiceInstance heavy = ServiceInstance.builder("127.0.0.11", 8080).weight(3).build();
        LoadBalancer lb = loadBalancer("orders", InstanceSource.of(heavy), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()));
        TaggedLoadBalancerMetrics.ofLoadBalancer(lb).bindTo(registry);
        Lease first = lb.acquire();
        clock.advance(Duration.ofMillis(250));
        first.onSuccess();

        Lease second = lb.acquire();
        Lease third = lb.acquire();

        assertThat(instanceGauge(INSTANCE_IN_FLIGHT, "orders", heavy)).isEqualTo(2.0);
        assertThat(registry.get(INSTANCE_LATENCY).tag("instance", heavy.id()).timeGauge().value(TimeUnit.MILLISECONDS))
                .isEqualTo(250.0);
        assertThat(instanceGauge(INSTANCE_WEIGHT, "orders", heavy)).isEqualTo(3.0);
        second.release();
        third.release();
        assertThat(instanceGauge(INSTANCE_IN_FLIGHT, "orders", heavy)).isZero();
    }

    @Test
    void instanceMetersFollowTheInstanceList() {
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer lb = loadBalancer("orders", source, LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()));
        TaggedLoadBalancerMetrics.ofLoadBalancer(lb).bindTo(registry);
        assertThat(instanceIds(INSTANCE_IN_FLIGHT)).containsExactlyInAnyOrder(a.id(), b.id());

        source.update(List.of(b, c));

        assertThat(instanceIds(INSTANCE_IN_FLIGHT)).containsExactlyInAnyOrder(b.id(), c.id());
        assertThat(instanceIds(INSTANCE_LATENCY)).containsExactlyInAnyOrder(b.id(), c.id());
        assertThat(instanceIds(INSTANCE_WEIGHT)).containsExactlyInAnyOrder(b.id(), c.id());
        assertThat(registry.find(INSTANCE_IN_FLIGHT).tag("instance", a.id()).meters()).isEmpty();

        source.update(List.of());

        assertThat(registry.find(INSTANCE_IN_FLIGHT).meters()).isEmpty();
        assertThat(registry.find(INSTANCE_WEIGHT).meters()).isEmpty();
        assertThat(registry.get(KNOWN_INSTANCES).gauge().value()).isZero();
    }

    @Test
    void readdedInstanceGetsMetersReadingItsNewState() {
        MutableInstanceSource source = InstanceSource.mutable(a);
        LoadBalancer lb = loadBalancer("orders", source, LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()));
        TaggedLoadBalancerMetrics.ofLoadBalancer(lb).bindTo(registry);
        Lease leftBehind = lb.acquire(); // in flight on the state that is about to be dropped

        source.update(List.of());
        source.update(List.of(a));
        Lease onNewState = lb.acquire();
        Lease another = lb.acquire();

        assertThat(registry.find(INSTANCE_IN_FLIGHT).meters()).hasSize(1);
        assertThat(instanceGauge(INSTANCE_IN_FLIGHT, "orders", a)).isEqualTo(2.0);
        leftBehind.release();
        onNewState.release();
        another.release();
    }

    @Test
    void perInstanceMetersCanBeTurnedOffForLargeFleets() {
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer lb = loadBalancer("orders", source, LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()));
        TaggedLoadBalancerMetrics.ofLoadBalancer(lb, LoadBalancerMetricsConfig.custom().perInstanceMeters(false).build())
                .bindTo(registry);

        source.update(List.of(a, b, c));

        assertThat(registry.getMeters()).noneMatch(m -> m.getId().getTag("instance") != null);
        assertThat(instances("orders", "available")).isEqualTo(3.0);
    }

    @Test
    void noMeterIsRegisteredTwiceAndNoCallCountedTwice() {
        LoadBalancer lb = loadBalancer("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()));
        TaggedLoadBalancerMetrics metrics = TaggedLoadBalancerMetrics.ofLoadBalancer(lb);
        metrics.bindTo(registry);
        int meterCount = registry.getMeters().size();

        metrics.bindTo(registry);
        TaggedLoadBalancerMetrics.ofLoadBalancer(lb).bindTo(registry);
        for (int i = 0; i < 7; i++) {
            lb.executeSupplier(ServiceInstance::id);
        }

        assertThat(registry.getMeters()).hasSize(meterCount);
        assertThat(callTimer("orders", "successful").count()).isEqualTo(7);
        assertThat(registry.get(SELECTIONS).counter().count()).isEqualTo(7.0);
    }

    @Test
    void everyMeterOfOneNameHasTheSameTagKeys() {
        LoadBalancer orders = loadBalancer("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()));
        LoadBalancer users = loadBalancer("users", InstanceSource.of(c), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()));
        TaggedLoadBalancerMetrics.ofLoadBalancers(() -> List.of(orders, users)).bindTo(registry);

        Set<String> names = registry.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toSet());

        assertThat(names).contains(INSTANCES, KNOWN_INSTANCES, CALLS, SELECTIONS, NO_AVAILABLE_INSTANCE_CALLS, OUTLIER_EJECTIONS, PANIC,
                INSTANCE_IN_FLIGHT, INSTANCE_LATENCY, INSTANCE_WEIGHT);
        for (String name : names) {
            assertThat(registry.find(name).meters().stream().map(TaggedLoadBalancerMetricsTest::tagKeys).distinct())
                    .as(name).hasSize(1);
        }
        assertThat(registry.find(PANIC).meters()).extracting(m -> m.getId().getTag("name"))
                .containsExactlyInAnyOrder("orders", "users");
    }

    @Test
    void loadBalancersWithTheSameNameAreRejected() {
        LoadBalancer one = loadBalancer("orders", InstanceSource.of(a), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()));
        LoadBalancer two = loadBalancer("orders", InstanceSource.of(b), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()));
        TaggedLoadBalancerMetrics metrics = TaggedLoadBalancerMetrics.ofLoadBalancers(() -> List.of(one, two));

        assertThatThrownBy(() -> metrics.bindTo(registry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("loadBalancers: two named 'orders' (expected: distinct names)");
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void countsMatchTheCallsMadeWhileTheInstanceListChanges() throws InterruptedException {
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer lb = loadBalancer("orders", source, LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()));
        TaggedLoadBalancerMetrics.ofLoadBalancer(lb).bindTo(registry);
        int callsPerThread = 5_000;
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            callers.add(new Thread(() -> {
                for (int i = 0; i < callsPerThread; i++) {
                    lb.executeSupplier(ServiceInstance::id);
                }
            }));
        }

        callers.forEach(Thread::start);
        for (int i = 0; i < 200; i++) {
            source.update(i % 2 == 0 ? List.of(a, b, c) : List.of(b, c));
        }
        for (Thread caller : callers) {
            caller.join(TimeUnit.SECONDS.toMillis(30));
        }
        source.update(List.of(a, c));

        assertThat(callers).noneMatch(Thread::isAlive);
        assertThat(callTimer("orders", "successful").count()).isEqualTo(2L * callsPerThread);
        assertThat(registry.get(SELECTIONS).counter().count()).isEqualTo(2.0 * callsPerThread);
        assertThat(instanceIds(INSTANCE_IN_FLIGHT)).containsExactlyInAnyOrder(a.id(), c.id());
        assertThat(registry.find(INSTANCE_IN_FLIGHT).gauges()).allMatch(g -> g.value() == 0.0);
    }

    @Test
    void meterBinderRejectsNullsByName() {
        assertThatThrownBy(() -> TaggedLoadBalancerMetrics.ofLoadBalancer(null))
                .isInstanceOf(NullPointerException.class).hasMessage("loadBalancer");
        assertThatThrownBy(() -> TaggedLoadBalancerMetrics.ofLoadBalancers(null))
                .isInstanceOf(NullPointerException.class).hasMessage("loadBalancers");
    }

    private LoadBalancer loadBalancer(String name, InstanceSource source, LoadBalancerConfig.Builder config) {
        LoadBalancer lb = LoadBalancer.of(name, source, config.clock(clock).ticker(clock.ticker()).build());
        created.add(lb);
        return lb;
    }

    private static void failUntilOpen(LoadBalancer lb, ServiceInstance broken) {
        Supplier<String> call = LoadBalancer.decorateSupplier(lb, instance -> {
            if (instance.equals(broken)) {
                throw new IllegalStateException("boom from " + instance);
            }
            return "ok";
        });
        CircuitBreaker breaker = lb.getInstances().stream().filter(s -> s.instance().equals(broken)).findFirst()
                .orElseThrow().circuitBreaker();
        for (int i = 0; i < 1000 && breaker.getState() != CircuitBreaker.State.OPEN; i++) {
            catchThrowable(call::get);
        }
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    private Timer callTimer(String name, String kind) {
        return registry.get(CALLS).tag("name", name).tag("kind", kind).timer();
    }

    private double instances(String name, String state) {
        return registry.get(INSTANCES).tag("name", name).tag("state", state).gauge().value();
    }

    private double instanceGauge(String meter, String name, ServiceInstance instance) {
        return registry.get(meter).tag("name", name).tag("instance", instance.id()).gauge().value();
    }

    private List<String> instanceIds(String meter) {
        return registry.find(meter).meters().stream().map(m -> m.getId().getTag("instance")).toList();
    }

    private static Set<String> tagKeys(Meter meter) {
        return meter.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toSet());
    }
}
