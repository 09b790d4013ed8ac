# One Deployment per worker kind (for_each over var.workers), sharing a namespace, a ConfigMap and
# a Secret with the data-tier connection settings. Workers flagged external_apis = true also load
# the external API Secret (created by module.external_apis, phase 11) by its conventional name,
# with optional = true so they start before, or without, that Secret.

locals {
  labels = {
    "app.kubernetes.io/component"  = "worker"
    "app.kubernetes.io/part-of"    = var.part_of
    "app.kubernetes.io/managed-by" = "terraform"
  }

  heartbeat_check = [
    "/bin/sh", "-c",
    "test -f \"$HEARTBEAT_FILE\" && test $(( $(date +%s) - $(stat -c %Y \"$HEARTBEAT_FILE\") )) -lt ${var.heartbeat_max_age_seconds}",
  ]

  autoscaled = {
    for name, w in var.workers : name => w
    if w.max_replicas != null ? w.max_replicas > w.replicas : false
  }

  database_url = format(
    "postgresql://%s:%s@%s:%d/%s?sslmode=require",
    urlencode(var.database.user), urlencode(var.database.password), var.database.host, var.database.port, var.database.name,
  )
  redis_url = format(
    "rediss://%s:%s@%s:%d/0",
    urlencode(var.redis.user), urlencode(var.redis.password), var.redis.host, var.redis.port,
  )
}

resource "kubernetes_namespace_v1" "this" {
  metadata {
    name   = var.namespace
    labels = local.labels
  }
}

resource "kubernetes_config_map_v1" "this" {
  metadata {
    name      = "workers-config"
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = local.labels
  }

  data = merge(
    {
      APP_ENV   = var.environment
      LOG_LEVEL = var.log_level
      # CA file the Redis client verifies the rediss:// connection with (mounted from redis-ca).
      REDIS_CA_FILE = "${var.redis_ca_dir}/ca.pem"
    },
    var.extra_config,
  )
}

resource "kubernetes_secret_v1" "this" {
  metadata {
    name      = "workers-secrets"
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = local.labels
  }

  type = "Opaque"

  data = {
    DATABASE_URL          = local.database_url
    REDIS_URL             = local.redis_url
    S3_MEDIA_BUCKET       = var.s3.media_bucket
    S3_ENDPOINT           = var.s3.endpoint
    S3_REGION             = var.s3.region
    AWS_ACCESS_KEY_ID     = var.s3.access_key
    AWS_SECRET_ACCESS_KEY = var.s3.secret_key
  }
}

# The Redis cluster's TLS certificate: clients verify rediss:// by default (redis-py:
# ssl_cert_reqs="required") and the cluster's certificate is not publicly trusted, so it is
# mounted at REDIS_CA_FILE.
resource "kubernetes_secret_v1" "redis_ca" {
  metadata {
    name      = "redis-ca"
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = local.labels
  }

  type = "Opaque"

  data = {
    "ca.pem" = var.redis.ca_certificate
  }
}

# Pull credentials for the private registry (Scaleway Container Registry namespaces are private).
resource "kubernetes_secret_v1" "registry" {
  metadata {
    name      = "registry-pull"
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = local.labels
  }

  type = "kubernetes.io/dockerconfigjson"

  data = {
    ".dockerconfigjson" = jsonencode({
      auths = {
        for host in var.registry_auth.hosts : host => {
          username = var.registry_auth.username
          password = var.registry_auth.password
          auth     = base64encode("${var.registry_auth.username}:${var.registry_auth.password}")
        }
      }
    })
  }
}

resource "kubernetes_deployment_v1" "this" {
  #checkov:skip=CKV_K8S_43:Addressed by the release tag set per worker (workers[*].tag, from CI), pulled Always; the digest is not known when the tree is rendered.
  for_each = var.workers

  wait_for_rollout = var.wait_for_rollout

  metadata {
    name      = each.key
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = merge(local.labels, { "app.kubernetes.io/name" = each.key })
  }

  spec {
    # With an HPA the autoscaler owns the replica count.
    replicas = contains(keys(local.autoscaled), each.key) ? null : each.value.replicas

    selector {
      match_labels = {
        "app.kubernetes.io/name"      = each.key
        "app.kubernetes.io/component" = "worker"
      }
    }

    template {
      metadata {
        labels = merge(local.labels, { "app.kubernetes.io/name" = each.key })
        annotations = {
          "checksum/config" = sha256(jsonencode(kubernetes_config_map_v1.this.data))
          "checksum/secret" = sha256(jsonencode(kubernetes_secret_v1.this.data))
        }
      }

      spec {
        automount_service_account_token  = false
        termination_grace_period_seconds = var.termination_grace_period_seconds

        image_pull_secrets {
          name = kubernetes_secret_v1.registry.metadata[0].name
        }

        security_context {
          run_as_non_root = true
          run_as_user     = var.run_as_user
          run_as_group    = var.run_as_user
          fs_group        = var.run_as_user

          seccomp_profile {
            type = "RuntimeDefault"
          }
        }

        container {
          name              = each.key
          image             = "${each.value.image}:${each.value.tag}"
          image_pull_policy = "Always"

          env {
            name  = "WORKER_KIND"
            value = each.key
          }

          env {
            name  = "STREAM_NAME"
            value = each.value.stream
          }

          env {
            name  = "HEARTBEAT_FILE"
            value = var.heartbeat_file
          }

          env_from {
            config_map_ref {
              name = kubernetes_config_map_v1.this.metadata[0].name
            }
          }

          env_from {
            secret_ref {
              name = kubernetes_secret_v1.this.metadata[0].name
            }
          }

          dynamic "env_from" {
            for_each = each.value.external_apis ? [var.external_api_secret_name] : []

            content {
              secret_ref {
                name     = env_from.value
                optional = true
              }
            }
          }

          resources {
            requests = {
              cpu    = each.value.cpu
              memory = each.value.memory
            }
            limits = {
              cpu    = each.value.cpu_limit != null ? each.value.cpu_limit : each.value.cpu
              memory = each.value.memory
            }
          }

          # Workers serve no HTTP port: the worker touches HEARTBEAT_FILE after each poll of its
          # stream, and the probes fail when the file is missing or older than
          # heartbeat_max_age_seconds. Readiness gates rollouts (maxUnavailable) on the new pod
          # having polled its stream at least once; liveness restarts a hung consumer loop.
          readiness_probe {
            exec {
              command = local.heartbeat_check
            }
            initial_delay_seconds = 5
            period_seconds        = 10
            timeout_seconds       = 5
            failure_threshold     = 3
          }

          liveness_probe {
            exec {
              command = local.heartbeat_check
            }
            initial_delay_seconds = var.heartbeat_max_age_seconds
            period_seconds        = 30
            timeout_seconds       = 5
            failure_threshold     = 3
          }

          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = var.read_only_root_filesystem
            run_as_non_root            = true

            capabilities {
              drop = ["ALL"]
            }
          }

          volume_mount {
            name       = "tmp"
            mount_path = "/tmp"
          }

          volume_mount {
            name       = "redis-ca"
            mount_path = var.redis_ca_dir
            read_only  = true
          }
        }

        volume {
          name = "redis-ca"

          secret {
            secret_name = kubernetes_secret_v1.redis_ca.metadata[0].name

            items {
              key  = "ca.pem"
              path = "ca.pem"
            }
          }
        }

        volume {
          name = "tmp"

          empty_dir {
            size_limit = var.tmp_size_limit
          }
        }
      }
    }
  }
}

resource "kubernetes_horizontal_pod_autoscaler_v2" "this" {
  for_each = local.autoscaled

  metadata {
    name      = each.key
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = merge(local.labels, { "app.kubernetes.io/name" = each.key })
  }

  spec {
    min_replicas = max(each.value.replicas, 1)
    max_replicas = each.value.max_replicas

    scale_target_ref {
      api_version = "apps/v1"
      kind        = "Deployment"
      name        = kubernetes_deployment_v1.this[each.key].metadata[0].name
    }

    metric {
      type = "Resource"

      resource {
        name = "cpu"

        target {
          type                = "Utilization"
          average_utilization = 75
        }
      }
    }
  }
}
