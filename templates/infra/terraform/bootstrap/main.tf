# The Terraform state bucket (the seed's Step 2.2): versioned, old versions expired, and a bucket
# policy that admits only the admin/CI principals. Object Storage permission sets are
# project-wide, so without the policy the apps' S3 key (created in the same project by phase 4)
# could read every password and key the state holds.
resource "scaleway_object_bucket" "this" {
  name       = var.state_bucket_name
  project_id = var.project_id
  region     = var.region
  tags       = var.tags

  versioning {
    enabled = true
  }

  lifecycle_rule {
    id      = "expire-old-state-versions"
    enabled = true

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }

    abort_incomplete_multipart_upload_days = 7
  }

  lifecycle {
    prevent_destroy = true
  }
}

# Once a bucket has a policy, every principal it does not name is denied, Terraform's own
# identity included: list it in admin_principals (its validation refuses an empty list).
resource "scaleway_object_bucket_policy" "this" {
  bucket     = scaleway_object_bucket.this.name
  project_id = var.project_id
  region     = var.region

  policy = jsonencode({
    Version = "2023-04-17"
    Id      = "${var.state_bucket_name}-state-policy"
    Statement = [
      {
        Sid       = "TerraformAdminsOnly"
        Effect    = "Allow"
        Principal = { SCW = var.admin_principals }
        Action    = ["s3:*"]
        Resource  = [scaleway_object_bucket.this.name, "${scaleway_object_bucket.this.name}/*"]
      },
    ]
  })
}
