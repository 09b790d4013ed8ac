terraform {
  required_version = ">= 1.11"

  required_providers {
    scaleway = {
      source  = "scaleway/scaleway"
      version = "~> 2.79"
    }
  }
}

# The bootstrap root keeps its own state locally (terraform.tfstate here, git-ignored): it creates
# the bucket every other root's backend needs. Back the file up, or move it into the bucket with
# `terraform init -migrate-state` once the bucket exists.
provider "scaleway" {
  region     = var.region
  project_id = var.project_id
}
