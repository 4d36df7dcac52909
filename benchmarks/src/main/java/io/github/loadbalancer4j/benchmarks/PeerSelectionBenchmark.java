package io.github.loadbalancer4j.benchmarks;

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
 * P4: one round-robin pick, ours against the peers and a bare array round robin, at 3, 100 and
 * 10,000 equal instances. Each peer runs in its own fork, so every call site is monomorphic. Run it
 * with {@code -prof gc}; fairness (relative standard deviation of picks per instance) comes from
 * {@link PeerFairness}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PeerSelectionBenchmark {

    /** How many equal instances. */
    @Param({"3", "100", "10000"})
    public int instances;

    /** Which library picks; see {@link PeerPickers}. */
    @Param({"bare", "lb4j-roundRobin", "lb4j-weightedRoundRobin", "armeria-roundRobin", "armeria-weightedRoundRobin",
        "armeria-LoadBalancer.ofRoundRobin", "spring-RoundRobinLoadBalancer", "dubbo-RoundRobinLoadBalance",
        "ribbon-RoundRobinRule", "lb4j-leastRequests", "dubbo-LeastActiveLoadBalance", "grpc-round_robin"})
    public String peer;

    private PeerPickers.Picker picker;

    /** Builds the library's balancer over the instances. */
    @Setup
    public void setUp() {
        picker = PeerPickers.create(peer, instances);
    }

    /** @return one pick */
    @Benchmark
    public Object pick() {
        return picker.pick();
    }
}
