package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.OutlierEjectionConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * P3: one successful call decorated by a load balancer with the default config (peakEwma; and round robin) over
 * 3 instances, a default breaker per instance, the system ticker) against the same call decorated
 * by one resilience4j circuit breaker with its default config, and the bare call; and the default
 * config with outlier ejection on, for what its counting costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecoratedCallBenchmark {

    private ServiceInstance instance;
    private Supplier<ServiceInstance> bare;
    private Supplier<ServiceInstance> circuitBreaker;
    private Supplier<ServiceInstance> loadBalanced;
    private Supplier<ServiceInstance> roundRobin;
    private Supplier<ServiceInstance> outlierEjecting;
    private LoadBalancer loadBalancer;
    private LoadBalancer roundRobinLoadBalancer;
    private LoadBalancer outlierEjectingLoadBalancer;

    @Setup
    public void setUp() {
        instance = ServiceInstance.of("10.0.0.1", 8080);
        ServiceInstance fixed = instance;
        bare = () -> fixed;
        circuitBreaker = CircuitBreaker.decorateSupplier(CircuitBreaker.ofDefaults("bench"), bare);
        loadBalancer = LoadBalancer.of("bench", InstanceSource.of(BenchmarkInstances.instances(3)));
        loadBalanced = LoadBalancer.decorateSupplier(loadBalancer, chosen -> chosen);
        roundRobinLoadBalancer = LoadBalancer.of("bench-rr", InstanceSource.of(BenchmarkInstances.instances(3)),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).build());
        roundRobin = LoadBalancer.decorateSupplier(roundRobinLoadBalancer, chosen -> chosen);
        outlierEjectingLoadBalancer = LoadBalancer.of("bench-outliers", InstanceSource.of(BenchmarkInstances.instances(3)),
                LoadBalancerConfig.custom().outlierEjection(OutlierEjectionConfig.ofDefaults()).build());
        outlierEjecting = LoadBalancer.decorateSupplier(outlierEjectingLoadBalancer, chosen -> chosen);
    }

    @TearDown
    public void tearDown() {
        loadBalancer.close();
        roundRobinLoadBalancer.close();
        outlierEjectingLoadBalancer.close();
    }

    /** The call itself, undecorated. */
    @Benchmark
    public ServiceInstance bare() {
        return bare.get();
    }

    /** The baseline: {@code CircuitBreaker.decorateSupplier(cb, call).get()}. */
    @Benchmark
    public ServiceInstance circuitBreaker() {
        return circuitBreaker.get();
    }

    /** {@code LoadBalancer.decorateSupplier(lb, call).get()}, default config (peakEwma). */
    @Benchmark
    public ServiceInstance loadBalancer() {
        return loadBalanced.get();
    }

    /** The default config with outlier ejection on: one atomic add per call, and a sweep every 10 s on the load balancer's thread. */
    @Benchmark
    public ServiceInstance loadBalancerOutlierEjection() {
        return outlierEjecting.get();
    }

    /** The same with {@code roundRobin()}, the cheapest pick. */
    @Benchmark
    public ServiceInstance loadBalancerRoundRobin() {
        return roundRobin.get();
    }
}
