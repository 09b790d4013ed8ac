output "secret_name" {
  description = "Name of the external API Secret."
  value       = kubernetes_secret_v1.this.metadata[0].name
}

output "namespace" {
  description = "Namespace the Secret lives in."
  value       = kubernetes_secret_v1.this.metadata[0].namespace
}
