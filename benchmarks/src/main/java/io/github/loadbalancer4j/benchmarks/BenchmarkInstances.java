package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.internal.DefaultLoadBalancer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Instances and live load-balancer candidates for the benchmarks. */
final class BenchmarkInstances {

    private BenchmarkInstances() {
    }

    /** @return n instances 10.x.y.z:8080 */
    static List<ServiceInstance> instances(int n) {
        List<ServiceInstance> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(ServiceInstance.of("10." + (i >> 16 & 255) + '.' + (i >> 8 & 255) + '.' + (i & 255), 8080));
        }
        return list;
    }

    /**
     * The load balancer's own candidates (its per-instance state objects) for n instances, after
     * calls of different latencies ended on every one of them a second ago: each has a latency cost
     * that is aged, as in a service under steady load, not a fresh zero.
     */
    static Candidates liveCandidates(int n) {
        AtomicLong ticker = new AtomicLong(1_000_000_000_000L);
        LoadBalancer lb = LoadBalancer.of("bench", InstanceSource.of(instances(n)),
                LoadBalancerConfig.custom().ticker(ticker::get).build());
        for (int i = 0; i < n; i++) { // round robin: one call per instance
            long latency = 5_000_000L + (i % 7) * 3_000_000L;
            lb.executeSupplier(instance -> ticker.addAndGet(latency));
        }
        ticker.addAndGet(1_000_000_000L);
        lb.executeSupplier(instance -> ticker.get()); // moves the load balancer's recent time on
        List<? extends Candidate> states = ((DefaultLoadBalancer) lb).instanceStates();
        return Candidates.of(states);
    }
}
