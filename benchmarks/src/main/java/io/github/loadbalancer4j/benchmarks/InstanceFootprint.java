package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.ServiceInstance;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * P6: the heap a load balancer retains per instance, at 10,000 instances with the default config
 * (one resilience4j breaker per instance, COUNT_BASED window of 20, in the load balancer's own
 * registry). Measured as the used heap after full collections, with the load balancer alive minus
 * without it; the {@code ServiceInstance}s themselves (the caller's list) are measured apart.
 * Run with a serial collector so that "used after GC" is exact:
 * {@code java -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar io.github.loadbalancer4j.benchmarks.InstanceFootprint}.
 */
public final class InstanceFootprint {

    private static final int INSTANCES = 10_000;
    private static final int ROUNDS = 5;

    private InstanceFootprint() {
    }

    /**
     * Prints the retained bytes per instance.
     *
     * @param args optional: the number of instances
     * @throws InterruptedException if interrupted while letting the collector settle
     */
    public static void main(String[] args) throws InterruptedException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : INSTANCES;
        long beforeList = usedAfterGc();
        List<ServiceInstance> instances = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            instances.add(ServiceInstance.of("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 8080));
        }
        long afterList = usedAfterGc();
        double[] perInstance = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long before = usedAfterGc();
            LoadBalancer lb = LoadBalancer.of("footprint", InstanceSource.of(instances));
            lb.acquire().release(); // the hot path's lazily built structures, if any
            long after = usedAfterGc();
            perInstance[round] = (double) (after - before) / n;
            if (lb.getInstances().size() != n) {
                throw new IllegalStateException("expected " + n + " instances, got " + lb.getInstances().size());
            }
            lb.close();
        }
        Arrays.sort(perInstance);
        System.out.printf(Locale.ROOT, "instances: %d%n", n);
        System.out.printf(Locale.ROOT, "ServiceInstance (caller's list), bytes each: %.0f%n", (double) (afterList - beforeList) / n);
        System.out.printf(Locale.ROOT, "load balancer, retained bytes per instance: median %.0f (min %.0f, max %.0f over %d rounds)%n",
                perInstance[ROUNDS / 2], perInstance[0], perInstance[ROUNDS - 1], ROUNDS);
        System.out.println(instances.size() == n ? "" : "?");
    }

    private static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
