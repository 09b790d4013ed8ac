#!/usr/bin/env bash
# Compare one headless phase (`mobi-tui --preset … --from 3 --to 3`, a targeted saved plan with
# its hashing, journal and event rendering) against the same `terraform plan -target` by hand.
# Uses the fixture tree of terraform_data modules, so no provider is downloaded.
#
#   scripts/bench-phase.sh [RUNS]        (default 20 runs; uses hyperfine when installed)
#   MOBI_TUI=/path/to/mobi-tui scripts/bench-phase.sh
set -euo pipefail

runs=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
tf=${MOBI_TERRAFORM:-$(command -v terraform || command -v tofu || true)}
if [[ -z "$tf" ]]; then
  echo "bench-phase: terraform (or tofu) not found; set MOBI_TERRAFORM" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ -z "${MOBI_TUI:-}" ]]; then
  (cd "$root" && cargo build --quiet --bin mobi-tui)
  # The target dir may be shared: copy the binary right away so a later build cannot swap it.
  cp "${CARGO_TARGET_DIR:-$root/target}/debug/mobi-tui" "$work/mobi-tui"
  MOBI_TUI="$work/mobi-tui"
fi

cp -r "$root/tests/fixtures/tree/." "$work/"
cp "$root/presets/dev.toml" "$work/preset.toml"
printf '# built-in providers only\n' > "$work/tfrc"
export TF_CLI_CONFIG_FILE="$work/tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 MOBI_TERRAFORM="$tf"
export SCW_ACCESS_KEY=bench SCW_SECRET_KEY=bench SCW_DEFAULT_PROJECT_ID=bench
env_dir="$work/infra/terraform/envs/dev"
"$tf" -chdir="$env_dir" init -input=false >/dev/null

headless="$MOBI_TUI --preset $work/preset.toml --out $work --from 3 --to 3 --json"
by_hand="$tf -chdir=$env_dir plan -json -input=false -detailed-exitcode -target=module.network -out=$work/hand.tfplan"

if command -v hyperfine >/dev/null; then
  hyperfine --warmup 2 --runs "$runs" -i -n headless "$headless" -n terraform "$by_hand"
  exit 0
fi

echo "hyperfine not found: timing $runs runs of each with date(1)" >&2
time_it() {
  local name=$1; shift
  local start end
  "$@" >/dev/null 2>&1 || true   # warm-up
  start=$(date +%s%N)
  for ((i = 0; i < runs; i++)); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  printf '%-10s mean %7.1f ms over %d runs\n' "$name" "$(echo "($end - $start) / $runs / 1000000" | bc -l)" "$runs"
}
# shellcheck disable=SC2086
time_it headless $headless
# shellcheck disable=SC2086
time_it terraform $by_hand
