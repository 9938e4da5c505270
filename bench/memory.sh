#!/usr/bin/env bash
# Peak memory (RSS) against input size for diff, status and validate on
# generated exports, and validate's time as the export grows. A report,
# not a test: the figures go into the Performance table of docs/development.md.
#   bash bench/memory.sh               # needs GNU time (/usr/bin/time -v)
#   bash bench/memory.sh 10000 50000   # object counts (default 10000 50000)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
command -v /usr/bin/time >/dev/null || { echo "bench/memory.sh needs GNU time (apt-get install time)" >&2; exit 2; }
# The dist profile, as shipped (Cargo.toml).
cargo build --profile dist --quiet --offline --bin milvus-l7 --example generate_live
bin=$target/dist/milvus-l7
gen=$target/dist/examples/generate_live
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
counts=("${@:-10000 50000}")
# shellcheck disable=SC2206
counts=(${counts[*]})

# peak RSS in KiB and wall seconds of one run; exit status 0-2 is fine
# (differences, not ready, invalid objects are answers, not failures).
measure() {
  /usr/bin/time -v "$@" >/dev/null 2>"$work/time" || [ $? -le 2 ]
  local rss wall
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time")
  echo "$rss $wall"
}

printf '%-8s %-6s %-9s %9s %10s %7s %9s\n' objects format command input_MiB peak_MiB ratio wall
for n in "${counts[@]}"; do
  for format in list json; do
    file=$work/live-$n.$format
    "$gen" "$n" "$format" > "$file"
    size=$(stat -c %s "$file")
    for command in diff status validate; do
      case $command in
        diff) args=(diff --live "$file") ;;
        status) args=(status --live "$file") ;;
        validate) args=(validate "$file") ;;
      esac
      read -r rss wall < <(measure "$bin" "${args[@]}")
      awk -v n="$n" -v f="$format" -v c="$command" -v s="$size" -v r="$rss" -v w="$wall" \
        'BEGIN { printf "%-8s %-6s %-9s %9.1f %10.1f %6.1fx %9s\n", n, f, c, s/1048576, r/1024, r*1024/s, w }'
    done
  done
done

echo
echo "validate time (YAML List):"
for n in 10000 50000 100000; do
  file=$work/validate-$n.yaml
  "$gen" "$n" list > "$file"
  read -r rss wall < <(measure "$bin" validate "$file")
  echo "  $n objects: $wall (peak $((rss / 1024)) MiB)"
done
