package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.event.StrategyChangedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class StrategyChangeTest {

    private final ServiceInstance a = ServiceInstance.builder("127.0.0.11", 8080).weight(1).build();
    private final ServiceInstance b = ServiceInstance.builder("127.0.0.12", 8080).weight(3).build();

    @Test
    void callsFollowTheNewStrategyAfterAChange() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        Supplier<ServiceInstance> call = LoadBalancer.decorateSupplier(lb, instance -> instance);
        Map<ServiceInstance, Integer> roundRobin = count(call, 400);

        lb.changeStrategy(SelectionStrategy.weightedRoundRobin());
        Map<ServiceInstance, Integer> weighted = count(call, 400);

        assertThat(roundRobin).containsEntry(a, 200).containsEntry(b, 200);
        assertThat(weighted).containsEntry(a, 100).containsEntry(b, 300);
        assertThat(lb.getSelectionStrategy()).isSameAs(SelectionStrategy.weightedRoundRobin());
    }

    @Test
    void callsInFlightSurviveAChangeAndSteerTheNewStrategy() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        List<Lease> onB = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            onB.add(lb.acquire(SelectionContext.empty().excluding(a)));
        }

        lb.changeStrategy(SelectionStrategy.leastRequests());
        Map<ServiceInstance, Integer> afterChange = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            Lease lease = lb.acquire();
            afterChange.merge(lease.instance(), 1, Integer::sum);
            lease.onSuccess();
        }

        assertThat(onB).extracting(Lease::instance).containsOnly(b);
        assertThat(afterChange).containsOnlyKeys(a);
        onB.forEach(Lease::onSuccess);
    }

    @Test
    void aChangeIsPublishedWithBothStrategiesNamed() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        List<StrategyChangedEvent> events = new ArrayList<>();
        lb.getEventPublisher().onEvent(e -> {
            if (e instanceof StrategyChangedEvent) {
                events.add((StrategyChangedEvent) e);
            }
        });

        lb.changeStrategy(SelectionStrategy.zonePreferring("eu-west-1a", SelectionStrategy.peakEwma()));

        assertThat(events).hasSize(1);
        assertThat(events.get(0).getPreviousStrategy()).isEqualTo("roundRobin");
        assertThat(events.get(0).getNewStrategy()).isEqualTo("zonePreferring(eu-west-1a, peakEwma)");
    }

    private static Map<ServiceInstance, Integer> count(Supplier<ServiceInstance> call, int calls) {
        Map<ServiceInstance, Integer> counts = new HashMap<>();
        for (int i = 0; i < calls; i++) {
            counts.merge(call.get(), 1, Integer::sum);
        }
        return counts;
    }
}
