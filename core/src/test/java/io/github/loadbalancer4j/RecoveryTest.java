package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.event.EjectionReason;
import io.github.loadbalancer4j.event.InstanceEjectedEvent;
import io.github.loadbalancer4j.event.InstanceRestoredEvent;
import io.github.loadbalancer4j.health.HealthCheckConfig;
import io.github.loadbalancer4j.health.HealthChecker;
import io.github.loadbalancer4j.testing.BackgroundWorkOnTestThread;
import io.github.loadbalancer4j.testing.ManualScheduler;
import io.github.loadbalancer4j.testing.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With the default strategy (peakEwma), an instance that becomes available again (its breaker
 * leaves OPEN, health checks restore it, a Retry-After hold ends) or joins a running fleet starts
 * from the fleet's median cost, so it gets calls within seconds instead of after the minute its
 * failure penalty takes to decay. Virtual time: every call takes 10 ms of the injected clock.
 */
@ExtendWith(BackgroundWorkOnTestThread.class)
class RecoveryTest {

    private static final Duration CALL = Duration.ofMillis(10);
    private static final Duration BAR = Duration.ofSeconds(5);

    private final MutableClock clock = new MutableClock();
    private final ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);
    private final ServiceInstance c = ServiceInstance.of("127.0.0.13", 8080);
    private final Map<ServiceInstance, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<ServiceInstance, AtomicLong> lastCall = new ConcurrentHashMap<>();
    private final AtomicBoolean cDown = new AtomicBoolean(true);

    private String call(ServiceInstance instance) {
        calls.computeIfAbsent(instance, i -> new AtomicInteger()).incrementAndGet();
        lastCall.computeIfAbsent(instance, i -> new AtomicLong()).set(clock.nanoTime());
        clock.advance(CALL);
        if (instance.equals(c) && cDown.get()) {
            throw new IllegalStateException("connection refused by " + instance);
        }
        return "ok";
    }

    private void callOnce(LoadBalancer lb) {
        try {
            lb.executeSupplier(this::call);
        } catch (IllegalStateException | NoAvailableInstanceException expected) {
            // c is down
        }
    }

    /** Fails {@code n} calls on c, as calls to a dead backend fail: each leaves its 5 s penalty. */
    private static void failOn(LoadBalancer lb, ServiceInstance target, int n) {
        for (int i = 0; i < n; i++) {
            Lease lease = lb.acquire(SelectionContext.empty().excluding(otherThan(lb, target, 0)).excluding(otherThan(lb, target, 1)));
            assertThat(lease.instance()).isEqualTo(target);
            lease.onError(new IllegalStateException("connection refused"));
        }
    }

    private static ServiceInstance otherThan(LoadBalancer lb, ServiceInstance target, int index) {
        return lb.getInstances().stream().map(InstanceStatus::instance).filter(i -> !i.equals(target)).skip(index)
                .findFirst().orElseThrow();
    }

    @Test
    void restartedBackendGetsCallsWithinFiveSecondsOfItsBreakersHalfOpen() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b, c),
                LoadBalancerConfig.custom().clock(clock).ticker(clock.ticker()).build());
        CircuitBreaker breaker = lb.getInstances().get(2).circuitBreaker();
        AtomicLong halfOpenAt = new AtomicLong();
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.HALF_OPEN) {
                halfOpenAt.compareAndSet(0, clock.nanoTime());
            }
        });
        failOn(lb, c, 5); // the backend died: 5 of 5 failed, the breaker opens
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        cDown.set(false); // ... and was restarted

        while (calls.getOrDefault(c, new AtomicInteger()).get() == 0 && clock.nanoTime() < start() + Duration.ofMinutes(3).toNanos()) {
            callOnce(lb);
        }

        assertThat(halfOpenAt.get()).isPositive();
        assertThat(Duration.ofNanos(lastCall.get(c).get() - halfOpenAt.get())).isLessThanOrEqualTo(BAR);
    }

    @Test
    void backendThatDiedWithoutOpeningItsBreakerIsProbedAndGetsACallWithinFiveSecondsOfItsRestart() {
        // Under peakEwma a dying backend stops getting calls after its first failures, so its breaker
        // (20 calls, 50%) need not open: no HALF_OPEN, no health check. Probes find it back.
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b, c),
                LoadBalancerConfig.custom().clock(clock).ticker(clock.ticker()).build());
        CircuitBreaker breaker = lb.getInstances().get(2).circuitBreaker();
        AtomicLong halfOpenAt = new AtomicLong();
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.HALF_OPEN) {
                halfOpenAt.compareAndSet(0, clock.nanoTime());
            }
        });
        failOn(lb, c, 2);
        long diedAt = clock.nanoTime();
        while (clock.nanoTime() - diedAt < Duration.ofSeconds(5).toNanos()) {
            callOnce(lb);
        }
        int probesWhileDown = calls.getOrDefault(c, new AtomicInteger()).get();
        CircuitBreaker.State atRestart = breaker.getState();
        cDown.set(false);
        long restartedAt = clock.nanoTime();
        calls.clear();
        lastCall.clear();
        while (calls.getOrDefault(c, new AtomicInteger()).get() == 0) {
            callOnce(lb);
        }
        long probedAt = lastCall.get(c).get();
        Duration forgivenLatency = lb.getInstances().get(2).latency();
        while (calls.get(c).get() < 50 && clock.nanoTime() - restartedAt < Duration.ofMinutes(3).toNanos()) {
            callOnce(lb);
        }

        // While down: one probe every 2 s, not a share of the calls; 4 failures: the breaker stayed CLOSED.
        assertThat(probesWhileDown).isEqualTo(2);
        assertThat(atRestart).isEqualTo(CircuitBreaker.State.CLOSED);
        // After the restart the next probe answers within 2 s and its penalty is forgiven.
        assertThat(Duration.ofNanos(probedAt - restartedAt)).isLessThanOrEqualTo(BAR);
        assertThat(forgivenLatency).isLessThan(Duration.ofSeconds(1));
        // The breaker's window may still hold enough failures to open on that success (4 of 5 here):
        // then the instance is back within 5 s of HALF_OPEN, as any recovered instance is.
        long backFrom = halfOpenAt.get() != 0 ? halfOpenAt.get() : probedAt;
        assertThat(calls.get(c).get()).isEqualTo(50);
        assertThat(Duration.ofNanos(lastCall.get(c).get() - backFrom)).isLessThanOrEqualTo(BAR);
    }

    @Test
    void restartedBackendTakesItsShareAgainOnceItsBreakerCloses() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b, c),
                LoadBalancerConfig.custom().clock(clock).ticker(clock.ticker()).build());
        CircuitBreaker breaker = lb.getInstances().get(2).circuitBreaker();
        failOn(lb, c, 5);
        cDown.set(false);
        while (breaker.getState() != CircuitBreaker.State.CLOSED && clock.nanoTime() < start() + Duration.ofMinutes(3).toNanos()) {
            callOnce(lb);
        }
        calls.clear();

        for (int i = 0; i < 3_000; i++) {
            callOnce(lb);
        }

        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(calls.get(c).get()).isBetween(600, 1_400); // a third is 1,000
    }

    @Test
    void backendRestoredByHealthChecksGetsCallsWithinFiveSecondsOfThePassingCheck() {
        ManualScheduler scheduler = new ManualScheduler();
        AtomicBoolean cAnswersChecks = new AtomicBoolean(false);
        HealthChecker checker = (instance, timeout) -> CompletableFuture.completedFuture(
                !instance.equals(c) || cAnswersChecks.get());
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b, c), LoadBalancerConfig.custom()
                .clock(clock).ticker(clock.ticker())
                .healthCheck(HealthCheckConfig.custom(checker).interval(Duration.ofSeconds(1)).jitter(0)
                        .timeout(Duration.ofMillis(500)).unhealthyThreshold(3).healthyThreshold(2).scheduler(scheduler).build())
                .build());
        List<Long> restoredAt = new CopyOnWriteArrayList<>();
        lb.getEventPublisher().onInstanceRestored(e -> restoredAt.add(clock.nanoTime()));
        failOn(lb, c, 2); // two calls failed before the checks noticed: not enough to open the breaker
        for (int s = 0; s < 4; s++) {
            advance(scheduler, Duration.ofSeconds(1));
        }
        assertThat(lb.getInstances().get(2).health()).isEqualTo(InstanceStatus.Health.UNHEALTHY);
        cDown.set(false);
        cAnswersChecks.set(true);

        long until = clock.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (calls.getOrDefault(c, new AtomicInteger()).get() == 0 && clock.nanoTime() < until) {
            callOnce(lb);
            if ((clock.nanoTime() / CALL.toNanos()) % 100 == 0) {
                scheduler.advance(Duration.ofSeconds(1)); // the scheduler's time follows the clock's, a second at a time
            }
        }

        assertThat(restoredAt).hasSize(1);
        assertThat(Duration.ofNanos(lastCall.get(c).get() - restoredAt.get(0))).isLessThanOrEqualTo(BAR);
    }

    @Test
    void retryAfterHoldsTheInstanceOutForThatLongThenItGetsCallsAgain() {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b, c),
                LoadBalancerConfig.custom().clock(clock).ticker(clock.ticker()).build());
        List<InstanceEjectedEvent> ejected = new CopyOnWriteArrayList<>();
        List<InstanceRestoredEvent> restored = new CopyOnWriteArrayList<>();
        lb.getEventPublisher().onInstanceEjected(ejected::add).onInstanceRestored(restored::add);
        cDown.set(false);
        Lease lease = lb.acquire(SelectionContext.empty().excluding(a).excluding(b));

        lease.onError(new IllegalStateException("429 Too Many Requests"), Duration.ofSeconds(3));
        long heldAt = clock.nanoTime();
        while (clock.nanoTime() - heldAt < Duration.ofMillis(2_990).toNanos()) {
            callOnce(lb);
        }
        int callsWhileHeld = calls.getOrDefault(c, new AtomicInteger()).get();
        long until = clock.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (calls.getOrDefault(c, new AtomicInteger()).get() == 0 && clock.nanoTime() < until) {
            callOnce(lb);
        }

        assertThat(callsWhileHeld).isZero();
        assertThat(ejected).singleElement().satisfies(e -> {
            assertThat(e.getInstance()).isEqualTo(c);
            assertThat(e.getReason()).isEqualTo(EjectionReason.RETRY_AFTER);
        });
        assertThat(restored).singleElement().satisfies(e -> assertThat(e.getInstance()).isEqualTo(c));
        assertThat(Duration.ofNanos(lastCall.get(c).get() - heldAt)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(3).plus(BAR));
    }

    @Test
    void instanceJoiningARunningFleetStartsAtTheFleetsCostNotAtNothing() {
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer lb = LoadBalancer.of("orders", source, LoadBalancerConfig.custom().clock(clock).ticker(clock.ticker()).build());
        cDown.set(false);
        for (int i = 0; i < 200; i++) {
            callOnce(lb);
        }

        source.update(List.of(a, b, c));
        calls.clear();
        for (int i = 0; i < 3_000; i++) {
            callOnce(lb);
        }

        assertThat(lb.getInstances()).extracting(InstanceStatus::latency).allSatisfy(latency ->
                assertThat(latency).isBetween(CALL.minusMillis(1), CALL.plusMillis(1)));
        assertThat(calls.get(c).get()).isBetween(600, 1_400); // its third
    }

    @Test
    void newcomerCostsWhatTheFleetCostsBeforeItsFirstAnswer() {
        MutableInstanceSource source = InstanceSource.mutable(a, b);
        LoadBalancer lb = LoadBalancer.of("orders", source, LoadBalancerConfig.custom().clock(clock).ticker(clock.ticker()).build());
        cDown.set(false);
        for (int i = 0; i < 200; i++) {
            callOnce(lb);
        }

        source.update(List.of(a, b, c));

        // Not 0: with nothing in flight, a cost of 0 wins every draw the newcomer is in.
        assertThat(lb.getInstances().get(2).latency()).isBetween(CALL.minusMillis(1), CALL.plusMillis(1));
    }

    @Test
    void resultTheBreakerCountsAsAFailureIsAFailureForLatencyToo() {
        CircuitBreakerConfig countsThrottledAnswers = CircuitBreakerConfig.custom()
                .slidingWindow(10_000, 10_000, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED) // never opens here
                .recordResult(result -> "throttled".equals(result)).build();
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b, c), LoadBalancerConfig.custom()
                .circuitBreakerConfig(countsThrottledAnswers).clock(clock).ticker(clock.ticker()).build());

        for (int i = 0; i < 3_000; i++) {
            lb.executeSupplier(instance -> {
                calls.computeIfAbsent(instance, k -> new AtomicInteger()).incrementAndGet();
                if (instance.equals(c)) {
                    return "throttled"; // at once: the fastest answer in the fleet
                }
                clock.advance(CALL);
                return "ok";
            });
        }

        Lease throttled = lb.acquire(SelectionContext.empty().excluding(a).excluding(b));
        throttled.onResult("throttled");

        assertThat(calls.get(c).get()).isLessThanOrEqualTo(30); // at most 1%; it was the cheapest before
        assertThat(lb.getInstances().get(2).latency()).isGreaterThanOrEqualTo(Duration.ofSeconds(5)); // the failure penalty
        assertThat(lb.getInstances().get(2).circuitBreaker().getMetrics().getNumberOfFailedCalls())
                .isEqualTo(calls.get(c).get() + 1);
    }

    private long start;

    private long start() {
        if (start == 0) {
            start = clock.nanoTime();
        }
        return start;
    }

    private void advance(ManualScheduler scheduler, Duration d) {
        clock.advance(d);
        scheduler.advance(d);
    }
}
