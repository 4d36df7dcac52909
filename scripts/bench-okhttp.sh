#!/usr/bin/env bash
# P7: OkHttp through LoadBalancingInterceptor vs plain OkHttp (requests/s), 1 and 2 client threads.
# On a shared machine the load changes faster than a JMH run, so plain and balanced are measured in
# alternating short runs (ROUNDS of each) and each figure is the median of its runs.
# Usage: scripts/bench-okhttp.sh [ROUNDS]   (builds the benchmarks jar first)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-4}"
mvn -B -q -ntp -pl benchmarks -am package -DskipTests
out="$(mktemp -d)"
# JMH allows one run per machine (/tmp/jmh.lock): wait for another one to finish instead of failing.
jmh() {
  while ! java -jar benchmarks/target/benchmarks.jar "$@" > "$out/log" 2>&1; do
    grep -q 'Unable to acquire the JMH lock' "$out/log" || { cat "$out/log" >&2; exit 1; }
    sleep 10
  done
}
for threads in 1 2; do
  for round in $(seq 1 "$rounds"); do
    for bench in plain balanced balancedWithRetry; do
      jmh "OkHttpInterceptorBenchmark.${bench}\$" \
        -f 1 -wi 2 -w 2s -i 3 -r 3s -t "$threads" -rf csv -rff "$out/$bench-t$threads-r$round.csv"
    done
  done
done
echo "threads,benchmark,median ops/s,runs"
for threads in 1 2; do
  for bench in plain balanced balancedWithRetry; do
    scores=$(for f in "$out"/$bench-t$threads-r*.csv; do tail -n 1 "$f" | cut -d, -f5; done | sort -g)
    n=$(echo "$scores" | wc -l)
    median=$(echo "$scores" | awk -v n="$n" '{a[NR]=$1} END {if (n % 2) print a[(n+1)/2]; else print (a[n/2]+a[n/2+1])/2}')
    echo "$threads,$bench,$median,$(echo $scores | tr ' ' '/')"
  done
done
