output "cluster_id" {
  description = "ID of the Kapsule cluster."
  value       = scaleway_k8s_cluster.this.id
}

output "pool_id" {
  description = "ID of the default node pool."
  value       = scaleway_k8s_pool.this.id
}

output "version" {
  description = "Kubernetes minor version the cluster runs."
  value       = scaleway_k8s_cluster.this.version
}

output "apiserver_url" {
  description = "URL of the Kubernetes API server."
  value       = scaleway_k8s_cluster.this.apiserver_url
}

output "wildcard_dns" {
  description = "Wildcard DNS name pointing to the cluster's nodes."
  value       = scaleway_k8s_cluster.this.wildcard_dns
}

output "kubeconfig" {
  description = "Complete kubeconfig file of the cluster."
  value       = scaleway_k8s_cluster.this.kubeconfig[0].config_file
  sensitive   = true
}

output "host" {
  description = "Kubernetes API host, known only once the node pool is ready."
  value       = terraform_data.connection.output.host
  sensitive   = true
}

output "token" {
  description = "Kubernetes API token, known only once the node pool is ready."
  value       = terraform_data.connection.output.token
  sensitive   = true
}

output "cluster_ca_certificate" {
  description = "Base64-encoded CA certificate of the API server, known only once the node pool is ready."
  value       = terraform_data.connection.output.cluster_ca_certificate
  sensitive   = true
}
