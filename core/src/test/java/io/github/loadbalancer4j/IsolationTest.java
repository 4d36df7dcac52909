package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.testing.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class IsolationTest {

    private final MutableClock clock = new MutableClock();
    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);
    private final ServiceInstance broken = ServiceInstance.of("127.0.0.13", 8080);

    @Test
    void failingInstanceIsIsolatedAndProbedAfterTheOpenWait() {
        // Round robin keeps sending the broken instance its share until its breaker opens; the
        // default, peakEwma, stops choosing it after its first failure (see the test below).
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b, broken), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).clock(clock).ticker(clock.ticker()).build());
        Map<ServiceInstance, AtomicInteger> calls = new ConcurrentHashMap<>();
        Supplier<String> call = LoadBalancer.decorateSupplier(lb, instance -> {
            calls.computeIfAbsent(instance, i -> new AtomicInteger()).incrementAndGet();
            if (instance.equals(broken)) {
                throw new IllegalStateException("boom from " + instance);
            }
            return "ok";
        });
        CircuitBreaker brokenBreaker = breakerOf(lb, broken);
        int failuresBeforeOpen = 0;
        for (int i = 0; i < 1_000 && brokenBreaker.getState() != CircuitBreaker.State.OPEN; i++) {
            try {
                call.get();
            } catch (IllegalStateException e) {
                failuresBeforeOpen++;
            }
        }
        calls.clear();

        int failuresAfterOpen = 0;
        for (int i = 0; i < 10_000; i++) {
            try {
                call.get();
            } catch (IllegalStateException e) {
                failuresAfterOpen++;
            }
        }

        assertThat(failuresBeforeOpen).isEqualTo(5);
        assertThat(failuresAfterOpen).isZero();
        assertThat(calls).doesNotContainKey(broken);
        assertThat(lb.getInstances()).extracting(InstanceStatus::circuitBreakerState)
                .containsExactly(CircuitBreaker.State.CLOSED, CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN);

        clock.advance(Duration.ofSeconds(16)); // past the first open wait (10 s with up to 25% jitter)
        for (int i = 0; i < 30; i++) {
            try {
                call.get();
            } catch (IllegalStateException expected) {
                // the probes fail again
            }
        }

        assertThat(calls.get(broken)).hasValue(3); // the HALF_OPEN probes, then OPEN again
        assertThat(brokenBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void withTheDefaultStrategyAFailingInstanceGetsAlmostNoCallsEvenBeforeItsBreakerOpens() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b, broken),
                LoadBalancerConfig.custom().clock(clock).ticker(clock.ticker()).build());
        Map<ServiceInstance, AtomicInteger> calls = new ConcurrentHashMap<>();
        Supplier<String> call = LoadBalancer.decorateSupplier(lb, instance -> {
            calls.computeIfAbsent(instance, i -> new AtomicInteger()).incrementAndGet();
            clock.advance(Duration.ofMillis(20)); // every call takes 20 ms
            if (instance.equals(broken)) {
                throw new IllegalStateException("boom from " + instance);
            }
            return "ok";
        });

        int failures = 0;
        for (int i = 0; i < 3_000; i++) {
            try {
                call.get();
            } catch (IllegalStateException e) {
                failures++;
            }
        }

        assertThat(lb.getConfig().getSelectionStrategy()).isSameAs(SelectionStrategy.peakEwma());
        assertThat(failures).isEqualTo(calls.get(broken).get()).isLessThanOrEqualTo(30); // at most 1%
    }

    private static CircuitBreaker breakerOf(LoadBalancer lb, ServiceInstance instance) {
        return lb.getInstances().stream().filter(s -> s.instance().equals(instance)).findFirst().orElseThrow().circuitBreaker();
    }
}
