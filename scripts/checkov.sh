#!/usr/bin/env bash
# Static policy checks (checkov) over the trees generated for every shipped preset.
# A failed check fails the run unless it is skipped inline in the template with a reason
# (`#checkov:skip=CKV_…:why`). Runs offline: no Prisma Cloud download.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${MOBI_TOOLS_VENV:-$PWD/.venv-tools}
if [ ! -x "$venv/bin/checkov" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check 'checkov>=3,<4'
fi
bin=${MOBI_BIN:-}
if [ -z "$bin" ]; then
  cargo build --locked -q
  bin=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/mobi-tui
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for p in presets/*.toml; do
  "$bin" generate --preset "$p" --out "$out" >/dev/null
done
"$venv/bin/checkov" -d "$out/infra/terraform" --framework terraform --skip-download --quiet --compact
echo "checkov: no failed check over $(ls "$out/infra/terraform/envs" | tr '\n' ' ')"
