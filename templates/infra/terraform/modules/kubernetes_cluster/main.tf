# Kapsule cluster on the environment's Private Network, with one autoscaled node pool.
# The kubernetes and helm providers of the env root are configured from the `connection`
# outputs below, which are only known once the pool exists (a fresh cluster's API DNS does not
# resolve before that; scaleway/terraform-provider-scaleway#500).

# Only "latest" needs a lookup. A minor version (1.35) goes to the cluster as it is: with
# auto_upgrade on, the cluster resolves x.y itself (ListVersions), while the data source would
# GetVersion("1.35") and then require a 3-part x.y.z name back.
data "scaleway_k8s_version" "latest" {
  count = var.kubernetes_version == "latest" ? 1 : 0

  name   = "latest"
  region = var.region
}

resource "scaleway_k8s_cluster" "this" {
  name                        = "${var.name_prefix}-k8s"
  project_id                  = var.project_id
  region                      = var.region
  type                        = "kapsule"
  version                     = var.kubernetes_version == "latest" ? data.scaleway_k8s_version.latest[0].major_minor_only : var.kubernetes_version
  cni                         = var.cni
  private_network_id          = var.private_network_id
  delete_additional_resources = false
  tags                        = var.tags

  auto_upgrade {
    enable                        = true
    maintenance_window_day        = var.maintenance_window_day
    maintenance_window_start_hour = var.maintenance_window_start_hour
  }

  autoscaler_config {
    disable_scale_down               = false
    scale_down_delay_after_add       = "10m"
    scale_down_utilization_threshold = 0.5
    balance_similar_node_groups      = true
  }
}

resource "scaleway_k8s_pool" "this" {
  cluster_id             = scaleway_k8s_cluster.this.id
  region                 = var.region
  node_type              = var.node_type
  size                   = var.pool_min_size
  min_size               = var.pool_min_size
  max_size               = var.pool_max_size
  autoscaling            = var.autoscaling
  autohealing            = true
  container_runtime      = "containerd"
  root_volume_type       = var.root_volume_type
  root_volume_size_in_gb = var.root_volume_size_gb
  wait_for_pool_ready    = true
  tags                   = var.tags

  # Both values non-zero: the provider sends them at create only when non-zero (d.GetOk), so a
  # 0 would be replaced by the API default (max_unavailable = 1) and every fresh environment would
  # show a diff on its second plan.
  upgrade_policy {
    max_surge       = 1
    max_unavailable = 1
  }

  # No ignore_changes on size: while autoscaling is on the provider neither reads size back nor
  # sends it, so the autoscaler is not fought; with autoscaling off, pool_min_size is the node
  # count and changing it resizes the pool.
}

resource "scaleway_k8s_acl" "this" {
  count = length(var.api_allowed_cidrs) > 0 ? 1 : 0

  cluster_id = scaleway_k8s_cluster.this.id
  region     = var.region

  acl_rules {
    scaleway_ranges = true
    description     = "Scaleway internal ranges (control plane, Kapsule nodes)"
  }

  dynamic "acl_rules" {
    for_each = var.api_allowed_cidrs

    content {
      ip          = acl_rules.value
      description = "Allowed API client range"
    }
  }
}

# Pool-gated connection data: anything that reads `output` waits for the pool.
resource "terraform_data" "connection" {
  input = {
    host                   = scaleway_k8s_cluster.this.kubeconfig[0].host
    token                  = scaleway_k8s_cluster.this.kubeconfig[0].token
    cluster_ca_certificate = scaleway_k8s_cluster.this.kubeconfig[0].cluster_ca_certificate
  }

  depends_on = [scaleway_k8s_pool.this]
}
