# Either adopt an existing Scaleway project (the default: the one the credentials point at, or
# an explicit id) or create a new one. Exactly one of the two objects below exists.

resource "scaleway_account_project" "this" {
  count = var.create_project ? 1 : 0

  name        = var.name
  description = var.description
}

data "scaleway_account_project" "this" {
  count = var.create_project ? 0 : 1

  project_id = var.project_id
}

locals {
  project_id   = var.create_project ? scaleway_account_project.this[0].id : data.scaleway_account_project.this[0].id
  project_name = var.create_project ? scaleway_account_project.this[0].name : data.scaleway_account_project.this[0].name
}
