#!/usr/bin/env bash
# Benchmark (not a test), issue "sandbox": whole-process `mobi-tui validate --sandbox` of the dev
# tree against the same `terraform validate` run by hand in the already-initialised sandbox copy
# (the floor), side by side in one hyperfine run. Target: <= 1.5x. Also prints the plugin's
# start-to-handshake time (criterion bench `sandbox_handshake`) when asked with --handshake.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
# MOBI_BIN: an already-built release binary (skips the build).
if [ -z "${MOBI_BIN:-}" ]; then cargo build --release --locked -q; fi
bin=${MOBI_BIN:-$PWD/target/release/mobi-tui}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" generate --preset presets/dev.toml --out "$work" >/dev/null
"$bin" validate --preset presets/dev.toml --out "$work" --sandbox >/dev/null   # init once
envdir=$work/.mobi/sandbox/dev/tree/envs/dev
export CHECKPOINT_DISABLE=1
hyperfine -N --warmup 2 --runs 15 --export-json "$work/h.json" \
  -n "terraform validate (floor)" "env TF_CLI_CONFIG_FILE=$work/.mobi/sandbox/terraformrc terraform -chdir=$envdir validate -no-color" \
  -n "mobi-tui validate --sandbox" "$bin validate --preset presets/dev.toml --out $work --sandbox"
python3 - "$work/h.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
floor = r["terraform validate (floor)"]
for name, med in r.items():
    print(f"{name:30s} median {med*1000:8.1f} ms  ratio {med/floor:5.2f}x")
PY
if [ "${1:-}" = "--handshake" ]; then
  cargo bench --locked --bench sandbox_handshake
fi
