#!/usr/bin/env sh
# Exercise the variable validations of the modules and of a rendered env without any provider:
# only variables.tf files are copied into a scratch root, which `terraform plan` evaluates offline.
# Good inputs must plan; each bad input must fail with its validation message.
# Usage: scripts/check_variable_validations.sh   (needs terraform; run check_templates.sh first
# for the env part, which reads its rendered dev tree)
set -eu
cd "$(dirname "$0")/.."
M="$PWD/templates/infra/terraform/modules"
work="${TMPDIR:-/tmp}/mobi-validation-smoke"
rm -rf "$work" && mkdir -p "$work/m"
for m in network redis postgres kubernetes_cluster object_storage app_backend app_workers app_frontend external_apis; do
  mkdir -p "$work/m/$m" && cp "$M/$m/variables.tf" "$work/m/$m/"
done
cat > "$work/main.tf" <<'HCL'
variable "cidr" { default = "172.16.0.0/22" }
variable "img" { default = "rg.fr-par.scw.cloud/mobi/backend" }
variable "principal" { default = "user_id:11111111-2222-3333-4444-555555555555" }
locals {
  w = { vpod = { image = "x/y", tag = "0.1.0", replicas = 1, stream = "s" }, ppod = { image = "x/z", tag = "v1_2-3", replicas = 0, stream = "p", external_apis = true, max_replicas = 3 } }
  db = { host = "10.0.0.1", port = 5432, name = "mobi", user = "mobi", password = "p@ss/w:rd" }
  rd = { host = "10.0.0.2", port = 6379, user = "mobi", password = "x" }
  s3 = { media_bucket = "b", endpoint = "e", region = "fr-par", access_key = "a", secret_key = "s" }
  caller = [{ user_id = "", application_id = "abc" }, { user_id = "u1", application_id = "" }, { user_id = null, application_id = "a2" }]
  principals = [for k in local.caller : try(length(k.user_id), 0) > 0 ? "user_id:${k.user_id}" : "application_id:${k.application_id}"]
  dburl = format("postgresql://%s:%s@%s:%d/%s?sslmode=require", urlencode(local.db.user), urlencode(local.db.password), local.db.host, local.db.port, local.db.name)
  domain = "app.dev.mobi.example.com"
  zone   = "dev.mobi.example.com"
}
output "principals" { value = local.principals }
output "dburl" { value = local.dburl }
output "name" { value = trimsuffix(trimsuffix(local.domain, local.zone), ".") }
output "cmd" { value = "test -f \"$HEARTBEAT_FILE\" && test $(( $(date +%s) - $(stat -c %Y \"$HEARTBEAT_FILE\") )) -lt ${120}" }
module "network" {
  source       = "./m/network"
  project_id   = "p"
  region       = "fr-par"
  name_prefix  = "mobi-dev"
  private_cidr = var.cidr
}
module "redis" {
  source = "./m/redis"
  project_id = "p"
  zone = "fr-par-1"
  name_prefix = "x"
  private_network_id = "x"
  node_type = "RED1-MICRO"
}
module "app_backend" {
  source = "./m/app_backend"
  environment = "dev"
  image = var.img
  image_tag = "0.1.0"
  hostname = "api.dev.mobi.example.com"
  database = local.db
  redis = local.rd
  s3 = local.s3
  load_balancer_zone = "fr-par-1"
  acme_email = "ops@example.com"
}
module "app_workers" {
  source = "./m/app_workers"
  environment = "dev"
  workers = local.w
  database = local.db
  redis = local.rd
  s3 = local.s3
}
module "postgres" {
  source = "./m/postgres"
  project_id = "p"
  region = "fr-par"
  name_prefix = "x"
  private_network_id = "x"
  allowed_cidr = "172.16.0.0/22"
  node_type = "DB-DEV-S"
  db_name = "mobi"
  db_user = "mobi"
}
module "kubernetes_cluster" {
  source = "./m/kubernetes_cluster"
  project_id = "p"
  region = "fr-par"
  name_prefix = "x"
  private_network_id = "x"
  kubernetes_version = "1.35"
  node_type = "DEV1-M"
}
module "app_frontend" {
  source = "./m/app_frontend"
  project_id = "p"
  region = "fr-par"
  name_prefix = "x"
  bucket_name = "b"
  domain = "app.dev.mobi.example.com"
  admin_principals = [var.principal]
}
module "object_storage" {
  source = "./m/object_storage"
  project_id = "p"
  region = "fr-par"
  name_prefix = "x"
  media_bucket_name = "mobi-media-dev-example"
  frontend_bucket_name = "mobi-frontend-dev-example"
}
module "external_apis" {
  source = "./m/external_apis"
  ancpi_base_url = "https://ancpi.example.ro/api"
  seismic_api_url = "https://seismic.example.ro/api"
}
HCL
cd "$work"
terraform init -input=false >/dev/null
terraform plan -input=false -no-color >/dev/null && echo "good inputs: OK"
fail=0
for bad in "cidr=10.32.4.0/24" "cidr=172.16.0.0/16" "cidr=8.8.8.0/24" "cidr=bogus" \
           "img=rg.fr-par.scw.cloud/mobi/backend:1.0" "principal=user_id:bad"; do
  if terraform plan -input=false -no-color -var "$bad" >/dev/null 2>&1; then
    echo "NOT REJECTED: $bad"; fail=1
  else
    echo "rejected as expected: $bad"
  fi
done
env_vars="${TMPDIR:-/tmp}/mobi-templates-check/dev/infra/terraform/envs/dev/variables.tf"
if [ -f "$env_vars" ]; then
  mkdir -p "$work/env" && cp "$env_vars" "$work/env/" && cd "$work/env"
  terraform init -input=false >/dev/null
  terraform plan -input=false -no-color >/dev/null && echo "rendered dev env defaults: OK"
  for bad in "backend_image_tag=bad tag" "region=us-east-1" "backend_hostname=API.Example" \
             'workers={"Bad_Name"={image="x",tag="1",replicas=1,stream="s"}}' \
             'workers={w1={image="x",tag="1",replicas=-1,stream="s"}}' "kubernetes_pool_max=0"; do
    if terraform plan -input=false -no-color -var "$bad" >/dev/null 2>&1; then
      echo "NOT REJECTED: $bad"; fail=1
    else
      echo "rejected as expected: $bad"
    fi
  done
fi
exit $fail
