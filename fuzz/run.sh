#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 30) each. cargo-fuzz needs
# nightly features; the stable toolchain allows them with RUSTC_BOOTSTRAP=1.
#   bash fuzz/run.sh 600        # long run
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-30}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# Build every target first, unfiltered: a target that does not compile must
# fail the run, not vanish in the filtered output below.
RUSTC_BOOTSTRAP=1 cargo fuzz build -O
# Inputs that once crashed a target are kept in fuzz/regressions (their name
# starts with the target's) and seed its corpus, so each run tries them first.
for target in bounded_read live_loader config_loader overlay_patch duration_arg helm_output redact; do
  mkdir -p "corpus/$target"
  cp regressions/"$target"-* "corpus/$target"/ 2>/dev/null || true
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$target" "corpus/$target" "corpus_seed/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=5 2>&1 | grep -E "^(#[0-9]+ +DONE|Done|==|SUMMARY|artifact)" || true
  ls artifacts/"$target" 2>/dev/null | grep -q . && { echo "crash in $target: see fuzz/artifacts/$target"; exit 1; }
done
echo "fuzzing clean"
