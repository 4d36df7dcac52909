package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastRequestsStrategyTest {

    @Test
    void ofTwoCandidatesTheOneWithFewerCallsInFlightIsPicked() {
        TestCandidate idle = TestCandidate.of("10.0.0.1");
        TestCandidate busy = TestCandidate.of("10.0.0.2");
        busy.inFlight = 1;

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(
                SelectionStrategy.leastRequests().newSelector(Candidates.of(busy, idle)), 1000);

        assertThat(counts).containsOnlyKeys(idle);
    }

    @Test
    void theBusiestCandidateIsNeverPickedAndTheIdlestMostOften() {
        TestCandidate idle = TestCandidate.of("10.0.0.1");
        TestCandidate some = TestCandidate.of("10.0.0.2");
        TestCandidate busiest = TestCandidate.of("10.0.0.3");
        some.inFlight = 3;
        busiest.inFlight = 9;

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(
                SelectionStrategy.leastRequests().newSelector(Candidates.of(idle, some, busiest)), 30_000);

        assertThat(counts).doesNotContainKey(busiest);
        assertThat(counts.get(idle)).isBetween(19_000, 21_000); // in 2 of the 3 possible pairs
    }

    @Test
    void withWeightsTheLargerWeightPerCallInFlightWins() {
        TestCandidate heavy = TestCandidate.weighted("10.0.0.1", 4);
        TestCandidate light = TestCandidate.weighted("10.0.0.2", 1);
        heavy.inFlight = 2; // 4 / 3 beats 1 / 1

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(
                SelectionStrategy.leastRequests().newSelector(Candidates.of(heavy, light)), 1000);

        assertThat(counts).containsOnlyKeys(heavy);
    }

    @Test
    void withWeightsWeightZeroIsNeverPicked() {
        TestCandidate zero = TestCandidate.weighted("10.0.0.1", 0);
        TestCandidate busy = TestCandidate.weighted("10.0.0.2", 1);
        busy.inFlight = 100;

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(
                SelectionStrategy.leastRequests().newSelector(Candidates.of(zero, busy)), 1000);

        assertThat(counts).containsOnlyKeys(busy);
    }

    @Test
    void loadBalancerSendsNewCallsAwayFromTheInstanceWithCallsInFlight() {
        ServiceInstance a = ServiceInstance.of("127.0.0.11", 8080);
        ServiceInstance b = ServiceInstance.of("127.0.0.12", 8080);
        ServiceInstance c = ServiceInstance.of("127.0.0.13", 8080);
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(a, b, c),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.leastRequests()).build());
        SelectionContext onlyC = SelectionContext.empty().excluding(a).excluding(b);
        List<Lease> slowCalls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            slowCalls.add(lb.acquire(onlyC));
        }

        List<ServiceInstance> picked = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Lease lease = lb.acquire();
            picked.add(lease.instance());
            lease.onSuccess();
        }

        assertThat(slowCalls).extracting(Lease::instance).containsOnly(c);
        assertThat(picked).doesNotContain(c).contains(a, b);
        slowCalls.forEach(Lease::onSuccess);
    }
}
