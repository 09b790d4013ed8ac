output "media_bucket_name" {
  description = "Name of the media bucket."
  value       = scaleway_object_bucket.media.name
}

output "media_bucket_endpoint" {
  description = "Virtual-host URL of the media bucket."
  value       = scaleway_object_bucket.media.endpoint
}

output "frontend_bucket_name" {
  description = "Name of the frontend bucket (CI uploads the built site here)."
  value       = scaleway_object_bucket.frontend.name
}

output "region" {
  description = "Object Storage region."
  value       = var.region
}

output "s3_endpoint" {
  description = "S3 API endpoint for this region (path-style clients, aws s3 --endpoint-url)."
  value       = local.s3_endpoint
}

output "apps_application_id" {
  description = "ID of the IAM application the apps use for Object Storage."
  value       = scaleway_iam_application.apps.id
}

output "registry_pull_secret_key" {
  description = "Secret key of the read-only registry identity: the password (user nologin) of the image-pull Secrets."
  value       = scaleway_iam_api_key.registry_pull.secret_key
  sensitive   = true
}

output "access_key" {
  description = "S3 access key of the apps' IAM application."
  value       = scaleway_iam_api_key.apps.access_key
  sensitive   = true
}

output "secret_key" {
  description = "S3 secret key of the apps' IAM application."
  value       = scaleway_iam_api_key.apps.secret_key
  sensitive   = true
}
