output "vpc_id" {
  description = "ID of the VPC (regional, <region>/<uuid>)."
  value       = scaleway_vpc.this.id
}

output "private_network_id" {
  description = "ID of the environment's Private Network, shared by Kapsule, PostgreSQL and Redis."
  value       = scaleway_vpc_private_network.this.id
}

output "ipv4_cidr" {
  description = "IPv4 prefix of the Private Network."
  value       = scaleway_vpc_private_network.this.ipv4_subnet[0].subnet
}
