# Static hosting of the Svelte build in the frontend bucket (created by module.object_storage):
# bucket website configuration, public-read bucket policy (with the admin Allow that prevents a
# lockout), optional Edge Services pipeline (CDN + managed TLS) and optional DNS CNAME.

locals {
  website_endpoint = scaleway_object_bucket_website_configuration.this.website_endpoint
  cdn_fqdn         = var.cdn_enabled ? scaleway_edge_services_dns_stage.this[0].default_fqdn : null
  # Only the CDN can serve the custom domain: Scaleway routes a CNAME'd host to the bucket whose
  # name equals the host (a name with dots, which bucket names here never have), without TLS.
  cname_target = local.cdn_fqdn

  # With Edge Services the custom domain gets a managed certificate; a bare bucket website is
  # served over HTTPS only on its own *.s3-website.<region>.scw.cloud name.
  frontend_url = var.cdn_enabled ? "https://${var.domain}" : "https://${local.website_endpoint}"
}

resource "scaleway_object_bucket_website_configuration" "this" {
  bucket     = var.bucket_name
  project_id = var.project_id
  region     = var.region

  index_document {
    suffix = var.index_document
  }

  error_document {
    key = var.error_document
  }
}

# Once a bucket has a policy, every principal it does not name is denied, Terraform's own
# identity included: the admin principals keep full access to the bucket and its policy.
resource "scaleway_object_bucket_policy" "this" {
  count = var.public_read ? 1 : 0

  bucket     = var.bucket_name
  project_id = var.project_id
  region     = var.region

  policy = jsonencode({
    Version = "2023-04-17"
    Id      = "${var.bucket_name}-policy"
    Statement = [
      {
        Sid       = "AdminFullAccess"
        Effect    = "Allow"
        Principal = { SCW = var.admin_principals }
        Action    = ["s3:*"]
        Resource  = [var.bucket_name, "${var.bucket_name}/*"]
      },
      {
        Sid       = "PublicReadObjects"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["s3:GetObject"]
        Resource  = ["${var.bucket_name}/*"]
      },
    ]
  })

  lifecycle {
    precondition {
      condition     = length(var.admin_principals) > 0
      error_message = "admin_principals must name at least one principal (the identity Terraform and CI run as), or the bucket policy locks everyone out."
    }
  }
}

# --- Optional CDN: Edge Services pipeline (backend -> cache -> TLS -> DNS -> head) ----------------

resource "scaleway_edge_services_plan" "this" {
  count = var.cdn_enabled && var.cdn_manage_plan ? 1 : 0

  name       = var.cdn_plan
  project_id = var.project_id
}

resource "scaleway_edge_services_pipeline" "this" {
  count = var.cdn_enabled ? 1 : 0

  name        = "${var.name_prefix}-frontend"
  description = "CDN for ${var.domain}"
  project_id  = var.project_id

  depends_on = [scaleway_edge_services_plan.this]
}

resource "scaleway_edge_services_backend_stage" "this" {
  count = var.cdn_enabled ? 1 : 0

  pipeline_id = scaleway_edge_services_pipeline.this[0].id
  project_id  = var.project_id

  s3_backend_config {
    bucket_name   = var.bucket_name
    bucket_region = var.region
    is_website    = true
  }

  depends_on = [scaleway_object_bucket_website_configuration.this]
}

resource "scaleway_edge_services_cache_stage" "this" {
  count = var.cdn_enabled ? 1 : 0

  pipeline_id      = scaleway_edge_services_pipeline.this[0].id
  project_id       = var.project_id
  backend_stage_id = scaleway_edge_services_backend_stage.this[0].id
  fallback_ttl     = var.cdn_fallback_ttl
}

resource "scaleway_edge_services_tls_stage" "this" {
  count = var.cdn_enabled ? 1 : 0

  pipeline_id         = scaleway_edge_services_pipeline.this[0].id
  project_id          = var.project_id
  cache_stage_id      = scaleway_edge_services_cache_stage.this[0].id
  managed_certificate = true
}

resource "scaleway_edge_services_dns_stage" "this" {
  count = var.cdn_enabled ? 1 : 0

  pipeline_id  = scaleway_edge_services_pipeline.this[0].id
  project_id   = var.project_id
  tls_stage_id = scaleway_edge_services_tls_stage.this[0].id
  fqdns        = [var.domain]
}

resource "scaleway_edge_services_head_stage" "this" {
  count = var.cdn_enabled ? 1 : 0

  pipeline_id   = scaleway_edge_services_pipeline.this[0].id
  head_stage_id = scaleway_edge_services_dns_stage.this[0].id
}

# --- Optional DNS record in a zone hosted by Scaleway Domains and DNS -----------------------------

resource "scaleway_domain_record" "this" {
  count = var.dns_zone != null && var.cdn_enabled ? 1 : 0

  dns_zone   = var.dns_zone
  project_id = var.project_id
  name       = trimsuffix(trimsuffix(var.domain, var.dns_zone), ".")
  type       = "CNAME"
  data       = "${local.cname_target}."
  ttl        = var.dns_ttl

  lifecycle {
    precondition {
      condition     = var.domain != var.dns_zone && endswith(var.domain, ".${var.dns_zone}")
      error_message = "domain must be a subdomain of dns_zone (a CNAME cannot sit at the zone apex)."
    }
  }
}

check "custom_domain_needs_the_cdn" {
  assert {
    condition     = var.dns_zone == null || var.cdn_enabled
    error_message = "dns_zone is set but cdn_enabled is false: a CNAME to the bucket website cannot serve the custom domain (Scaleway matches the host to a bucket of the same name, without TLS), so no record is created. Enable the CDN or drop dns_zone."
  }
}
