# TFLint settings of this repository (the pre-commit terraform_tflint hook passes this file).

config {
  # Lint the local modules through the env roots that call them, with the env's values.
  call_module_type = "local"
}

# The Terraform language ruleset bundled with TFLint, with its "recommended" preset (unused
# declarations, missing types and version constraints, deprecated syntax, ...).
plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

# No Scaleway ruleset is added: none exists. terraform-linters publishes rulesets for AWS, Azure
# and Google Cloud only, and Scaleway publishes none, so the provider's own `terraform validate`
# (and mobi-tui's sandbox) are what check Scaleway arguments.
