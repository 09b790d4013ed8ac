variable "create_project" {
  type        = bool
  description = "Create a new Scaleway project (needs an organisation-level IAM permission) instead of using an existing one."
  default     = false
}

variable "project_id" {
  type        = string
  description = "Existing project to use when create_project is false; null means the provider's default project (SCW_DEFAULT_PROJECT_ID)."
  default     = null

  validation {
    condition     = var.project_id == null || can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.project_id))
    error_message = "project_id must be a project UUID (or null)."
  }
}

variable "organization_id" {
  type        = string
  description = "Organization to create the project in; null uses the provider's default organization (SCW_DEFAULT_ORGANIZATION_ID). Required, one way or the other, with create_project = true."
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.organization_id))
    error_message = "organization_id must be an organization UUID (or null)."
  }
}

variable "name" {
  type        = string
  description = "Name of the project to create (ignored when an existing project is used)."
  default     = null
}

variable "description" {
  type        = string
  description = "Description of the project to create."
  default     = "Managed by Terraform (mobi-tui)."
}
