#!/usr/bin/env bash
# Whole-process timing, startup included: `milvus-l7 render` (the default
# build, and the statically linked one of the Argo CD image) against
# `kubectl kustomize` building the same objects (bench/kustomize/), the
# gateway with four overlays against google-managed alone, peak RSS and
# instructions per render (callgrind, when valgrind is installed), then
# diff on large generated live exports (time and peak memory).
#   bash bench/compare.sh            # needs hyperfine (apt-get install hyperfine) and kubectl
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
# Check the tools before minutes of building, not after.
for tool in hyperfine kubectl python3; do
  command -v "$tool" >/dev/null || { echo "bench/compare.sh needs $tool (hyperfine: apt-get install hyperfine)" >&2; exit 2; }
done
# The dist profile, as shipped (Cargo.toml).
cargo build --profile dist --quiet --bin milvus-l7 --example generate_live
bin=$target/dist/milvus-l7
# As deploy/argocd/Dockerfile builds it.
static_bin=$(bash scripts/build-static.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== same objects, both ways =="
"$bin" render --overlay google-managed > "$work/ours.yaml"
kubectl kustomize bench/kustomize/google-managed > "$work/theirs.yaml"
python3 - "$work/ours.yaml" "$work/theirs.yaml" <<'PY' || { echo "outputs differ"; exit 1; }
import sys, json, subprocess
def load(p):
    out = subprocess.run(["kubectl", "patch", "--local", "-p", "{}", "--type", "merge", "-o", "json", "-f", p], capture_output=True, text=True, check=True).stdout
    dec = json.JSONDecoder(); i = 0; objs = []
    while i < len(out):
        out_s = out[i:].lstrip()
        if not out_s: break
        o, n = dec.raw_decode(out_s); i = len(out) - len(out_s) + n
        objs.extend(o.get("items", [o]))
    return sorted(json.dumps(o, sort_keys=True) for o in objs)
assert load(sys.argv[1]) == load(sys.argv[2])
PY
echo "identical objects"

echo "== render vs kubectl kustomize =="
# The issue-14 targets: >= 30x kubectl kustomize, peak RSS < 10 MiB, and
# the gateway with four overlays within 1.5x of google-managed alone.
# Both print the stream (hyperfine discards it); -o DIR adds the atomic
# directory swap.
gateway_args=(--overlay gateway --overlay self-managed --overlay grpc-timeouts
  --overlay static-ip --overlay backend-tls --set staticIpName=ip)
hyperfine -N --warmup 10 --runs 200 --export-json "$work/render.json" \
  "kubectl kustomize bench/kustomize/google-managed" \
  "$bin render --overlay google-managed" \
  "$static_bin render --overlay google-managed" \
  "$bin render ${gateway_args[*]}" \
  "$static_bin render ${gateway_args[*]}" \
  "$bin render --overlay google-managed -o $work/out"
python3 - "$work/render.json" <<'PY'
import json, sys
kustomize, ours, ours_static, gateway, gateway_static, ours_dir = json.load(open(sys.argv[1]))["results"]
for name, r in [("default build", ours), ("static build (Argo CD image)", ours_static), ("default build, -o DIR", ours_dir)]:
    print(f"ratio, {name}: {kustomize['mean'] / r['mean']:.1f}x faster than kubectl kustomize (target >= 30x)")
print(f"gateway + 4 overlays: {gateway['mean'] / ours['mean']:.2f}x google-managed alone, "
      f"static {gateway_static['mean'] / ours_static['mean']:.2f}x (target <= 1.5x)")
PY
for args in "--overlay google-managed" "${gateway_args[*]}"; do
  # shellcheck disable=SC2086 # the arguments are meant to split
  /usr/bin/time -f "%M" -o "$work/rss" "$bin" render $args -o "$work/out"
  awk -v a="$args" '{ printf "render %s: peak RSS %.1f MiB (target < 10 MiB)\n", a, $1 / 1024 }' "$work/rss"
  if command -v valgrind >/dev/null; then
    # shellcheck disable=SC2086
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" render $args -o "$work/out" 2>&1 |
      awk -v a="$args" '/Collected/ { printf "render %s: %.2f M instructions\n", a, $4 / 1e6 }'
  fi
done
echo "binary: $(( $(stat -c %s "$bin") / 1024 )) KiB"

if "$bin" diff --help >/dev/null 2>&1; then
  echo "== diff on generated live exports =="
  for n in 1000 10000 50000; do
    for format in list json; do
      ext=$([ "$format" = json ] && echo json || echo yaml)
      "$target"/dist/examples/generate_live "$n" "$format" > "$work/live-$n.$ext"
      size=$(stat -c %s "$work/live-$n.$ext")
      /usr/bin/time -f "diff $n objects ($format, $((size / 1024)) KiB): %e s, peak %M KiB" \
        "$bin" diff --overlay google-managed --live "$work/live-$n.$ext" > /dev/null || true
    done
  done
fi
