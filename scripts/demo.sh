#!/usr/bin/env bash
# Runs the demo: three local HTTP backends (one starts failing part-way, one is slow), a few
# thousand OkHttp calls to http://orders/... through LoadBalancingInterceptor with failover, a table
# per instance at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -ntp -DskipTests -pl examples -am package
exec java -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
  io.github.loadbalancer4j.examples.Demo "$@"
