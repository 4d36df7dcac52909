package io.github.loadbalancer4j.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScenarioFileTest {

    @Test
    void readsEverySetting() {
        String text = String.join("\n",
                "name=orders",
                "load=closed 20 callers every 50ms",
                "duration=30s",
                "warmup=2s",
                "timeout=500ms",
                "strategies=roundRobin,peakEwma",
                "variants=plain, breakers+retry 2",
                "backends=3",
                "backend.*.latency=normal 100ms 20ms",
                "backend.b2.successRate=0.9",
                "backend.b2.concurrency=4",
                "backend.b2.zone=b",
                "backend.b2.during.1=10s-20s latency fixed 2s",
                "backend.b2.during.2=20s-25s slower 3");

        Scenario s = ScenarioFile.parse(text);

        assertThat(s.name()).isEqualTo("orders");
        assertThat(s.load().toString()).isEqualTo("closed 20 callers every 50ms");
        assertThat(s.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.warmup()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.strategies()).containsOnlyKeys("roundRobin", "peakEwma");
        assertThat(s.variants()).extracting(Variant::label).containsExactly("plain", "breakers + FailoverRetry(2)");
        assertThat(s.backends()).extracting(Backend::name).containsExactly("b0", "b1", "b2");
        Backend b2 = s.backends().get(2);
        assertThat(b2.toString()).isEqualTo("b2: normal 100ms 20ms, 90.0% success, 4 at a time, zone b, 10s-20s: fixed 2s, 20s-25s: x3.0 slower");
        assertThat(b2.zone()).isEqualTo("b");
    }

    @Test
    void readsOutlierEjectionAndFastFailures() {
        String text = String.join("\n",
                "variants=breakers+outliers, breakers+outliers+retry 1, outliers",
                "outlierInterval=2s",
                "backends=2",
                "backend.b1.successRate=0.9",
                "backend.b1.failureLatency=fixed 1ms");

        Scenario s = ScenarioFile.parse(text);

        assertThat(s.variants()).extracting(Variant::label)
                .containsExactly("breakers + outlier ejection", "breakers + outlier ejection + FailoverRetry(1)", "outlier ejection");
        assertThat(s.variants().get(0).outlierEjection().getInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.backends().get(1).toString()).isEqualTo("b1: fixed 10ms, 90.0% success, failures in fixed 1ms");
        assertThatThrownBy(() -> ScenarioFile.parse("variants=retry 1+outliers"))
                .hasMessageStartingWith("variants: 'retry 1+outliers' (expected: plain, retry <n>, breakers, outliers,");
    }

    @Test
    void badValueNamesItsKey() {
        assertThatThrownBy(() -> ScenarioFile.parse("backends=2\nbackend.b1.latency=gaussian 3ms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("backend.b1.latency: 'gaussian 3ms' (latency: 'gaussian 3ms' (expected: 'fixed <d>'");
        assertThatThrownBy(() -> ScenarioFile.parse("load=lots"))
                .hasMessageStartingWith("load: 'lots'");
        assertThatThrownBy(() -> ScenarioFile.parse("strategies=fastest"))
                .hasMessageStartingWith("strategies: 'fastest' (expected: one of [roundRobin");
    }

    @Test
    void conflictingScenarioFailsInBuild() {
        assertThatThrownBy(() -> Scenario.builder("x").backend(Backend.builder("a").build(), Backend.builder("a").build()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("backend name 'a' is used twice in scenario 'x'");
        assertThatThrownBy(() -> Backend.builder("a").successRate(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("successRate: 1.5 (expected: 0.0-1.0)");
    }
}
