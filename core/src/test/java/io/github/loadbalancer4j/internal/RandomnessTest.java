package io.github.loadbalancer4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import io.github.loadbalancer4j.ServiceInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RandomnessTest {

    @AfterEach
    void clear() {
        Randomness.useOnCurrentThread(null);
    }

    @Test
    void seededThreadGetsTheSamePicksOnEveryRun() {
        List<String> first = picks(SelectionStrategy.leastRequests(), 42);
        List<String> second = picks(SelectionStrategy.leastRequests(), 42);

        assertThat(second).isEqualTo(first);
        assertThat(picks(SelectionStrategy.random(), 7)).isEqualTo(picks(SelectionStrategy.random(), 7));
        assertThat(picks(SelectionStrategy.peakEwma(), 7)).isEqualTo(picks(SelectionStrategy.peakEwma(), 7));
        assertThat(picks(SelectionStrategy.roundRobin(), 7)).isEqualTo(picks(SelectionStrategy.roundRobin(), 7));
    }

    @Test
    void overrideStaysOnTheThreadThatInstalledIt() throws Exception {
        SplittableRandom seeded = new SplittableRandom(1);
        Randomness.useOnCurrentThread(seeded);

        RandomGenerator elsewhere = CompletableFuture.supplyAsync(Randomness::current).get();

        assertThat(Randomness.current()).isSameAs(seeded);
        assertThat(elsewhere).isInstanceOf(ThreadLocalRandom.class);
    }

    private static List<String> picks(SelectionStrategy strategy, long seed) {
        Randomness.useOnCurrentThread(new SplittableRandom(seed));
        List<Candidate> list = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ServiceInstance instance = ServiceInstance.of("10.0.0." + (i + 1), 8080);
            list.add(new Candidate() {
                @Override
                public ServiceInstance instance() {
                    return instance;
                }

                @Override
                public double weight() {
                    return 1;
                }

                @Override
                public int inFlight() {
                    return 0;
                }

                @Override
                public double latencyCost() {
                    return 0;
                }
            });
        }
        Selector selector = strategy.newSelector(Candidates.of(list));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(selector.select(SelectionContext.empty()).instance().id());
        }
        return ids;
    }
}
