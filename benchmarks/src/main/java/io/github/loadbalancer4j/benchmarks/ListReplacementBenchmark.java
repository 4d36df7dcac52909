package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.MutableInstanceSource;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * P5: selection through the load balancer while another thread keeps replacing its instance list
 * ({@code replacing}: one thread picks, one thread publishes a new list, alternately all instances
 * and all but one, as fast as it can), against the same pick with the second thread idle
 * ({@code steady}). Bar: the pick during replacement within 2x the steady pick, and no error (a pick
 * that throws fails the run).
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ListReplacementBenchmark {

    /** How many instances the full list has. */
    @Param({"3", "100"})
    public int instances;

    private MutableInstanceSource source;
    private LoadBalancer lb;
    private List<ServiceInstance> all;
    private List<ServiceInstance> allButOne;
    private boolean flip;

    /** Builds the load balancer over a mutable source. */
    @Setup(Level.Trial)
    public void setUp() {
        all = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            all.add(ServiceInstance.of("10.0." + (i >> 8) + "." + (i & 255), 8080));
        }
        allButOne = all.subList(0, instances - 1);
        source = InstanceSource.mutable(all.toArray(new ServiceInstance[0]));
        lb = LoadBalancer.of("p5", source, LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
    }

    /** Closes the load balancer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        lb.close();
    }

    private ServiceInstance pick() {
        Lease lease = lb.acquire();
        ServiceInstance instance = lease.instance();
        lease.release();
        return instance;
    }

    /** @return the pick, while the other thread replaces the list */
    @Benchmark
    @Group("replacing")
    @GroupThreads(1)
    public ServiceInstance replacingPick() {
        return pick();
    }

    /** Publishes a new list: every instance, or all but the last, in turn. */
    @Benchmark
    @Group("replacing")
    @GroupThreads(1)
    public void replacingUpdate() {
        flip = !flip;
        source.update(flip ? allButOne : all);
    }

    /** @return the pick, while the other thread does not touch the load balancer */
    @Benchmark
    @Group("steady")
    @GroupThreads(1)
    public ServiceInstance steadyPick() {
        return pick();
    }

    /** @return the other thread's busy work, which does not touch the load balancer */
    @Benchmark
    @Group("steady")
    @GroupThreads(1)
    public boolean steadyIdle() {
        flip = !flip;
        return flip;
    }
}
