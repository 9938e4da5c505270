#!/usr/bin/env bash
# Builds the statically linked milvus-l7 of the Argo CD image and prints its
# path. deploy/argocd/Dockerfile and bench/compare.sh both build it here, so
# what is measured is what ships.
#
# - the dist profile (Cargo.toml): fat LTO, one codegen unit, abort, stripped.
# - crt-static: no dynamic loader. Loading glibc and libgcc_s was about
#   0.4 ms of each render, and the repo-server runs the plugin for every
#   app on every refresh (docs/development.md, Performance).
# - a static PIE (rustc's default for crt-static on linux-gnu): the binary
#   parses untrusted exports, so it keeps address space layout randomisation;
#   relocating its own pointers at start costs about 0.1 ms.
# - an explicit --target: with RUSTFLAGS and no --target, cargo would build
#   the proc-macros static too, which rustc refuses.
#   bash scripts/build-static.sh [extra cargo args, e.g. --locked]
set -euo pipefail
cd "$(dirname "$0")/.."
host=$(rustc -vV | sed -n 's/^host: //p')
RUSTFLAGS="-C target-feature=+crt-static" \
  cargo build --profile dist --quiet --bin milvus-l7 --target "$host" "$@" >&2
echo "${CARGO_TARGET_DIR:-target}/$host/dist/milvus-l7"
