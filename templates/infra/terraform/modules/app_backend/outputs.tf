output "api_url" {
  description = "Public URL of the API."
  value       = "https://${var.hostname}"
}

output "namespace" {
  description = "Namespace of the backend."
  value       = kubernetes_namespace_v1.this.metadata[0].name
}

output "service_name" {
  description = "ClusterIP Service of the API (in-cluster: http://<service>.<namespace>.svc)."
  value       = kubernetes_service_v1.this.metadata[0].name
}

output "ingress_class_name" {
  description = "IngressClass served by Traefik."
  value       = var.ingress_class_name
}

output "cluster_issuer_name" {
  description = "cert-manager ClusterIssuer other Ingresses can reference."
  value       = var.cluster_issuer_name
}

output "ingress_load_balancer_ip" {
  description = "Public IP of the ingress Load Balancer: point the API hostname's DNS record at it."
  value       = try(data.kubernetes_service_v1.ingress.status[0].load_balancer[0].ingress[0].ip, null)
}
