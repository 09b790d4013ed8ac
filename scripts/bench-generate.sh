#!/usr/bin/env bash
# Benchmark (not a test): render + write of the dev tree and the no-op re-run, side by side in one
# hyperfine run with `cp -r` of the same tree (the floor). Prints hyperfine's table and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
# MOBI_BIN: an already-built release binary (skips the build).
if [ -z "${MOBI_BIN:-}" ]; then cargo build --release --locked -q; fi
bin=${MOBI_BIN:-$PWD/target/release/mobi-tui}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" generate --preset presets/dev.toml --out "$work/ref" >/dev/null
hyperfine -N --warmup 5 --runs 60 --export-json "$work/h.json" \
  --prepare "rm -rf $work/copy" -n "cp -r (floor)" "cp -r $work/ref $work/copy" \
  --prepare "rm -rf $work/gen" -n "generate (fresh dir)" "$bin generate --preset presets/dev.toml --out $work/gen" \
  --prepare "true" -n "generate (no-op re-run)" "$bin generate --preset presets/dev.toml --out $work/ref"
python3 - "$work/h.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
floor = r["cp -r (floor)"]
for name, med in r.items():
    print(f"{name:28s} median {med*1000:7.2f} ms  ratio to cp -r {med/floor:5.2f}x")
PY
