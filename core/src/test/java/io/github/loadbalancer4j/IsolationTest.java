package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.testing.BackgroundWorkOnTestThread;
import io.github.loadbalancer4j.testing.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(BackgroundWorkOnTestThread.class)
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

    @Test
    void anInstanceThatFailsItsProbesWaitsLongerTheSecondTime() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b, broken), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).clock(clock).ticker(clock.ticker()).build());
        Supplier<String> call = LoadBalancer.decorateSupplier(lb, instance -> {
            if (instance.equals(broken)) {
                throw new IllegalStateException("boom from " + instance);
            }
            return "ok";
        });
        CircuitBreaker brokenBreaker = breakerOf(lb, broken);
        java.util.List<Duration> waits = new java.util.ArrayList<>();

        for (int round = 0; round < 2; round++) {
            while (brokenBreaker.getState() != CircuitBreaker.State.OPEN) {
                callIgnoringFailures(call);
            }
            Duration waited = Duration.ZERO;
            while (brokenBreaker.getState() == CircuitBreaker.State.OPEN) {
                clock.advance(Duration.ofMillis(100));
                waited = waited.plusMillis(100);
                callIgnoringFailures(call); // a call lets the load balancer look at OPEN breakers again
            }
            waits.add(waited);
        }

        // Exponential from 10 s with 25% jitter: the first wait is 7.5-12.5 s, the second 15-25 s; the
        // load balancer looks at OPEN breakers once a second, so each may show up to 1 s later.
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(7_500), Duration.ofMillis(13_600));
        assertThat(waits.get(1)).isBetween(Duration.ofSeconds(15), Duration.ofMillis(26_100));
        assertThat(waits.get(1)).isGreaterThan(waits.get(0));
    }

    private static void callIgnoringFailures(Supplier<String> call) {
        try {
            call.get();
        } catch (IllegalStateException expected) {
            // the broken instance fails
        }
    }

    private static CircuitBreaker breakerOf(LoadBalancer lb, ServiceInstance instance) {
        return lb.getInstances().stream().filter(s -> s.instance().equals(instance)).findFirst().orElseThrow().circuitBreaker();
    }
}
