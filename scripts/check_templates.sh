#!/usr/bin/env sh
# Render templates/ for the dev preset and for a variant that flips every template branch
# (local state, no external APIs, no observability, CDN + DNS zone, an HPA worker), then check
# formatting and names. Usage: scripts/check_templates.sh  (needs python3 + jinja2, terraform)
set -eu
cd "$(dirname "$0")/.."
out="${TMPDIR:-/tmp}/mobi-templates-check"
rm -rf "$out"
python3 scripts/render_sample.py presets/dev.toml "$out/dev"
python3 scripts/render_sample.py presets/dev.toml "$out/variant" \
  --set='state.backend="local"' --set='external_apis=null' --set='observability.enabled=false' \
  --set='frontend.cdn=true' --set='frontend.dns_zone="dev.mobi.example.com"' \
  --set='workers.vpod.max_replicas=4' --set='project.env="prod"'
for t in dev variant; do
  terraform fmt -check -recursive -diff "$out/$t"
  python3 scripts/check_schema_names.py "$out/$t/infra/terraform"
done
# modules must be byte-identical whatever the preset
diff -r "$out/dev/infra/terraform/modules" "$out/variant/infra/terraform/modules"
echo "templates OK"
