#!/usr/bin/env bash
# Benchmark repro-audit against hadolint on a generated corpus of
# Dockerfiles: `bash bench/run.sh [--files N] [--repeat N]`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh
cargo build --release --locked --quiet --bin repro-audit --example parse_lock
.venv/bin/python bench/bench.py "$@"
