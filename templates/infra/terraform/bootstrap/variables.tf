variable "project_id" {
  type        = string
  description = "Scaleway project that owns the state bucket (a project of its own keeps it out of every env's project-wide Object Storage permissions)."

  validation {
    condition     = can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.project_id))
    error_message = "project_id must be a Scaleway project UUID."
  }
}

variable "region" {
  type        = string
  description = "Object Storage region of the state bucket (the envs' backend.tf region)."
  default     = "fr-par"

  validation {
    condition     = contains(["fr-par", "nl-ams", "pl-waw"], var.region)
    error_message = "region must be one of fr-par, nl-ams, pl-waw."
  }
}

variable "state_bucket_name" {
  type        = string
  description = "Name of the state bucket, as in the envs' backend.tf (the preset's state.bucket); globally unique."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name)) && !can(regex("\\.\\.|^\\d+\\.\\d+\\.\\d+\\.\\d+$", var.state_bucket_name))
    error_message = "state_bucket_name must be 3-63 characters of lowercase letters, digits, '.' and '-', start and end alphanumeric, no '..', not an IP address."
  }
}

variable "admin_principals" {
  type        = list(string)
  description = "The only principals the bucket policy admits: the people and CI applications that run Terraform, as user_id:<uuid> or application_id:<uuid>. Any other key of the project, the apps' S3 key included, is denied."

  validation {
    condition     = length(var.admin_principals) > 0 && alltrue([for p in var.admin_principals : can(regex("^(user_id|application_id):[0-9a-f-]{36}$", p))])
    error_message = "admin_principals must name at least one principal (or the policy locks everyone out), each as user_id:<uuid> or application_id:<uuid>."
  }
}

variable "noncurrent_version_days" {
  type        = number
  description = "Days an old state version is kept before it expires (the history to roll a broken state back)."
  default     = 90

  validation {
    condition     = var.noncurrent_version_days >= 1 && var.noncurrent_version_days <= 3650 && floor(var.noncurrent_version_days) == var.noncurrent_version_days
    error_message = "noncurrent_version_days must be a whole number of days between 1 and 3650."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags on the state bucket."
  default     = { managed-by = "terraform", role = "terraform-state" }

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) > 0 && length(k) <= 128 && length(v) <= 256])
    error_message = "tags keys must be 1-128 characters and values at most 256."
  }
}
