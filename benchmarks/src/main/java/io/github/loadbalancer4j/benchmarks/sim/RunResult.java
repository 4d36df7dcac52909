package io.github.loadbalancer4j.benchmarks.sim;

import java.util.Arrays;
import java.util.List;

/**
 * What one run (one scenario, strategy, variant and seed) measured. Latencies are of whole calls,
 * from the first attempt to the final answer, failures included (a timed-out attempt counts its
 * timeout). Only calls that started after the scenario's warm-up are counted.
 */
public final class RunResult {

    private final String strategy;
    private final String variant;
    private final long[] sortedLatencies;
    private final long successes;
    private final long[] attemptsPerBackend;
    private final List<String> backendNames;
    private final long retries;
    private final long refusedRetries;
    private final long noInstance;
    private final long outlierEjections;
    private final double measuredSeconds;
    private final double meanNanos;

    RunResult(String strategy, String variant, long[] latencies, long successes, long[] attemptsPerBackend,
            List<String> backendNames, long retries, long refusedRetries, long noInstance, long outlierEjections,
            double measuredSeconds) {
        this.strategy = strategy;
        this.variant = variant;
        this.sortedLatencies = latencies.clone();
        Arrays.sort(this.sortedLatencies);
        this.successes = successes;
        this.attemptsPerBackend = attemptsPerBackend.clone();
        this.backendNames = List.copyOf(backendNames);
        this.retries = retries;
        this.refusedRetries = refusedRetries;
        this.noInstance = noInstance;
        this.outlierEjections = outlierEjections;
        this.measuredSeconds = measuredSeconds;
        double sum = 0;
        for (long l : sortedLatencies) {
            sum += l;
        }
        this.meanNanos = sortedLatencies.length == 0 ? 0 : sum / sortedLatencies.length;
    }

    /** @return the strategy's label */
    public String strategy() {
        return strategy;
    }

    /** @return the variant's label */
    public String variant() {
        return variant;
    }

    /** @return the calls counted */
    public long calls() {
        return sortedLatencies.length;
    }

    /** @return the share of calls that succeeded, 0.0-1.0 */
    public double successRate() {
        return calls() == 0 ? 0 : (double) successes / calls();
    }

    /**
     * @param quantile 0.0-1.0, e.g. 0.99
     * @return the latency at that quantile (nearest rank), in milliseconds
     */
    public double percentileMillis(double quantile) {
        if (sortedLatencies.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(quantile * sortedLatencies.length);
        return sortedLatencies[Math.min(Math.max(rank, 1), sortedLatencies.length) - 1] / 1e6;
    }

    /** @return the mean latency (for a queue: the mean time in system), in milliseconds */
    public double meanMillis() {
        return meanNanos / 1e6;
    }

    /** @return counted calls per second of measured virtual time */
    public double callsPerSecond() {
        return measuredSeconds == 0 ? 0 : calls() / measuredSeconds;
    }

    /** @return retries made */
    public long retries() {
        return retries;
    }

    /** @return retries the budget refused */
    public long refusedRetries() {
        return refusedRetries;
    }

    /** @return acquires that found no available instance */
    public long noInstance() {
        return noInstance;
    }

    /** @return instances outlier ejection ejected during the whole run, warm-up included */
    public long outlierEjections() {
        return outlierEjections;
    }

    /** @return attempts sent to each backend, in the scenario's order */
    public long[] attemptsPerBackend() {
        return attemptsPerBackend.clone();
    }

    /** @return the backends' names, in the scenario's order */
    public List<String> backendNames() {
        return backendNames;
    }

    /**
     * @param backend a backend's name
     * @return the share of all attempts that went to it, 0.0-1.0
     * @throws IllegalArgumentException if no backend has that name
     */
    public double attemptShare(String backend) {
        int i = backendNames.indexOf(backend);
        if (i < 0) {
            throw new IllegalArgumentException("backend: '" + backend + "' (expected: one of " + backendNames + ")");
        }
        long total = 0;
        for (long a : attemptsPerBackend) {
            total += a;
        }
        return total == 0 ? 0 : (double) attemptsPerBackend[i] / total;
    }

    /** @return the latencies of the counted calls, ascending, in nanoseconds */
    long[] sortedLatencies() {
        return sortedLatencies;
    }
}
