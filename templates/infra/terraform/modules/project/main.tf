# Either adopt an existing Scaleway project (the default: the one the credentials point at, or
# an explicit id) or create a new one. Exactly one of the two objects below exists.
#
# The organization is never derived from the API key: IAM resources and project creation take it
# from the provider's default organization (SCW_DEFAULT_ORGANIZATION_ID) unless it is passed in.
# This module outputs the project's own organization_id, so the IAM resources of the other
# modules always get it explicitly.

# The provider's configuration as resolved from the environment (no API call): read only to check
# that creating a project has an organization to create it in.
data "scaleway_config" "this" {
  count = var.create_project ? 1 : 0
}

resource "scaleway_account_project" "this" {
  count = var.create_project ? 1 : 0

  name            = var.name
  description     = var.description
  organization_id = local.configured_organization_id

  lifecycle {
    precondition {
      condition     = local.configured_organization_id != null
      error_message = "create_project = true needs an organization: export SCW_DEFAULT_ORGANIZATION_ID (or set organization_id)."
    }
  }
}

data "scaleway_account_project" "this" {
  count = var.create_project ? 0 : 1

  project_id = var.project_id
}

locals {
  configured_organization_id = var.organization_id != null ? var.organization_id : (
    try(length(data.scaleway_config.this[0].organization_id), 0) > 0 ? data.scaleway_config.this[0].organization_id : null
  )

  project_id      = var.create_project ? scaleway_account_project.this[0].id : data.scaleway_account_project.this[0].id
  project_name    = var.create_project ? scaleway_account_project.this[0].name : data.scaleway_account_project.this[0].name
  organization_id = var.create_project ? scaleway_account_project.this[0].organization_id : data.scaleway_account_project.this[0].organization_id
}
