#!/usr/bin/env bash
# Builds everything and runs every test, with the real backends the tests need.
# Installs dnsmasq-base if it is missing (needs root, as on CI), starts it, and runs Maven with
# -Dloadbalancer4j.requireBackends=true so that a test whose backend is missing fails instead of skipping.
# -P javadoc builds the API docs of every published module and fails on any Javadoc warning
# (doclint all; see the profile in pom.xml). It adds a few seconds.
# scripts/check-bom.sh first checks that the BOM lists every published module.
# Extra arguments go to Maven, e.g. scripts/test.sh -pl core -am
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/check-bom.sh

source scripts/backends.sh
trap stop_backends EXIT

mvn -B -ntp verify -P javadoc -Dloadbalancer4j.requireBackends=true "$@"
