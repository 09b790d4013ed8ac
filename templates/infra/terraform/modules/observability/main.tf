# Ship the cluster's own metrics and pod logs to Scaleway Cockpit: one metrics and one logs data
# source, a push-only token, and Grafana's k8s-monitoring chart (Alloy collectors) writing to them.
# Kapsule control-plane metrics and logs reach Cockpit's built-in sources without any of this.

resource "scaleway_cockpit_source" "metrics" {
  name           = "${var.name_prefix}-metrics"
  project_id     = var.project_id
  region         = var.region
  type           = "metrics"
  retention_days = var.metrics_retention_days
}

resource "scaleway_cockpit_source" "logs" {
  name           = "${var.name_prefix}-logs"
  project_id     = var.project_id
  region         = var.region
  type           = "logs"
  retention_days = var.logs_retention_days
}

resource "scaleway_cockpit_token" "this" {
  name       = "${var.name_prefix}-k8s-monitoring"
  project_id = var.project_id
  region     = var.region

  scopes {
    write_metrics = true
    write_logs    = true
  }
}

data "scaleway_cockpit_grafana" "this" {
  project_id = var.project_id
}

resource "helm_release" "k8s_monitoring" {
  name             = "k8s-monitoring"
  repository       = "https://grafana.github.io/helm-charts"
  chart            = "k8s-monitoring"
  version          = var.chart_version
  namespace        = var.namespace
  create_namespace = true
  wait             = true
  timeout          = 600

  values = [yamlencode({
    cluster = {
      name = var.cluster_name
    }
    destinations = [
      {
        name = "cockpit-metrics"
        type = "prometheus"
        url  = scaleway_cockpit_source.metrics.push_url
      },
      {
        name = "cockpit-logs"
        type = "loki"
        url  = scaleway_cockpit_source.logs.push_url
      },
    ]
    clusterMetrics = {
      enabled = true
    }
    clusterEvents = {
      enabled = true
    }
    podLogs = {
      enabled = true
    }
    "alloy-metrics" = {
      enabled = true
    }
    "alloy-logs" = {
      enabled = true
    }
    "alloy-singleton" = {
      enabled = true
    }
  })]

  # The token goes in through set_sensitive so it never shows in a plan.
  set_sensitive = [
    {
      name  = "destinations[0].extraHeaders.X-Token"
      value = scaleway_cockpit_token.this.secret_key
    },
    {
      name  = "destinations[1].extraHeaders.X-Token"
      value = scaleway_cockpit_token.this.secret_key
    },
  ]
}
