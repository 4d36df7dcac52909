package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.loadbalancer4j.internal.InstrumentedLoadBalancer;
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
     * calls of different latencies (5-23 ms) ended on every one of them {@code idleMillis} ago: each
     * has a latency cost that must be aged when read, as in a service under load, not a fresh zero.
     */
    static Candidates liveCandidates(int n, int idleMillis) {
        AtomicLong ticker = new AtomicLong(1_000_000_000_000L);
        long start = ticker.get();
        LoadBalancer lb = LoadBalancer.of("bench", InstanceSource.of(instances(n)),
                LoadBalancerConfig.custom().selectionStrategy(SelectionStrategy.roundRobin()).ticker(ticker::get).build());
        List<Lease> calls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) { // round robin: one call on each instance, all started together
            calls.add(lb.acquire());
        }
        for (int i = 0; i < n; i++) {
            ticker.set(start + 5_000_000L + (i % 7) * 3_000_000L);
            calls.get(i).onSuccess();
        }
        ticker.set(start + 23_000_000L + idleMillis * 1_000_000L);
        lb.executeSupplier(instance -> instance); // moves the load balancer's recent time on
        List<? extends Candidate> states = ((InstrumentedLoadBalancer) lb).candidates();
        for (Candidate state : states) {
            if (state.latencyCost() == 0.0 || state.inFlight() != 0) {
                throw new IllegalStateException("not the intended state: " + state);
            }
        }
        return Candidates.of(states);
    }
}
