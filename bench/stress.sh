#!/usr/bin/env bash
# Time and memory of repro-audit on inputs built to blow up, at growing
# sizes: `bash bench/stress.sh [--scale F]`. See bench/stress.py.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet --bin repro-audit
python3 bench/stress.py "$@"
