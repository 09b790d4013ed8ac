variable "project_id" {
  type        = string
  description = "Scaleway project that owns the buckets and the IAM application's scope."
}

variable "organization_id" {
  type        = string
  description = "Organization of the project (module.project.organization_id): the IAM application and policy are created in it. Null falls back to the provider's default organization (SCW_DEFAULT_ORGANIZATION_ID), which the SDK never derives from the key."

  validation {
    condition     = var.organization_id == null || can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.organization_id))
    error_message = "organization_id must be an organization UUID (or null for SCW_DEFAULT_ORGANIZATION_ID)."
  }
}

variable "region" {
  type        = string
  description = "Object Storage region."

  validation {
    condition     = contains(["fr-par", "nl-ams", "pl-waw"], var.region)
    error_message = "region must be one of fr-par, nl-ams, pl-waw."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of IAM resource names, usually <project>-<env>."
}

variable "media_bucket_prefix" {
  type        = string
  description = "Prefix of the media bucket's name; a stable 6-hex-digit suffix makes the name unique across all of Scaleway."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,54}[a-z0-9]$", var.media_bucket_prefix)) && !strcontains(var.media_bucket_prefix, "--")
    error_message = "media_bucket_prefix must be 3-56 characters of lowercase letters, digits and single hyphens (the suffix takes 7 of the 63)."
  }
}

variable "frontend_bucket_prefix" {
  type        = string
  description = "Prefix of the frontend (static site) bucket's name; a stable 6-hex-digit suffix makes the name unique across all of Scaleway."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,54}[a-z0-9]$", var.frontend_bucket_prefix)) && !strcontains(var.frontend_bucket_prefix, "--")
    error_message = "frontend_bucket_prefix must be 3-56 characters of lowercase letters, digits and single hyphens (the suffix takes 7 of the 63)."
  }
}

variable "versioning_enabled" {
  type        = bool
  description = "Keep previous versions of media objects."
  default     = true
}

variable "noncurrent_version_days" {
  type        = number
  description = "Days after which noncurrent versions of media objects expire."
  default     = 30

  validation {
    condition     = var.noncurrent_version_days >= 1
    error_message = "noncurrent_version_days must be at least 1."
  }
}

variable "abort_multipart_days" {
  type        = number
  description = "Days after which incomplete multipart uploads are aborted."
  default     = 7
}

variable "cors_allowed_origins" {
  type        = list(string)
  description = "Origins (e.g. https://app.example.com) allowed to call the media bucket from a browser; empty disables CORS."
  default     = []
}

variable "force_destroy" {
  type        = bool
  description = "Let terraform destroy delete non-empty buckets; keep false in production."
  default     = false
}

variable "tags" {
  type        = list(string)
  description = "Tags as \"key:value\" strings: added to the IAM resources, and to the buckets as S3 tags."
  default     = []
}
