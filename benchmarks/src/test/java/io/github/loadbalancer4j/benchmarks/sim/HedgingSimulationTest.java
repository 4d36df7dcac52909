package io.github.loadbalancer4j.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.loadbalancer4j.SelectionStrategy;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The real hedging engine in the simulator's virtual time (P15's machinery, on a small fleet). */
class HedgingSimulationTest {

    private static final Variant HEDGED = Variant.plain().withHedging(HedgingSetup.afterPercentile(0.95, Duration.ofMillis(1), 1, 0.1));

    private static Scenario pausingFleet() {
        Scenario.Builder b = Scenario.builder("pausing").load(Load.closedLoop(20, Duration.ofMillis(10)))
                .duration(Duration.ofSeconds(22)).warmup(Duration.ofSeconds(2))
                .strategy("roundRobin", SelectionStrategy.roundRobin())
                .variant(Variant.plain()).variant(HEDGED);
        for (int i = 0; i < 20; i++) {
            b.backend(Backend.builder("b" + i).latency(Latency.parse("lognormal 2ms 0.5 pauses 0.02 500ms 1s")).build());
        }
        return b.build();
    }

    @Test
    void hedgingCutsTheTailOfAPausingFleetForAFewPercentMoreAttempts() {
        Outcome outcome = Simulator.run(pausingFleet(), 1);

        RunResult plain = outcome.get("roundRobin", "plain");
        RunResult hedged = outcome.get("roundRobin", "hedged(p95, 1, 10%)");
        assertThat(plain.percentileMillis(0.999)).isGreaterThan(500);
        assertThat(hedged.percentileMillis(0.999)).isLessThan(50);
        assertThat(Scenarios.extraAttempts(hedged)).isBetween(0.01, 0.06);
        assertThat(hedged.retries()).isPositive();
        assertThat(hedged.successRate()).isEqualTo(1.0);
    }

    @Test
    void theSameSeedGivesTheSameHedgedTable() {
        Scenario scenario = pausingFleet().toBuilder().duration(Duration.ofSeconds(6)).build();

        String first = Report.markdown(Simulator.run(scenario, 5));
        String second = Report.markdown(Simulator.run(scenario, 5));

        assertThat(second).isEqualTo(first);
    }

    @Test
    void aLognormalLatencyHasItsMedianAndPausesTheirShare() {
        Latency latency = Latency.lognormal(Duration.ofMillis(2), 0.5).withPauses(0.01, Duration.ofSeconds(1), Duration.ofSeconds(2));
        SplittableRandom random = new SplittableRandom(1);

        long[] samples = new long[100_000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = latency.sampleNanos(random);
        }
        Arrays.sort(samples);

        assertThat(samples[samples.length / 2]).isBetween(1_900_000L, 2_100_000L);
        long paused = Arrays.stream(samples).filter(n -> n >= 1_000_000_000L).count();
        assertThat(paused).isBetween(900L, 1100L);
        assertThat(latency.toString()).isEqualTo("lognormal 2ms 0.5 pauses 0.01 1s 2s");
        assertThat(Latency.parse(latency.toString()).toString()).isEqualTo(latency.toString());
    }

    @Test
    void aVariantHedgesOrRetriesNotBoth() {
        assertThatThrownBy(() -> HEDGED.withRetries(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("a variant hedges or retries, not both");
        assertThatThrownBy(() -> Latency.lognormal(Duration.ofMillis(2), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sigma: 0.0 (expected: > 0, e.g. 0.5)");
    }
}
