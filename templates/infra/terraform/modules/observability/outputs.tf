output "metrics_push_url" {
  description = "Prometheus remote-write URL of the custom metrics source."
  value       = scaleway_cockpit_source.metrics.push_url
}

output "logs_push_url" {
  description = "Loki push URL of the custom logs source."
  value       = scaleway_cockpit_source.logs.push_url
}

output "grafana_url" {
  description = "Cockpit Grafana URL (log in with Scaleway IAM)."
  value       = data.scaleway_cockpit_grafana.this.grafana_url
}

output "token_id" {
  description = "ID of the push token used by the collectors."
  value       = scaleway_cockpit_token.this.id
}
