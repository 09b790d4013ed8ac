#!/usr/bin/env bash
# Benchmark (not a test), issue "sandbox fidelity" item 6: whole-process sandbox timings of this
# build against a baseline build, side by side in one hyperfine run (medians and ratios).
#   1. `terraform providers schema -json` in an initialised sandbox copy: Terraform launches
#      every stand-in and asks each for its schema (launch -> GetProviderSchema answered);
#   2. the README's main job (sandbox rehearsal of presets/dev.toml with apply), from a reset
#      sandbox each time.
# usage: BASELINE_BIN=/path/to/older/mobi-tui [MOBI_BIN=target/release/mobi-tui] scripts/bench-sandbox.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
if [ -z "${MOBI_BIN:-}" ]; then cargo build --release --locked -q; fi
new=${MOBI_BIN:-$PWD/target/release/mobi-tui}
old=${BASELINE_BIN:?set BASELINE_BIN to the mobi-tui binary to compare with (e.g. a release build of an older commit)}
runs=5
[ "${1:-}" = "--runs" ] && runs=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CHECKPOINT_DISABLE=1
# The rehearsal needs an organization for the IAM creates (as a real run does).
export SCW_DEFAULT_ORGANIZATION_ID=${SCW_DEFAULT_ORGANIZATION_ID:-11111111-1111-4111-8111-111111111111}
for who in old new; do
  bin=${!who}
  "$bin" generate --preset presets/dev.toml --out "$work/$who" >/dev/null
  "$bin" validate --preset presets/dev.toml --out "$work/$who" --sandbox >/dev/null 2>&1   # init once
done
schema_cmd() {
  local d=$work/$1/.mobi/sandbox
  echo "env TF_CLI_CONFIG_FILE=$d/terraformrc MOBI_SANDBOX_DIR=$d/dev terraform -chdir=$d/dev/tree/envs/dev providers schema -json"
}
rehearsal_cmd() {
  echo "${!1} --preset presets/dev.toml --out $work/$1 --sandbox --sandbox-reset --apply --auto-approve"
}
hyperfine -N --warmup 1 --runs 10 --export-json "$work/schema.json" \
  -n "baseline: providers schema" "$(schema_cmd old)" \
  -n "this build: providers schema" "$(schema_cmd new)"
hyperfine --warmup 0 --runs "$runs" --export-json "$work/run.json" \
  -n "baseline: main job" "$(rehearsal_cmd old) >/dev/null 2>&1 || true" \
  -n "this build: main job" "$(rehearsal_cmd new) >/dev/null 2>&1"
python3 - "$work/schema.json" "$work/run.json" <<'PY'
import json, sys
for f in sys.argv[1:]:
    r = [(x["command"], x["median"]) for x in json.load(open(f))["results"]]
    base = r[0][1]
    for name, med in r:
        print(f"{name:32s} median {med*1000:9.1f} ms  ratio {med/base:5.2f}x")
PY
