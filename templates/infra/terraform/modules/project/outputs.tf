output "project_id" {
  description = "ID of the Scaleway project every other module creates its resources in."
  value       = local.project_id
}

output "organization_id" {
  description = "Organization that owns the project: pass it to every IAM resource (never derived from the API key)."
  value       = local.organization_id
}

output "project_name" {
  description = "Name of the Scaleway project."
  value       = local.project_name
}

output "created" {
  description = "Whether this configuration created (and therefore owns) the project."
  value       = var.create_project
}
