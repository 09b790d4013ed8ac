output "cluster_id" {
  description = "ID of the Redis cluster."
  value       = scaleway_redis_cluster.this.id
}

output "host" {
  description = "Private IP of the cluster on the Private Network."
  value       = local.private_endpoint.ips[0]
}

output "port" {
  description = "Port of the private endpoint (TLS)."
  value       = local.private_endpoint.port
}

output "user" {
  description = "Redis user name."
  value       = scaleway_redis_cluster.this.user_name
}

output "password" {
  description = "Password of the Redis user."
  value       = random_password.this.result
  sensitive   = true
}

output "certificate" {
  description = "CA certificate of the cluster (PEM), for verified TLS connections."
  value       = scaleway_redis_cluster.this.certificate
}
