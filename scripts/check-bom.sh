#!/usr/bin/env bash
# Checks that every published module (a module of the root pom that does not set maven.deploy.skip)
# is listed in bom/pom.xml, that the BOM has the project's version, and that every published module
# has its Javadoc checked (sets loadbalancer4j.javadoc.skip to false).
# scripts/test.sh runs it before the build.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
# The project's version: the first <version> of the root pom; the BOM's must be the same.
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -n 1)
bom_version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' bom/pom.xml | head -n 1)
if [ "$version" != "$bom_version" ]; then
  echo "bom/pom.xml: version $bom_version (expected: $version, the project's)" >&2
  status=1
fi
for module in $(sed -n 's|.*<module>\(.*\)</module>.*|\1|p' pom.xml); do
  [ "$module" = bom ] && continue
  grep -q '<maven.deploy.skip>true</maven.deploy.skip>' "$module/pom.xml" && continue
  # The module's own artifactId: the first one after the parent block.
  artifact=$(sed -n '/<\/parent>/,$ s|^  <artifactId>\(.*\)</artifactId>|\1|p' "$module/pom.xml" | head -n 1)
  if ! grep -q "<artifactId>$artifact</artifactId>" bom/pom.xml; then
    echo "bom/pom.xml: $artifact (module $module) is missing (expected: every published artifact)" >&2
    status=1
  fi
  if ! grep -q '<loadbalancer4j.javadoc.skip>false</loadbalancer4j.javadoc.skip>' "$module/pom.xml"; then
    echo "$module/pom.xml: loadbalancer4j.javadoc.skip is not false (expected: published modules check their Javadoc)" >&2
    status=1
  fi
done
exit $status
