package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.micrometer.TaggedLoadBalancerMetrics;
import io.github.loadbalancer4j.vavr.VavrLoadBalancer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vavr.control.Try;
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
 * What the integrations cost on the hot path: one successful call through a load balancer (3
 * instances, default config) with no meter binder, the same with
 * {@code TaggedLoadBalancerMetrics} bound to a {@code SimpleMeterRegistry}, and through
 * {@code VavrLoadBalancer.decorateTrySupplier}; the baseline is a call decorated by one resilience4j
 * circuit breaker with its default config.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MeteredCallBenchmark {

    private Supplier<ServiceInstance> circuitBreaker;
    private Supplier<ServiceInstance> loadBalanced;
    private Supplier<ServiceInstance> metered;
    private Supplier<Try<ServiceInstance>> vavrTry;
    private LoadBalancer plain;
    private LoadBalancer measured;

    @Setup
    public void setUp() {
        ServiceInstance fixed = ServiceInstance.of("10.0.0.1", 8080);
        circuitBreaker = CircuitBreaker.decorateSupplier(CircuitBreaker.ofDefaults("bench"), () -> fixed);
        InstanceSource source = InstanceSource.of(BenchmarkInstances.instances(3));
        plain = LoadBalancer.of("plain", source);
        loadBalanced = LoadBalancer.decorateSupplier(plain, chosen -> chosen);
        vavrTry = VavrLoadBalancer.decorateTrySupplier(plain, Try::success);
        measured = LoadBalancer.of("measured", source);
        TaggedLoadBalancerMetrics.ofLoadBalancer(measured).bindTo(new SimpleMeterRegistry());
        metered = LoadBalancer.decorateSupplier(measured, chosen -> chosen);
    }

    @TearDown
    public void tearDown() {
        plain.close();
        measured.close();
    }

    /** The baseline: {@code CircuitBreaker.decorateSupplier(cb, call).get()}. */
    @Benchmark
    public ServiceInstance circuitBreaker() {
        return circuitBreaker.get();
    }

    /** {@code LoadBalancer.decorateSupplier(lb, call).get()}, no meter binder bound. */
    @Benchmark
    public ServiceInstance loadBalancer() {
        return loadBalanced.get();
    }

    /** The same with {@code TaggedLoadBalancerMetrics} bound: a counter and a timer per call. */
    @Benchmark
    public ServiceInstance loadBalancerWithMetrics() {
        return metered.get();
    }

    /** {@code VavrLoadBalancer.decorateTrySupplier(lb, call).get()}: acquire and a lease per call. */
    @Benchmark
    public Try<ServiceInstance> vavrTrySupplier() {
        return vavrTry.get();
    }
}
