#!/usr/bin/env bash
# Runs the load balancing simulator (benchmarks module, io.github.loadbalancer4j.benchmarks.sim).
#
#   scripts/simulate.sh [scenario|all|file.properties ...] [--seed N | --seeds 1,2,3] [--charts DIR] [--markdown FILE]
#
# Scenarios: slow-backend (P8), mixed-backends (P9), supermarket (P10), black-hole (P11), cold-start,
# slow-middle, gray-failure and even-failures (P16), hedging (P15), or "all" (the default). Prints a table per scenario and seed (p50/p90/p99/p99.9, mean,
# success rate, calls/s, retries, attempts per backend), the published figures and bars beside them,
# and writes a PNG chart per scenario into benchmarks/results (or --charts DIR).
# The same seed gives the same tables on any machine.
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file="$PWD/benchmarks/target/simulator.classpath"
if ! build_log=$(mvn -B -q -ntp -pl benchmarks -am compile dependency:build-classpath \
    -DskipTests -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime 2>&1); then
  echo "$build_log" >&2
  exit 1
fi
# Within the reactor the modules resolve to their target/classes directories.
cp="benchmarks/target/classes:$(cat "$cp_file")"
exec java -Xmx1g -XX:+UseSerialGC -Djava.awt.headless=true -cp "$cp" \
    io.github.loadbalancer4j.benchmarks.sim.SimulatorMain "$@"
