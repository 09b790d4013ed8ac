output "namespace" {
  description = "Namespace of the workers."
  value       = kubernetes_namespace_v1.this.metadata[0].name
}

output "deployments" {
  description = "Deployment name of each worker kind."
  value       = { for name, d in kubernetes_deployment_v1.this : name => d.metadata[0].name }
}

output "streams" {
  description = "Redis stream each worker kind consumes."
  value       = { for name, w in var.workers : name => w.stream }
}

output "autoscaled" {
  description = "Worker kinds that have a HorizontalPodAutoscaler."
  value       = keys(local.autoscaled)
}

output "external_api_consumers" {
  description = "Worker kinds that load the external API Secret."
  value       = [for name, w in var.workers : name if w.external_apis]
}
