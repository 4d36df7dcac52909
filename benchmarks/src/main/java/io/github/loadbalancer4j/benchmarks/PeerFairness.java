package io.github.loadbalancer4j.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * P4's fairness, as Envoy reports it next to time: the relative standard deviation of picks per
 * instance (standard deviation / mean, over every instance, 0 for a perfect round robin) after
 * {@code 10 x n} picks ({@code 2 x n} at 10,000 instances), from one thread and from two threads at once (where a non-atomic index
 * skips and repeats instances), for each library of {@link PeerSelectionBenchmark}.
 * {@code java -cp benchmarks/target/benchmarks.jar io.github.loadbalancer4j.benchmarks.PeerFairness}
 */
public final class PeerFairness {

    private PeerFairness() {
    }

    /**
     * Prints one line per library and size.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        int[] sizes = {3, 100, 10_000};
        System.out.printf(Locale.ROOT, "%-36s %9s %8s %10s %12s%n", "peer", "instances", "threads", "picks", "RSD of picks");
        for (String name : PeerPickers.NAMES) {
            for (int n : sizes) {
                for (int threads = 1; threads <= 2; threads++) {
                    int picks = n <= 100 ? 10 * n : 2 * n; // Dubbo is O(n) per pick
                    double rsd = rsd(PeerPickers.create(name, n), n, picks, threads);
                    System.out.printf(Locale.ROOT, "%-36s %9d %8d %10d %12.4f%n", name, n, threads, picks, rsd);
                }
            }
        }
    }

    private static double rsd(PeerPickers.Picker picker, int n, int picks, int threads) throws InterruptedException {
        List<Map<Object, Integer>> perThread = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            Map<Object, Integer> local = new HashMap<>();
            perThread.add(local);
            int share = picks / threads + (t < picks % threads ? 1 : 0);
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < share; i++) {
                    local.merge(picker.pick(), 1, Integer::sum);
                }
            });
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        Map<Object, Integer> counts = new HashMap<>();
        for (Map<Object, Integer> local : perThread) {
            local.forEach((k, v) -> counts.merge(k, v, Integer::sum));
        }
        double mean = (double) picks / n;
        double sumSq = 0;
        for (int c : counts.values()) {
            sumSq += (c - mean) * (c - mean);
        }
        sumSq += (double) (n - counts.size()) * mean * mean; // instances never picked
        return Math.sqrt(sumSq / n) / mean;
    }
}
