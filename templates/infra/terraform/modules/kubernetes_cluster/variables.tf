variable "project_id" {
  type        = string
  description = "Scaleway project of the cluster."
}

variable "region" {
  type        = string
  description = "Scaleway region of the cluster."

  validation {
    condition     = contains(["fr-par", "nl-ams", "pl-waw"], var.region)
    error_message = "region must be one of fr-par, nl-ams, pl-waw."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the cluster name, usually <project>-<env>."
}

variable "private_network_id" {
  type        = string
  description = "Private Network of the nodes (changing it recreates the cluster)."
}

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes minor version (e.g. 1.35) or latest; auto-upgrade is on, so patch versions are refused."
  default     = "latest"

  validation {
    condition     = var.kubernetes_version == "latest" || can(regex("^1\\.[0-9]+$", var.kubernetes_version))
    error_message = "kubernetes_version must be a minor version such as 1.35, or latest."
  }
}

variable "cni" {
  type        = string
  description = "Container network interface (changing it recreates the cluster)."
  default     = "cilium"

  validation {
    condition     = contains(["cilium", "cilium_native", "calico"], var.cni)
    error_message = "cni must be cilium, cilium_native or calico."
  }
}

variable "node_type" {
  type        = string
  description = "Instance type of the pool's nodes, e.g. DEV1-M or PRO2-XXS (changing it recreates the pool)."

  validation {
    condition     = can(regex("^[A-Z0-9]+(-[A-Z0-9]+)+$", var.node_type)) && !contains(["DEV1-S", "PLAY2-PICO", "STARDUST1-S"], var.node_type)
    error_message = "node_type must be an upper-case instance type eligible for Kapsule (not DEV1-S, PLAY2-PICO or STARDUST1-S)."
  }
}

variable "autoscaling" {
  type        = bool
  description = "Let the cluster autoscaler size the pool between pool_min_size and pool_max_size."
  default     = true
}

variable "pool_min_size" {
  type        = number
  description = "Minimum (and initial) number of nodes; with autoscaling off, the node count (changing it resizes the pool)."
  default     = 1

  validation {
    condition     = var.pool_min_size >= 1
    error_message = "pool_min_size must be at least 1."
  }
}

variable "pool_max_size" {
  type        = number
  description = "Maximum number of nodes when autoscaling."
  default     = 3
}

variable "root_volume_type" {
  type        = string
  description = "Root volume type of the nodes: l_ssd, sbs_5k or sbs_15k (b_ssd is legacy, not available for new pools; changing it recreates the pool)."
  default     = "sbs_5k"

  validation {
    condition     = contains(["l_ssd", "sbs_5k", "sbs_15k"], var.root_volume_type)
    error_message = "root_volume_type must be l_ssd, sbs_5k or sbs_15k (b_ssd is not available for new pools)."
  }
}

variable "root_volume_size_gb" {
  type        = number
  description = "Root volume size of the nodes in GB (at least 20; changing it recreates the pool)."
  default     = 40

  validation {
    condition     = var.root_volume_size_gb >= 20
    error_message = "root_volume_size_gb must be at least 20."
  }
}

variable "maintenance_window_day" {
  type        = string
  description = "Day of the automatic upgrade window (monday..sunday or any)."
  default     = "sunday"

  validation {
    condition     = contains(["any", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], var.maintenance_window_day)
    error_message = "maintenance_window_day must be a lowercase weekday or any."
  }
}

variable "maintenance_window_start_hour" {
  type        = number
  description = "Start hour (UTC, 0-23) of the automatic upgrade window."
  default     = 3

  validation {
    condition     = var.maintenance_window_start_hour >= 0 && var.maintenance_window_start_hour <= 23
    error_message = "maintenance_window_start_hour must be between 0 and 23."
  }
}

variable "api_allowed_cidrs" {
  type        = list(string)
  description = "CIDRs allowed to reach the Kubernetes API (plus Scaleway ranges); empty leaves the API open."
  default     = []

  validation {
    condition     = alltrue([for c in var.api_allowed_cidrs : can(cidrhost(c, 0))])
    error_message = "api_allowed_cidrs must contain CIDRs only."
  }
}

variable "tags" {
  type        = list(string)
  description = "Scaleway tags added to the cluster and pool."
  default     = []
}
