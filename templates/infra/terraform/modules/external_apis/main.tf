# Settings of the external APIs (ANCPI cadastre, seismic risk) as one Secret in the workers'
# namespace. The env root passes the namespace as module.app_workers.namespace, so the Secret is
# created after the namespace even when both are in one apply (a constant string let the Secret
# race the namespace: "namespaces \"workers\" not found"). Workers whose `external_apis` flag is
# set load the Secret by its conventional name (optional = true), so they start before, or
# without, it and module.app_workers never references this module.

resource "kubernetes_secret_v1" "this" {
  metadata {
    name      = var.secret_name
    namespace = var.namespace
    labels = {
      "app.kubernetes.io/component"  = "external-apis"
      "app.kubernetes.io/part-of"    = var.part_of
      "app.kubernetes.io/managed-by" = "terraform"
    }
  }

  type = "Opaque"

  data = {
    ANCPI_BASE_URL  = var.ancpi_base_url
    ANCPI_API_KEY   = var.ancpi_api_key
    SEISMIC_API_URL = var.seismic_api_url
    SEISMIC_API_KEY = var.seismic_api_key
  }
}

check "external_api_keys" {
  assert {
    condition     = var.ancpi_api_key != "" && var.seismic_api_key != ""
    error_message = "ancpi_api_key or seismic_api_key is empty: set TF_VAR_ancpi_api_key and TF_VAR_seismic_api_key, or the workers will call the APIs without credentials."
  }
}
