#!/usr/bin/env bash
# Time from an edited preset to its impact on the applied dev env in the sandbox: each run is
# `mobi-tui impact --sandbox` (render into the scratch copy, untargeted plan against the env's
# sandbox state, show -json, mapping), alternating two edits so every run plans a real change.
# Prints every run and the median (the issue's target: 2 s on the reference machine).
#
#   scripts/bench-impact.sh [RUNS]        (default 9)
#   MOBI_TUI=/path/to/mobi-tui scripts/bench-impact.sh
set -euo pipefail

runs=${1:-9}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ -z "${MOBI_TUI:-}" ]]; then
  (cd "$root" && cargo build --quiet --bin mobi-tui)
  # The target dir may be shared: copy the binary right away so a later build cannot swap it.
  cp "${CARGO_TARGET_DIR:-$root/target}/debug/mobi-tui" "$work/mobi-tui"
  MOBI_TUI="$work/mobi-tui"
fi

out="$work/repo"
echo "bench-impact: applying dev in the sandbox once (phases 1-12)…" >&2
"$MOBI_TUI" --preset "$root/presets/dev.toml" --out "$out" --sandbox --apply --auto-approve --to 12 >/dev/null

sed 's/cluster_size = 1/cluster_size = 2/' "$root/presets/dev.toml" > "$work/a.toml"
sed '0,/tag      = "0.1.0"/s//tag      = "0.2.0"/' "$root/presets/dev.toml" > "$work/b.toml"
# The first impact initialises the scratch copy: not counted.
"$MOBI_TUI" impact --preset "$work/a.toml" --out "$out" --sandbox >/dev/null || true

times=()
for ((i = 0; i < runs; i++)); do
  p="$work/a.toml"; (( i % 2 )) && p="$work/b.toml"
  start=$(date +%s%N)
  "$MOBI_TUI" impact --preset "$p" --out "$out" --sandbox --json >/dev/null || true
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  printf 'run %2d  %6d ms  (%s)\n' "$((i + 1))" "$ms" "$(basename "$p")"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'median  %6d ms over %d runs\n' "$median" "$runs"
