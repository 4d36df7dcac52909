package io.github.loadbalancer4j.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.loadbalancer4j.OutlierEjectionConfig;
import io.github.loadbalancer4j.SelectionStrategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    private static Scenario.Builder small() {
        return Scenario.builder("small").hashKeys(100)
                .load(Load.poisson(200)).duration(Duration.ofSeconds(10))
                .backend(Backend.builder("fast").latency(Latency.normal(Duration.ofMillis(20), Duration.ofMillis(5))).build())
                .backend(Backend.builder("slow").latency(Latency.fixed(Duration.ofMillis(300))).successRate(0.5).build())
                .backend(Backend.builder("other").latency(Latency.exponential(Duration.ofMillis(30))).build());
    }

    @Test
    void sameSeedGivesTheSameTable() {
        Scenario scenario = small().variant(Variant.plain()).variant(Variant.plain().withBreakers(Variant.defaultBreakers()).withRetries(1))
                .build();

        String first = Report.markdown(Simulator.run(scenario, 7));
        String second = Report.markdown(Simulator.run(scenario, 7));

        assertThat(second).isEqualTo(first);
        assertThat(Report.markdown(Simulator.run(scenario, 8))).isNotEqualTo(first);
    }

    @Test
    void timeoutEndsTheAttemptAsAFailureAtTheTimeout() {
        Scenario scenario = Scenario.builder("timeouts").load(Load.fixedRate(10)).duration(Duration.ofSeconds(5))
                .timeout(Duration.ofMillis(100))
                .backend(Backend.builder("stuck").latency(Latency.fixed(Duration.ofSeconds(2))).build())
                .strategy("roundRobin", SelectionStrategy.roundRobin()).variant(Variant.plain()).build();

        RunResult r = Simulator.run(scenario, 1).get("roundRobin", "plain");

        assertThat(r.calls()).isEqualTo(50);
        assertThat(r.successRate()).isZero();
        assertThat(r.percentileMillis(0.0)).isEqualTo(100.0);
        assertThat(r.percentileMillis(1.0)).isEqualTo(100.0);
    }

    @Test
    void failoverMovesToAnotherInstanceWithinTheRetries() {
        Scenario scenario = Scenario.builder("failover").load(Load.fixedRate(100)).duration(Duration.ofSeconds(10))
                .backend(Backend.builder("broken").latency(Latency.fixed(Duration.ofMillis(5))).successRate(0).build())
                .backend(Backend.builder("fine").latency(Latency.fixed(Duration.ofMillis(10))).build())
                .strategy("roundRobin", SelectionStrategy.roundRobin())
                .variant(Variant.plain()).variant(Variant.plain().withRetries(1).withoutBudget()).build();

        Outcome outcome = Simulator.run(scenario, 3);

        RunResult plain = outcome.get("roundRobin", "plain");
        RunResult retried = outcome.get("roundRobin", "FailoverRetry(1) (no budget)");
        assertThat(plain.successRate()).isEqualTo(0.5);
        assertThat(retried.successRate()).isEqualTo(1.0);
        assertThat(retried.retries()).isEqualTo(retried.attemptsPerBackend()[0]); // every failure moved on, once
        assertThat(retried.percentileMillis(1.0)).isEqualTo(15.0); // 5 ms failure, then 10 ms on the other
    }

    @Test
    void retriesStayWithinTheRetryBudget() {
        Scenario scenario = Scenario.builder("budget").load(Load.fixedRate(100)).duration(Duration.ofSeconds(10))
                .backend(Backend.builder("broken").latency(Latency.fixed(Duration.ofMillis(5))).successRate(0).build())
                .backend(Backend.builder("also-broken").latency(Latency.fixed(Duration.ofMillis(5))).successRate(0).build())
                .strategy("roundRobin", SelectionStrategy.roundRobin())
                .variant(Variant.plain().withRetries(1)).build();

        RunResult r = Simulator.run(scenario, 2).get("roundRobin", "FailoverRetry(1)");

        // Finagle's defaults over 10 s: 20% of 1,000 calls plus 10 a second.
        assertThat(r.retries()).isBetween(250L, 300L);
        assertThat(r.refusedRetries()).isEqualTo(1000 - r.retries());
    }

    @Test
    void breakersOnTheVirtualClockStopCallsToAFailingBackend() {
        Scenario scenario = Scenario.builder("breakers").load(Load.fixedRate(100)).duration(Duration.ofSeconds(5))
                .backend(Backend.builder("broken").latency(Latency.fixed(Duration.ofMillis(5))).successRate(0).build())
                .backend(Backend.builder("fine").latency(Latency.fixed(Duration.ofMillis(10))).build())
                .strategy("roundRobin", SelectionStrategy.roundRobin())
                .variant(Variant.plain()).variant(Variant.plain().withBreakers(Variant.defaultBreakers())).build();

        Outcome outcome = Simulator.run(scenario, 3);

        assertThat(outcome.get("roundRobin", "plain").attemptShare("broken")).isEqualTo(0.5);
        // 5 calls open the breaker; the 10 s open wait outlasts the run.
        assertThat(outcome.get("roundRobin", "breakers").attemptsPerBackend()[0]).isBetween(5L, 10L);
    }

    @Test
    void failedCallsTakeTheFailureLatencyWhenOneIsGiven() {
        Scenario scenario = Scenario.builder("fails-fast").load(Load.fixedRate(100)).duration(Duration.ofSeconds(5))
                .backend(Backend.builder("flaky").latency(Latency.fixed(Duration.ofMillis(100))).successRate(0.5)
                        .failureLatency(Latency.fixed(Duration.ofMillis(1))).build())
                .strategy("roundRobin", SelectionStrategy.roundRobin()).variant(Variant.plain()).build();

        RunResult r = Simulator.run(scenario, 4).get("roundRobin", "plain");

        assertThat(r.successRate()).isBetween(0.4, 0.6);
        assertThat(r.percentileMillis(0.0)).isEqualTo(1.0);
        assertThat(r.percentileMillis(1.0)).isEqualTo(100.0);
        assertThat(r.percentileMillis(0.3)).as("the failures are the fast ones").isEqualTo(1.0);
    }

    @Test
    void outlierEjectionOnTheVirtualClockTakesAGrayBackendOut() {
        Scenario.Builder b = Scenario.builder("gray").load(Load.poisson(1000)).duration(Duration.ofSeconds(20))
                .warmup(Duration.ofSeconds(2)).strategy("roundRobin", SelectionStrategy.roundRobin());
        for (int i = 0; i < 4; i++) {
            b.backend(Backend.builder("b" + i).latency(Latency.fixed(Duration.ofMillis(20))).build());
        }
        b.backend(Backend.builder("gray").latency(Latency.fixed(Duration.ofMillis(20))).successRate(0.9)
                .failureLatency(Latency.fixed(Duration.ofMillis(1))).build());
        Variant breakers = Variant.plain().withBreakers(Variant.defaultBreakers());
        Scenario scenario = b.variant(breakers)
                .variant(breakers.withOutlierEjection(OutlierEjectionConfig.custom().interval(Duration.ofSeconds(2)).build())).build();

        Outcome outcome = Simulator.run(scenario, 5);

        RunResult without = outcome.get("roundRobin", "breakers");
        RunResult with = outcome.get("roundRobin", "breakers + outlier ejection");
        assertThat(without.outlierEjections()).isZero();
        assertThat(without.attemptShare("gray")).isGreaterThan(0.1);
        assertThat(with.outlierEjections()).isPositive();
        assertThat(with.attemptShare("gray")).isLessThan(0.02);
        assertThat(with.successRate()).isGreaterThan(without.successRate());
    }

    @Test
    void grayFailureScenarioMeetsItsBarsOnSeedOne() {
        Outcome gray = Simulator.run(Scenarios.grayFailure(), 1);
        Outcome even = Simulator.run(Scenarios.evenFailures(), 1);

        assertThat(Report.verdicts(gray)).isNotEmpty().allMatch(v -> v.startsWith("HOLDS"));
        assertThat(Report.verdicts(even)).isNotEmpty().allMatch(v -> v.startsWith("HOLDS"));
    }

    @Test
    void closedLoopCallerWaitsForItsAnswer() {
        Scenario scenario = Scenario.builder("closed").load(Load.closedLoop(2, Duration.ofMillis(100)))
                .duration(Duration.ofSeconds(10))
                .backend(Backend.builder("slow").latency(Latency.fixed(Duration.ofMillis(250))).build())
                .strategy("roundRobin", SelectionStrategy.roundRobin()).variant(Variant.plain()).build();

        RunResult r = Simulator.run(scenario, 1).get("roundRobin", "plain");

        // Each caller sends every 250 ms (its answer's latency), not every 100 ms.
        assertThat(r.callsPerSecond()).isBetween(7.5, 8.5);
    }

    @Test
    void singleServerQueueMatchesTheory() {
        Scenario scenario = Scenario.builder("mm1").load(Load.poisson(0.5)).duration(Duration.ofSeconds(20_000))
                .warmup(Duration.ofSeconds(1000))
                .backend(Backend.builder("q").latency(Latency.exponential(Duration.ofSeconds(1))).concurrency(1).build())
                .strategy("random", SelectionStrategy.random()).variant(Variant.plain()).build();

        RunResult r = Simulator.run(scenario, 5).get("random", "plain");

        // M/M/1 at load 0.5: mean time in system 1 / (1 - 0.5) = 2 s.
        assertThat(r.meanMillis() / 1000).isBetween(1.8, 2.2);
    }

    /** The Java example of {@code docs/simulator.md}, verbatim: peak EWMA routes around the backend that slows down. */
    @Test
    void simulatorPageExampleRunsAndDrawsItsChart() throws Exception {
        Scenario scenario = Scenario.builder("orders")
                .load(Load.poisson(600)).duration(Duration.ofSeconds(90)).timeout(Duration.ofMillis(500))
                .backend(Backend.builder("east1").latency(Latency.normal(Duration.ofMillis(40), Duration.ofMillis(8))).build())
                .backend(Backend.builder("east2").latency(Latency.normal(Duration.ofMillis(40), Duration.ofMillis(8)))
                        .latencyDuring(Duration.ofSeconds(20), Duration.ofSeconds(50), Latency.fixed(Duration.ofMillis(800)))
                        .build())
                .strategy("roundRobin", SelectionStrategy.roundRobin())
                .strategy("peakEwma", SelectionStrategy.peakEwma())
                .variant(Variant.plain())
                .variant(Variant.plain().withBreakers(Variant.defaultBreakers()).withRetries(1))
                .build();
        Outcome outcome = Simulator.run(scenario, 1);
        String table = Report.table(outcome);
        LatencyChart.write(outcome, Path.of("target", "orders.png"));

        assertThat(table).contains("peakEwma", "breakers + FailoverRetry(1)");
        assertThat(outcome.get("peakEwma", "plain").successRate()).isGreaterThan(outcome.get("roundRobin", "plain").successRate());
        assertThat(outcome.get("peakEwma", "plain").attemptShare("east2")).isLessThan(outcome.get("roundRobin", "plain").attemptShare("east2"));
        assertThat(Files.size(Path.of("target", "orders.png"))).isPositive();
    }
}
