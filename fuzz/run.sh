#!/usr/bin/env bash
# Fuzz the parsers and the audit: `bash fuzz/run.sh [SECONDS] [TARGET...]`
# runs each target (all by default) for SECONDS (default 45), starting
# from a corpus seeded with the project's fixtures and the examples of the
# rule docs and the README (fuzz/seed.py). A crash or a timeout
# stops with the input saved under fuzz/artifacts/<target>/; replay it
# with `RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <file>` and make it a
# regression test. Needs cargo-fuzz (`cargo install cargo-fuzz --locked`);
# RUSTC_BOOTSTRAP=1 lets the stable toolchain build with the sanitizer.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-45}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(dockerfile dockerfile_structured flake_lock flake_nix flake_pair nix_file compose ci_files config baseline)
fi
export RUSTC_BOOTSTRAP=1

# Seeds: the fixtures and the docs' examples of each target's kinds.
python3 seed.py

cargo fuzz build -O
for target in "${targets[@]}"; do
    echo "== $target: ${seconds}s"
    # A run over 10 s on one input is a hang; over 2 GiB, a blow-up.
    cargo fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 2>&1 |
        grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|Done)' || true
    if ls "artifacts/$target"/* >/dev/null 2>&1; then
        echo "fuzz/$target found an input that fails: $(ls artifacts/$target)" >&2
        exit 1
    fi
done
