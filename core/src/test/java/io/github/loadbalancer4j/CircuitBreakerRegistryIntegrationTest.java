package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.event.LoadBalancerEvent;
import io.github.loadbalancer4j.testing.BackgroundWorkOnTestThread;
import io.github.loadbalancer4j.testing.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BackgroundWorkOnTestThread.class)
class CircuitBreakerRegistryIntegrationTest {

    private final MutableClock clock = new MutableClock();
    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);

    @Test
    void instanceBreakersAreCreatedInTheUsersRegistryWithTheNamedConfigAndTags() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        registry.addConfiguration("perInstance", CircuitBreakerConfig.custom()
                .slidingWindow(4, 2, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).build());

        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin())
                .circuitBreakerRegistry(registry).circuitBreakerConfigName("perInstance").build());

        CircuitBreaker breaker = registry.find("orders#127.0.0.11:8080").orElseThrow();
        assertThat(breaker.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(4);
        assertThat(breaker.getTags()).containsEntry("loadbalancer", "orders").containsEntry("instance", "127.0.0.11:8080");
        assertThat(registry.find("orders#127.0.0.12:8080")).isPresent();
        assertThat(lb.getInstances()).extracting(InstanceStatus::circuitBreaker).contains(breaker);
    }

    @Test
    void withoutAnExplicitConfigInstanceBreakersGetTheDefaultInstanceConfigNotTheRegistryDefault() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults(); // its default: a 100-call window

        LoadBalancer.of("orders", InstanceSource.of(a), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerRegistry(registry).build());

        CircuitBreakerConfig config = registry.find("orders#127.0.0.11:8080").orElseThrow().getCircuitBreakerConfig();
        assertThat(config.getSlidingWindowSize()).isEqualTo(20);
        assertThat(config.getMinimumNumberOfCalls()).isEqualTo(5);
        assertThat(config.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(3);
        assertThat(config.isAutomaticTransitionFromOpenToHalfOpenEnabled()).isTrue();
    }

    @Test
    void usersBreakerEventConsumersSeeInstanceBreakers() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        List<CircuitBreakerOnStateTransitionEvent> transitions = new CopyOnWriteArrayList<>();
        registry.getEventPublisher().onEntryAdded(added ->
                added.getAddedEntry().getEventPublisher().onStateTransition(transitions::add));
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerRegistry(registry).build());
        Supplier<String> failing = LoadBalancer.decorateSupplier(lb, instance -> {
            throw new IllegalStateException("down");
        });

        for (int i = 0; i < 5; i++) {
            try {
                failing.get();
            } catch (IllegalStateException expected) {
                // counted by the breaker
            }
        }

        assertThat(transitions).hasSize(1);
        assertThat(transitions.get(0).getCircuitBreakerName()).isEqualTo("orders#127.0.0.11:8080");
    }

    @Test
    void removingAnInstanceRemovesItsBreakerFromTheRegistry() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer lb = LoadBalancer.of("orders", source, LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerRegistry(registry).build());

        source.update(a);

        assertThat(registry.find("orders#127.0.0.12:8080")).isEmpty();
        assertThat(registry.find("orders#127.0.0.11:8080")).isPresent();
        assertThat(lb.getInstances()).extracting(InstanceStatus::instance).containsExactly(a);
    }

    @Test
    void closeRemovesEveryBreakerAndLaterCallsFailClearly() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerRegistry(registry).build());

        lb.close();

        assertThat(registry.getAllCircuitBreakers()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> lb.executeSupplier(i -> "x"))
                .isInstanceOf(NoAvailableInstanceException.class)
                .hasMessage("LoadBalancer 'orders' has no available instance (the load balancer is closed)");
    }

    @Test
    void anInstanceRemovedAndReAddedWhileOpenComesBackOpen() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer lb = LoadBalancer.of("orders", source, LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin())
                .circuitBreakerRegistry(registry).clock(clock).ticker(clock.ticker()).build());
        CircuitBreaker breakerOfB = registry.find("orders#127.0.0.12:8080").orElseThrow();
        breakerOfB.transitionToOpenState();

        source.update(a);
        source.update(a, b);

        CircuitBreaker after = registry.find("orders#127.0.0.12:8080").orElseThrow();
        assertThat(after).isSameAs(breakerOfB);
        assertThat(after.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        for (int i = 0; i < 100; i++) {
            assertThat(lb.<ServiceInstance>executeSupplier(instance -> instance)).isEqualTo(a);
        }
    }

    @Test
    void anOpenBreakerOfARemovedInstanceIsForgottenOnceItsWaitIsOver() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer.of("orders", source, LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin())
                .circuitBreakerRegistry(registry).clock(clock).ticker(clock.ticker()).build());
        CircuitBreaker breakerOfB = registry.find("orders#127.0.0.12:8080").orElseThrow();
        breakerOfB.transitionToOpenState();

        source.update(a);
        clock.advance(Duration.ofMinutes(10));
        source.update(a, b);

        CircuitBreaker after = registry.find("orders#127.0.0.12:8080").orElseThrow();
        assertThat(after).isNotSameAs(breakerOfB);
        assertThat(after.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void eventsFireOncePerChange() {
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer lb = LoadBalancer.of("orders", source, LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).clock(clock).ticker(clock.ticker()).build());
        List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
        lb.getEventPublisher().onEvent(events::add);
        Supplier<String> call = LoadBalancer.decorateSupplier(lb, instance -> {
            if (instance.equals(b)) {
                throw new IllegalStateException("b is down");
            }
            return "ok";
        });

        for (int i = 0; i < 200; i++) {
            try {
                call.get();
            } catch (IllegalStateException expected) {
                // b fails until its breaker opens
            }
        }
        clock.advance(Duration.ofSeconds(13));
        for (int i = 0; i < 10; i++) {
            try {
                call.get();
            } catch (IllegalStateException expected) {
                // b's probes fail
            }
        }
        source.update(a);
        lb.changeStrategy(SelectionStrategy.roundRobin());

        assertThat(events).extracting(LoadBalancerEvent::getEventType).containsExactly(
                LoadBalancerEvent.Type.INSTANCE_EJECTED,   // b opened
                LoadBalancerEvent.Type.INSTANCE_RESTORED,  // b half-open after the wait
                LoadBalancerEvent.Type.INSTANCE_EJECTED,   // b's probes failed
                LoadBalancerEvent.Type.INSTANCE_REMOVED,
                LoadBalancerEvent.Type.STRATEGY_CHANGED);
        assertThat(events.get(0).toString()).contains("LoadBalancer 'orders' ejected", "127.0.0.12:8080", "CIRCUIT_OPEN");
    }

    @Test
    void aFailingEventConsumerDoesNotBreakCalls() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(), LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        List<LoadBalancerEvent> seen = new CopyOnWriteArrayList<>();
        lb.getEventPublisher().onNoAvailableInstance(e -> {
            throw new IllegalStateException("consumer bug");
        });
        lb.getEventPublisher().onNoAvailableInstance(seen::add);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> lb.executeSupplier(i -> "x"))
                .isInstanceOf(NoAvailableInstanceException.class)
                .hasMessage("LoadBalancer 'orders' has no available instance (0 known: discovery returned no instances)");
        assertThat(seen).hasSize(1);
    }
}
