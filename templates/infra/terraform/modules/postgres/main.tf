# Managed PostgreSQL reachable only through the environment's Private Network: a private_network
# block with IPAM and no load_balancer block means the instance has no public endpoint.

resource "random_password" "admin" {
  length           = 32
  special          = true
  override_special = "!#%*-_=+"
  min_upper        = 2
  min_lower        = 2
  min_numeric      = 2
  min_special      = 2
}

resource "random_password" "app" {
  length           = 32
  special          = true
  override_special = "!#%*-_=+"
  min_upper        = 2
  min_lower        = 2
  min_numeric      = 2
  min_special      = 2
}

resource "scaleway_rdb_instance" "this" {
  name               = "${var.name_prefix}-pg"
  project_id         = var.project_id
  region             = var.region
  engine             = var.engine
  node_type          = var.node_type
  is_ha_cluster      = var.ha_enabled
  user_name          = var.admin_user_name
  password           = random_password.admin.result
  tags               = var.tags
  volume_type        = var.volume_type
  encryption_at_rest = var.encryption_at_rest

  volume_size_in_gb = var.volume_type == "lssd" ? null : var.volume_size_gb

  disable_backup            = !var.backups_enabled
  backup_schedule_frequency = var.backups_enabled ? 24 : null
  backup_schedule_retention = var.backups_enabled ? var.backup_retention_days : null
  backup_same_region        = true

  private_network {
    pn_id       = var.private_network_id
    enable_ipam = true
  }
}

resource "scaleway_rdb_database" "this" {
  instance_id = scaleway_rdb_instance.this.id
  name        = var.db_name
}

resource "scaleway_rdb_user" "app" {
  instance_id = scaleway_rdb_instance.this.id
  name        = var.db_user
  password    = random_password.app.result
  is_admin    = false
}

resource "scaleway_rdb_privilege" "app" {
  instance_id   = scaleway_rdb_instance.this.id
  user_name     = scaleway_rdb_user.app.name
  database_name = scaleway_rdb_database.this.name
  permission    = "all"

  depends_on = [scaleway_rdb_user.app, scaleway_rdb_database.this]
}

# Allowed-IP rules are enforced on the instance's load balancer (public endpoint), which this
# instance does not have; the single rule replaces the default 0.0.0.0/0 as defence in depth.
resource "scaleway_rdb_acl" "this" {
  instance_id = scaleway_rdb_instance.this.id
  region      = var.region

  acl_rules {
    ip          = var.allowed_cidr
    description = "${var.name_prefix} private network"
  }
}
