#!/usr/bin/env bash
# Creates or refreshes the project-local Python venvs that the tests use:
# - .venv: moto server, cfn-lint, pytest, twine and the Python side of the binding tests;
# - .venv/checkov: checkov, whose pinned dependencies cannot share .venv
#   (see tools/python-requirements-checkov.txt).
# Idempotent and quick when nothing changed: each requirements file's hash is stamped.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10+ is required, found " + sys.version)'

# venv DIR REQUIREMENTS: make DIR a venv holding exactly what REQUIREMENTS pins.
venv() {
  local dir="$1" requirements="$2"
  local stamp="$dir/.requirements.sha256"
  local want
  want="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [[ -x "$dir/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "python venv up to date: $dir"
    return
  fi
  [[ -x "$dir/bin/python" ]] || "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"
  echo "python venv ready: $dir ($("$dir/bin/python" --version))"
}

venv "$root/.venv" "$root/tools/python-requirements.txt"
venv "$root/.venv/checkov" "$root/tools/python-requirements-checkov.txt"
