package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinStrategyTest {

    private final SelectionStrategy strategy = SelectionStrategy.weightedRoundRobin();

    @Test
    void integerWeightsAreHitExactlyOverWholePeriods() {
        List<TestCandidate> candidates = List.of(TestCandidate.weighted("10.0.0.1", 1), TestCandidate.weighted("10.0.0.2", 2),
                TestCandidate.weighted("10.0.0.3", 3), TestCandidate.weighted("10.0.0.4", 4));
        Selector selector = strategy.newSelector(Candidates.of(candidates));

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(selector, 100_000);

        for (TestCandidate c : candidates) {
            assertThat(counts.get(c)).isEqualTo((int) c.weight * 10_000);
        }
    }

    @Test
    void fractionalWeightsAreHitWithinTwoPercent() {
        List<TestCandidate> candidates = List.of(TestCandidate.weighted("10.0.0.1", 0.1), TestCandidate.weighted("10.0.0.2", 1.0),
                TestCandidate.weighted("10.0.0.3", 2.35));

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(strategy.newSelector(Candidates.of(candidates)), 100_000);

        assertSharesWithinTwoPercent(candidates, counts, 100_000);
    }

    @Test
    void hugeTotalWeightsFallBackToAnEvenSequenceWithinTwoPercent() {
        List<TestCandidate> candidates = List.of(TestCandidate.weighted("10.0.0.1", 100_003), TestCandidate.weighted("10.0.0.2", 200_000),
                TestCandidate.weighted("10.0.0.3", 700_001));
        Selector selector = strategy.newSelector(Candidates.of(candidates));

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(selector, 100_000);

        assertThat(selector.toString()).contains("golden-ratio");
        assertSharesWithinTwoPercent(candidates, counts, 100_000);
    }

    @Test
    void turnsAreSpreadOverThePeriodRatherThanTakenInARow() {
        TestCandidate heavy = TestCandidate.weighted("10.0.0.1", 3);
        TestCandidate light = TestCandidate.weighted("10.0.0.2", 1);
        Selector selector = strategy.newSelector(Candidates.of(heavy, light));

        List<Candidate> picks = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            picks.add(selector.select(SelectionContext.empty()));
        }

        int longestRun = 0;
        int run = 0;
        for (Candidate pick : picks) {
            run = pick == heavy ? run + 1 : 0;
            longestRun = Math.max(longestRun, run);
        }
        assertThat(longestRun).isLessThanOrEqualTo(3);
    }

    @Test
    void weightZeroIsNeverPickedWhileAnotherHasWeight() {
        TestCandidate zero = TestCandidate.weighted("10.0.0.1", 0);
        TestCandidate one = TestCandidate.weighted("10.0.0.2", 1);
        TestCandidate two = TestCandidate.weighted("10.0.0.3", 2);

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(strategy.newSelector(Candidates.of(zero, one, two)), 3000);

        assertThat(counts).doesNotContainKey(zero).containsEntry(one, 1000).containsEntry(two, 2000);
    }

    @Test
    void allZeroWeightsMeanEqualWeights() {
        List<TestCandidate> candidates = List.of(TestCandidate.weighted("10.0.0.1", 0), TestCandidate.weighted("10.0.0.2", 0),
                TestCandidate.weighted("10.0.0.3", 0));

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(strategy.newSelector(Candidates.of(candidates)), 3000);

        assertThat(counts).hasSize(3);
        assertThat(counts.values()).containsOnly(1000);
    }

    @Test
    void tenThousandUnevenlyWeightedInstancesGetTheirShares() {
        List<TestCandidate> candidates = TestCandidate.many(10_000);
        for (int i = 0; i < candidates.size(); i++) {
            candidates.get(i).weight = i % 2 == 0 ? 1 : 3;
        }
        Selector selector = strategy.newSelector(Candidates.of(candidates));

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(selector, 400_000);

        assertThat(counts.get(candidates.get(0))).isEqualTo(20);
        assertThat(counts.get(candidates.get(1))).isEqualTo(60);
    }

    private static void assertSharesWithinTwoPercent(List<TestCandidate> candidates, Map<Candidate, Integer> counts, int picks) {
        double total = candidates.stream().mapToDouble(c -> c.weight).sum();
        for (TestCandidate c : candidates) {
            double expected = picks * c.weight / total;
            assertThat((double) counts.get(c)).as("picks of %s", c).isCloseTo(expected, within(expected * 0.02));
        }
    }
}
