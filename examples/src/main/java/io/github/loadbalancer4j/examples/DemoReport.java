package io.github.loadbalancer4j.examples;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What one demo run did: a row per instance, totals, and the load balancer's events.
 *
 * @param rows one per instance, in the order of the instance list
 * @param calls calls made
 * @param succeeded calls that returned normally
 * @param noInstanceAvailable calls that failed because no instance was available
 * @param isolatedAtCall number of the first call started after the flaky instance was ejected, -1 if it never was
 * @param callsAfterIsolation calls started after the flaky instance was ejected
 * @param succeededAfterIsolation of those, the ones that returned normally
 * @param events the load balancer's ejected/restored events, in order
 * @param elapsed how long the calls took
 */
record DemoReport(List<Row> rows, int calls, int succeeded, long noInstanceAvailable, int isolatedAtCall,
        int callsAfterIsolation, int succeededAfterIsolation, List<TimedEvent> events, Duration elapsed) {

    /**
     * One instance's line of the table.
     *
     * @param role fast, slow or flaky
     * @param id the instance's id (host:port)
     * @param calls calls that reached it
     * @param failures of those, the failed ones
     * @param breakerState its circuit breaker's state at the end
     * @param meanLatencyMillis mean latency of its calls
     */
    record Row(String role, String id, long calls, long failures, CircuitBreaker.State breakerState,
            double meanLatencyMillis) {
    }

    /**
     * A load balancer event as the demo saw it.
     *
     * @param at time since the first call
     * @param afterCall how many calls had been started
     * @param text what happened
     */
    record TimedEvent(Duration at, int afterCall, String text) {
    }

    Row row(String role) {
        return rows.stream().filter(r -> r.role().equals(role)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("role: '" + role + "' (expected: fast, slow or flaky)"));
    }

    double successRate() {
        return calls == 0 ? 1.0 : (double) succeeded / calls;
    }

    double successRateAfterIsolation() {
        return callsAfterIsolation == 0 ? 1.0 : (double) succeededAfterIsolation / callsAfterIsolation;
    }

    void print(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "%-6s %-18s %7s %9s %-10s %13s%n", "role", "instance", "calls", "failures", "breaker", "mean latency");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-6s %-18s %7d %9d %-10s %10.1f ms%n",
                    r.role(), r.id(), r.calls(), r.failures(), r.breakerState(), r.meanLatencyMillis());
        }
        out.println();
        out.printf(Locale.ROOT, "%d calls in %.1f s: %d succeeded, %d failed (success rate %.2f%%)%n",
                calls, elapsed.toMillis() / 1000.0, succeeded, calls - succeeded, 100 * successRate());
        if (noInstanceAvailable > 0) {
            out.printf(Locale.ROOT, "  of the failures, %d found no available instance%n", noInstanceAvailable);
        }
        if (isolatedAtCall >= 0) {
            out.printf(Locale.ROOT, "after the flaky instance was ejected (calls %d-%d): %d calls, %d succeeded (%.2f%%)%n",
                    isolatedAtCall + 1, calls, callsAfterIsolation, succeededAfterIsolation, 100 * successRateAfterIsolation());
        } else {
            out.println("the flaky instance was never ejected");
        }
        out.println();
        out.println("load balancer events:");
        if (events.isEmpty()) {
            out.println("  (none)");
        }
        for (TimedEvent e : events) {
            out.printf(Locale.ROOT, "  +%5.2f s  after call %5d  %s%n", e.at().toMillis() / 1000.0, e.afterCall(), e.text());
        }
    }
}
