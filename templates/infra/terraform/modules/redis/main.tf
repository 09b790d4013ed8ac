# Managed Redis on the environment's Private Network. A cluster with a private_network block has
# no public endpoint, and `acl` conflicts with `private_network`, so no ACL is (or can be) set.

resource "random_password" "this" {
  length           = 32
  special          = true
  override_special = "!#%*-_=+"
  min_upper        = 2
  min_lower        = 2
  min_numeric      = 2
  min_special      = 2
}

resource "scaleway_redis_cluster" "this" {
  name         = "${var.name_prefix}-redis"
  project_id   = var.project_id
  zone         = var.zone
  version      = var.redis_version
  node_type    = var.node_type
  cluster_size = var.cluster_size
  user_name    = var.user_name
  password     = random_password.this.result
  tls_enabled  = true
  tags         = var.tags

  private_network {
    id = var.private_network_id
  }
}

locals {
  private_endpoint = one(scaleway_redis_cluster.this.private_network)
}
