#!/usr/bin/env bash
# Whole-process timing, startup included: `milvus-l7 render -o` against
# `kubectl kustomize` building the same objects (bench/kustomize/), then
# diff on large generated live exports (time and peak memory).
#   bash bench/compare.sh            # needs hyperfine (apt-get install hyperfine) and kubectl
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet --bin milvus-l7 --example generate_live
bin=$target/release/milvus-l7
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

echo "== render -o vs kubectl kustomize =="
hyperfine -N --warmup 5 --runs 100 --export-json "$work/render.json" \
  "$bin render --overlay google-managed -o $work/out" \
  "kubectl kustomize bench/kustomize/google-managed -o $work/kustomized.yaml"
python3 - "$work/render.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(f"ratio: milvus-l7 render is {r[1]['mean'] / r[0]['mean']:.1f}x faster than kubectl kustomize")
PY
/usr/bin/time -f "render peak memory: %M KiB" "$bin" render --overlay google-managed -o "$work/out"

if "$bin" diff --help >/dev/null 2>&1; then
  echo "== diff on generated live exports =="
  for n in 1000 10000 50000; do
    for format in list json; do
      ext=$([ "$format" = json ] && echo json || echo yaml)
      "$target"/release/examples/generate_live "$n" "$format" > "$work/live-$n.$ext"
      size=$(stat -c %s "$work/live-$n.$ext")
      /usr/bin/time -f "diff $n objects ($format, $((size / 1024)) KiB): %e s, peak %M KiB" \
        "$bin" diff --overlay google-managed --live "$work/live-$n.$ext" > /dev/null || true
    done
  done
fi
