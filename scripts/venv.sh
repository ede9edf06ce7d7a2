#!/usr/bin/env bash
# The project virtualenv (.venv) with the oracles and peer tools that the
# tests and the benchmark use, at pinned versions, from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r tests/oracle/requirements.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r tests/oracle/schemas.txt
