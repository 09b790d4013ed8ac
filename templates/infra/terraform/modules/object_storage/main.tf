# Two buckets (media, frontend) and the IAM identity the applications use to reach Object Storage
# over the S3 protocol. The frontend bucket's website configuration and public-read policy live in
# the app_frontend module (phase 10); this module only creates the bucket (phase 4).

# Bucket names are global across every Scaleway customer: the preset's names are prefixes, and
# this suffix (random once, then kept in the state) makes them unique to this environment.
resource "random_id" "bucket_suffix" {
  byte_length = 3
}

locals {
  media_bucket_name    = "${var.media_bucket_prefix}-${random_id.bucket_suffix.hex}"
  frontend_bucket_name = "${var.frontend_bucket_prefix}-${random_id.bucket_suffix.hex}"

  # The region's S3 endpoint as the provider reports it (https://s3.<region>.scw.cloud), not
  # rebuilt from the region: whatever serves the buckets (the sandbox's local server too) says
  # where it is.
  s3_endpoint = scaleway_object_bucket.media.api_endpoint
  # Buckets take S3 tags (a map); the other Scaleway resources take "key:value" strings.
  bucket_tags = { for t in var.tags : split(":", t)[0] => try(split(":", t)[1], "") }
}

resource "scaleway_object_bucket" "media" {
  name          = local.media_bucket_name
  project_id    = var.project_id
  region        = var.region
  force_destroy = var.force_destroy
  tags          = local.bucket_tags

  versioning {
    enabled = var.versioning_enabled
  }

  lifecycle_rule {
    id      = "expire-noncurrent-versions"
    enabled = var.versioning_enabled

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }
  }

  lifecycle_rule {
    id                                     = "abort-incomplete-multipart-uploads"
    enabled                                = true
    abort_incomplete_multipart_upload_days = var.abort_multipart_days
  }

  dynamic "cors_rule" {
    for_each = length(var.cors_allowed_origins) > 0 ? [1] : []

    content {
      allowed_methods = ["GET", "HEAD", "PUT", "POST"]
      allowed_origins = var.cors_allowed_origins
      allowed_headers = ["*"]
      expose_headers  = ["ETag"]
      max_age_seconds = 3600
    }
  }
}

resource "scaleway_object_bucket_acl" "media" {
  bucket     = scaleway_object_bucket.media.name
  project_id = var.project_id
  region     = var.region
  acl        = "private"
}

resource "scaleway_object_bucket" "frontend" {
  name          = local.frontend_bucket_name
  project_id    = var.project_id
  region        = var.region
  force_destroy = var.force_destroy
  tags          = local.bucket_tags

  versioning {
    enabled = false
  }

  lifecycle_rule {
    id                                     = "abort-incomplete-multipart-uploads"
    enabled                                = true
    abort_incomplete_multipart_upload_days = var.abort_multipart_days
  }
}

resource "scaleway_object_bucket_acl" "frontend" {
  bucket     = scaleway_object_bucket.frontend.name
  project_id = var.project_id
  region     = var.region
  acl        = "private"
}

# The applications' S3 identity: an IAM application limited to Object Storage in this project,
# with an API key whose preferred project is this project (S3 clients act in that project).

resource "scaleway_iam_application" "apps" {
  name            = "${var.name_prefix}-apps"
  description     = "Object Storage access for the ${var.name_prefix} backend and workers."
  organization_id = var.organization_id
  tags            = var.tags
}

resource "scaleway_iam_policy" "apps" {
  name            = "${var.name_prefix}-apps-object-storage"
  description     = "Object Storage full access in the ${var.name_prefix} project, for the apps."
  organization_id = var.organization_id
  application_id  = scaleway_iam_application.apps.id
  tags            = var.tags

  rule {
    project_ids          = [var.project_id]
    permission_set_names = ["ObjectStorageFullAccess"]
  }
}

resource "scaleway_iam_api_key" "apps" {
  application_id     = scaleway_iam_application.apps.id
  default_project_id = var.project_id
  description        = "S3 key of the ${var.name_prefix} apps (managed by Terraform)."

  depends_on = [scaleway_iam_policy.apps]
}

# The cluster's image-pull identity: Container Registry namespaces are private by default and
# Kapsule nodes have no registry credentials, so the pods pull with this read-only key (user
# "nologin", password = the secret key) through a kubernetes.io/dockerconfigjson Secret.

resource "scaleway_iam_application" "registry_pull" {
  name            = "${var.name_prefix}-registry-pull"
  description     = "Read-only Container Registry access for the ${var.name_prefix} cluster's image pulls."
  organization_id = var.organization_id
  tags            = var.tags
}

resource "scaleway_iam_policy" "registry_pull" {
  name            = "${var.name_prefix}-registry-read"
  description     = "Container Registry read-only in the ${var.name_prefix} project, for image pulls."
  organization_id = var.organization_id
  application_id  = scaleway_iam_application.registry_pull.id
  tags            = var.tags

  rule {
    project_ids          = [var.project_id]
    permission_set_names = ["ContainerRegistryReadOnly"]
  }
}

resource "scaleway_iam_api_key" "registry_pull" {
  application_id     = scaleway_iam_application.registry_pull.id
  default_project_id = var.project_id
  description        = "Image-pull key of the ${var.name_prefix} cluster (managed by Terraform)."

  depends_on = [scaleway_iam_policy.registry_pull]
}
