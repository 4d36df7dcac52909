package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Round robin and weighted round robin keep a position per thread: each thread's picks are exact
 * rounds (the seed's pitfall 1: a shared index read and written in two steps skips and repeats), and
 * the whole stays fair over many threads.
 */
class ThreadsFairnessTest {

    private static final int THREADS = 8;

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Each of 8 threads picks {@code picksPerThread} times from one selector at once; returns each thread's counts. */
    private List<Map<Candidate, Integer>> pickFromEightThreads(Selector selector, int picksPerThread) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<Map<Candidate, Integer>>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            results.add(pool.submit(() -> {
                Map<Candidate, Integer> counts = new HashMap<>();
                start.await();
                for (int i = 0; i < picksPerThread; i++) {
                    counts.merge(selector.select(SelectionContext.empty()), 1, Integer::sum);
                }
                return counts;
            }));
        }
        List<Map<Candidate, Integer>> perThread = new ArrayList<>();
        for (Future<Map<Candidate, Integer>> f : results) {
            perThread.add(f.get(60, TimeUnit.SECONDS));
        }
        return perThread;
    }

    @Test
    void roundRobinGivesEveryThreadExactRoundsWhileEightPickAtOnce() throws Exception {
        List<TestCandidate> candidates = TestCandidate.many(7);
        Selector selector = SelectionStrategy.roundRobin().newSelector(Candidates.of(candidates));

        List<Map<Candidate, Integer>> perThread = pickFromEightThreads(selector, 7 * 20_000);

        assertThat(perThread).allSatisfy(counts -> {
            assertThat(counts).hasSize(7);
            assertThat(counts.values()).containsOnly(20_000);
        });
    }

    @Test
    void weightedRoundRobinStaysWithinOnePercentOfTheWeightsOverAMillionPicksFromEightThreads() throws Exception {
        List<TestCandidate> candidates = List.of(TestCandidate.weighted("10.0.0.1", 1), TestCandidate.weighted("10.0.0.2", 2),
                TestCandidate.weighted("10.0.0.3", 3), TestCandidate.weighted("10.0.0.4", 4));
        Selector selector = SelectionStrategy.weightedRoundRobin().newSelector(Candidates.of(candidates));

        List<Map<Candidate, Integer>> perThread = pickFromEightThreads(selector, 125_000);

        Map<Candidate, Integer> total = new HashMap<>();
        perThread.forEach(counts -> counts.forEach((c, n) -> total.merge(c, n, Integer::sum)));
        for (TestCandidate c : candidates) {
            double share = total.get(c) / 1_000_000.0;
            assertThat(share).as(c.toString()).isCloseTo(c.weight() / 10.0, within(0.01 * c.weight() / 10.0));
        }
    }

    @Test
    void roundRobinOverAHundredInstancesGivesEachItsShareWithinOnePercentOverAMillionPicksFromEightThreads() throws Exception {
        List<TestCandidate> candidates = TestCandidate.many(100);
        Selector selector = SelectionStrategy.roundRobin().newSelector(Candidates.of(candidates));

        List<Map<Candidate, Integer>> perThread = pickFromEightThreads(selector, 125_000);

        Map<Candidate, Integer> total = new HashMap<>();
        perThread.forEach(counts -> counts.forEach((c, n) -> total.merge(c, n, Integer::sum)));
        assertThat(total.values()).allSatisfy(n -> assertThat(n).isBetween(9_900, 10_100)); // 1M / 100, within 1%
    }
}
