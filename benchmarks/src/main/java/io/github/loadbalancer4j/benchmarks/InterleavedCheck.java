package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.Candidate;
import io.github.loadbalancer4j.Candidates;
import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.SelectionContext;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.Selector;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A cross-check of P1-P3 and P17 for machines too busy for JMH's averages: each benchmark and its baseline
 * run in turn, one thread, for many short rounds, and the fastest round of each is kept, so the
 * time other processes steal drops out of both sides alike. Each variant has its own loop method,
 * so no call site is shared (and made megamorphic) between them. Not a replacement for JMH: no
 * forks, no blackhole, no allocation figures.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.github.loadbalancer4j.benchmarks.InterleavedCheck [P1] [P2] [P3] [P17]}
 */
public final class InterleavedCheck {

    private static final int OPS = 1_000_000;
    private static final int ROUNDS = 21;

    private static volatile Object sink;

    private InterleavedCheck() {
    }

    /**
     * Runs the check and prints one line per comparison.
     *
     * @param args optionally the ids to run, e.g. {@code P3}; all by default
     */
    public static void main(String[] args) {
        java.util.List<String> only = java.util.Arrays.asList(args);
        for (int n : only.isEmpty() || only.contains("P1") ? new int[] {3, 10, 100, 10_000} : new int[0]) {
            Candidates candidates = BenchmarkInstances.liveCandidates(n, 100);
            BareRoundRobin bare = new BareRoundRobin(candidates.toArray());
            Selector roundRobin = SelectionStrategy.roundRobin().newSelector(candidates);
            double[] best = bestOf(() -> bareRoundRobin(bare), () -> roundRobin(roundRobin));
            print("P1 roundRobin", n, "bare round robin", best);
        }
        for (int idle : only.isEmpty() || only.contains("P2") ? new int[] {100, 5000} : new int[0]) {
            for (int n : new int[] {3, 100, 10_000}) {
                Candidates candidates = BenchmarkInstances.liveCandidates(n, idle);
                PowerOfTwoChoicesBenchmark.Load[] loads = new PowerOfTwoChoicesBenchmark.Load[n];
                for (int i = 0; i < n; i++) {
                    loads[i] = new PowerOfTwoChoicesBenchmark.Load();
                }
                Selector leastRequests = SelectionStrategy.leastRequests().newSelector(candidates);
                Selector peakEwma = SelectionStrategy.peakEwma().newSelector(candidates);
                double[] best = bestOf(() -> bareP2c(loads), () -> leastRequests(leastRequests), () -> peakEwma(peakEwma));
                print("P2 leastRequests (idle " + idle + " ms)", n, "bare P2C", new double[] {best[0], best[1]});
                print("P2 peakEwma (idle " + idle + " ms)", n, "bare P2C", new double[] {best[0], best[2]});
            }
        }
        if (only.isEmpty() || only.contains("P17")) {
            GrpcCheck.run();
        }
        if (!only.isEmpty() && !only.contains("P3")) {
            return;
        }
        ServiceInstance fixed = ServiceInstance.of("10.0.0.1", 8080);
        Supplier<ServiceInstance> breaker = CircuitBreaker.decorateSupplier(CircuitBreaker.ofDefaults("check"), () -> fixed);
        LoadBalancer lb = LoadBalancer.of("check", InstanceSource.of(BenchmarkInstances.instances(3)));
        Supplier<ServiceInstance> balanced = LoadBalancer.decorateSupplier(lb, instance -> instance);
        double[] best = bestOf(() -> circuitBreaker(breaker), () -> loadBalancer(balanced));
        print("P3 LoadBalancer.decorateSupplier", 3, "CircuitBreaker.decorateSupplier", best);
        lb.close();
    }

    static double[] bestOf(Runnable... variants) {
        return bestOf(OPS, variants);
    }

    /** The fastest round of each variant, in ns per operation, for variants that run {@code ops} operations. */
    static double[] bestOf(int ops, Runnable... variants) {
        double[] best = new double[variants.length];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int round = 0; round < ROUNDS; round++) {
            for (int k = 0; k < variants.length; k++) {
                int v = (round + k) % variants.length; // each variant goes first in some rounds: no place is favoured
                long start = System.nanoTime();
                variants[v].run();
                best[v] = Math.min(best[v], (System.nanoTime() - start) / (double) ops);
            }
        }
        return best;
    }

    static void print(String what, int instances, String baseline, double[] best) {
        System.out.println(String.format(Locale.ROOT, "%-36s %6d instances: %6.1f ns vs %-32s %6.1f ns = %.2fx",
                what, instances, best[1], baseline, best[0], best[1] / best[0]));
    }

    /** The bare pick reads its array and counter from an object, as a selector does (and as in JMH). */
    private static final class BareRoundRobin {
        final Candidate[] array;
        final AtomicInteger counter = new AtomicInteger();

        BareRoundRobin(Candidate[] array) {
            this.array = array;
        }
    }

    private static void bareRoundRobin(BareRoundRobin bare) {
        Object last = null;
        for (int i = 0; i < OPS; i++) {
            last = bare.array[(bare.counter.getAndIncrement() & Integer.MAX_VALUE) % bare.array.length];
        }
        sink = last;
    }

    private static void roundRobin(Selector selector) {
        Object last = null;
        for (int i = 0; i < OPS; i++) {
            last = selector.select(SelectionContext.empty());
        }
        sink = last;
    }

    private static void bareP2c(PowerOfTwoChoicesBenchmark.Load[] loads) {
        Object last = null;
        int n = loads.length;
        for (int k = 0; k < OPS; k++) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int i = random.nextInt(n);
            int j = random.nextInt(n - 1);
            if (j >= i) {
                j++;
            }
            PowerOfTwoChoicesBenchmark.Load a = loads[i];
            PowerOfTwoChoicesBenchmark.Load b = loads[j];
            last = b.inFlight < a.inFlight ? b : a;
        }
        sink = last;
    }

    private static void leastRequests(Selector selector) {
        Object last = null;
        for (int i = 0; i < OPS; i++) {
            last = selector.select(SelectionContext.empty());
        }
        sink = last;
    }

    private static void peakEwma(Selector selector) {
        Object last = null;
        for (int i = 0; i < OPS; i++) {
            last = selector.select(SelectionContext.empty());
        }
        sink = last;
    }

    private static void circuitBreaker(Supplier<ServiceInstance> call) {
        Object last = null;
        for (int i = 0; i < OPS; i++) {
            last = call.get();
        }
        sink = last;
    }

    private static void loadBalancer(Supplier<ServiceInstance> call) {
        Object last = null;
        for (int i = 0; i < OPS; i++) {
            last = call.get();
        }
        sink = last;
    }
}
