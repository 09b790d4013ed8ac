variable "namespace" {
  type        = string
  description = "Namespace of the workers that consume the Secret: pass module.app_workers.namespace, so the Secret waits for the namespace."
  default     = "workers"
}

variable "secret_name" {
  type        = string
  description = "Name of the Secret (the same convention string app_workers loads)."
  default     = "external-apis"
}

variable "part_of" {
  type        = string
  description = "Value of the app.kubernetes.io/part-of label, usually the project name."
  default     = "mobi"
}

variable "ancpi_base_url" {
  type        = string
  description = "Base URL of the ANCPI (cadastre) API."

  validation {
    condition     = can(regex("^https://[^ ]+$", var.ancpi_base_url))
    error_message = "ancpi_base_url must be an https:// URL."
  }
}

variable "seismic_api_url" {
  type        = string
  description = "Base URL of the seismic risk API."

  validation {
    condition     = can(regex("^https://[^ ]+$", var.seismic_api_url))
    error_message = "seismic_api_url must be an https:// URL."
  }
}

variable "ancpi_api_key" {
  type        = string
  description = "ANCPI API key (supply with TF_VAR_ancpi_api_key, never in a file)."
  default     = ""
  sensitive   = true
}

variable "seismic_api_key" {
  type        = string
  description = "Seismic risk API key (supply with TF_VAR_seismic_api_key, never in a file)."
  default     = ""
  sensitive   = true
}
