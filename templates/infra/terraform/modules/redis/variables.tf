variable "project_id" {
  type        = string
  description = "Scaleway project of the Redis cluster."
}

variable "zone" {
  type        = string
  description = "Zone of the cluster (Redis is zonal): the region's first zone, e.g. fr-par-1."

  validation {
    condition     = contains(["fr-par-1", "nl-ams-1", "pl-waw-1"], var.zone)
    error_message = "zone must be fr-par-1, nl-ams-1 or pl-waw-1."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of the cluster name, usually <project>-<env>."
}

variable "private_network_id" {
  type        = string
  description = "Private Network the cluster attaches to (IPAM-assigned address)."
}

variable "redis_version" {
  type        = string
  description = "Redis version, e.g. 8.4.0 (6.2.7 and 7.0.5 are end of life)."
  default     = "8.4.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.redis_version)) && !contains(["6.2.7", "7.0.5"], var.redis_version)
    error_message = "redis_version must be a full version such as 8.4.0, and not an end-of-life one."
  }
}

variable "node_type" {
  type        = string
  description = "Node type: RED1-MICRO (dev), RED1-XS, RED1-S, RED1-M, RED1-L, RED1-XL."

  validation {
    condition     = can(regex("^RED1-(MICRO|XS|S|M|L|XL)$", upper(var.node_type)))
    error_message = "node_type must be one of RED1-MICRO, RED1-XS, RED1-S, RED1-M, RED1-L, RED1-XL."
  }
}

variable "cluster_size" {
  type        = number
  description = "1 = standalone, 2 = high availability. Cluster mode (3+) is refused: the apps get a single-node rediss:// URL and no cluster-aware client."
  default     = 1

  validation {
    condition     = contains([1, 2], var.cluster_size)
    error_message = "cluster_size must be 1 (standalone) or 2 (high availability): cluster mode needs a cluster-aware client the apps do not have."
  }
}

variable "user_name" {
  type        = string
  description = "Redis user the applications authenticate as."
  default     = "mobi"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_$-]{0,62}$", var.user_name)) && !startswith(var.user_name, "_rkv") && !contains(["scalewayadmin", "metrics"], var.user_name)
    error_message = "user_name must start with a letter, use letters, digits, -, $ or _, and not be a reserved name."
  }
}

variable "tags" {
  type        = list(string)
  description = "Scaleway tags added to the cluster."
  default     = []
}
