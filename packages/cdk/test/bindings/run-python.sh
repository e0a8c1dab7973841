#!/usr/bin/env bash
# Installs the wheel jsii-pacmak built into the project venv and runs the Python binding tests.
set -euo pipefail
# The jsii runtime runs on the machine's Node.js 20 and would say so on every start.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=1
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
