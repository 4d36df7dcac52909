/**
 * A deterministic discrete-event simulator in virtual time that drives the real {@code LoadBalancer},
 * its strategies and per-instance circuit breakers, and failover retries with a real retry budget,
 * against simulated backends. Describe a {@link io.github.loadbalancer4j.benchmarks.sim.Scenario}
 * (or a scenario file, see {@link io.github.loadbalancer4j.benchmarks.sim.ScenarioFile}) and run it
 * with {@link io.github.loadbalancer4j.benchmarks.sim.Simulator}; {@code scripts/simulate.sh} is the
 * command line.
 */
@NullMarked
package io.github.loadbalancer4j.benchmarks.sim;

import org.jspecify.annotations.NullMarked;
