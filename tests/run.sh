#!/usr/bin/env bash
# The whole test suite from a fresh machine: make a virtualenv, install stance with its test
# extras, lint, run pytest. Safe to run again: an existing .venv is reused.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
.venv/bin/ruff check stance tests bench
.venv/bin/python -m pytest "$@"
