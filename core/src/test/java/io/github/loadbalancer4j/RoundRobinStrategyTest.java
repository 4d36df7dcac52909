package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinStrategyTest {

    @Test
    void eachOfNInstancesIsPickedExactlyKTimesInNTimesKPicks() {
        List<TestCandidate> candidates = TestCandidate.many(7);
        Selector selector = SelectionStrategy.roundRobin().newSelector(Candidates.of(candidates));

        Map<Candidate, Integer> counts = TestCandidate.pickCounts(selector, 7 * 1000);

        assertThat(counts).hasSize(7);
        assertThat(counts.values()).containsOnly(1000);
    }

    @Test
    void consecutivePicksVisitEveryInstanceBeforeRepeatingOne() {
        List<TestCandidate> candidates = TestCandidate.many(5);
        Selector selector = SelectionStrategy.roundRobin().newSelector(Candidates.of(candidates));

        Map<Candidate, Integer> firstRound = TestCandidate.pickCounts(selector, 5);

        assertThat(firstRound.values()).containsOnly(1);
    }
}
