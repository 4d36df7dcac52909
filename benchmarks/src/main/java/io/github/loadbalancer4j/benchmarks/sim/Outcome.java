package io.github.loadbalancer4j.benchmarks.sim;

import java.util.ArrayList;
import java.util.List;

/** The results of one scenario for one seed: one {@link RunResult} per strategy and variant. */
public final class Outcome {

    private final Scenario scenario;
    private final long seed;
    private final List<RunResult> results;
    private final double wallSeconds;

    Outcome(Scenario scenario, long seed, List<RunResult> results, double wallSeconds) {
        this.scenario = scenario;
        this.seed = seed;
        this.results = List.copyOf(results);
        this.wallSeconds = wallSeconds;
    }

    /** @return the scenario */
    public Scenario scenario() {
        return scenario;
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    /** @return every result, strategies in table order, variants in scenario order */
    public List<RunResult> results() {
        return results;
    }

    /** @return how long the runs took in real time */
    public double wallSeconds() {
        return wallSeconds;
    }

    /**
     * @param strategy a strategy's label
     * @param variant a variant's label
     * @return its result
     * @throws IllegalArgumentException if there is none
     */
    public RunResult get(String strategy, String variant) {
        for (RunResult r : results) {
            if (r.strategy().equals(strategy) && r.variant().equals(variant)) {
                return r;
            }
        }
        throw new IllegalArgumentException("strategy '" + strategy + "', variant '" + variant + "' (expected: one of "
                + labels() + ")");
    }

    private List<String> labels() {
        List<String> l = new ArrayList<>();
        for (RunResult r : results) {
            l.add(r.strategy() + "/" + r.variant());
        }
        return l;
    }
}
