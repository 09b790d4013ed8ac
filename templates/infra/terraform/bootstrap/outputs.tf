output "state_bucket_name" {
  description = "Name of the state bucket (the envs' backend.tf bucket)."
  value       = scaleway_object_bucket.this.name
}

output "state_bucket_endpoint" {
  description = "S3 endpoint of the state bucket's region (the envs' backend.tf endpoint)."
  value       = "https://s3.${var.region}.scw.cloud"
}

output "admin_principals" {
  description = "The principals the state bucket policy admits."
  value       = var.admin_principals
}
