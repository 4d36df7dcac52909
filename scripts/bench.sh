#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar and runs the JMH benchmarks with the GC profiler, once
# with 1 thread and once with 2 threads.
#
#   scripts/bench.sh                      short run: 1 fork, 2 x 1 s warmup, 3 x 1 s measurement (~15 min)
#   scripts/bench.sh full                 full run:  3 forks, 5 x 2 s warmup, 5 x 2 s measurement
#   scripts/bench.sh [full] 'RoundRobin'  only the benchmarks whose name matches the JMH regex
#
# Results: benchmarks/target/jmh-<threads>t.txt (as printed) and .json. Every benchmark measures a
# baseline in the same run, so compare ratios, not nanoseconds, across machines.
#
#   scripts/bench.sh 'PeerSelection'      P4: round robin against gRPC-java, Armeria, Spring Cloud LoadBalancer, Dubbo, Ribbon
#   scripts/bench.sh 'ListReplacement'    P5: selection while another thread replaces the list (@Group)
#   scripts/bench.sh 'Grpc'               P17: the loadbalancer4j gRPC policy against round_robin (picks; unary calls on loopback)
# and, after a build, two plain programs:
#   java -cp benchmarks/target/benchmarks.jar io.github.loadbalancer4j.benchmarks.PeerFairness        P4 fairness
#   java -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar io.github.loadbalancer4j.benchmarks.InstanceFootprint   P6
# The simulator (P8-P11) has its own command: scripts/simulate.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=short
if [[ "${1:-}" == "full" ]]; then
  mode=full
  shift
fi
include="${1:-}"

if [[ "$mode" == "full" ]]; then
  run_opts=(-f 3 -wi 5 -w 2s -i 5 -r 2s)
else
  run_opts=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
fi

mvn -B -q -ntp -pl benchmarks -am package -DskipTests

for threads in 1 2; do
  echo "== $mode run, $threads thread(s)"
  java -jar benchmarks/target/benchmarks.jar "${run_opts[@]}" -t "$threads" -prof gc \
    -rf json -rff "benchmarks/target/jmh-${threads}t.json" ${include:+"$include"} \
    | tee "benchmarks/target/jmh-${threads}t.txt"
done
