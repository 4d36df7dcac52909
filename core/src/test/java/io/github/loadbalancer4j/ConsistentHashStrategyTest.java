package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConsistentHashStrategyTest {

    private static final int KEYS = 100_000;

    private final SelectionStrategy strategy = SelectionStrategy.consistentHash();

    @Test
    void aKeyGoesToTheSameInstanceEveryTime() {
        Selector selector = strategy.newSelector(Candidates.of(TestCandidate.many(10)));
        SelectionContext user42 = SelectionContext.ofHashKey("user-42");

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(selector, user42, 1000);

        assertThat(counts).hasSize(1);
    }

    @Test
    void removingOneOfTenInstancesMovesOnlyItsOwnKeysAtMostFifteenPercent() {
        List<TestCandidate> ten = TestCandidate.many(10);
        List<TestCandidate> nine = new ArrayList<>(ten.subList(0, 9));
        TestCandidate removed = ten.get(9);
        Selector before = strategy.newSelector(Candidates.of(ten));
        Selector after = strategy.newSelector(Candidates.of(nine));

        int moved = 0;
        int movedFromOthers = 0;
        for (int k = 0; k < KEYS; k++) {
            SelectionContext key = SelectionContext.ofHashKey("key-" + k);
            Candidate was = before.select(key);
            Candidate is = after.select(key);
            if (was != is) {
                moved++;
                movedFromOthers += was == removed ? 0 : 1;
            }
        }

        assertThat(moved).isBetween(KEYS / 20, KEYS * 15 / 100);
        assertThat(movedFromOthers).isZero();
    }

    @Test
    void theRingDependsOnTheInstanceIdsNotOnTheirOrder() {
        List<TestCandidate> candidates = TestCandidate.many(10);
        List<TestCandidate> shuffled = new ArrayList<>(candidates);
        Collections.shuffle(shuffled, new Random(7));
        List<TestCandidate> sameIdsOtherObjects = new ArrayList<>();
        for (TestCandidate c : shuffled) {
            sameIdsOtherObjects.add(new TestCandidate(c.instance()));
        }
        Selector first = strategy.newSelector(Candidates.of(candidates));
        Selector second = strategy.newSelector(Candidates.of(sameIdsOtherObjects));

        for (int k = 0; k < 10_000; k++) {
            SelectionContext key = SelectionContext.ofHashKey(k);

            assertThat(second.select(key).instance()).isEqualTo(first.select(key).instance());
        }
    }

    @Test
    void keysAreSpreadEvenlyOverTheInstances() {
        List<TestCandidate> candidates = TestCandidate.many(10);
        Selector selector = strategy.newSelector(Candidates.of(candidates));

        Map<Candidate, Integer> counts = new java.util.HashMap<>();
        for (int k = 0; k < KEYS; k++) {
            counts.merge(selector.select(SelectionContext.ofHashKey(k)), 1, Integer::sum);
        }

        assertThat(counts).hasSize(10);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(KEYS / 10 * 7 / 10, KEYS / 10 * 13 / 10));
    }

    @Test
    void callsWithoutAKeyAreSpreadByRoundRobin() {
        Selector selector = strategy.newSelector(Candidates.of(TestCandidate.many(4)));

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(selector, 400);

        assertThat(counts).hasSize(4);
        assertThat(counts.values()).containsOnly(100);
    }

    @Test
    void theRingOfTenThousandInstancesIsCapped() {
        Selector selector = strategy.newSelector(Candidates.of(TestCandidate.many(10_000)));

        Map<Candidate, Integer> counts = new java.util.HashMap<>();
        for (int k = 0; k < KEYS; k++) {
            counts.merge(selector.select(SelectionContext.ofHashKey("key-" + k)), 1, Integer::sum);
        }

        assertThat(selector.toString()).contains("a ring of 60000 points");
        assertThat(counts.size()).isGreaterThan(9_000);
    }

    @Test
    void loadBalancerRoutesEqualKeysToTheSameInstance() {
        List<ServiceInstance> instances = List.of(ServiceInstance.of("127.0.0.11", 8080),
                ServiceInstance.of("127.0.0.12", 8080), ServiceInstance.of("127.0.0.13", 8080));
        LoadBalancer lb = LoadBalancer.of("carts", InstanceSource.of(instances),
                LoadBalancerConfig.custom().selectionStrategy(strategy).build());
        java.util.function.Function<String, ServiceInstance> cartOf = LoadBalancer.decorateFunction(lb,
                (String user) -> user, (instance, user) -> instance);

        List<ServiceInstance> forAlice = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            forAlice.add(cartOf.apply("alice"));
        }

        assertThat(forAlice).containsOnly(forAlice.get(0));
    }
}
