output "instance_id" {
  description = "ID of the database instance."
  value       = scaleway_rdb_instance.this.id
}

output "host" {
  description = "Private IP of the instance on the Private Network."
  value       = scaleway_rdb_instance.this.private_network[0].ip
}

output "hostname" {
  description = "Private DNS name of the instance on the Private Network."
  value       = scaleway_rdb_instance.this.private_network[0].hostname
}

output "port" {
  description = "Port of the private endpoint."
  value       = scaleway_rdb_instance.this.private_network[0].port
}

output "database_name" {
  description = "Name of the application database."
  value       = scaleway_rdb_database.this.name
}

output "user" {
  description = "Application database user."
  value       = scaleway_rdb_user.app.name
}

output "password" {
  description = "Password of the application database user."
  value       = random_password.app.result
  sensitive   = true
}

output "certificate" {
  description = "CA certificate of the instance (PEM), for sslmode=verify-full."
  value       = scaleway_rdb_instance.this.certificate
}
