variable "project_id" {
  type        = string
  description = "Scaleway project of the database instance."
}

variable "region" {
  type        = string
  description = "Scaleway region of the instance; the private endpoint lives in the region's first zone."

  validation {
    condition     = contains(["fr-par", "nl-ams", "pl-waw"], var.region)
    error_message = "region must be one of fr-par, nl-ams, pl-waw."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the instance name, usually <project>-<env>."
}

variable "private_network_id" {
  type        = string
  description = "Private Network the instance attaches to (IPAM-assigned address)."
}

variable "allowed_cidr" {
  type        = string
  description = "The only CIDR allowed by the instance ACL: the Private Network prefix. Never 0.0.0.0/0."

  validation {
    condition     = can(cidrhost(var.allowed_cidr, 0)) && !startswith(var.allowed_cidr, "0.0.0.0/")
    error_message = "allowed_cidr must be a CIDR and must not be 0.0.0.0/0."
  }
}

variable "engine" {
  type        = string
  description = "Database engine and major version; changing it runs a blue/green major upgrade that gives the instance a new ID."
  default     = "PostgreSQL-16"

  validation {
    condition     = can(regex("^PostgreSQL-1[5-7]$", var.engine))
    error_message = "engine must be PostgreSQL-15, PostgreSQL-16 or PostgreSQL-17."
  }
}

variable "node_type" {
  type        = string
  description = "Instance node type, e.g. DB-DEV-S, DB-PLAY2-NANO, DB-PRO2-XXS."

  validation {
    condition     = can(regex("^(?i)db-[a-z0-9]+(-[a-z0-9]+)+$", var.node_type))
    error_message = "node_type must look like DB-DEV-S or DB-PRO2-XXS."
  }
}

variable "ha_enabled" {
  type        = bool
  description = "High-availability instance (primary + standby). Enabling it is an in-place upgrade (same instance); the API may refuse disabling it."
  default     = false
}

variable "volume_type" {
  type        = string
  description = "Storage type: sbs_5k, sbs_15k or lssd."
  default     = "sbs_5k"

  validation {
    condition     = contains(["sbs_5k", "sbs_15k", "lssd"], var.volume_type)
    error_message = "volume_type must be sbs_5k, sbs_15k or lssd."
  }
}

variable "volume_size_gb" {
  type        = number
  description = "Volume size in GB (ignored with lssd, whose size comes with the node type)."
  default     = 10

  validation {
    condition     = var.volume_size_gb >= 5 && var.volume_size_gb % 5 == 0
    error_message = "volume_size_gb must be at least 5 and a multiple of 5 (the provider refuses other sizes)."
  }
}

variable "encryption_at_rest" {
  type        = bool
  description = "Encrypt the instance's storage and backups at rest."
  default     = true
}

variable "backups_enabled" {
  type        = bool
  description = "Daily automated backups."
  default     = true
}

variable "backup_retention_days" {
  type        = number
  description = "Days automated backups are kept."
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 365
    error_message = "backup_retention_days must be between 1 and 365."
  }
}

variable "admin_user_name" {
  type        = string
  description = "Name of the instance's admin user (changing it recreates the instance)."
  default     = "mobi_admin"
}

variable "db_name" {
  type        = string
  description = "Name of the application database."

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.db_name))
    error_message = "db_name must be a lowercase identifier (letters, digits, underscores)."
  }
}

variable "db_user" {
  type        = string
  description = "Name of the application (non-admin) database user."

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.db_user))
    error_message = "db_user must be a lowercase identifier (letters, digits, underscores)."
  }
}

variable "tags" {
  type        = list(string)
  description = "Scaleway tags added to the instance."
  default     = []
}
