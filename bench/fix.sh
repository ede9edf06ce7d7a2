#!/usr/bin/env bash
# How long --fix takes to look up many digests, against a local registry:
# `bash bench/fix.sh [--tags N] [--files N] [--repeat N]`. Needs Debian's
# docker-registry and skopeo (bash scripts/servers.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet --bin repro-audit
python3 bench/fix.py "$@"
