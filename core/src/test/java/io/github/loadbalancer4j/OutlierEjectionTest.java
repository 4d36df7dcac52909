package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.loadbalancer4j.event.EjectionReason;
import io.github.loadbalancer4j.event.InstanceEjectedEvent;
import io.github.loadbalancer4j.event.LoadBalancerEvent;
import io.github.loadbalancer4j.event.OutlierEjectedEvent;
import io.github.loadbalancer4j.testing.BackgroundWorkOnTestThread;
import io.github.loadbalancer4j.testing.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Outlier ejection in virtual time: every call takes 1 ms of the injected clock, and the load
 * balancer's background work (the sweeps among it) runs on the test's thread as the calls trigger it.
 * Round robin spreads the calls evenly, so each instance's counts are known; the breakers never open
 * by themselves unless a test says so.
 */
@ExtendWith(BackgroundWorkOnTestThread.class)
class OutlierEjectionTest {

    private static final Duration CALL = Duration.ofMillis(1);
    private static final Duration INTERVAL = OutlierEjectionConfig.DEFAULT_INTERVAL;

    /**
     * Breakers that open only at 100% failures over 20 calls, so that what opens them in these tests
     * is outlier ejection; the open wait doubles from 10 s without jitter, and the load balancer moves
     * them to HALF_OPEN on the injected clock.
     */
    private static final CircuitBreakerConfig BREAKERS = CircuitBreakerConfig.custom()
            .slidingWindow(20, 20, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .failureRateThreshold(100)
            .waitIntervalFunctionInOpenState(IntervalFunction.ofExponentialBackoff(Duration.ofSeconds(10), 2.0, Duration.ofSeconds(300)))
            .automaticTransitionFromOpenToHalfOpenEnabled(false)
            .permittedNumberOfCallsInHalfOpenState(3)
            .build();

    /** What a failing instance answers; without a stack trace, so that a test of 100,000 failures stays fast. */
    private static final IllegalStateException UNAVAILABLE = new IllegalStateException("503 Service Unavailable", null) {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private final MutableClock clock = new MutableClock();
    private final long start = clock.nanoTime();
    private final Map<ServiceInstance, IntPredicate> failing = new HashMap<>();
    private final Map<ServiceInstance, Integer> calls = new HashMap<>();
    private final List<LoadBalancerEvent> events = new CopyOnWriteArrayList<>();
    private final List<ServiceInstance> eleven = fleet(11);
    private final ServiceInstance gray = eleven.get(10);

    private static List<ServiceInstance> fleet(int size) {
        List<ServiceInstance> instances = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            instances.add(ServiceInstance.of("10.0.0." + i, 8080));
        }
        return instances;
    }

    /** Fails every {@code k}-th call of the instance: exactly 1/k of them. */
    private void failEvery(ServiceInstance instance, int k) {
        failing.put(instance, n -> n % k == 0);
    }

    private LoadBalancer loadBalancer(List<ServiceInstance> instances, OutlierEjectionConfig outliers) {
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(instances), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin())
                .circuitBreakerConfig(BREAKERS)
                .outlierEjection(outliers)
                .clock(clock).ticker(clock.ticker())
                .build());
        lb.getEventPublisher().onEvent(events::add);
        return lb;
    }

    private String call(ServiceInstance instance) {
        int n = calls.merge(instance, 1, Integer::sum);
        clock.advance(CALL);
        if (failing.getOrDefault(instance, k -> false).test(n)) {
            throw UNAVAILABLE;
        }
        return "ok";
    }

    /** Calls until {@code elapsed} after the test's start, each call 1 ms; a check runs after each. */
    private void runUntil(LoadBalancer lb, Duration elapsed, Runnable afterEachCall) {
        while (clock.nanoTime() - start < elapsed.toNanos()) {
            try {
                lb.executeSupplier(this::call);
            } catch (IllegalStateException expected) {
                // a failing instance answered
            }
            afterEachCall.run();
        }
    }

    private void runUntil(LoadBalancer lb, Duration elapsed) {
        runUntil(lb, elapsed, () -> { });
    }

    private List<OutlierEjectedEvent> outlierEvents() {
        return events.stream().filter(e -> e instanceof OutlierEjectedEvent).map(e -> (OutlierEjectedEvent) e)
                .collect(Collectors.toList());
    }

    /** Eleven instances, the last of which fails every 10th call, under outlier ejection's defaults. */
    private LoadBalancer grayAmongTenHealthy() {
        return grayAmongTenHealthy(OutlierEjectionConfig.ofDefaults());
    }

    /** Eleven instances, the last of which fails every 10th call. */
    private LoadBalancer grayAmongTenHealthy(OutlierEjectionConfig outliers) {
        failEvery(gray, 10);
        return loadBalancer(eleven, outliers);
    }

    private static CircuitBreaker.State state(LoadBalancer lb, ServiceInstance instance) {
        return lb.getInstances().stream().filter(s -> s.instance().equals(instance)).findFirst().orElseThrow()
                .circuitBreaker().getState();
    }

    @Test
    void tenPercentFailingInstanceAmongTenHealthyOnesIsEjectedAtTheFirstSweep() {
        LoadBalancer lb = grayAmongTenHealthy();

        runUntil(lb, INTERVAL.minus(CALL));
        CircuitBreaker.State beforeTheSweep = state(lb, gray);
        runUntil(lb, INTERVAL.plus(CALL));

        assertThat(beforeTheSweep).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(calls.get(gray)).as("calls the gray instance had in the first interval").isGreaterThanOrEqualTo(100);
        assertThat(state(lb, gray)).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(outlierEvents()).hasSize(1);
        OutlierEjectedEvent event = outlierEvents().get(0);
        assertThat(event.getInstance()).isEqualTo(gray);
        assertThat(event.getMode()).isEqualTo(OutlierEjectionConfig.Mode.SUCCESS_RATE);
        assertThat(event.getCalls()).as("a round robin's 1/11 of 10,000").isBetween(909L, 910L);
        assertThat(event.getSuccessRate()).isCloseTo(0.9, within(0.001));
        assertThat(event.getThreshold()).isBetween(0.9, 1.0);
        assertThat(event.getOpenFor()).isEqualTo(Duration.ofSeconds(10));
        assertThat(lb.getMetrics().getNumberOfOutlierEjections()).isEqualTo(1);
        assertThat(lb.getMetrics().getNumberOfCircuitOpenInstances()).isEqualTo(1);
    }

    @Test
    void outlierEventComesBeforeTheInstancesEjectionAndSaysWhy() {
        LoadBalancer lb = grayAmongTenHealthy();

        runUntil(lb, INTERVAL.plus(CALL));

        List<String> kinds = events.stream().filter(e -> e.getEventType() != LoadBalancerEvent.Type.INSTANCE_ADDED)
                .map(e -> e.getEventType() + (e instanceof InstanceEjectedEvent ? " " + ((InstanceEjectedEvent) e).getReason() : ""))
                .collect(Collectors.toList());
        assertThat(kinds).containsExactly("OUTLIER_EJECTED", "INSTANCE_EJECTED " + EjectionReason.CIRCUIT_OPEN);
        assertThat(outlierEvents().get(0).toString())
                .matches(".*LoadBalancer 'orders' ejected outlier \\Q" + gray + "\\E: success rate 90\\.\\d\\d% over 9\\d\\d calls,"
                        + " below 93\\.\\d\\d% \\(success rate\\); circuit open for PT10S");
    }

    @Test
    void noCallReachesAnEjectedInstanceUntilItsBreakersWaitIsOver() {
        LoadBalancer lb = grayAmongTenHealthy();
        runUntil(lb, INTERVAL.plus(CALL));
        int atEjection = calls.get(gray);

        runUntil(lb, INTERVAL.plus(Duration.ofSeconds(10)).minus(Duration.ofMillis(10)));

        assertThat(calls.get(gray)).isEqualTo(atEjection);
    }

    @Test
    void ejectedInstanceComesBackThroughItsBreakersHalfOpen() {
        LoadBalancer lb = grayAmongTenHealthy();
        List<String> transitions = new CopyOnWriteArrayList<>();
        lb.getInstances().get(10).circuitBreaker().getEventPublisher()
                .onStateTransition(e -> transitions.add(e.getStateTransition().toString()));
        runUntil(lb, INTERVAL.plus(CALL));
        failing.remove(gray); // it heals while it is out
        int atEjection = calls.get(gray);

        runUntil(lb, INTERVAL.plus(Duration.ofSeconds(13)));

        assertThat(transitions).containsExactly("State transition from CLOSED to OPEN", "State transition from OPEN to HALF_OPEN",
                "State transition from HALF_OPEN to CLOSED");
        assertThat(state(lb, gray)).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(calls.get(gray) - atEjection).as("calls after it came back").isGreaterThan(100);
        assertThat(events).anyMatch(e -> e.getEventType() == LoadBalancerEvent.Type.INSTANCE_RESTORED);
    }

    @Test
    void anInstanceEjectedAgainWaitsLongerEachTimeAsItsBreakerWould() {
        LoadBalancer lb = grayAmongTenHealthy(); // it keeps failing 10%, and passes its three HALF_OPEN probes each time

        runUntil(lb, Duration.ofSeconds(75));

        assertThat(outlierEvents()).extracting(OutlierEjectedEvent::getOpenFor)
                .containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40));
        assertThat(outlierEvents()).allMatch(e -> e.getInstance().equals(gray));
    }

    @Test
    void fleetWhereEveryInstanceFailsOnePercentEjectsNone() {
        List<ServiceInstance> instances = fleet(10);
        SplittableRandom random = new SplittableRandom(16);
        for (ServiceInstance instance : instances) {
            failing.put(instance, n -> random.nextDouble() < 0.01);
        }
        LoadBalancer lb = loadBalancer(instances, OutlierEjectionConfig.ofDefaults());

        runUntil(lb, INTERVAL.multipliedBy(60).plus(CALL)); // 60 sweeps of 1,000 calls per instance

        assertThat(calls.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(600_001);
        assertThat(outlierEvents()).isEmpty();
        assertThat(lb.getMetrics().getNumberOfOutlierEjections()).isZero();
        assertThat(lb.getMetrics().getNumberOfCircuitOpenInstances()).isZero();
    }

    @Test
    void withoutTheBinomialTestEnvoysRuleEjectsHealthyInstancesOfAnEvenFleet() {
        // The same fleet judged by Envoy's and gRPC's rule alone: the worst of ten equally good
        // instances is often more than 1.9 standard deviations below the mean, by chance.
        List<ServiceInstance> instances = fleet(10);
        SplittableRandom random = new SplittableRandom(16);
        for (ServiceInstance instance : instances) {
            failing.put(instance, n -> random.nextDouble() < 0.01);
        }
        LoadBalancer lb = loadBalancer(instances, OutlierEjectionConfig.custom().significance(1.0).build());

        runUntil(lb, INTERVAL.multipliedBy(60).plus(CALL));

        assertThat(outlierEvents()).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void maxEjectionPercentHoldsWhenHalfTheFleetDegrades() {
        List<ServiceInstance> instances = fleet(10);
        for (int i = 0; i < 5; i++) {
            failing.put(instances.get(i), n -> n % 10 != 0); // 90% of calls fail; the breakers (100%) stay closed
        }
        LoadBalancer lb = loadBalancer(instances, OutlierEjectionConfig.custom().failurePercentage(85).build());
        int[] mostOut = {0};

        runUntil(lb, Duration.ofSeconds(120), () -> mostOut[0] = Math.max(mostOut[0], lb.getMetrics().getNumberOfCircuitOpenInstances()));

        assertThat(mostOut[0]).as("instances out at once, at most 10% of 10").isEqualTo(1);
        assertThat(outlierEvents()).hasSizeGreaterThan(1);
        assertThat(outlierEvents()).allMatch(e -> instances.indexOf(e.getInstance()) < 5);
    }

    @Test
    void aLargerMaxEjectionPercentLetsMoreOutCountedAfterTheEjection() {
        List<ServiceInstance> instances = fleet(10);
        for (int i = 0; i < 5; i++) {
            failing.put(instances.get(i), n -> n % 10 != 0);
        }
        LoadBalancer lb = loadBalancer(instances, OutlierEjectionConfig.custom().failurePercentage(85).maxEjectionPercent(35).build());
        int[] mostOut = {0};

        runUntil(lb, Duration.ofSeconds(120), () -> mostOut[0] = Math.max(mostOut[0], lb.getMetrics().getNumberOfCircuitOpenInstances()));

        assertThat(mostOut[0]).as("35% of 10, counted after the ejection: 3").isEqualTo(3);
    }

    @Test
    void oneInstanceMayBeEjectedWhenNoneIsOutHoweverSmallTheFleet() {
        List<ServiceInstance> instances = fleet(5);
        failEvery(instances.get(0), 10);
        LoadBalancer lb = loadBalancer(instances, OutlierEjectionConfig.ofDefaults()); // 10% of 5 is less than one

        runUntil(lb, INTERVAL.plus(CALL));

        assertThat(outlierEvents()).extracting(OutlierEjectedEvent::getInstance).containsExactly(instances.get(0));
    }

    @Test
    void anInstanceWhoseBreakerOpenedByItselfCountsAsOut() {
        List<ServiceInstance> instances = fleet(10);
        failEvery(instances.get(0), 10);
        LoadBalancer lb = loadBalancer(instances, OutlierEjectionConfig.ofDefaults());
        lb.getInstances().get(9).circuitBreaker().transitionToForcedOpenState(); // out for another reason

        runUntil(lb, INTERVAL.plus(CALL));

        assertThat(outlierEvents()).as("one of ten is out already: 10% reached").isEmpty();
        assertThat(state(lb, instances.get(0))).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void failurePercentageModeEjectsAtTheThresholdWhateverTheOthersDo() {
        List<ServiceInstance> instances = fleet(10);
        for (int i = 0; i < 10; i++) {
            failing.put(instances.get(i), n -> n % 10 < 8); // every instance fails 80%
        }
        failing.put(instances.get(9), n -> n % 20 != 0); // and one 95%
        LoadBalancer lb = loadBalancer(instances, OutlierEjectionConfig.custom().failurePercentage(85).build());

        runUntil(lb, INTERVAL.plus(CALL));

        assertThat(outlierEvents()).hasSize(1);
        OutlierEjectedEvent event = outlierEvents().get(0);
        assertThat(event.getInstance()).isEqualTo(instances.get(9));
        assertThat(event.getMode()).isEqualTo(OutlierEjectionConfig.Mode.FAILURE_PERCENTAGE);
        assertThat(event.getSuccessRate()).isCloseTo(0.05, within(1e-9));
        assertThat(event.getThreshold()).isCloseTo(0.15, within(1e-9));
    }

    @Test
    void noInstanceIsJudgedWhenFewerThanMinimumHostsHadEnoughCalls() {
        // Each instance gets about 909 calls per interval: fewer than 1,000.
        LoadBalancer lb = grayAmongTenHealthy(OutlierEjectionConfig.custom().requestVolume(1000).build());

        runUntil(lb, INTERVAL.multipliedBy(3).plus(CALL));

        assertThat(outlierEvents()).isEmpty();
    }

    @Test
    void sweepsFollowTheIntervalOfTheConfig() {
        // 2 s: about 180 calls per instance per interval, enough for the default volume of 100.
        LoadBalancer lb = grayAmongTenHealthy(OutlierEjectionConfig.custom().interval(Duration.ofSeconds(2)).build());

        runUntil(lb, Duration.ofSeconds(2).minus(CALL));
        boolean beforeTheFirstSweep = outlierEvents().isEmpty();
        runUntil(lb, Duration.ofSeconds(2).plus(CALL));

        assertThat(beforeTheFirstSweep).isTrue();
        assertThat(outlierEvents()).extracting(OutlierEjectedEvent::getInstance).containsExactly(gray);
    }

    @Test
    void outlierEjectionIsOffByDefault() {
        failEvery(gray, 10);
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(eleven), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerConfig(BREAKERS)
                .clock(clock).ticker(clock.ticker()).build());
        lb.getEventPublisher().onEvent(events::add);

        runUntil(lb, INTERVAL.multipliedBy(3));

        assertThat(LoadBalancerConfig.ofDefaults().getOutlierEjection()).isNull();
        assertThat(outlierEvents()).isEmpty();
        assertThat(state(lb, gray)).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
