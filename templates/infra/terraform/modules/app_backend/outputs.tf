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

output "ingress_ip" {
  description = "Reserved public IP of the ingress Load Balancer (known at plan time): the API hostname's A record points here."
  value       = scaleway_lb_ip.ingress.ip_address
}

output "ingress_load_balancer_ip" {
  description = "Same as ingress_ip (kept for existing readers)."
  value       = scaleway_lb_ip.ingress.ip_address
}

output "api_dns_record_fqdn" {
  description = "FQDN of the managed A record of the API hostname, or null when DNS is managed elsewhere."
  value       = try(scaleway_domain_record.api[0].fqdn, null)
}
