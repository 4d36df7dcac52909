package io.github.loadbalancer4j.benchmarks.sim;

import static java.util.Objects.requireNonNull;

import io.github.loadbalancer4j.SelectionStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs scenarios: every strategy with every variant, one after another on the calling thread, each
 * on its own load balancer and virtual clock. The same scenario and seed give the same
 * {@link Outcome} on any machine.
 *
 * <pre>{@code
 * Outcome outcome = Simulator.run(Scenarios.slowBackend(), 1);
 * System.out.println(Report.table(outcome));
 * }</pre>
 */
public final class Simulator {

    private Simulator() {
    }

    /**
     * Runs a scenario with one seed.
     *
     * @param scenario the scenario
     * @param seed the seed of every random draw: arrivals, latencies, outcomes and the strategies' picks
     * @return the results
     */
    public static Outcome run(Scenario scenario, long seed) {
        requireNonNull(scenario, "scenario");
        long started = System.nanoTime();
        List<RunResult> results = new ArrayList<>();
        for (Map.Entry<String, SelectionStrategy> s : scenario.strategies().entrySet()) {
            for (Variant v : scenario.variants()) {
                results.add(new Run(scenario, s.getKey(), s.getValue(), v, seed).execute());
            }
        }
        return new Outcome(scenario, seed, results, (System.nanoTime() - started) / 1e9);
    }
}
