package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZonePreferringStrategyTest {

    private final TestCandidate localA = TestCandidate.inZone("10.0.1.1", "eu-west-1a");
    private final TestCandidate localB = TestCandidate.inZone("10.0.1.2", "eu-west-1a");
    private final TestCandidate remoteA = TestCandidate.inZone("10.0.2.1", "eu-west-1b");
    private final TestCandidate remoteB = TestCandidate.inZone("10.0.2.2", "eu-west-1b");
    private final TestCandidate remoteC = TestCandidate.inZone("10.0.3.1", "eu-west-1c");
    private final TestCandidate noZone = TestCandidate.inZone("10.0.4.1", null);

    @Test
    void callsStayInTheZoneWhileItHasACandidate() {
        Selector selector = SelectionStrategy.zonePreferring("eu-west-1a", SelectionStrategy.roundRobin())
                .newSelector(Candidates.of(localA, localB, remoteA, remoteB, noZone));

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(selector, 1000);

        assertThat(counts).containsOnlyKeys(localA, localB).containsEntry(localA, 500);
    }

    @Test
    void callsGoToAllZonesWhenTheZoneHasNoCandidateLeft() {
        Selector selector = SelectionStrategy.zonePreferring("eu-west-1a", SelectionStrategy.roundRobin())
                .newSelector(Candidates.of(remoteA, remoteB, noZone));

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(selector, 300);

        assertThat(counts).containsOnlyKeys(remoteA, remoteB, noZone);
    }

    @Test
    void callsGoToAllZonesWhenTheZoneHoldsLessThanTheMinimumFraction() {
        SelectionStrategy strategy = SelectionStrategy.zonePreferring("eu-west-1a", SelectionStrategy.roundRobin(), 0.3);
        Selector healthy = strategy.newSelector(Candidates.of(localA, localB, remoteA, remoteB, remoteC));
        Selector zoneHalfDown = strategy.newSelector(Candidates.of(localA, remoteA, remoteB, remoteC));

        Map<Candidate, Integer> whileHealthy = TestCandidate.pickCounts(healthy, 100);
        Map<Candidate, Integer> afterLosses = TestCandidate.pickCounts(zoneHalfDown, 400);

        assertThat(whileHealthy).containsOnlyKeys(localA, localB); // 2 of 5 >= 0.3
        assertThat(afterLosses).containsOnlyKeys(localA, remoteA, remoteB, remoteC); // 1 of 4 < 0.3
    }

    @Test
    void theDelegateChoosesAmongTheZonesCandidates() {
        localA.inFlight = 5;
        Selector selector = SelectionStrategy.zonePreferring("eu-west-1a", SelectionStrategy.leastRequests())
                .newSelector(Candidates.of(localA, localB, remoteA));

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(selector, 100);

        assertThat(counts).containsOnlyKeys(localB);
    }

    @Test
    void loadBalancerFailsOverToAnotherZoneWhenTheZonesInstancesWereTried() {
        ServiceInstance local = ServiceInstance.builder("127.0.0.11", 8080).zone("eu-west-1a").build();
        ServiceInstance remote = ServiceInstance.builder("127.0.0.12", 8080).zone("eu-west-1b").build();
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(local, remote), LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.zonePreferring("eu-west-1a", SelectionStrategy.roundRobin())).build());

        Lease first = lb.acquire();
        Lease retry = lb.acquire(SelectionContext.empty().excluding(first.instance()));

        assertThat(List.of(first.instance(), retry.instance())).containsExactly(local, remote);
        first.onSuccess();
        retry.onSuccess();
    }

    @Test
    void blankZoneIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> SelectionStrategy.zonePreferring("", SelectionStrategy.roundRobin()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("zone: '' (expected: a non-blank zone)");
    }

    @Test
    void minimumFractionOutsideZeroToOneIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> SelectionStrategy.zonePreferring("eu-west-1a", SelectionStrategy.roundRobin(), 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minFraction: 1.5 (expected: 0.0-1.0)");
    }

    @Test
    void missingDelegateIsRefused() {
        assertThatThrownBy(() -> SelectionStrategy.zonePreferring("eu-west-1a", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("delegate");
    }
}
