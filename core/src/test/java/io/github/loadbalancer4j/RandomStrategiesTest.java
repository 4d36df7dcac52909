package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomStrategiesTest {

    // A million picks put the smallest share below within 2% at about 9 standard deviations: no flakiness.
    private static final int PICKS = 1_000_000;

    @Test
    void randomSpreadsPicksEvenly() {
        List<TestCandidate> candidates = TestCandidate.many(4);

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(
                SelectionStrategy.random().newSelector(Candidates.of(candidates)), PICKS);

        assertThat(counts).hasSize(4);
        for (TestCandidate c : candidates) {
            assertThat((double) counts.get(c)).isCloseTo(PICKS / 4.0, within(PICKS / 4.0 * 0.02));
        }
    }

    @Test
    void weightedRandomHitsTheWeightsWithinTwoPercent() {
        List<TestCandidate> candidates = List.of(TestCandidate.weighted("10.0.0.1", 1), TestCandidate.weighted("10.0.0.2", 1.5),
                TestCandidate.weighted("10.0.0.3", 3.5));

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(
                SelectionStrategy.weightedRandom().newSelector(Candidates.of(candidates)), PICKS);

        for (TestCandidate c : candidates) {
            double expected = PICKS * c.weight / 6.0;
            assertThat((double) counts.get(c)).as("picks of %s", c).isCloseTo(expected, within(expected * 0.02));
        }
    }

    @Test
    void weightedRandomNeverPicksWeightZeroWhileAnotherHasWeight() {
        TestCandidate zero = TestCandidate.weighted("10.0.0.1", 0);
        TestCandidate one = TestCandidate.weighted("10.0.0.2", 1);
        TestCandidate two = TestCandidate.weighted("10.0.0.3", 2);

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(
                SelectionStrategy.weightedRandom().newSelector(Candidates.of(zero, one, two)), 100_000);

        assertThat(counts).doesNotContainKey(zero).containsKeys(one, two);
    }

    @Test
    void weightedRandomWithAllWeightsZeroPicksUniformly() {
        List<TestCandidate> candidates = List.of(TestCandidate.weighted("10.0.0.1", 0), TestCandidate.weighted("10.0.0.2", 0));

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(
                SelectionStrategy.weightedRandom().newSelector(Candidates.of(candidates)), PICKS);

        for (TestCandidate c : candidates) {
            assertThat((double) counts.get(c)).isCloseTo(PICKS / 2.0, within(PICKS / 2.0 * 0.02));
        }
    }
}
