package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.InstanceStatus;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * P13: a storm. 10,000 instances, 2 threads calling without pause; in the storm run, 30% of the
 * instances' breakers open within one second (3,000 transitions spread over it, by a third thread, as
 * a zone outage would), and the callers' per-call times are compared with a run without the storm:
 * p50, p99, p99.9 and max. A call never waits on the load balancer's lock, so the storm shows only as
 * the CPU the load balancer's own thread spends on rebuilds.
 * {@code java -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar io.github.loadbalancer4j.benchmarks.BreakerStorm}.
 */
public final class BreakerStorm {

    private static final int INSTANCES = 10_000;
    private static final int OPENED = 3_000;
    private static final Duration RUN = Duration.ofSeconds(3);

    private BreakerStorm() {
    }

    /**
     * Runs a warm-up, then the calm run and the storm run, and prints both.
     *
     * @param args unused
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        run(false);
        run(true);
        long[] calm = run(false);
        long[] storm = run(true);
        System.out.println("| run | calls | p50 ns | p99 ns | p99.9 ns | max ns |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        print("without the storm", calm);
        print("30% of 10,000 breakers opening within 1 s", storm);
        System.out.printf(Locale.ROOT, "p99 ratio %.2fx, max %.3f ms%n", (double) percentile(storm, 0.99) / percentile(calm, 0.99),
                storm[storm.length - 1] / 1e6);
    }

    private static void print(String label, long[] sorted) {
        System.out.printf(Locale.ROOT, "| %s | %,d | %d | %d | %d | %d |%n", label, sorted.length, percentile(sorted, 0.5),
                percentile(sorted, 0.99), percentile(sorted, 0.999), sorted[sorted.length - 1]);
    }

    /** @return every call's time in nanoseconds from both callers, sorted */
    private static long[] run(boolean storm) throws InterruptedException {
        List<ServiceInstance> instances = ScaleCosts.instances(INSTANCES, 1);
        try (LoadBalancer lb = LoadBalancer.of("storm", InstanceSource.of(instances), LoadBalancerConfig.custom()
                .circuitBreakerConfig(CircuitBreakerConfig.custom().waitDurationInOpenState(Duration.ofMinutes(10)).build())
                .build())) {
            List<CircuitBreaker> breakers = new ArrayList<>();
            for (InstanceStatus status : lb.getInstances()) {
                breakers.add(status.circuitBreaker());
            }
            Collections.shuffle(breakers, new java.util.Random(42));
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch start = new CountDownLatch(1);
            List<long[]> times = Collections.synchronizedList(new ArrayList<>());
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                Thread caller = new Thread(() -> {
                    long[] mine = new long[4_000_000];
                    int n = 0;
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    while (!stop.get() && n < mine.length) {
                        long t0 = System.nanoTime();
                        lb.executeSupplier(ServiceInstance::port);
                        mine[n++] = System.nanoTime() - t0;
                    }
                    times.add(Arrays.copyOf(mine, n));
                }, "caller-" + t);
                caller.start();
                callers.add(caller);
            }
            start.countDown();
            Thread.sleep(RUN.toMillis() / 3);
            if (storm) {
                long t0 = System.nanoTime();
                for (int i = 0; i < OPENED; i++) {
                    breakers.get(i).transitionToOpenState();
                    // 3,000 within 1 s: one every 333 us.
                    long due = t0 + (i + 1) * TimeUnit.SECONDS.toNanos(1) / OPENED;
                    LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
                }
            }
            Thread.sleep(storm ? RUN.toMillis() * 2 / 3 - 1_000 : RUN.toMillis() * 2 / 3);
            stop.set(true);
            for (Thread caller : callers) {
                caller.join();
            }
            long[] all = times.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            if (storm && lb.getMetrics().getNumberOfCircuitOpenInstances() != OPENED) {
                throw new IllegalStateException("expected " + OPENED + " open breakers");
            }
            return all;
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }
}
