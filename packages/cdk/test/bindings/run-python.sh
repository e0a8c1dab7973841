#!/usr/bin/env bash
# Installs the wheel jsii-pacmak built into the project venv and runs the Python binding tests.
set -euo pipefail
# The jsii runtime runs the `node` on the PATH: Node.js 24 under npm (the root's `node`
# devDependency). Run by hand on a machine's Node.js 20, jsii would print its end-of-life
# banner on every start: it reads this variable as the majors to stay quiet about.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"
here="$(cd "$(dirname "$0")" && pwd)"
pkg="$(cd "$here/../.." && pwd)"
venv="$(cd "$pkg/../.." && pwd)/.venv"
[[ -x "$venv/bin/python" ]] || { echo "no project venv at $venv: run 'npm run venv' at the repository root" >&2; exit 1; }
wheel="$(ls "$pkg"/dist/python/*.whl)"
# First with dependencies (a no-op once they are there), then our wheel again:
# the version stays 0.0.0 between builds, so pip would otherwise keep a stale copy.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
rm -rf "$pkg/test-reports/python"
exec "$venv/bin/python" -m pytest -p no:cacheprovider --junitxml="$pkg/test-reports/python/junit.xml" "$here/python"
