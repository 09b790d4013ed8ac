variable "project_id" {
  type        = string
  description = "Scaleway project that owns the frontend bucket (bucket children get 403 from another project)."
}

variable "region" {
  type        = string
  description = "Object Storage region of the frontend bucket."

  validation {
    condition     = contains(["fr-par", "nl-ams", "pl-waw"], var.region)
    error_message = "region must be one of fr-par, nl-ams, pl-waw."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of resource names, usually <project>-<env>."
}

variable "bucket_name" {
  type        = string
  description = "Name of the frontend bucket (from module.object_storage)."
}

variable "domain" {
  type        = string
  description = "Public hostname of the frontend, e.g. app.dev.mobi.example.com."

  validation {
    condition     = can(regex("^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lowercase DNS name."
  }
}

variable "index_document" {
  type        = string
  description = "Index document of the static site."
  default     = "index.html"
}

variable "error_document" {
  type        = string
  description = "Error document; index.html lets the Svelte router handle unknown paths."
  default     = "index.html"
}

variable "public_read" {
  type        = bool
  description = "Attach the bucket policy that lets anyone read objects (plus the admin Allow)."
  default     = true
}

variable "admin_principals" {
  type        = list(string)
  description = "Principals kept in full control of the bucket by its policy, e.g. user_id:<uuid> or application_id:<uuid>."
  default     = []

  validation {
    condition     = alltrue([for p in var.admin_principals : can(regex("^(user_id|application_id):[0-9a-f-]{36}$", p))])
    error_message = "admin_principals entries must look like user_id:<uuid> or application_id:<uuid>."
  }
}

variable "cdn_enabled" {
  type        = bool
  description = "Serve the site through Scaleway Edge Services (CDN + managed TLS certificate for domain)."
  default     = false
}

variable "cdn_manage_plan" {
  type        = bool
  description = "Subscribe the project to an Edge Services plan here. The plan is a per-project singleton and destroying it unsubscribes the whole project: true only in the one configuration that owns the project."
  default     = false
}

variable "cdn_plan" {
  type        = string
  description = "Edge Services plan: starter, professional or advanced."
  default     = "starter"

  validation {
    condition     = contains(["starter", "professional", "advanced"], var.cdn_plan)
    error_message = "cdn_plan must be starter, professional or advanced."
  }
}

variable "cdn_fallback_ttl" {
  type        = number
  description = "Seconds the CDN caches objects that carry no Cache-Control header."
  default     = 3600
}

variable "dns_zone" {
  type        = string
  description = "Zone hosted in Scaleway Domains and DNS (e.g. mobi.example.com) in which to create the CNAME for domain to the CDN; needs cdn_enabled (a CNAME to the bucket website cannot serve the domain); null to manage DNS elsewhere."
  default     = null
}

variable "dns_ttl" {
  type        = number
  description = "TTL of the CNAME record in seconds."
  default     = 300
}
