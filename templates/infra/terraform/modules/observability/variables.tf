variable "project_id" {
  type        = string
  description = "Scaleway project whose Cockpit receives the data."
}

variable "region" {
  type        = string
  description = "Cockpit region (the cluster's region)."

  validation {
    condition     = contains(["fr-par", "nl-ams", "pl-waw"], var.region)
    error_message = "region must be one of fr-par, nl-ams, pl-waw."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of resource names, usually <project>-<env>."
}

variable "cluster_name" {
  type        = string
  description = "Cluster name attached to every metric and log line (the cluster label)."
}

variable "namespace" {
  type        = string
  description = "Namespace of the monitoring collectors."
  default     = "monitoring"
}

variable "chart_version" {
  type        = string
  description = "Exact version (x.y.z, no range) of the grafana/k8s-monitoring chart; the values follow its 2.x layout."
  default     = "2.1.4"

  validation {
    condition     = can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+$", var.chart_version))
    error_message = "chart_version must be an exact version x.y.z: helm refuses a resolved version that differs from a range."
  }
}

variable "metrics_retention_days" {
  type        = number
  description = "Retention of the custom metrics source in days (changed in place)."
  default     = 31

  validation {
    condition     = var.metrics_retention_days >= 1 && var.metrics_retention_days <= 365
    error_message = "metrics_retention_days must be between 1 and 365."
  }
}

variable "logs_retention_days" {
  type        = number
  description = "Retention of the custom logs source in days (changed in place)."
  default     = 31

  validation {
    condition     = var.logs_retention_days >= 1 && var.logs_retention_days <= 365
    error_message = "logs_retention_days must be between 1 and 365."
  }
}
