package io.github.loadbalancer4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {

    @Test
    void flakyBackendIsEjectedWhileTheInterceptorRetriesItsFailuresOnTheOthers() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        DemoReport report = Demo.run(new DemoOptions(300, 4, 30, false), new PrintStream(printed, true, StandardCharsets.UTF_8));

        DemoReport.Row flaky = report.row(Backends.FLAKY);
        assertThat(report.calls()).isEqualTo(300);
        assertThat(flaky.failures()).isPositive();
        assertThat(flaky.breakerState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(report.row(Backends.FAST).breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(report.row(Backends.SLOW).breakerState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(report.row(Backends.FAST).failures()).isZero();
        assertThat(report.row(Backends.SLOW).failures()).isZero();
        assertThat(report.isolatedAtCall()).isBetween(0, 299);
        assertThat(report.callsAfterIsolation()).isPositive();
        assertThat(report.successRateAfterIsolation()).isGreaterThanOrEqualTo(0.99);
        assertThat(report.succeeded()).isEqualTo(300);
        assertThat(report.retriedCalls()).isPositive().isEqualTo(report.retries()).isEqualTo(flaky.failures());
        assertThat(report.requests()).isEqualTo(report.calls() + report.retries());
        assertThat(report.rows()).allSatisfy(row -> {
            assertThat(row.clientAttempts()).as(row.role() + " attempts").isEqualTo(row.requests());
            assertThat(row.clientFailures()).as(row.role() + " failures").isEqualTo(row.failures());
        });
        assertThat(report.events()).extracting(DemoReport.TimedEvent::text).anyMatch(t -> t.startsWith("ejected  flaky"));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("flaky", "OPEN", "success rate", "needed a retry");
    }

    @Test
    void argumentsAreReadAndCheckedWithClearMessages() {
        DemoOptions options = DemoOptions.parse("--calls", "500", "--threads", "2", "--no-progress");

        assertThat(options).isEqualTo(new DemoOptions(500, 2, 50, false));
        assertThat(DemoOptions.parse("--fail-after", "7").failAfter()).isEqualTo(7);
        assertThatThrownBy(() -> DemoOptions.parse("--calls", "0"))
                .hasMessage("--calls: 0 (expected: >= 1)");
        assertThatThrownBy(() -> DemoOptions.parse("--calls", "many"))
                .hasMessage("--calls: 'many' (expected: a number)");
        assertThatThrownBy(() -> DemoOptions.parse("--verbose"))
                .hasMessageStartingWith("argument: '--verbose' (expected:");
    }
}
