package io.github.loadbalancer4j.benchmarks.sim;

import io.github.loadbalancer4j.OutlierEjectionConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The built-in scenarios, from published experiments, so that our numbers sit beside theirs (the
 * project's benchmark plan, P8-P11 and P15). Backends alternate between zones "a" and "b", so that
 * {@code zonePreferring(a)} shows what keeping calls in one zone costs, and calls carry one of 1,000
 * hash keys, so that {@code consistentHash} routes by key (the other strategies ignore keys).
 */
public final class Scenarios {

    private static final int KEYS = 1000;

    private Scenarios() {
    }

    /** @return the built-in scenarios by name, in the order {@code all} runs them */
    public static Map<String, Supplier<Scenario>> all() {
        Map<String, Supplier<Scenario>> m = new LinkedHashMap<>();
        m.put("slow-backend", Scenarios::slowBackend);
        m.put("mixed-backends", Scenarios::mixedBackends);
        m.put("supermarket", Scenarios::supermarket);
        m.put("black-hole", Scenarios::blackHole);
        m.put("cold-start", Scenarios::coldStart);
        m.put("slow-middle", Scenarios::slowMiddle);
        m.put("gray-failure", Scenarios::grayFailure);
        m.put("even-failures", Scenarios::evenFailures);
        m.put("hedging", Scenarios::hedging);
        return m;
    }

    private static String zone(int i) {
        return i % 2 == 0 ? "a" : "b";
    }

    private static Duration s(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /**
     * P8, Linkerd's "Beyond Round Robin" (2016): 11 backends around 167 ms (sd 5 ms), 1000 calls/s
     * for 60 s; from 15 s to 45 s one backend answers in 2 s; the client gives up after 1 s. Breakers
     * do not open (the experiment's client timed out, the balancer never saw a failure).
     *
     * @return the scenario
     */
    public static Scenario slowBackend() {
        Scenario.Builder b = Scenario.builder("slow-backend").hashKeys(KEYS).title("P8 slow backend")
                .description("Linkerd, Beyond Round Robin (2016): one of 11 backends answers in 2 s from 15 s to 45 s")
                .load(Load.poisson(1000)).duration(s(60)).timeout(s(1))
                .variant(Variant.plain()).variant(Variant.plain().withRetries(1));
        for (int i = 0; i < 11; i++) {
            Backend.Builder backend = Backend.builder(i == 10 ? "slow" : "b" + i).latency(Latency.normal(ms(167), ms(5)))
                    .zone(zone(i));
            if (i == 10) {
                backend.latencyDuring(s(15), s(45), Latency.fixed(s(2)));
            }
            b.backend(backend.build());
        }
        b.published("Linkerd 2016, share of calls done within 1 s: round robin 95.4%, least loaded 99.0%, peak EWMA 99.8%")
                .published("bars: roundRobin 95.35-95.55%; leastRequests 98.8-99.3%; peakEwma >= 99.75% with p99 <= 185 ms;"
                        + " peakEwma + FailoverRetry(1) >= 99.99% within 2 s; roundRobin < leastRequests < peakEwma");
        b.bar(new Bar("roundRobin 95.35-95.55%", o -> band(o.get("roundRobin", "plain").successRate() * 100, 95.35, 95.55, "%")));
        b.bar(new Bar("leastRequests 98.8-99.3%", o -> band(o.get("leastRequests", "plain").successRate() * 100, 98.8, 99.3, "%")));
        b.bar(new Bar("peakEwma >= 99.75% with p99 <= 185 ms", o -> {
            RunResult r = o.get("peakEwma", "plain");
            return new Bar.Verdict(r.successRate() * 100 >= 99.75 && r.percentileMillis(0.99) <= 185,
                    pct(r.successRate()) + ", p99 " + Report.ms(r.percentileMillis(0.99)) + " ms");
        }));
        b.bar(new Bar("peakEwma + FailoverRetry(1) >= 99.99% within 2 s", o -> {
            RunResult r = o.get("peakEwma", "FailoverRetry(1)");
            return new Bar.Verdict(r.successRate() * 100 >= 99.99, pct(r.successRate()));
        }));
        b.bar(new Bar("roundRobin < leastRequests < peakEwma", o -> {
            double rr = o.get("roundRobin", "plain").successRate();
            double lr = o.get("leastRequests", "plain").successRate();
            double pe = o.get("peakEwma", "plain").successRate();
            return new Bar.Verdict(rr < lr && lr < pe, pct(rr) + " < " + pct(lr) + " < " + pct(pe));
        }));
        return b.build();
    }

    /**
     * P9, Linkerd's "Making things faster by adding more steps" (2017): 10 backends with fixed
     * latencies 0-640 ms, one at 1 s with 60% success, one at 2 s with 40% success; 50 callers on a
     * 100 ms ticker, each waiting for its answer; breakers open at 50% failures over 20 calls
     * (minimum 5) for 10 s, 3 probes. No client timeout.
     *
     * @return the scenario
     */
    public static Scenario mixedBackends() {
        Scenario.Builder b = Scenario.builder("mixed-backends").hashKeys(KEYS).title("P9 mixed backends")
                .description("Linkerd, Making things faster by adding more steps (2017): 10 backends of very different speed,"
                        + " two of them failing often; a closed loop of 50 callers")
                .load(Load.closedLoop(50, ms(100))).duration(s(120)).warmup(s(10))
                .variant(Variant.plain())
                .variant(Variant.plain().withBreakers(Variant.linkerdBreakers()))
                .variant(Variant.plain().withBreakers(Variant.linkerdBreakers()).withRetries(2));
        long[] fixed = {0, 10, 20, 40, 80, 160, 320, 640};
        for (int i = 0; i < fixed.length; i++) {
            b.backend(Backend.builder("b" + fixed[i] + "ms").latency(Latency.fixed(ms(fixed[i]))).zone(zone(i)).build());
        }
        b.backend(Backend.builder("b1s").latency(Latency.fixed(s(1))).successRate(0.6).zone(zone(8)).build());
        b.backend(Backend.builder("b2s").latency(Latency.fixed(s(2))).successRate(0.4).zone(zone(9)).build());
        b.published("Linkerd 2017, peak EWMA + retries + failure accrual: 100% success, p50 42 ms, p95 604 ms, p99 734 ms, 316 calls/s")
                .published("Linkerd 2017, plain round robin: 88% success, p50 86 ms, p95 1739 ms, p99 2100 ms, 109 calls/s");
        b.bar(new Bar("peakEwma + breakers + FailoverRetry(2): 100% success, p50 <= 42, p95 <= 604, p99 <= 734 ms, >= 316 calls/s",
                o -> {
                    RunResult r = o.get("peakEwma", "breakers + FailoverRetry(2)");
                    boolean holds = r.successRate() >= 1.0 && r.percentileMillis(0.5) <= 42 && r.percentileMillis(0.95) <= 604
                            && r.percentileMillis(0.99) <= 734 && r.callsPerSecond() >= 316;
                    return new Bar.Verdict(holds, pct(r.successRate()) + ", p50 " + Report.ms(r.percentileMillis(0.5)) + ", p95 "
                            + Report.ms(r.percentileMillis(0.95)) + ", p99 " + Report.ms(r.percentileMillis(0.99)) + " ms, "
                            + String.format(Locale.ROOT, "%.0f", r.callsPerSecond()) + " calls/s");
                }));
        b.bar(new Bar("beside Linkerd's plain round robin (88%, p50 86, p95 1739, p99 2100 ms, 109 calls/s)", o -> {
            RunResult r = o.get("roundRobin", "plain");
            return new Bar.Verdict(true, pct(r.successRate()) + ", p50 " + Report.ms(r.percentileMillis(0.5)) + ", p95 "
                    + Report.ms(r.percentileMillis(0.95)) + ", p99 " + Report.ms(r.percentileMillis(0.99)) + " ms, "
                    + String.format(Locale.ROOT, "%.0f", r.callsPerSecond()) + " calls/s");
        }));
        return b.build();
    }

    /**
     * P10, the supermarket model (Mitzenmacher 2001): 100 backends each serving one call at a time,
     * exponential service time of mean 1 s, Poisson arrivals at 90 calls/s (load 0.9); the mean time
     * in system is the figure.
     *
     * @return the scenario
     */
    public static Scenario supermarket() {
        Scenario.Builder b = Scenario.builder("supermarket").hashKeys(KEYS).title("P10 supermarket")
                .description("Mitzenmacher 2001: 100 single-server FIFO queues, exponential service (mean 1 s), Poisson arrivals"
                        + " at 0.9 x capacity; the mean time in system")
                .load(Load.poisson(90)).duration(s(4000)).warmup(s(200))
                .variant(Variant.plain());
        for (int i = 0; i < 100; i++) {
            b.backend(Backend.builder("q" + i).latency(Latency.exponential(s(1))).concurrency(1).zone(zone(i)).build());
        }
        b.published("theory (Mitzenmacher 2001), mean time in system at load 0.9: two choices (d = 2) 2.61 s; random 10 s (M/M/1)");
        b.bar(new Bar("leastRequests mean time in system within 20% of 2.61 s",
                o -> band(o.get("leastRequests", "plain").meanMillis() / 1000, 2.61 * 0.8, 2.61 * 1.2, " s")));
        b.bar(new Bar("random about 10 s (within 20%)",
                o -> band(o.get("random", "plain").meanMillis() / 1000, 8, 12, " s")));
        return b.build();
    }

    /**
     * P11, the black hole: one of 10 backends fails every call in about 1 ms; the others answer in
     * about 100 ms. Fast failures must not attract traffic.
     *
     * @return the scenario
     */
    public static Scenario blackHole() {
        Scenario.Builder b = Scenario.builder("black-hole").hashKeys(KEYS).title("P11 black hole")
                .description("one of 10 backends fails every call in ~1 ms, the others answer in ~100 ms; 1000 calls/s for 60 s")
                .load(Load.poisson(1000)).duration(s(60)).timeout(s(1))
                .variant(Variant.plain())
                .variant(Variant.plain().withBreakers(Variant.defaultBreakers()))
                .variant(Variant.plain().withBreakers(Variant.defaultBreakers()).withRetries(1));
        for (int i = 0; i < 9; i++) {
            b.backend(Backend.builder("b" + i).latency(Latency.normal(ms(100), ms(20))).zone(zone(i)).build());
        }
        b.backend(Backend.builder("hole").latency(Latency.normal(ms(1), Duration.ofNanos(200_000))).successRate(0).zone(zone(9)).build());
        b.published("plan: peakEwma alone sends <= 5% of attempts to the black hole; with breakers ~0%"
                + " (least-loaded balancers without a failure penalty are known to send most traffic there)");
        b.bar(new Bar("peakEwma alone sends <= 5% of attempts to the black hole",
                o -> share(o.get("peakEwma", "plain").attemptShare("hole"), 0.05)));
        b.bar(new Bar("peakEwma with breakers ~0% (<= 0.5%)",
                o -> share(o.get("peakEwma", "breakers").attemptShare("hole"), 0.005)));
        return b.build();
    }

    /**
     * Cold start, after Finagle's load balancer simulation: 10 backends around 100 ms (sd 20 ms),
     * 1250 calls/s for 45 s; one backend is 5x slower for the first 10 s and 10x slower from 19 s to 23 s.
     *
     * @return the scenario
     */
    public static Scenario coldStart() {
        Scenario.Builder b = Scenario.builder("cold-start").hashKeys(KEYS).title("cold start")
                .description("after Finagle's Simulation.scala: one of 10 backends is 5x slower for the first 10 s"
                        + " and 10x slower from 19 s to 23 s")
                .load(Load.poisson(1250)).duration(s(45)).timeout(s(1));
        for (int i = 0; i < 10; i++) {
            Backend.Builder backend = Backend.builder(i == 0 ? "cold" : "b" + i).latency(Latency.normal(ms(100), ms(20))).zone(zone(i));
            if (i == 0) {
                backend.slowerDuring(s(0), s(10), 5).slowerDuring(s(19), s(23), 10);
            }
            b.backend(backend.build());
        }
        b.published("Finagle publishes the simulation, not figures: the strategies are compared among themselves");
        return b.build();
    }

    /**
     * Slow middle, after Finagle's load balancer simulation: 10 backends around 100 ms (sd 20 ms),
     * 1250 calls/s for 60 s; one backend is 10x slower from 15 s to 45 s.
     *
     * @return the scenario
     */
    public static Scenario slowMiddle() {
        Scenario.Builder b = Scenario.builder("slow-middle").hashKeys(KEYS).title("slow middle")
                .description("after Finagle's Simulation.scala: one of 10 backends is 10x slower from 15 s to 45 s")
                .load(Load.poisson(1250)).duration(s(60)).timeout(s(1));
        for (int i = 0; i < 10; i++) {
            Backend.Builder backend = Backend.builder(i == 0 ? "slow" : "b" + i).latency(Latency.normal(ms(100), ms(20))).zone(zone(i));
            if (i == 0) {
                backend.slowerDuring(s(15), s(45), 10);
            }
            b.backend(backend.build());
        }
        b.published("Finagle publishes the simulation, not figures: the strategies are compared among themselves");
        return b.build();
    }

    /**
     * P16, a gray failure: one of 10 backends fails 10% of its calls in about 1 ms, the others answer
     * in about 100 ms; the default instance breakers (50% of 20 calls) never open on it. Without outlier
     * ejection, with Envoy's and gRPC's defaults (success rate, a sweep every 10 s), and with a sweep
     * every 2 s. Calls before the first 10 s sweep are warm-up: the figures are those after it.
     *
     * @return the scenario
     */
    public static Scenario grayFailure() {
        Scenario.Builder b = grayFailureFleet("gray-failure", "P16 gray failure",
                "one of 10 backends fails 10% of calls in ~1 ms, the others answer in ~100 ms; the 50% breakers never open on it");
        for (int i = 0; i < 9; i++) {
            b.backend(Backend.builder("b" + i).latency(Latency.normal(ms(100), ms(20))).zone(zone(i)).build());
        }
        b.backend(Backend.builder("gray").latency(Latency.normal(ms(100), ms(20))).successRate(0.9)
                .failureLatency(Latency.normal(ms(1), Duration.ofNanos(200_000))).zone(zone(9)).build());
        b.published("Envoy and gRPC (gRFC A50) eject by success rate relative to the fleet: mean - 1.9 x stdev over hosts"
                + " with >= 100 calls in a 10 s interval, at least 5 of them, at most 10% of hosts out")
                .published("plan (P16): with outlier ejection the gray backend gets <= 1% of attempts after the first interval"
                        + " with enough volume, and FailoverRetry(1) keeps success >= 99.9%; without it, the figures beside");
        b.bar(new Bar("peakEwma (the default) + outlier ejection every 10 s: the gray backend gets <= 1% of attempts",
                o -> share(o.get("peakEwma", EJECTING).attemptShare("gray"), 0.01)));
        for (String strategy : STRATEGIES) {
            b.bar(new Bar(strategy + " + outlier ejection every 2 s: the gray backend gets <= 1% of attempts",
                    o -> share(o.get(strategy, EJECTING_2S).attemptShare("gray"), 0.01)));
        }
        for (String strategy : STRATEGIES) {
            b.bar(new Bar(strategy + " + outlier ejection + FailoverRetry(1): success >= 99.9% (every 10 s / every 2 s)", o -> {
                RunResult tenSeconds = o.get(strategy, EJECTING + " + FailoverRetry(1)");
                RunResult twoSeconds = o.get(strategy, EJECTING_2S + " + FailoverRetry(1)");
                return new Bar.Verdict(tenSeconds.successRate() >= 0.999 && twoSeconds.successRate() >= 0.999,
                        pct(tenSeconds.successRate()) + " / " + pct(twoSeconds.successRate()));
            }));
        }
        for (String strategy : STRATEGIES) {
            b.bar(new Bar("beside: " + strategy + ", the gray backend's share of attempts and success without outlier ejection"
                    + " / every 10 s / every 2 s", o -> new Bar.Verdict(true, String.format(Locale.ROOT, "%.3f / %.3f / %.3f%% of attempts;"
                            + " success %s / %s / %s", 100 * o.get(strategy, BREAKERS).attemptShare("gray"),
                            100 * o.get(strategy, EJECTING).attemptShare("gray"), 100 * o.get(strategy, EJECTING_2S).attemptShare("gray"),
                            pct(o.get(strategy, BREAKERS).successRate()), pct(o.get(strategy, EJECTING).successRate()),
                            pct(o.get(strategy, EJECTING_2S).successRate())))));
        }
        return b.build();
    }

    /**
     * P16's control: every one of 10 backends fails 1% of its calls in about 1 ms and answers in about
     * 100 ms otherwise. No instance is an outlier: outlier ejection must eject none.
     *
     * @return the scenario
     */
    public static Scenario evenFailures() {
        Scenario.Builder b = grayFailureFleet("even-failures", "P16 even failures",
                "every one of 10 backends fails 1% of calls in ~1 ms: no outlier");
        for (int i = 0; i < 10; i++) {
            b.backend(Backend.builder("b" + i).latency(Latency.normal(ms(100), ms(20))).successRate(0.99)
                    .failureLatency(Latency.normal(ms(1), Duration.ofNanos(200_000))).zone(zone(i)).build());
        }
        b.published("Envoy's and gRPC's success-rate rule alone (significance 1.0) ejects a healthy instance of such a fleet"
                + " in about a third of its sweeps: the worst of ten equal instances is often 1.9 standard deviations out");
        b.bar(new Bar("outlier ejection ejects none, whatever the strategy and interval", o -> {
            long ejections = 0;
            for (RunResult r : o.results()) {
                ejections += r.outlierEjections();
            }
            return new Bar.Verdict(ejections == 0, ejections + " ejections in " + o.results().size() + " runs");
        }));
        return b.build();
    }

    private static final String[] STRATEGIES = {"roundRobin", "leastRequests", "peakEwma"};
    private static final String BREAKERS = "breakers";
    private static final String EJECTING = "breakers + outlier ejection";
    private static final String EJECTING_2S = "breakers + outlier ejection every 2 s";

    /** P16's fleet without its backends: 1000 calls/s for 120 s, 10 s of warm-up, three strategies, five variants. */
    private static Scenario.Builder grayFailureFleet(String name, String title, String description) {
        Scenario.Builder b = Scenario.builder(name).hashKeys(KEYS).title(title).description(description)
                .load(Load.poisson(1000)).duration(s(120)).warmup(OutlierEjectionConfig.DEFAULT_INTERVAL).timeout(s(1));
        for (String strategy : STRATEGIES) {
            b.strategy(strategy, Scenario.builtInStrategies().get(strategy));
        }
        Variant breakers = Variant.plain().withBreakers(Variant.defaultBreakers());
        Variant ejecting = breakers.withOutlierEjection(OutlierEjectionConfig.ofDefaults());
        Variant ejecting2s = breakers.withOutlierEjection(OutlierEjectionConfig.custom().interval(s(2)).build());
        return b.variant(breakers).variant(breakers.withRetries(1))
                .variant(ejecting).variant(ejecting.withRetries(1))
                .variant(ejecting2s.named(EJECTING_2S)).variant(ejecting2s.withRetries(1).named(EJECTING_2S + " + FailoverRetry(1)"));
    }

    /**
     * P15, hedged requests against a heavy tail, after "The Tail at Scale" (Dean and Barroso, 2013): 100
     * backends whose latency is log-normal around a median of 2 ms (sigma 0.5: p95 4.6 ms, p99 6.4 ms),
     * each call with a 1% chance of a pause of 1 to 2 s (a collection, a flush); 200 callers in a closed
     * loop, each sending every 10 ms and waiting for its answer; 60 s after 5 s of warm-up. Without
     * hedging, and with the real {@code Hedging}: one hedge after the 95th percentile of the observed
     * latency (floor 1 ms), within a budget of 10% more attempts.
     *
     * @return the scenario
     */
    public static Scenario hedging() {
        Scenario.Builder b = Scenario.builder("hedging").title("P15 hedging")
                .description("after The Tail at Scale (2013): 100 backends, log-normal latency around 2 ms with a 1% chance"
                        + " per call of a 1-2 s pause; 200 callers in a closed loop; one hedge after the observed p95")
                .load(Load.closedLoop(200, ms(10))).duration(s(65)).warmup(s(5))
                .strategy("roundRobin", Scenario.builtInStrategies().get("roundRobin"))
                .strategy("peakEwma", Scenario.builtInStrategies().get("peakEwma"))
                .variant(Variant.plain())
                .variant(Variant.plain().withHedging(HedgingSetup.afterPercentile(0.95, ms(1), 1, 0.1)));
        for (int i = 0; i < 100; i++) {
            b.backend(Backend.builder("b" + i).latency(Latency.lognormal(ms(2), 0.5).withPauses(0.01, s(1), s(2))).zone(zone(i))
                    .build());
        }
        b.published("Dean and Barroso 2013: hedging after 10 ms cut the 99.9th percentile of a 1,000-key read from 1,800 ms"
                + " to 74 ms for 2% more requests; deferring hedges to the 95th percentile keeps the extra load near 5%")
                .published("bar (P15): p99.9 at least 10x lower than without hedging, extra attempts <= 5%");
        for (String strategy : List.of("roundRobin", "peakEwma")) {
            b.bar(new Bar(strategy + ": p99.9 at least 10x lower with hedging", o -> {
                double without = o.get(strategy, "plain").percentileMillis(0.999);
                double with = o.get(strategy, HEDGED).percentileMillis(0.999);
                return new Bar.Verdict(with * 10 <= without, Report.ms(without) + " ms -> " + Report.ms(with) + " ms ("
                        + String.format(Locale.ROOT, "%.0fx", without / with) + ")");
            }));
            b.bar(new Bar(strategy + ": extra attempts <= 5%", o -> {
                RunResult r = o.get(strategy, HEDGED);
                double extra = extraAttempts(r);
                return new Bar.Verdict(extra <= 0.05, String.format(Locale.ROOT, "%.2f%% (%d hedges for %d calls, %d refused)",
                        extra * 100, r.retries(), r.calls(), r.refusedRetries()));
            }));
        }
        return b.build();
    }

    private static final String HEDGED = "hedged(p95, 1, 10%)";

    /**
     * @param r a run's result
     * @return the attempts beyond one per call, as a share of calls
     */
    static double extraAttempts(RunResult r) {
        long attempts = 0;
        for (long a : r.attemptsPerBackend()) {
            attempts += a;
        }
        return r.calls() == 0 ? 0 : (double) (attempts - r.calls()) / r.calls();
    }

    private static Bar.Verdict band(double value, double low, double high, String unit) {
        return new Bar.Verdict(value >= low && value <= high, String.format(Locale.ROOT, "%.3f%s", value, unit));
    }

    private static Bar.Verdict share(double share, double max) {
        return new Bar.Verdict(share <= max, String.format(Locale.ROOT, "%.3f%% of attempts", share * 100));
    }

    private static String pct(double rate) {
        return String.format(Locale.ROOT, "%.3f%%", rate * 100);
    }
}
