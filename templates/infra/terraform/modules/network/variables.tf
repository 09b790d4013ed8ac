variable "project_id" {
  type        = string
  description = "Scaleway project the network belongs to."
}

variable "region" {
  type        = string
  description = "Scaleway region of the VPC and Private Network."

  validation {
    condition     = contains(["fr-par", "nl-ams", "pl-waw"], var.region)
    error_message = "region must be one of fr-par, nl-ams, pl-waw."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, usually <project>-<env>."
}

variable "private_cidr" {
  type        = string
  description = "IPv4 prefix of the Private Network: RFC1918, /20 to /28, not overlapping Kapsule's service CIDR 10.32.0.0/20. Cannot be changed later."

  validation {
    condition     = can(cidrhost(var.private_cidr, 0)) && can(regex("^(10\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.|192\\.168\\.)", var.private_cidr))
    error_message = "private_cidr must be an RFC1918 IPv4 CIDR such as 172.16.0.0/22."
  }

  validation {
    condition     = can(cidrhost(var.private_cidr, 0)) && try(tonumber(split("/", var.private_cidr)[1]) >= 20 && tonumber(split("/", var.private_cidr)[1]) <= 28, false)
    error_message = "private_cidr prefix length must be between /20 and /28."
  }

  validation {
    condition     = !can(regex("^10\\.32\\.(([0-9]|1[0-5])\\.)", var.private_cidr))
    error_message = "private_cidr must not overlap Kapsule's service CIDR 10.32.0.0/20."
  }
}

variable "tags" {
  type        = list(string)
  description = "Scaleway tags added to every resource."
  default     = []
}
