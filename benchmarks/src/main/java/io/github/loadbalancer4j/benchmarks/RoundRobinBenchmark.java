package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * P1: a {@code roundRobin()} pick against the bare pick it is built on,
 * {@code array[(counter.getAndIncrement() & MAX) % n]}, over the same candidates. The state is
 * shared, so with 2 threads both contend on one counter, as callers of one load balancer do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoundRobinBenchmark {

    @Param({"3", "10", "100", "10000"})
    int instances;

    private Candidate[] array;
    private final AtomicInteger counter = new AtomicInteger();
    private Selector roundRobin;
    private Selector weightedRoundRobin;

    @Setup
    public void setUp() {
        Candidates candidates = BenchmarkInstances.liveCandidates(instances, 100);
        array = candidates.toArray();
        roundRobin = SelectionStrategy.roundRobin().newSelector(candidates);
        weightedRoundRobin = SelectionStrategy.weightedRoundRobin().newSelector(candidates);
    }

    /** The baseline: a bare atomic round robin over an array. */
    @Benchmark
    public Candidate bare() {
        return array[(counter.getAndIncrement() & Integer.MAX_VALUE) % array.length];
    }

    @Benchmark
    public Candidate roundRobin() {
        return roundRobin.select(SelectionContext.empty());
    }

    /** Equal weights here, so the same path as round robin; for the record. */
    @Benchmark
    public Candidate weightedRoundRobin() {
        return weightedRoundRobin.select(SelectionContext.empty());
    }
}
