# One VPC and one Private Network (PN) per environment. Kapsule nodes, the managed PostgreSQL
# instance and the managed Redis cluster all attach to this PN; nothing else is needed to keep
# the data tier off the internet (see README: "Security groups").

resource "scaleway_vpc" "this" {
  name       = "${var.name_prefix}-vpc"
  project_id = var.project_id
  region     = var.region
  tags       = var.tags
}

resource "scaleway_vpc_private_network" "this" {
  name       = "${var.name_prefix}-pn"
  project_id = var.project_id
  region     = var.region
  vpc_id     = scaleway_vpc.this.id
  tags       = var.tags

  ipv4_subnet {
    subnet = var.private_cidr
  }
}
