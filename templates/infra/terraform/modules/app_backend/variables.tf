variable "project_id" {
  type        = string
  description = "Scaleway project of the reserved ingress IP and the DNS record."
}

variable "environment" {
  type        = string
  description = "Environment name (dev, staging, prod), exposed to the app as APP_ENV."
}

variable "part_of" {
  type        = string
  description = "Value of the app.kubernetes.io/part-of label, usually the project name."
  default     = "mobi"
}

variable "namespace" {
  type        = string
  description = "Namespace of the backend."
  default     = "backend"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a DNS label."
  }
}

variable "name" {
  type        = string
  description = "Name of the Deployment, Service and Ingress."
  default     = "api"
}

variable "image" {
  type        = string
  description = "Container image without tag, e.g. rg.fr-par.scw.cloud/mobi/backend."

  validation {
    condition     = can(regex("^[a-z0-9]+([._/:-][a-z0-9]+)*$", var.image)) && !can(regex(":[A-Za-z0-9_][A-Za-z0-9_.-]*$", var.image))
    error_message = "image must be an image reference without a tag (set image_tag instead)."
  }
}

variable "image_tag" {
  type        = string
  description = "Container image tag (CI overrides it with -var backend_image_tag=...)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a valid Docker tag."
  }
}

variable "replicas" {
  type        = number
  description = "Number of pods (the HPA minimum when max_replicas is set)."
  default     = 2

  validation {
    condition     = var.replicas >= 0
    error_message = "replicas must be 0 or more."
  }
}

variable "max_replicas" {
  type        = number
  description = "When set above replicas, a HorizontalPodAutoscaler scales the API on CPU up to this."
  default     = null
}

variable "hostname" {
  type        = string
  description = "Public hostname of the API, e.g. api.dev.mobi.example.com."

  validation {
    condition     = can(regex("^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.hostname))
    error_message = "hostname must be a lowercase DNS name."
  }
}

variable "port" {
  type        = number
  description = "Port the FastAPI container listens on."
  default     = 8000
}

variable "health_path" {
  type        = string
  description = "HTTP path of the liveness and readiness probes."
  default     = "/healthz"

  validation {
    condition     = startswith(var.health_path, "/")
    error_message = "health_path must start with /."
  }
}

variable "cpu" {
  type        = string
  description = "CPU request of the API container (also the limit unless cpu_limit is set)."
  default     = "250m"
}

variable "cpu_limit" {
  type        = string
  description = "CPU limit of the API container; null uses cpu."
  default     = null
}

variable "memory" {
  type        = string
  description = "Memory request of the API container (also the limit unless memory_limit is set)."
  default     = "512Mi"
}

variable "memory_limit" {
  type        = string
  description = "Memory limit of the API container; null uses memory."
  default     = null
}

variable "log_level" {
  type        = string
  description = "LOG_LEVEL of the app."
  default     = "info"
}

variable "cors_origins" {
  type        = list(string)
  description = "Browser origins allowed to call the API (CORS_ORIGIN, comma-separated), e.g. the frontend URL."
  default     = []
}

variable "extra_config" {
  type        = map(string)
  description = "Additional non-secret settings merged into the ConfigMap."
  default     = {}
}

variable "read_only_root_filesystem" {
  type        = bool
  description = "Run the container with a read-only root filesystem (/tmp stays writable)."
  default     = true
}

variable "run_as_user" {
  type        = number
  description = "UID (and GID) the pod runs as; must not be 0."
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

variable "ingress_namespace" {
  type        = string
  description = "Namespace of the Traefik ingress controller."
  default     = "traefik"
}

variable "ingress_class_name" {
  type        = string
  description = "IngressClass created by Traefik and used by the API Ingress."
  default     = "traefik"
}

variable "traefik_version" {
  type        = string
  description = "Exact version (x.y.z, no range) of the traefik Helm chart."
  default     = "37.1.1"

  validation {
    condition     = can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+$", var.traefik_version))
    error_message = "traefik_version must be an exact version x.y.z: helm refuses a resolved version that differs from a range."
  }
}

variable "cert_manager_version" {
  type        = string
  description = "Exact version of the cert-manager Helm chart, spelled as jetstack does (v1.18.2)."
  default     = "v1.18.2"

  validation {
    condition     = can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+$", var.cert_manager_version))
    error_message = "cert_manager_version must be an exact version such as v1.18.2: helm refuses a resolved version that differs from a range."
  }
}

variable "proxy_trusted_cidr" {
  type        = string
  description = "The only range Traefik accepts PROXY protocol headers from: the Private Network prefix (the Load Balancer reaches the nodes from a private IP)."

  validation {
    condition     = can(cidrhost(var.proxy_trusted_cidr, 0)) && !startswith(var.proxy_trusted_cidr, "0.0.0.0/")
    error_message = "proxy_trusted_cidr must be a CIDR other than 0.0.0.0/0."
  }
}

variable "load_balancer_zone" {
  type        = string
  description = "Zone of the Scaleway Load Balancer created for the ingress Service, e.g. fr-par-1."
}

variable "dns_zone" {
  type        = string
  description = "Zone hosted in Scaleway Domains and DNS that contains hostname; when set, an A record for hostname points at the reserved ingress IP. Null to manage DNS elsewhere."
  default     = null
}

variable "dns_ttl" {
  type        = number
  description = "TTL of the API's A record in seconds."
  default     = 300

  validation {
    condition     = var.dns_ttl >= 60
    error_message = "dns_ttl must be at least 60 seconds."
  }
}

variable "cluster_issuer_name" {
  type        = string
  description = "Name of the cert-manager ClusterIssuer."
  default     = "letsencrypt"
}

variable "acme_email" {
  type        = string
  description = "Address Let's Encrypt writes to about expiring certificates."

  validation {
    condition     = can(regex("^[^@ ]+@[^@ ]+\\.[^@ ]+$", var.acme_email))
    error_message = "acme_email must be an e-mail address."
  }
}

variable "acme_server" {
  type        = string
  description = "ACME directory URL (use the Let's Encrypt staging URL while testing)."
  default     = "https://acme-v02.api.letsencrypt.org/directory"
}
