variable "environment" {
  type        = string
  description = "Environment name (dev, staging, prod), exposed to the workers as APP_ENV."
}

variable "part_of" {
  type        = string
  description = "Value of the app.kubernetes.io/part-of label, usually the project name."
  default     = "mobi"
}

variable "namespace" {
  type        = string
  description = "Namespace of the workers (module.external_apis writes its Secret here too)."
  default     = "workers"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a DNS label."
  }
}

variable "workers" {
  type = map(object({
    image         = string
    tag           = string
    replicas      = number
    stream        = string
    external_apis = optional(bool, false)
    cpu           = optional(string, "250m")
    cpu_limit     = optional(string)
    memory        = optional(string, "512Mi")
    max_replicas  = optional(number)
  }))
  description = "Worker kinds by name: one Deployment each (an HPA too when max_replicas > replicas)."

  validation {
    condition     = length(var.workers) > 0
    error_message = "workers must define at least one worker kind."
  }

  validation {
    condition     = alltrue([for name in keys(var.workers) : can(regex("^[a-z][a-z0-9]{1,15}$", name))])
    error_message = "worker names must match ^[a-z][a-z0-9]{1,15}$."
  }

  validation {
    condition     = alltrue([for w in values(var.workers) : can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", w.tag))])
    error_message = "every worker tag must be a valid Docker tag (^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$)."
  }

  validation {
    condition     = alltrue([for w in values(var.workers) : w.replicas >= 0 && floor(w.replicas) == w.replicas])
    error_message = "every worker's replicas must be a whole number >= 0."
  }

  validation {
    condition     = alltrue([for w in values(var.workers) : w.max_replicas == null ? true : w.max_replicas >= 1])
    error_message = "max_replicas, when set, must be at least 1."
  }

  validation {
    condition     = alltrue([for w in values(var.workers) : length(trimspace(w.stream)) > 0 && length(trimspace(w.image)) > 0])
    error_message = "every worker needs a non-empty image and stream."
  }
}

variable "external_api_secret_name" {
  type        = string
  description = "Name of the external API Secret (by convention, shared with module.external_apis), loaded by workers with external_apis = true."
  default     = "external-apis"
}

variable "log_level" {
  type        = string
  description = "LOG_LEVEL of the workers."
  default     = "info"
}

variable "extra_config" {
  type        = map(string)
  description = "Additional non-secret settings merged into the shared ConfigMap."
  default     = {}
}

variable "heartbeat_file" {
  type        = string
  description = "File each worker touches after every poll of its stream; the liveness probe checks its age."
  default     = "/tmp/heartbeat"
}

variable "heartbeat_max_age_seconds" {
  type        = number
  description = "The liveness probe fails when the heartbeat file is older than this many seconds."
  default     = 120

  validation {
    condition     = var.heartbeat_max_age_seconds >= 10
    error_message = "heartbeat_max_age_seconds must be at least 10."
  }
}

variable "termination_grace_period_seconds" {
  type        = number
  description = "Seconds a worker gets to finish its current message after SIGTERM."
  default     = 60
}

variable "read_only_root_filesystem" {
  type        = bool
  description = "Run the containers with a read-only root filesystem (/tmp stays writable)."
  default     = true
}

variable "tmp_size_limit" {
  type        = string
  description = "Size limit of each worker's writable /tmp (emptyDir), e.g. for media being processed."
  default     = "2Gi"
}

variable "run_as_user" {
  type        = number
  description = "UID (and GID) the pods run as; must not be 0."
  default     = 10001

  validation {
    condition     = var.run_as_user > 0
    error_message = "run_as_user must not be root (0)."
  }
}

variable "registry_auth" {
  type        = object({ hosts = list(string), username = string, password = string })
  description = "Credentials of the private registries the images come from (from module.object_storage's read-only registry key): written to a kubernetes.io/dockerconfigjson Secret every pod pulls with."
  sensitive   = true
}

variable "wait_for_rollout" {
  type        = bool
  description = "Wait for each Deployment's rollout to finish; false lets a first infrastructure apply finish before CI has pushed the images."
  default     = true
}

variable "redis_ca_dir" {
  type        = string
  description = "Directory the Redis CA certificate is mounted in (file ca.pem); REDIS_CA_FILE names the file."
  default     = "/etc/redis-ca"

  validation {
    condition     = startswith(var.redis_ca_dir, "/") && var.redis_ca_dir != "/tmp"
    error_message = "redis_ca_dir must be an absolute path other than /tmp."
  }
}

variable "database" {
  type        = object({ host = string, port = number, name = string, user = string, password = string })
  description = "PostgreSQL connection settings (from module.postgres)."
  sensitive   = true
}

variable "redis" {
  type        = object({ host = string, port = number, user = string, password = string, ca_certificate = string })
  description = "Redis connection settings (from module.redis); TLS is always on and ca_certificate (PEM) is the cluster's certificate the clients verify against."
  sensitive   = true
}

variable "s3" {
  type        = object({ media_bucket = string, endpoint = string, region = string, access_key = string, secret_key = string })
  description = "Object Storage settings and the apps' S3 key (from module.object_storage)."
  sensitive   = true
}
