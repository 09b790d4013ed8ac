# The FastAPI orchestrator on Kapsule, plus the cluster-wide ingress stack it needs (Kapsule ships
# no ingress controller): Traefik behind a Scaleway Load Balancer, cert-manager, and an ACME
# ClusterIssuer installed from the small chart in ./charts/cluster-issuer (kubernetes_manifest
# would need the cert-manager CRDs at plan time).

locals {
  labels = {
    "app.kubernetes.io/name"       = var.name
    "app.kubernetes.io/component"  = "backend"
    "app.kubernetes.io/part-of"    = var.part_of
    "app.kubernetes.io/managed-by" = "terraform"
  }
  selector_labels = {
    "app.kubernetes.io/name"      = var.name
    "app.kubernetes.io/component" = "backend"
  }

  hpa_enabled = var.max_replicas != null ? var.max_replicas > var.replicas : false

  database_url = format(
    "postgresql://%s:%s@%s:%d/%s?sslmode=require",
    urlencode(var.database.user), urlencode(var.database.password), var.database.host, var.database.port, var.database.name,
  )
  redis_url = format(
    "rediss://%s:%s@%s:%d/0",
    urlencode(var.redis.user), urlencode(var.redis.password), var.redis.host, var.redis.port,
  )
}

# --- Ingress stack (cluster-wide) ---------------------------------------------------------------

# A reserved (flexible) IP for the ingress Load Balancer: known at plan time, kept when the
# Service is re-created, and the address the API hostname points at. With use-hostname the CCM
# publishes only a hostname in the Service status, so the IP is read from here, not from there.
resource "scaleway_lb_ip" "ingress" {
  zone       = var.load_balancer_zone
  project_id = var.project_id
}

resource "helm_release" "traefik" {
  name             = "traefik"
  repository       = "https://traefik.github.io/charts"
  chart            = "traefik"
  version          = var.traefik_version
  namespace        = var.ingress_namespace
  create_namespace = true
  wait             = true
  timeout          = 600

  values = [yamlencode({
    ingressClass = {
      enabled        = true
      isDefaultClass = true
      name           = var.ingress_class_name
    }
    service = {
      type = "LoadBalancer"
      annotations = {
        "service.beta.kubernetes.io/scw-loadbalancer-zone"              = var.load_balancer_zone
        "service.beta.kubernetes.io/scw-loadbalancer-proxy-protocol-v2" = "true"
        "service.beta.kubernetes.io/scw-loadbalancer-use-hostname"      = "true"
        # The CCM takes the IP's ID without its zone prefix.
        "service.beta.kubernetes.io/scw-loadbalancer-ip-ids" = element(split("/", scaleway_lb_ip.ingress.id), 1)
      }
    }
    ports = {
      # The Scaleway LB speaks PROXY protocol v2 to the nodes from a private IP of the Private
      # Network: only that range is trusted, so a pod cannot spoof a client address with a PROXY
      # header of its own.
      web       = { proxyProtocol = { trustedIPs = [var.proxy_trusted_cidr] } }
      websecure = { proxyProtocol = { trustedIPs = [var.proxy_trusted_cidr] } }
    }
  })]
}

resource "helm_release" "cert_manager" {
  name             = "cert-manager"
  repository       = "https://charts.jetstack.io"
  chart            = "cert-manager"
  version          = var.cert_manager_version
  namespace        = "cert-manager"
  create_namespace = true
  wait             = true
  timeout          = 600

  set = [
    {
      name  = "crds.enabled"
      value = "true"
    },
  ]
}

resource "helm_release" "cluster_issuer" {
  name      = "cluster-issuer"
  chart     = "${path.module}/charts/cluster-issuer"
  namespace = "cert-manager"

  values = [yamlencode({
    name             = var.cluster_issuer_name
    email            = var.acme_email
    server           = var.acme_server
    ingressClassName = var.ingress_class_name
  })]

  depends_on = [helm_release.cert_manager, helm_release.traefik]
}

# --- Application ---------------------------------------------------------------------------------

resource "kubernetes_namespace_v1" "this" {
  metadata {
    name   = var.namespace
    labels = local.labels
  }
}

resource "kubernetes_config_map_v1" "this" {
  metadata {
    name      = "${var.name}-config"
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = local.labels
  }

  data = merge(
    {
      APP_ENV     = var.environment
      LOG_LEVEL   = var.log_level
      PORT        = tostring(var.port)
      PUBLIC_URL  = "https://${var.hostname}"
      CORS_ORIGIN = join(",", var.cors_origins)
      # CA file the Redis client verifies the rediss:// connection with (mounted from redis-ca).
      REDIS_CA_FILE = "${var.redis_ca_dir}/ca.pem"
    },
    var.extra_config,
  )
}

resource "kubernetes_secret_v1" "this" {
  metadata {
    name      = "${var.name}-secrets"
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
  #checkov:skip=CKV_K8S_43:Addressed by the release tag CI passes (-var backend_image_tag=...), pulled Always; the digest is not known when the tree is rendered.
  wait_for_rollout = var.wait_for_rollout

  metadata {
    name      = var.name
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = local.labels
  }

  spec {
    # With an HPA the autoscaler owns the replica count.
    replicas = local.hpa_enabled ? null : var.replicas

    selector {
      match_labels = local.selector_labels
    }

    strategy {
      type = "RollingUpdate"

      rolling_update {
        max_surge       = "25%"
        max_unavailable = "0"
      }
    }

    template {
      metadata {
        labels = local.labels
        annotations = {
          # Restart the pods when configuration or secrets change.
          "checksum/config" = sha256(jsonencode(kubernetes_config_map_v1.this.data))
          "checksum/secret" = sha256(jsonencode(kubernetes_secret_v1.this.data))
        }
      }

      spec {
        automount_service_account_token = false

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
          name              = var.name
          image             = "${var.image}:${var.image_tag}"
          image_pull_policy = "Always"

          port {
            name           = "http"
            container_port = var.port
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

          resources {
            requests = {
              cpu    = var.cpu
              memory = var.memory
            }
            limits = {
              cpu    = var.cpu_limit != null ? var.cpu_limit : var.cpu
              memory = var.memory_limit != null ? var.memory_limit : var.memory
            }
          }

          liveness_probe {
            http_get {
              path = var.health_path
              port = "http"
            }
            initial_delay_seconds = 15
            period_seconds        = 20
            timeout_seconds       = 3
            failure_threshold     = 3
          }

          readiness_probe {
            http_get {
              path = var.health_path
              port = "http"
            }
            initial_delay_seconds = 5
            period_seconds        = 10
            timeout_seconds       = 3
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
            size_limit = "256Mi"
          }
        }
      }
    }
  }
}

resource "kubernetes_horizontal_pod_autoscaler_v2" "this" {
  count = local.hpa_enabled ? 1 : 0

  metadata {
    name      = var.name
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = local.labels
  }

  spec {
    min_replicas = max(var.replicas, 1)
    max_replicas = var.max_replicas

    scale_target_ref {
      api_version = "apps/v1"
      kind        = "Deployment"
      name        = kubernetes_deployment_v1.this.metadata[0].name
    }

    metric {
      type = "Resource"

      resource {
        name = "cpu"

        target {
          type                = "Utilization"
          average_utilization = 70
        }
      }
    }
  }
}

resource "kubernetes_service_v1" "this" {
  metadata {
    name      = var.name
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = local.labels
  }

  spec {
    type     = "ClusterIP"
    selector = local.selector_labels

    port {
      name        = "http"
      port        = 80
      target_port = "http"
      protocol    = "TCP"
    }
  }
}

resource "kubernetes_ingress_v1" "this" {
  metadata {
    name      = var.name
    namespace = kubernetes_namespace_v1.this.metadata[0].name
    labels    = local.labels
    annotations = {
      "cert-manager.io/cluster-issuer" = var.cluster_issuer_name
    }
  }

  spec {
    ingress_class_name = var.ingress_class_name

    tls {
      hosts       = [var.hostname]
      secret_name = "${var.name}-tls"
    }

    rule {
      host = var.hostname

      http {
        path {
          path      = "/"
          path_type = "Prefix"

          backend {
            service {
              name = kubernetes_service_v1.this.metadata[0].name

              port {
                name = "http"
              }
            }
          }
        }
      }
    }
  }

  depends_on = [helm_release.traefik, helm_release.cluster_issuer]
}

# --- Optional DNS: the API hostname's A record to the reserved ingress IP -------------------------

resource "scaleway_domain_record" "api" {
  count = var.dns_zone != null ? 1 : 0

  dns_zone   = var.dns_zone
  project_id = var.project_id
  name       = trimsuffix(trimsuffix(var.hostname, var.dns_zone), ".")
  type       = "A"
  data       = scaleway_lb_ip.ingress.ip_address
  ttl        = var.dns_ttl

  lifecycle {
    precondition {
      condition     = var.hostname != var.dns_zone && endswith(var.hostname, ".${var.dns_zone}")
      error_message = "hostname must be a subdomain of dns_zone."
    }
  }
}
