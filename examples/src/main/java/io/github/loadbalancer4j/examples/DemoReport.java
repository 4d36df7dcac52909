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
 * @param succeeded calls whose final answer was a 2xx
 * @param retriedCalls calls that needed more than one attempt
 * @param retries attempts after the first, over all calls
 * @param noInstanceAvailable calls that failed because no instance was available
 * @param isolatedAtCall number of the first call started after the flaky instance was ejected, -1 if it never was
 * @param callsAfterIsolation calls started after the flaky instance was ejected
 * @param succeededAfterIsolation of those, the ones that returned normally
 * @param events the load balancer's ejected/restored events, in order
 * @param elapsed how long the calls took
 */
record DemoReport(List<Row> rows, int calls, int succeeded, long retriedCalls, long retries, long noInstanceAvailable, int isolatedAtCall,
        int callsAfterIsolation, int succeededAfterIsolation, List<TimedEvent> events, Duration elapsed) {

    /**
     * One instance's line of the table.
     *
     * @param role fast, slow or flaky
     * @param id the instance's id (host:port)
     * @param requests requests the backend received (first attempts and retries), counted by the backend
     * @param failures of those, the ones it failed (HTTP 500 or a garbled answer), counted by the backend
     * @param breakerState its circuit breaker's state at the end
     * @param meanLatencyMillis mean time to the response headers of the attempts sent to it, measured by the client
     * @param clientAttempts attempts the client sent to it
     * @param clientFailures of those, the ones the client saw fail (5xx or I/O error)
     */
    record Row(String role, String id, long requests, long failures, CircuitBreaker.State breakerState,
            double meanLatencyMillis, long clientAttempts, long clientFailures) {
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

    /** @return requests the three backends received: every call's first attempt plus its retries */
    long requests() {
        return rows.stream().mapToLong(Row::requests).sum();
    }

    double successRateAfterIsolation() {
        return callsAfterIsolation == 0 ? 1.0 : (double) succeededAfterIsolation / callsAfterIsolation;
    }

    void print(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "%-6s %-18s %8s %9s %-10s %13s%n", "role", "instance", "requests", "failures", "breaker", "mean latency");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-6s %-18s %8d %9d %-10s %10.1f ms%n",
                    r.role(), r.id(), r.requests(), r.failures(), r.breakerState(), r.meanLatencyMillis());
        }
        out.printf(Locale.ROOT, "%-25s %8d %9d%n", "all", requests(), rows.stream().mapToLong(Row::failures).sum());
        out.println("(requests and failures as each backend counted them, retries included; breaker state at the end;");
        out.println(" mean latency to the response headers as the client measured it)");
        out.println();
        out.printf(Locale.ROOT, "%d calls in %.1f s: %d succeeded, %d failed (success rate %.2f%%)%n",
                calls, elapsed.toMillis() / 1000.0, succeeded, calls - succeeded, 100 * successRate());
        out.printf(Locale.ROOT, "%d calls needed a retry (%d retries in all): %d calls + %d retries = %d requests%n",
                retriedCalls, retries, calls, retries, calls + retries);
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
