//! The preset format, version 1: the typed shape of a preset file.
//!
//! The field names are a contract (`../shared/design/preset-format.md`): other tools and CI scripts
//! build on them. New fields always carry a `#[serde(default)]` so older presets keep loading;
//! existing names are never renamed or dropped. Every table denies unknown keys so a typo is an
//! error that names the key, never a silently ignored setting.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The one preset version this build understands.
pub const PRESET_VERSION: u32 = 1;

/// A whole environment, as the wizard answers it and `--preset` replays it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub version: u32,
    pub project: Project,
    pub state: State,
    pub network: Network,
    pub object_storage: ObjectStorage,
    pub postgres: Postgres,
    pub redis: Redis,
    pub kubernetes: Kubernetes,
    pub backend: Backend,
    pub frontend: Frontend,
    /// Worker kinds by name; the name becomes the Deployment name and the `app_workers` map key.
    pub workers: BTreeMap<String, Worker>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_apis: Option<ExternalApis>,
    #[serde(default)]
    pub ingress: Ingress,
    #[serde(default)]
    pub observability: Observability,
    #[serde(default)]
    pub smoke: Smoke,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// Prefix of every resource name.
    pub name: String,
    /// Environment name: the folder under `envs/`.
    pub env: String,
    /// Scaleway region: fr-par, nl-ams or pl-waw.
    pub region: String,
    /// Create a new Scaleway project (needs an organisation-level permission) instead of using the
    /// one the credentials point at.
    #[serde(default)]
    pub create_project: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// `s3` (Scaleway Object Storage) or `local`.
    pub backend: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    #[serde(default = "default_state_key")]
    pub key: String,
}

fn default_state_key() -> String {
    "terraform.tfstate".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// IPv4 prefix of the environment's one Private Network.
    pub private_cidr: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectStorage {
    /// Prefix of the media bucket's name: the tree appends a stable random suffix (`-a1b2c3`).
    pub media_bucket: String,
    /// Prefix of the frontend bucket's name, suffixed the same way.
    pub frontend_bucket: String,
    #[serde(default = "yes")]
    pub versioning: bool,
    /// Days after which noncurrent versions of media objects expire.
    #[serde(default = "default_noncurrent_days")]
    pub noncurrent_version_days: u32,
    /// Allow `terraform destroy` to empty the buckets (never in prod).
    #[serde(default)]
    pub force_destroy: bool,
}

fn default_noncurrent_days() -> u32 {
    30
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Postgres {
    pub engine: String,
    pub node_type: String,
    pub db_name: String,
    pub db_user: String,
    /// High-availability (primary + standby) instance.
    #[serde(default)]
    pub ha: bool,
    #[serde(default = "default_volume_type")]
    pub volume_type: String,
    /// A multiple of 5 (the provider's rule).
    #[serde(default = "default_volume_size")]
    pub volume_size_gb: u32,
    #[serde(default = "default_backup_retention")]
    pub backup_retention_days: u32,
}

fn default_volume_type() -> String {
    "sbs_5k".into()
}
fn default_volume_size() -> u32 {
    10
}
fn default_backup_retention() -> u32 {
    7
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redis {
    pub version: String,
    pub node_type: String,
    /// 1 = standalone, 2 = high availability (cluster mode is not wired: the apps use one URL).
    #[serde(default = "one")]
    pub cluster_size: u32,
    #[serde(default = "default_redis_user")]
    pub user_name: String,
}

fn default_redis_user() -> String {
    "mobi".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kubernetes {
    /// Kapsule minor version (`1.35`): auto-upgrade is on, so a patch version is refused.
    pub version: String,
    pub node_type: String,
    pub pool_min: u32,
    pub pool_max: u32,
    #[serde(default = "default_cni")]
    pub cni: String,
    #[serde(default = "yes")]
    pub autoscaling: bool,
    #[serde(default = "default_root_volume")]
    pub root_volume_size_gb: u32,
    /// Terraform waits for each Deployment's rollout; false lets a first infrastructure apply
    /// finish before CI has pushed the images.
    #[serde(default = "yes")]
    pub wait_for_rollout: bool,
    /// IPv4 CIDRs that may reach the Kubernetes API (`[]`: open to any address, authenticated by
    /// the kubeconfig token). No default in prod: the preset must decide, because an allow-list
    /// also shuts out GitHub-hosted CI runners (they have no fixed egress address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_allowed_cidrs: Option<Vec<String>>,
}

fn default_cni() -> String {
    "cilium".into()
}
fn default_root_volume() -> u32 {
    40
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backend {
    pub image: String,
    pub tag: String,
    pub replicas: u32,
    pub hostname: String,
    #[serde(default = "default_backend_port")]
    pub port: u32,
    #[serde(default = "default_health_path")]
    pub health_path: String,
    #[serde(default = "default_backend_cpu")]
    pub cpu: String,
    #[serde(default = "default_backend_memory")]
    pub memory: String,
}

fn default_backend_port() -> u32 {
    8000
}
fn default_health_path() -> String {
    "/healthz".into()
}
fn default_backend_cpu() -> String {
    "250m".into()
}
fn default_backend_memory() -> String {
    "512Mi".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frontend {
    pub domain: String,
    /// Serve the static site through Scaleway Edge Services (CDN + managed TLS).
    #[serde(default)]
    pub cdn: bool,
    /// A zone hosted in Scaleway Domains and DNS; when set, a CNAME for `domain` to the CDN is
    /// managed (so it requires `cdn = true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Worker {
    pub image: String,
    pub tag: String,
    pub replicas: u32,
    /// Redis stream the worker consumes.
    pub stream: String,
    /// This worker receives the ANCPI / seismic settings.
    #[serde(default)]
    pub external_apis: bool,
    #[serde(default = "default_worker_cpu")]
    pub cpu: String,
    #[serde(default = "default_worker_memory")]
    pub memory: String,
    /// When set above `replicas`, a HorizontalPodAutoscaler scales the worker up to this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<u32>,
}

fn default_worker_cpu() -> String {
    "250m".into()
}
fn default_worker_memory() -> String {
    "512Mi".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalApis {
    pub ancpi_base_url: String,
    pub seismic_api_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ingress {
    /// Address Let's Encrypt writes to about expiring certificates.
    #[serde(default = "default_acme_email")]
    pub acme_email: String,
    /// Exact chart version of the Traefik ingress controller.
    #[serde(default = "default_traefik_version")]
    pub traefik_version: String,
    /// Exact chart version of cert-manager (its charts are spelled with a leading `v`).
    #[serde(default = "default_cert_manager_version")]
    pub cert_manager_version: String,
}

impl Default for Ingress {
    fn default() -> Self {
        Self {
            acme_email: default_acme_email(),
            traefik_version: default_traefik_version(),
            cert_manager_version: default_cert_manager_version(),
        }
    }
}

fn default_acme_email() -> String {
    "ops@example.com".into()
}
fn default_traefik_version() -> String {
    "37.1.1".into()
}
fn default_cert_manager_version() -> String {
    "v1.18.2".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observability {
    /// Cockpit sources + a k8s-monitoring Helm release pushing to them.
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default = "default_retention")]
    pub metrics_retention_days: u32,
    #[serde(default = "default_retention")]
    pub logs_retention_days: u32,
    /// Exact version of the grafana/k8s-monitoring chart (its values follow the 2.x layout).
    #[serde(default = "default_k8s_monitoring_version")]
    pub k8s_monitoring_version: String,
}

impl Default for Observability {
    fn default() -> Self {
        Self {
            enabled: true,
            metrics_retention_days: default_retention(),
            logs_retention_days: default_retention(),
            k8s_monitoring_version: default_k8s_monitoring_version(),
        }
    }
}

fn default_k8s_monitoring_version() -> String {
    "2.1.4".into()
}

fn default_retention() -> u32 {
    31
}

/// Where the phase-14 end-to-end check finds the platform's moving parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smoke {
    #[serde(default = "default_upload_path")]
    pub upload_path: String,
    #[serde(default = "default_events_path")]
    pub events_path: String,
    #[serde(default = "default_task_table")]
    pub task_table: String,
    #[serde(default = "default_id_column")]
    pub id_column: String,
    #[serde(default = "default_result_column")]
    pub result_column: String,
    /// Seconds one check may take, retries included.
    #[serde(default = "default_budget")]
    pub budget_s: u64,
    /// Multipart field name of the uploaded file.
    #[serde(default = "default_upload_field")]
    pub upload_field: String,
    /// Key of the task id in the upload's JSON response.
    #[serde(default = "default_id_field")]
    pub id_field: String,
}

impl Default for Smoke {
    fn default() -> Self {
        Self {
            upload_path: default_upload_path(),
            events_path: default_events_path(),
            task_table: default_task_table(),
            id_column: default_id_column(),
            result_column: default_result_column(),
            budget_s: default_budget(),
            upload_field: default_upload_field(),
            id_field: default_id_field(),
        }
    }
}

fn default_upload_path() -> String {
    "/api/media".into()
}
fn default_events_path() -> String {
    "/api/events".into()
}
fn default_task_table() -> String {
    "tasks".into()
}
fn default_id_column() -> String {
    "id".into()
}
fn default_result_column() -> String {
    "result".into()
}
fn default_budget() -> u64 {
    120
}
fn default_upload_field() -> String {
    "file".into()
}
fn default_id_field() -> String {
    "id".into()
}

fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}
