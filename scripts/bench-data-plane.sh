#!/usr/bin/env bash
# Benchmark (not a test), issue 11 "sandbox data plane": the wall time the data plane adds to the
# README's main job (PostgreSQL initdb + start, redis-server start, the SQL of the RDB resources,
# the env's S3 server and its buckets, phase 14's direct, bucket and website checks), median of N rehearsals from a reset sandbox each, side by side with
# the same build and MOBI_SANDBOX_DATA_PLANE=0 (stand-ins with fake endpoints only). Target: at
# most 5 s extra.
# usage: [MOBI_BIN=target/release/mobi-tui] scripts/bench-data-plane.sh [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
if [ -z "${MOBI_BIN:-}" ]; then cargo build --release --locked -q; fi
bin=${MOBI_BIN:-$PWD/target/release/mobi-tui}
runs=3
[ "${1:-}" = "--runs" ] && runs=$2
work=$(mktemp -d)
# --sandbox-reset stops the servers and removes their data (under /var/tmp/mobi-tui-sandbox/).
cleanup() {
  "$bin" --preset presets/dev.toml --out "$work/on" --sandbox --sandbox-reset --to 2 >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export CHECKPOINT_DISABLE=1
export SCW_DEFAULT_ORGANIZATION_ID=${SCW_DEFAULT_ORGANIZATION_ID:-11111111-1111-4111-8111-111111111111}
for who in on off; do
  "$bin" generate --preset presets/dev.toml --out "$work/$who" >/dev/null
  "$bin" validate --preset presets/dev.toml --out "$work/$who" --sandbox >/dev/null 2>&1   # init once
done
rehearsal() { echo "$bin --preset presets/dev.toml --out $work/$1 --sandbox --sandbox-reset --apply --auto-approve"; }
hyperfine --warmup 0 --runs "$runs" --export-json "$work/run.json" \
  -n "without data plane" "env MOBI_SANDBOX_DATA_PLANE=0 $(rehearsal off) >/dev/null 2>&1" \
  -n "with data plane" "$(rehearsal on) >/dev/null 2>&1"
python3 - "$work/run.json" <<'PY'
import json, sys
r = [(x["command"], x["median"], x["stddev"] or 0.0) for x in json.load(open(sys.argv[1]))["results"]]
base = r[0][1]
for name, med, sd in r:
    print(f"{name:20s} median {med:7.2f} s ± {sd:5.2f}  (+{med-base:5.2f} s, x{med/base:.3f})")
PY
