package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every built-in selector promises, whatever its algorithm. */
class SelectorContractTest {

    static Stream<SelectionStrategy> strategies() {
        return Stream.of(SelectionStrategy.roundRobin(), SelectionStrategy.weightedRoundRobin(), SelectionStrategy.random(),
                SelectionStrategy.weightedRandom(), SelectionStrategy.leastRequests(), SelectionStrategy.peakEwma(),
                SelectionStrategy.consistentHash(), SelectionStrategy.zonePreferring("eu-west-1a", SelectionStrategy.peakEwma()));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void anEmptySetGivesNull(SelectionStrategy strategy) {
        Selector selector = strategy.newSelector(Candidates.empty());

        assertThat(selector.select(SelectionContext.empty())).isNull();
        assertThat(selector.select(SelectionContext.ofHashKey("k"))).isNull();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aSingleCandidateIsAlwaysPicked(SelectionStrategy strategy) {
        TestCandidate only = TestCandidate.weighted("10.0.0.1", 0);

        Selector selector = strategy.newSelector(Candidates.of(only));

        assertThat(TestCandidate.pickCounts(selector, 100)).containsOnlyKeys(only);
        assertThat(TestCandidate.pickCounts(selector, SelectionContext.ofHashKey(42), 100)).containsOnlyKeys(only);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void selectorsAndStrategiesNameTheStrategy(SelectionStrategy strategy) {
        String name = strategy.toString().replaceAll("\\(.*", "");

        Selector empty = strategy.newSelector(Candidates.empty());
        Selector many = strategy.newSelector(Candidates.of(TestCandidate.many(3)));

        assertThat(name).isNotBlank().doesNotContain("@");
        assertThat(empty.toString()).startsWith(name);
        assertThat(many.toString()).startsWith(name);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void picksFromManyThreadsAreAlwaysCandidatesOfTheSet(SelectionStrategy strategy) throws InterruptedException {
        List<TestCandidate> candidates = TestCandidate.many(5);
        candidates.get(0).weight = 3;
        Selector selector = strategy.newSelector(Candidates.of(candidates));
        Set<Candidate> picked = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(4);

        for (int t = 0; t < 4; t++) {
            int thread = t;
            new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    picked.add(selector.select(i % 2 == 0 ? SelectionContext.empty() : SelectionContext.ofHashKey(i * 31 + thread)));
                }
                done.countDown();
            }).start();
        }
        done.await();

        assertThat(picked).isSubsetOf(candidates).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aPickAllocatesNothing(SelectionStrategy strategy) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        List<TestCandidate> candidates = TestCandidate.many(100);
        candidates.get(0).weight = 3;
        Selector selector = strategy.newSelector(Candidates.of(candidates));
        SelectionContext keyed = SelectionContext.ofHashKey("user-42");
        pick(selector, keyed, 20_000);
        long thread = Thread.currentThread().getId();

        long before = threads.getThreadAllocatedBytes(thread);
        pick(selector, keyed, 100_000);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(allocated).as("bytes allocated by 100,000 picks").isLessThan(1024);
    }

    private static void pick(Selector selector, SelectionContext keyed, int picks) {
        for (int i = 0; i < picks; i++) {
            if (selector.select(i % 2 == 0 ? SelectionContext.empty() : keyed) == null) {
                throw new AssertionError("no pick");
            }
        }
    }
}
