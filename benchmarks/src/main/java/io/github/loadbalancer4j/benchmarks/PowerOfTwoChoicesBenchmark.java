package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * P2: a {@code leastRequests()} and a {@code peakEwma()} pick against a bare power of two choices
 * (two {@link ThreadLocalRandom} draws, two volatile reads). The strategies read the load
 * balancer's own candidates, whose latency costs were recorded {@code idleMillis} ago, so a
 * peak-EWMA pick pays for decaying them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PowerOfTwoChoicesBenchmark {

    @Param({"3", "100", "10000"})
    int instances;

    /**
     * How long ago the last call on each instance ended. Under load it is milliseconds (100 ms here),
     * where the EWMA is decayed by a polynomial; after more than 1 s it takes {@code Math.exp}.
     */
    @Param({"100", "5000"})
    int idleMillis;

    private Load[] bare;
    private Selector leastRequests;
    private Selector peakEwma;

    /** What the bare pick reads: one volatile counter per instance. */
    static final class Load {
        volatile int inFlight;
    }

    @Setup
    public void setUp() {
        bare = new Load[instances];
        for (int i = 0; i < instances; i++) {
            bare[i] = new Load();
        }
        Candidates candidates = BenchmarkInstances.liveCandidates(instances, idleMillis);
        leastRequests = SelectionStrategy.leastRequests().newSelector(candidates);
        peakEwma = SelectionStrategy.peakEwma().newSelector(candidates);
    }

    /** The baseline: two distinct random indexes, two volatile reads, keep the smaller. */
    @Benchmark
    public Load bare() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int n = bare.length;
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++;
        }
        Load a = bare[i];
        Load b = bare[j];
        return b.inFlight < a.inFlight ? b : a;
    }

    @Benchmark
    public Candidate leastRequests() {
        return leastRequests.select(SelectionContext.empty());
    }

    @Benchmark
    public Candidate peakEwma() {
        return peakEwma.select(SelectionContext.empty());
    }
}
