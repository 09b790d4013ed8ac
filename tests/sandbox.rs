//! Sandbox integration tests: the real `terraform` binary against mobi-tui's stand-in providers.
//!
//! These never skip when Terraform is missing: they fail and say so, because a silently skipped
//! sandbox test would let a broken sandbox ship.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use mobi_tui::sandbox::{Workspace, WorkspaceOptions};

/// The mobi-tui binary under test, pinned at first use.
///
/// `CARGO_BIN_EXE_mobi-tui` names a path in the target directory that other builds sharing that
/// directory may replace at any moment; a hard link taken once keeps this run on the binary that
/// cargo built for it, and the `validate --help` probe fails loudly if it was already replaced.
fn mobi_tui() -> &'static Path {
    static PINNED: OnceLock<PathBuf> = OnceLock::new();
    PINNED.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sandbox-tests");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("test tmp dir");
        let pinned = dir.join(format!("mobi-tui-{}", std::process::id()));
        let built = env!("CARGO_BIN_EXE_mobi-tui");
        if std::fs::hard_link(built, &pinned).is_err() {
            std::fs::copy(built, &pinned).expect("copy the mobi-tui binary");
        }
        let probe = std::process::Command::new(&pinned)
            .args(["validate", "--help"])
            .output()
            .expect("mobi-tui runs");
        assert!(
            probe.status.success(),
            "{built} has no `validate` subcommand: replaced by another build sharing the target dir? rerun the tests"
        );
        pinned
    })
}
const PRESET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/presets/dev.toml");

fn terraform() -> PathBuf {
    if let Some(p) = std::env::var_os("MOBI_TERRAFORM").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let default = Path::new("/usr/local/bin/terraform");
    if default.is_file() {
        return default.to_owned();
    }
    which::which("terraform").unwrap_or_else(|_| {
        panic!("terraform not found (/usr/local/bin/terraform, PATH, MOBI_TERRAFORM): the sandbox integration tests need the real terraform binary")
    })
}

const VERSIONS: &str = r#"
terraform {
  required_providers {
    scaleway   = { source = "scaleway/scaleway", version = "2.79.0" }
    kubernetes = { source = "hashicorp/kubernetes", version = "3.4.0" }
    helm       = { source = "hashicorp/helm", version = "3.2.0" }
    random     = { source = "hashicorp/random", version = "~> 3.9" }
  }
  backend "s3" {
    bucket = "never-used-in-the-sandbox"
    key    = "dev/terraform.tfstate"
    region = "fr-par"
  }
}
"#;

const MAIN: &str = r#"
provider "scaleway" {
  region = "fr-par"
  zone   = "fr-par-1"
}

module "network" {
  source = "../../modules/network"
  cidr   = "172.16.0.0/22"
}

resource "random_password" "db" {
  # Scaleway's database password policy: a digit, both cases and a special character.
  length      = 24
  min_upper   = 1
  min_lower   = 1
  min_numeric = 1
  min_special = 1
}

resource "scaleway_rdb_instance" "db" {
  name          = "mobi-dev"
  node_type     = "DB-DEV-S"
  engine        = "PostgreSQL-16"
  is_ha_cluster = false
  user_name     = "mobi"
  password      = random_password.db.result

  private_network {
    pn_id       = module.network.id
    enable_ipam = true
  }
}

resource "scaleway_k8s_cluster" "k" {
  name                        = "mobi-dev"
  version                     = "1.35.3"
  cni                         = "cilium"
  delete_additional_resources = false
  private_network_id          = module.network.id
}

ephemeral "random_password" "helm" {
  length = 16
}

provider "kubernetes" {
  host                   = scaleway_k8s_cluster.k.kubeconfig[0].host
  token                  = scaleway_k8s_cluster.k.kubeconfig[0].token
  cluster_ca_certificate = base64decode(scaleway_k8s_cluster.k.kubeconfig[0].cluster_ca_certificate)
}

provider "helm" {
  kubernetes = {
    host                   = scaleway_k8s_cluster.k.kubeconfig[0].host
    token                  = scaleway_k8s_cluster.k.kubeconfig[0].token
    cluster_ca_certificate = base64decode(scaleway_k8s_cluster.k.kubeconfig[0].cluster_ca_certificate)
    password               = ephemeral.random_password.helm.result
  }
}

resource "kubernetes_deployment_v1" "app" {
  metadata {
    name      = "backend"
    namespace = "default"
  }
  spec {
    replicas = "2"
    selector {
      match_labels = { app = "backend" }
    }
    template {
      metadata {
        labels = { app = "backend" }
      }
      spec {
        container {
          name  = "backend"
          image = "registry.example/backend:1"
          port {
            container_port = 8000
          }
          env {
            name  = "DB_HOST"
            value = scaleway_rdb_instance.db.private_network[0].ip
          }
        }
      }
    }
  }
}

resource "helm_release" "ingress" {
  name             = "ingress-nginx"
  repository       = "https://kubernetes.github.io/ingress-nginx"
  chart            = "ingress-nginx"
  namespace        = "ingress"
  create_namespace = true
  set = [
    { name = "controller.replicaCount", value = "2" },
  ]
}

output "network_uuid" {
  value = provider::scaleway::id_from_regional_id(module.network.id, false)
}

output "db_ip" {
  value = scaleway_rdb_instance.db.private_network[0].ip
}
"#;

const NETWORK: &str = r#"
terraform {
  required_providers {
    scaleway = { source = "scaleway/scaleway" }
  }
}

variable "cidr" {
  type = string
}

resource "scaleway_vpc_private_network" "this" {
  name = "mobi-dev"
  ipv4_subnet {
    subnet = var.cidr
  }
}

output "id" {
  value = scaleway_vpc_private_network.this.id
}
"#;

/// A generated-looking tree in a temp dir: `infra/terraform/{envs/dev,modules/network}`.
struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    fn new() -> Tree {
        let t = Tree {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        t.write("envs/dev/versions.tf", VERSIONS);
        t.write("envs/dev/main.tf", MAIN);
        t.write("modules/network/main.tf", NETWORK);
        t
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn tf_path(&self, rel: &str) -> PathBuf {
        self.root().join("infra/terraform").join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.tf_path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Replaces `from` with `to` in a file of the tree (the text must be there).
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.tf_path(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        std::fs::write(p, text.replacen(from, to, 1)).unwrap();
    }

    fn workspace(&self) -> Workspace {
        let opts = WorkspaceOptions {
            provider_binary: Some(mobi_tui().to_owned()),
            ..Default::default()
        };
        Workspace::prepare(self.root(), "dev", &opts).expect("workspace prepares")
    }

    /// `mobi-tui validate --sandbox` on this tree.
    fn validate(&self) -> Output {
        std::process::Command::new(mobi_tui())
            .args(["validate", "--sandbox", "--preset", PRESET, "--out"])
            .arg(self.root())
            .env("MOBI_TERRAFORM", terraform())
            .output()
            .expect("mobi-tui runs")
    }
}

fn tf(ws: &Workspace, args: &[&str]) -> Output {
    let mut cmd = std::process::Command::new(terraform());
    cmd.args(args).current_dir(ws.env_dir());
    for (k, v) in ws.command_env() {
        cmd.env(k, v);
    }
    cmd.output().expect("terraform runs")
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn init_validate_apply_then_plan_shows_no_changes() {
    let tree = Tree::new();
    let ws = tree.workspace();
    let init = tf(&ws, &["init", "-input=false", "-no-color"]);
    assert!(init.status.success(), "init: {}", text(&init));
    let validate = tf(&ws, &["validate", "-no-color"]);
    assert!(validate.status.success(), "validate: {}", text(&validate));
    let apply = tf(
        &ws,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    );
    assert!(apply.status.success(), "apply: {}", text(&apply));
    let out = String::from_utf8_lossy(&apply.stdout);
    assert!(out.contains("Resources: 6 added"), "{out}");
    assert!(out.contains("db_ip = \"192.0.2."), "{out}");
    let plan = tf(
        &ws,
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
    );
    assert_eq!(
        plan.status.code(),
        Some(0),
        "second plan not empty: {}",
        text(&plan)
    );
    assert!(ws.state_path().is_file(), "state lives in the sandbox");
    assert!(
        !tree.tf_path("envs/dev/.terraform.lock.hcl").exists(),
        "the user's tree is never touched"
    );

    // Import is refused with a diagnostic that says why.
    let rm = tf(&ws, &["state", "rm", "-no-color", "random_password.db"]);
    assert!(rm.status.success(), "state rm: {}", text(&rm));
    let import = tf(
        &ws,
        &[
            "import",
            "-input=false",
            "-no-color",
            "random_password.db",
            "x",
        ],
    );
    assert!(
        !import.status.success(),
        "import succeeded: {}",
        text(&import)
    );
    assert!(
        text(&import).contains("Import is not available in the sandbox"),
        "{}",
        text(&import)
    );
    let apply = tf(
        &ws,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    );
    assert!(apply.status.success(), "re-apply: {}", text(&apply));

    // State persists across prepares; reset deletes it.
    let again = tree.workspace();
    let plan = tf(
        &again,
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
    );
    assert_eq!(
        plan.status.code(),
        Some(0),
        "after re-prepare: {}",
        text(&plan)
    );
    Workspace::reset(tree.root(), "dev").unwrap();
    assert!(!ws.state_path().exists());
}

#[test]
fn validate_command_accepts_the_valid_tree() {
    let tree = Tree::new();
    let out = tree.validate();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// Each mutation must fail `mobi-tui validate --sandbox` with Terraform's diagnostic, naming the
/// file in the user's tree (not the scratch copy).
#[test]
fn validate_command_reports_terraform_diagnostics_with_real_paths() {
    struct Case {
        name: &'static str,
        file: &'static str,
        from: &'static str,
        to: &'static str,
        expect: &'static str,
    }
    let cases = [
        Case {
            name: "unknown argument in scaleway_rdb_instance",
            file: "envs/dev/main.tf",
            from: "  is_ha_cluster = false\n",
            to: "  is_ha_cluster = false\n  backup_everything = true\n",
            expect: "Unsupported argument",
        },
        Case {
            name: "unknown argument inside a container",
            file: "envs/dev/main.tf",
            from: "          image = \"registry.example/backend:1\"\n",
            to: "          image = \"registry.example/backend:1\"\n          imag_pull = \"Always\"\n",
            expect: "Unsupported argument",
        },
        Case {
            name: "missing required argument",
            file: "envs/dev/main.tf",
            from: "  node_type     = \"DB-DEV-S\"\n",
            to: "",
            expect: "Missing required argument",
        },
        Case {
            name: "block written as an attribute",
            file: "modules/network/main.tf",
            from: "  ipv4_subnet {\n    subnet = var.cidr\n  }\n",
            to: "  ipv4_subnet = { subnet = var.cidr }\n",
            expect: "Unsupported argument",
        },
        Case {
            name: "wrong-typed value",
            file: "envs/dev/main.tf",
            from: "is_ha_cluster = false",
            to: "is_ha_cluster = \"perhaps\"",
            expect: "Incorrect attribute value type",
        },
    ];
    let tree = Tree::new();
    for case in &cases {
        let original = std::fs::read_to_string(tree.tf_path(case.file)).unwrap();
        tree.edit(case.file, case.from, case.to);
        let out = tree.validate();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{}: {}", case.name, text(&out));
        let real = tree.tf_path(case.file);
        let line = stdout
            .lines()
            .find(|l| l.contains(case.expect))
            .unwrap_or_else(|| {
                panic!(
                    "{}: no {:?} diagnostic: {}",
                    case.name,
                    case.expect,
                    text(&out)
                )
            });
        assert!(
            line.starts_with(&format!("{}:", real.display())) && line.contains(": error: "),
            "{}: diagnostic does not name {}: {line}",
            case.name,
            real.display()
        );
        tree.write(case.file, &original);
    }
    let out = tree.validate();
    assert_eq!(out.status.code(), Some(0), "restored tree: {}", text(&out));
}

#[test]
fn validate_command_exit_2_on_bad_input() {
    let tree = Tree::new();
    let missing = tree.root().join("missing.toml");
    let out = std::process::Command::new(mobi_tui())
        .args(["validate", "--sandbox", "--preset"])
        .arg(&missing)
        .arg("--out")
        .arg(tree.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("missing.toml"),
        "{}",
        text(&out)
    );
}

/// Proves no network is needed: init, apply and plan inside a network namespace with only
/// loopback. Runs where `unshare -n` works (root); says so when it cannot.
#[test]
fn works_without_network() {
    let probe = std::process::Command::new("unshare")
        .args(["-n", "true"])
        .output();
    if !probe.map(|o| o.status.success()).unwrap_or(false) {
        eprintln!("works_without_network: `unshare -n` unavailable here (needs root); not run");
        return;
    }
    let tree = Tree::new();
    let ws = tree.workspace();
    let script = format!(
        "set -e; ip link set lo up; tf={tf}; \
         $tf init -input=false -no-color >/dev/null; \
         $tf apply -auto-approve -input=false -no-color >/dev/null; \
         $tf plan -detailed-exitcode -input=false -no-color",
        tf = terraform().display()
    );
    let mut cmd = std::process::Command::new("unshare");
    cmd.args(["-n", "sh", "-c", &script])
        .current_dir(ws.env_dir());
    for (k, v) in ws.command_env() {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "offline run: {}", text(&out));
}

/// `MOBI_SANDBOX_LATENCY_MS` makes applies slow enough to interrupt; SIGINT to terraform (what
/// the TUI sends) stops the run cleanly: the providers survive the signal, Terraform stops them
/// through the protocol, and the state is left unlocked for the next command.
#[test]
fn latency_and_interrupt() {
    use std::io::{BufRead, BufReader};
    use std::time::{Duration, Instant};

    let tree = Tree::new();
    let opts = WorkspaceOptions {
        provider_binary: Some(mobi_tui().to_owned()),
        latency: Duration::from_millis(4000),
        ..Default::default()
    };
    let ws = Workspace::prepare(tree.root(), "dev", &opts).expect("workspace");
    let init = tf(&ws, &["init", "-input=false", "-no-color"]);
    assert!(init.status.success(), "init: {}", text(&init));

    let mut cmd = std::process::Command::new(terraform());
    cmd.args(["apply", "-auto-approve", "-input=false", "-no-color"])
        .current_dir(ws.env_dir())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in ws.command_env() {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let mut child = cmd.spawn().expect("terraform apply starts");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    let mut interrupted_at = None;
    for line in stdout.lines() {
        let line = line.unwrap();
        if interrupted_at.is_none() && line.contains("Creating...") {
            // Only the terraform process this test started receives the signal.
            let pid = nix::unistd::Pid::from_raw(child.id() as i32);
            nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
            interrupted_at = Some(started.elapsed());
        }
        seen.push(line);
    }
    let status = child.wait().unwrap();
    let all = seen.join("\n");
    let took = started.elapsed();
    assert!(
        interrupted_at.is_some(),
        "apply never started creating: {all}"
    );
    assert!(
        !status.success(),
        "interrupted apply reported success: {all}"
    );
    assert!(all.contains("Interrupt received"), "{all}");
    assert!(
        took < Duration::from_secs(30),
        "interrupt took {took:?}: {all}"
    );
    // The first plan alone sleeps 1 s per resource: latency really applies.
    assert!(interrupted_at.unwrap() >= Duration::from_secs(1), "{all}");

    let plan = tf(
        &ws,
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
    );
    assert_eq!(
        plan.status.code(),
        Some(2),
        "plan after interrupt: {}",
        text(&plan)
    );
}

/// A wider slice of what the platform tree uses (buckets, Redis, node pools, load balancer, DNS,
/// secrets, IAM, registry, Kubernetes objects, a data source): apply then plan must be empty for
/// every one of them, which exercises fakes for many more computed shapes.
const PLATFORM: &str = r#"
data "scaleway_account_project" "this" {
  name            = "default"
  organization_id = "11111111-1111-4111-8111-111111111111"
}

resource "scaleway_object_bucket" "media" {
  name       = "mobi-media-dev"
  project_id = data.scaleway_account_project.this.id
  versioning {
    enabled = true
  }
  lifecycle_rule {
    enabled = true
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }
}

resource "scaleway_object_bucket_website_configuration" "front" {
  bucket = scaleway_object_bucket.media.id
  index_document {
    suffix = "index.html"
  }
}

resource "scaleway_redis_cluster" "cache" {
  name      = "mobi-dev"
  version   = "7.2.5"
  node_type = "RED1-MICRO"
  user_name = "mobi"
  password  = random_password.db.result
  private_network {
    id = module.network.id
  }
}

resource "scaleway_k8s_pool" "default" {
  cluster_id  = scaleway_k8s_cluster.k.id
  name        = "default"
  node_type   = "DEV1-M"
  size        = 1
  autoscaling = true
  min_size    = 1
  max_size    = 3
}

resource "scaleway_lb_ip" "ingress" {}

resource "scaleway_domain_record" "api" {
  dns_zone = "example.com"
  name     = "api"
  type     = "A"
  data     = scaleway_lb_ip.ingress.ip_address
  ttl      = 300
}

resource "scaleway_secret" "db" {
  name = "mobi-dev-db"
}

resource "scaleway_secret_version" "db" {
  secret_id = scaleway_secret.db.id
  data      = random_password.db.result
}

resource "scaleway_iam_application" "ci" {
  name            = "mobi-dev-ci"
  organization_id = data.scaleway_account_project.this.organization_id
}

resource "scaleway_iam_policy" "ci" {
  name            = "mobi-dev-ci"
  organization_id = data.scaleway_account_project.this.organization_id
  application_id  = scaleway_iam_application.ci.id
  rule {
    project_ids          = [data.scaleway_account_project.this.id]
    permission_set_names = ["ObjectStorageFullAccess"]
  }
}

resource "scaleway_iam_api_key" "ci" {
  application_id = scaleway_iam_application.ci.id
}

resource "scaleway_registry_namespace" "main" {
  name = "mobi-dev"
}

resource "scaleway_rdb_database" "app" {
  instance_id = scaleway_rdb_instance.db.id
  name        = "mobi"
}

resource "kubernetes_namespace_v1" "app" {
  metadata {
    name = "mobi"
  }
}

resource "kubernetes_secret_v1" "db" {
  metadata {
    name      = "db"
    namespace = kubernetes_namespace_v1.app.metadata[0].name
  }
  data = {
    url = "postgres://mobi@${scaleway_rdb_instance.db.private_network[0].ip}:${scaleway_rdb_instance.db.private_network[0].port}/mobi"
  }
}

resource "kubernetes_service_v1" "backend" {
  metadata {
    name      = "backend"
    namespace = kubernetes_namespace_v1.app.metadata[0].name
  }
  spec {
    selector = { app = "backend" }
    port {
      port        = 80
      target_port = "8000"
    }
  }
}

resource "kubernetes_ingress_v1" "backend" {
  metadata {
    name      = "backend"
    namespace = kubernetes_namespace_v1.app.metadata[0].name
  }
  spec {
    ingress_class_name = "nginx"
    rule {
      host = "api.example.com"
      http {
        path {
          path = "/"
          backend {
            service {
              name = kubernetes_service_v1.backend.metadata[0].name
              port {
                number = 80
              }
            }
          }
        }
      }
    }
  }
}

resource "kubernetes_horizontal_pod_autoscaler_v2" "backend" {
  metadata {
    name      = "backend"
    namespace = kubernetes_namespace_v1.app.metadata[0].name
  }
  spec {
    min_replicas = 1
    max_replicas = 4
    scale_target_ref {
      api_version = "apps/v1"
      kind        = "Deployment"
      name        = kubernetes_deployment_v1.app.metadata[0].name
    }
  }
}

output "registry" {
  value = scaleway_registry_namespace.main.endpoint
}
"#;

#[test]
fn platform_slice_apply_then_plan_is_empty() {
    let tree = Tree::new();
    tree.write("envs/dev/platform.tf", PLATFORM);
    let ws = tree.workspace();
    let init = tf(&ws, &["init", "-input=false", "-no-color"]);
    assert!(init.status.success(), "init: {}", text(&init));
    let apply = tf(
        &ws,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
    );
    assert!(apply.status.success(), "apply: {}", text(&apply));
    let plan = tf(
        &ws,
        &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
    );
    assert_eq!(
        plan.status.code(),
        Some(0),
        "second plan not empty: {}",
        text(&plan)
    );
}

/// Terraform with AutoMTLS on (the default outside mobi-tui's own runs): a default build refuses
/// it in one line that names both ways out, instead of dying before the handshake. The stand-in
/// is started exactly as Terraform starts it (magic cookie, client certificate in the env).
#[cfg(not(feature = "plugin-mtls"))]
#[test]
fn a_default_build_asked_for_automtls_says_how_to_run_it() {
    let out = std::process::Command::new(mobi_tui())
        .env(
            "TF_PLUGIN_MAGIC_COOKIE",
            "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
        )
        .env(
            "PLUGIN_CLIENT_CERT",
            "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n",
        )
        .env("MOBI_SANDBOX_PROVIDER", "scaleway")
        .output()
        .expect("mobi-tui runs as a plugin");
    assert!(!out.status.success(), "{}", text(&out));
    assert!(out.stdout.is_empty(), "no handshake line: {}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("TF_DISABLE_PLUGIN_TLS=1") && err.contains("--features plugin-mtls"),
        "{err}"
    );
}

/// With the `plugin-mtls` feature, Terraform's own AutoMTLS handshake (P-521 client certificate,
/// pinned server certificate) works end to end: init and validate with TLS left on.
#[cfg(feature = "plugin-mtls")]
#[test]
fn automtls_handshake_with_terraform() {
    let tree = Tree::new();
    let ws = tree.workspace();
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(terraform());
        cmd.args(args).current_dir(ws.env_dir());
        for (k, v) in ws.command_env() {
            if k != "TF_DISABLE_PLUGIN_TLS" {
                cmd.env(k, v);
            }
        }
        cmd.env_remove("TF_DISABLE_PLUGIN_TLS");
        cmd.output().expect("terraform runs")
    };
    let init = run(&["init", "-input=false", "-no-color"]);
    assert!(init.status.success(), "init: {}", text(&init));
    let validate = run(&["validate", "-no-color"]);
    assert!(
        validate.status.success(),
        "validate over AutoMTLS: {}",
        text(&validate)
    );
}
