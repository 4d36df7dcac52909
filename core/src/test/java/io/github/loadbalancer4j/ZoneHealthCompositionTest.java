package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.health.HealthChecker;
import io.github.loadbalancer4j.testing.ManualScheduler;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class ZoneHealthCompositionTest {

    private final ServiceInstance a1 = ServiceInstance.builder("127.0.0.11", 80).zone("a").build();
    private final ServiceInstance a2 = ServiceInstance.builder("127.0.0.12", 80).zone("a").build();
    private final ServiceInstance b1 = ServiceInstance.builder("127.0.0.13", 80).zone("b").build();
    private final ServiceInstance b2 = ServiceInstance.builder("127.0.0.14", 80).zone("b").build();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final Set<ServiceInstance> down = ConcurrentHashMap.newKeySet();

    @Test
    void aZoneWithNoHealthyInstanceFallsBackToTheOthers() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(List.of(a1, a2, b1, b2)), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.zonePreferring("a", SelectionStrategy.roundRobin()))
                .healthCheck(checks()).build());
        Set<ServiceInstance> healthy = pickMany(lb);

        down.add(a1);
        down.add(a2);
        scheduler.advance(Duration.ofSeconds(1));
        Set<ServiceInstance> zoneDown = pickMany(lb);

        assertThat(healthy).containsExactlyInAnyOrder(a1, a2);
        assertThat(zoneDown).containsExactlyInAnyOrder(b1, b2);
    }

    @Test
    void panicWithZonesUsesEveryInstance() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(List.of(a1, a2, b1, b2)), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.zonePreferring("b", SelectionStrategy.roundRobin()))
                .healthCheck(checks()).panicThreshold(0.5).build());

        down.addAll(List.of(a1, a2, b1));
        scheduler.advance(Duration.ofSeconds(1));
        Set<ServiceInstance> inPanic = pickMany(lb);

        assertThat(lb.getMetrics().isPanicking()).isTrue();
        assertThat(inPanic).containsExactlyInAnyOrder(b1, b2); // the preferred zone, whole, in panic
    }

    private HealthCheckConfig checks() {
        HealthChecker checker = (i, timeout) -> CompletableFuture.completedFuture(!down.contains(i));
        return HealthCheckConfig.custom(checker).interval(Duration.ofSeconds(1)).jitter(0).timeout(Duration.ofMillis(100))
                .unhealthyThreshold(1).scheduler(scheduler).build();
    }

    private static Set<ServiceInstance> pickMany(LoadBalancer lb) {
        Set<ServiceInstance> picked = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            picked.add(lb.executeSupplier(instance -> instance));
        }
        return picked;
    }
}
