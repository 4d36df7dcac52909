package io.github.loadbalancer4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
    void eightThreadsCallingAtOnceGiveEachInstanceExactlyItsShare() throws Exception {
        // The seed's pitfall 1: a hand-written index read and written in two steps skips and repeats.
        List<ServiceInstance> instances = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            instances.add(ServiceInstance.of("10.0.0." + (i + 1), 8080));
        }
        LoadBalancer lb = LoadBalancer.of("orders", InstanceSource.of(instances),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        Map<ServiceInstance, LongAdder> counts = new ConcurrentHashMap<>();
        instances.forEach(i -> counts.put(i, new LongAdder()));
        int threads = 8;
        int callsPerThread = 7 * 10_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();

        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < callsPerThread; i++) {
                    lb.executeRunnable(instance -> counts.get(instance).increment());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(counts.values()).extracting(LongAdder::sum).containsOnly((long) threads * callsPerThread / 7);
    }

    @Test
    void consecutivePicksVisitEveryInstanceBeforeRepeatingOne() {
        List<TestCandidate> candidates = TestCandidate.many(5);
        Selector selector = SelectionStrategy.roundRobin().newSelector(Candidates.of(candidates));

        Map<Candidate, Integer> firstRound = TestCandidate.pickCounts(selector, 5);

        assertThat(firstRound.values()).containsOnly(1);
    }
}
