package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.internal.InstrumentedLoadBalancer;
import io.github.loadbalancer4j.testing.MutableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class PeakEwmaStrategyTest {

    private final MutableClock clock = new MutableClock();
    private final ServiceInstance fast1 = ServiceInstance.of("127.0.0.11", 8080);
    private final ServiceInstance fast2 = ServiceInstance.of("127.0.0.12", 8080);
    private final ServiceInstance other = ServiceInstance.of("127.0.0.13", 8080);

    @Test
    void atLeastNinetyPercentOfCallsGoToTheFastInstancesWhenOneIsTenTimesSlower() {
        LoadBalancer lb = loadBalancer(SelectionStrategy.peakEwma());
        Map<ServiceInstance, Integer> calls = new HashMap<>();
        Supplier<ServiceInstance> call = LoadBalancer.decorateSupplier(lb, instance -> {
            calls.merge(instance, 1, Integer::sum);
            clock.advance(Duration.ofMillis(instance.equals(other) ? 100 : 10)); // the call takes this long
            return instance;
        });

        run(call, 3000);

        assertThat(calls.getOrDefault(other, 0)).isLessThanOrEqualTo(300).isPositive(); // it was tried, then avoided
    }

    @Test
    void anInstanceThatFailsFastDoesNotAttractCalls() {
        LoadBalancer lb = loadBalancer(SelectionStrategy.peakEwma());
        Map<ServiceInstance, Integer> calls = new HashMap<>();
        Supplier<ServiceInstance> call = LoadBalancer.decorateSupplier(lb, instance -> {
            calls.merge(instance, 1, Integer::sum);
            if (instance.equals(other)) {
                clock.advance(Duration.ofMillis(1));
                throw new IllegalStateException("connection reset by " + instance);
            }
            clock.advance(Duration.ofMillis(10));
            return instance;
        });

        run(call, 3000);

        assertThat(calls.getOrDefault(other, 0)).isLessThanOrEqualTo(150).isPositive(); // at most 5%
    }

    @Test
    void aBusyInstanceWithoutLatencyYetCostsMoreThanAnyMeasuredOne() {
        TestCandidate fresh = TestCandidate.of("10.0.0.1");
        TestCandidate slow = TestCandidate.of("10.0.0.2");
        fresh.inFlight = 1;
        slow.latencyCost = Duration.ofSeconds(30).toNanos();
        slow.inFlight = 50;

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(
                SelectionStrategy.peakEwma().newSelector(Candidates.of(fresh, slow)), 100);

        assertThat(counts).containsOnlyKeys(slow);
    }

    @Test
    void anIdleInstanceWithoutLatencyYetIsTriedFirst() {
        TestCandidate fresh = TestCandidate.of("10.0.0.1");
        TestCandidate measured = TestCandidate.of("10.0.0.2");
        measured.latencyCost = Duration.ofMillis(1).toNanos();

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(
                SelectionStrategy.peakEwma().newSelector(Candidates.of(fresh, measured)), 100);

        assertThat(counts).containsOnlyKeys(fresh);
    }

    @Test
    void costWeighsLatencyByCallsInFlight() {
        TestCandidate fastButBusy = TestCandidate.of("10.0.0.1");
        TestCandidate slowerIdle = TestCandidate.of("10.0.0.2");
        fastButBusy.latencyCost = 10;
        fastButBusy.inFlight = 4; // 10 x 5 = 50
        slowerIdle.latencyCost = 30; // 30 x 1

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(
                SelectionStrategy.peakEwma().newSelector(Candidates.of(fastButBusy, slowerIdle)), 100);

        assertThat(counts).containsOnlyKeys(slowerIdle);
    }

    private LoadBalancer loadBalancer(SelectionStrategy strategy) {
        // A breaker that never opens within the test, so that only the strategy keeps calls away.
        CircuitBreakerConfig neverOpens = CircuitBreakerConfig.custom()
                .slidingWindowSize(10_000).minimumNumberOfCalls(10_000).build();
        return LoadBalancer.of("orders", InstanceSource.of(fast1, fast2, other), LoadBalancerConfig.custom()
                .selectionStrategy(strategy).circuitBreakerConfig(neverOpens).clock(clock).ticker(clock.ticker()).build());
    }

    private static void run(Supplier<ServiceInstance> call, int calls) {
        for (int i = 0; i < calls; i++) {
            try {
                call.get();
            } catch (IllegalStateException expected) {
                // the failing instance's answer
            }
        }
    }

    @Test
    void theLoadBalancersOwnCandidatesAreRankedExactlyAsTheirPublicCostsRankThem() {
        // The selector compares the load balancer's candidates by their stamps' distance; any other
        // Candidate by latencyCost() x (inFlight + 1). Both must agree on every pair.
        SplittableRandom random = new SplittableRandom(11);
        List<ServiceInstance> instances = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            instances.add(ServiceInstance.of("10.0.0." + i, 8080));
        }
        LoadBalancer lb = LoadBalancer.of("ranked", InstanceSource.of(instances), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).clock(clock).ticker(clock.ticker()).build());
        List<Lease> stillRunning = new ArrayList<>();
        for (int i = 0; i < 400; i++) { // calls of 2-2,000 ms over minutes; some never end
            Lease lease = lb.acquire();
            clock.advance(Duration.ofMillis(random.nextLong(2, 2_000)));
            if (random.nextInt(8) == 0) {
                stillRunning.add(lease);
            } else {
                lease.onSuccess();
            }
        }
        List<? extends Candidate> states = ((InstrumentedLoadBalancer) lb).candidates();
        int compared = 0;
        for (Candidate a : states) {
            for (Candidate b : states) {
                double scoreA = a.latencyCost() * (a.inFlight() + 1);
                double scoreB = b.latencyCost() * (b.inFlight() + 1);
                if (a == b || Math.abs(scoreA - scoreB) <= 1e-6 * Math.max(scoreA, scoreB)) {
                    continue; // a tie within rounding may go either way
                }
                Selector selector = SelectionStrategy.peakEwma().newSelector(Candidates.of(List.of(a, b)));
                Candidate cheaper = scoreA < scoreB ? a : b;
                for (int draw = 0; draw < 8; draw++) { // both orders of the pair
                    assertThat(selector.select(SelectionContext.empty())).as("%s vs %s", a, b).isSameAs(cheaper);
                }
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(40);
        assertThat(stillRunning).isNotEmpty();
    }
}
