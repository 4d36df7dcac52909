package io.github.loadbalancer4j.benchmarks;

import io.github.loadbalancer4j.InstanceSource;
import io.github.loadbalancer4j.Lease;
import io.github.loadbalancer4j.LoadBalancer;
import io.github.loadbalancer4j.LoadBalancerConfig;
import io.github.loadbalancer4j.MutableInstanceSource;
import io.github.loadbalancer4j.SelectionStrategy;
import io.github.loadbalancer4j.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * P12: what costs grow with the fleet, measured at 10, 100, 1,000, 10,000 and 100,000 instances:
 * (a) the caller's cost of ending a call whose end opens its instance's breaker, against ending the
 * same call without a state change; (b) one instance replaced in a full-list update (a rolling-deploy
 * step), per update and per instance; (c) building a load balancer, per instance. Each timing is one
 * {@code System.nanoTime()} pair around the operation, so the two sides of (a) carry the same clock
 * overhead. Beside (a), in the same run: a bare resilience4j breaker's {@code onSuccess} and its
 * {@code onError} that opens it (the transition's own cost, which no load balancer over resilience4j
 * can avoid), so that what the load balancer adds to a state change can be read off. Writes a Markdown table and a log-log chart (with lines for O(1) and O(n)):
 * {@code java -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar io.github.loadbalancer4j.benchmarks.ScaleCosts [out-dir]}.
 */
public final class ScaleCosts {

    private static final int[] SIZES = {10, 100, 1_000, 10_000, 100_000};
    /** A breaker that opens on its first failure: every failed end is an availability change. */
    private static final CircuitBreakerConfig OPENS_AT_ONCE = CircuitBreakerConfig.custom()
            .slidingWindow(1, 1, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .failureRateThreshold(100).waitDurationInOpenState(Duration.ofHours(1)).build();
    private static final IllegalStateException DOWN = new IllegalStateException("down");

    private ScaleCosts() {
    }

    /**
     * Runs every measurement and prints the table.
     *
     * @param args optional: the directory for scale-p12.md (the table) and scale.png (the chart) (default benchmarks/results)
     * @throws IOException if the chart cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "benchmarks/results");
        Files.createDirectories(out);
        // Two passes so that the JIT has compiled every path with every size's profile (after one, a
        // recompilation could still fall into the measured pass), then the measured one.
        measureAll();
        measureAll();
        List<double[]> rows = measureAll();
        StringBuilder md = new StringBuilder();
        double[] bare = bareBreakerEnds();
        md.append("| instances | (a) call end, no change: median / p99 ns | (a) call end that opens its breaker: median / p99 ns | ratio of medians | ratio of p99s | (b) one instance replaced: ms per update | (c) build: ms (us per instance) |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < SIZES.length; i++) {
            double[] r = rows.get(i);
            md.append(String.format(Locale.ROOT, "| %,d | %.0f / %.0f | %.0f / %.0f | %.2fx | %.2fx | %.3f | %.1f (%.2f) |%n",
                    SIZES[i], r[0], r[1], r[2], r[3], r[2] / r[0], r[3] / r[1], r[4] / 1e6, r[5] / 1e6, r[5] / 1e3 / SIZES[i]));
        }
        md.append(String.format(Locale.ROOT, "%nBaseline for (a), same run: a bare resilience4j breaker, `onSuccess` %.0f ns and an `onError` that opens it"
                + " %.0f ns (medians; %.2fx): the transition's own cost.%n", bare[0], bare[1], bare[1] / bare[0]));
        System.out.print(md);
        Files.writeString(out.resolve("scale-p12.md"), md.toString());
        chart(rows, out.resolve("scale.png"));
    }

    private static List<double[]> measureAll() {
        List<double[]> rows = new ArrayList<>();
        for (int n : SIZES) {
            double[] ends = callEnds(n);
            rows.add(new double[] {ends[0], ends[1], ends[2], ends[3], replaceOne(n), build(n)});
        }
        return rows;
    }

    static List<ServiceInstance> instances(int n, int generation) {
        List<ServiceInstance> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(ServiceInstance.of("10." + generation + "." + (i >> 8 & 255) + "." + (i & 255), 8000 + (i >> 16)));
        }
        return list;
    }

    /** (a): median and p99 of ending a call with no change, then of ending one whose end opens its breaker. */
    private static double[] callEnds(int n) {
        int samples = 2_000;
        long[] plain = new long[samples];
        long[] opening = new long[samples];
        int taken = 0;
        while (taken < samples) {
            try (LoadBalancer lb = LoadBalancer.of("scale", InstanceSource.of(instances(n, 1)), LoadBalancerConfig.custom()
                    .selectionStrategy(SelectionStrategy.roundRobin()).circuitBreakerConfig(OPENS_AT_ONCE).build())) {
                for (int i = 0; i < 2_000; i++) {
                    lb.acquire().onSuccess();
                }
                // Each round opens at most half the breakers, so that picks still find closed ones.
                int round = Math.min(samples - taken, Math.max(1, n / 2));
                for (int i = 0; i < round; i++) {
                    Lease ok = lb.acquire();
                    long t0 = System.nanoTime();
                    ok.onSuccess();
                    plain[taken + i] = System.nanoTime() - t0;
                    Lease failing = lb.acquire();
                    long t1 = System.nanoTime();
                    failing.onError(DOWN); // opens its breaker: an availability change
                    opening[taken + i] = System.nanoTime() - t1;
                }
                taken += round;
            }
        }
        return new double[] {percentile(plain, 0.5), percentile(plain, 0.99), percentile(opening, 0.5), percentile(opening, 0.99)};
    }

    /** The baseline of (a): medians of a bare breaker's onSuccess and of an onError that opens it. */
    private static double[] bareBreakerEnds() {
        int samples = 20_000;
        long[] plain = new long[samples];
        long[] opening = new long[samples];
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
            CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(OPENS_AT_ONCE);
            for (int i = 0; i < samples; i++) {
                CircuitBreaker breaker = registry.circuitBreaker("bare-" + i);
                breaker.acquirePermission();
                long t0 = System.nanoTime();
                breaker.onSuccess(1, TimeUnit.NANOSECONDS);
                plain[i] = System.nanoTime() - t0;
                breaker.acquirePermission();
                long t1 = System.nanoTime();
                breaker.onError(1, TimeUnit.NANOSECONDS, DOWN); // opens it
                opening[i] = System.nanoTime() - t1;
                if (breaker.getState() != CircuitBreaker.State.OPEN) {
                    throw new IllegalStateException("expected the breaker to open: " + breaker);
                }
            }
        }
        return new double[] {percentile(plain, 0.5), percentile(opening, 0.5)};
    }

    /** (b): the median time of a full-list update that replaces one instance. */
    private static double replaceOne(int n) {
        List<ServiceInstance> list = new ArrayList<>(instances(n, 1));
        MutableInstanceSource source = InstanceSource.mutable(list.toArray(new ServiceInstance[0]));
        int updates = 50;
        long[] times = new long[updates];
        try (LoadBalancer lb = LoadBalancer.of("scale", source, LoadBalancerConfig.custom()
                .selectionStrategy(SelectionStrategy.roundRobin()).build())) {
            for (int u = 0; u < updates; u++) {
                list.set(u % n, ServiceInstance.of("10.200." + (u >> 8 & 255) + "." + (u & 255), 9000 + u));
                List<ServiceInstance> next = List.copyOf(list);
                long t0 = System.nanoTime();
                source.update(next);
                times[u] = System.nanoTime() - t0;
            }
            if (lb.getInstances().size() != n) {
                throw new IllegalStateException("expected " + n + " instances, got " + lb.getInstances().size());
            }
        }
        return percentile(times, 0.5);
    }

    /** (c): the median time to build a load balancer over a fixed list of n instances. */
    private static double build(int n) {
        List<ServiceInstance> list = instances(n, 1);
        int rounds = n >= 100_000 ? 3 : 7;
        long[] times = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            LoadBalancer lb = LoadBalancer.of("scale", InstanceSource.of(list));
            times[r] = System.nanoTime() - t0;
            lb.close();
        }
        return percentile(times, 0.5);
    }

    private static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static void chart(List<double[]> rows, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560).title("P12: costs as the fleet grows (log-log)")
                .xAxisTitle("instances").yAxisTitle("nanoseconds").build();
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setLegendPosition(Styler.LegendPosition.InsideNW);
        double[] x = Arrays.stream(SIZES).asDoubleStream().toArray();
        chart.addSeries("(a) call end, no change (median)", x, column(rows, 0));
        chart.addSeries("(a) call end that opens its breaker (median)", x, column(rows, 2));
        chart.addSeries("(b) one instance replaced in a list update", x, column(rows, 4));
        chart.addSeries("(c) building the load balancer", x, column(rows, 5));
        double base = rows.get(0)[2];
        chart.addSeries("O(1) from (a)", x, Arrays.stream(x).map(v -> base).toArray());
        double perInstance = rows.get(0)[4] / SIZES[0];
        chart.addSeries("O(n) from (b) at 10", x, Arrays.stream(x).map(v -> v * perInstance).toArray());
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static double[] column(List<double[]> rows, int c) {
        return rows.stream().mapToDouble(r -> r[c]).toArray();
    }
}
