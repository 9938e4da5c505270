#!/usr/bin/env bash
# Builds the statically linked milvus-l7 of the Argo CD image and prints its
# path. deploy/argocd/Dockerfile and bench/compare.sh both build it here, so
# what is measured is what ships.
#
# - crt-static: no dynamic loader. Loading glibc and libgcc_s was about
#   0.4 ms of each render, and the repo-server runs the plugin for every
#   app on every refresh (docs/development.md, Performance).
# - relocation-model=static: a fixed-address executable, not a static PIE,
#   which would relocate its own 15,000 pointers at every start (0.2 M
#   instructions, and a copy-on-write page fault for each of the 66 pages
#   they sit on). It is the build mode of Argo CD's own Go binaries
#   (CGO_ENABLED=0, Go's default on linux/amd64).
# - an explicit --target: with RUSTFLAGS and no --target, cargo would build
#   the proc-macros static too, which rustc refuses.
#   bash scripts/build-static.sh [extra cargo args, e.g. --locked]
set -euo pipefail
cd "$(dirname "$0")/.."
host=$(rustc -vV | sed -n 's/^host: //p')
RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static" \
  cargo build --release --quiet --bin milvus-l7 --target "$host" "$@" >&2
echo "${CARGO_TARGET_DIR:-target}/$host/release/milvus-l7"
