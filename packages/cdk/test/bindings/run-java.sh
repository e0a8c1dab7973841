#!/usr/bin/env bash
# Runs the Java binding tests against the jar jsii-pacmak built, through Maven.
set -euo pipefail
# The jsii runtime runs the `node` on the PATH: Node.js 24 under npm (the root's `node`
# devDependency). Run by hand on a machine's Node.js 20, jsii would print its end-of-life
# banner on every start: it reads this variable as the majors to stay quiet about.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
here="$(cd "$(dirname "$0")" && pwd)"
pkg="$(cd "$here/../.." && pwd)"
repo="${MAVEN_LOCAL_REPOSITORY:-$HOME/.m2/repository}"
# The version stays 0.0.0 between builds: drop Maven's cached copy so the fresh jar is used.
rm -rf "$repo/io/github/konghybrid/kong-hybrid-cdk"
rm -rf "$pkg/test-reports/java"
status=0
# clean: classes of deleted tests must not run from a stale target/
# node.version: the Node.js the jsii runtime runs on, recorded in the surefire report's properties.
mvn -B -q -f "$here/java/pom.xml" -Dnode.version="$(node --version)" clean test || status=$?
mkdir -p "$pkg/test-reports/java"
cp "$here"/java/target/surefire-reports/TEST-*.xml "$pkg/test-reports/java/" 2>/dev/null || true
exit $status
