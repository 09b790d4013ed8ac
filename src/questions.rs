//! Every wizard question, defined once: id, phase, prompt, help, default, validator and the preset
//! key it reads and writes.
//!
//! Why one table: the wizard draws its form from it, validates each keystroke with the same rule
//! the preset loader applies ([`crate::preset::rules`], through [`Question::validate`]), reads the
//! default from the embedded dev preset, and writes the answer back to the [`Preset`] at its key
//! path. A question added here appears in the form, the help, and the saved file at once.
//!
//! The worker map is not a fixed list of keys, so its fields are described by [`WorkerField`]
//! (one question per field of every worker), and the secrets, which never enter a preset, by
//! [`SECRETS`] (each names the environment variable that hands it to Terraform).

use crate::preset::{rules, ExternalApis, Preset, Worker};

/// The dev preset every new wizard starts from (and where question defaults come from).
pub const DEV_PRESET: &str = include_str!("../presets/dev.toml");

/// The dev preset, parsed. The embedded file is tested to parse, so the fallback is unreachable
/// in practice; it exists so that no code path here can panic.
pub fn dev_preset() -> Option<Preset> {
    crate::preset::parse_unvalidated(DEV_PRESET, "presets/dev.toml").ok()
}

/// How an answer is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text checked by the validator.
    Text,
    /// A whole number (u32); the validator checks its range.
    Number,
    /// On/off, toggled with Enter or Space.
    Flag,
    /// One of a fixed list, cycled with Enter/Space or typed.
    Choice(&'static [&'static str]),
}

/// One question of the wizard.
pub struct Question {
    /// Stable id, equal to the preset key path (`project.region`).
    pub id: &'static str,
    /// The phase (1-14) whose screen asks it.
    pub phase: u8,
    pub prompt: &'static str,
    pub help: &'static str,
    pub kind: Kind,
    /// The rule from `preset::rules` (ranges for numbers).
    pub validator: fn(&str) -> rules::RuleResult,
    /// Reads the answer from a preset, as text.
    pub get: fn(&Preset) -> String,
    /// Writes a (validated) answer into a preset; `Err` when the text does not even parse
    /// (a number field holding letters).
    pub set: fn(&mut Preset, &str) -> Result<(), String>,
}

impl Question {
    /// The answer's preset key path (same as the id, kept as a separate name for readers).
    pub fn key(&self) -> &'static str {
        self.id
    }

    /// Checks a typed answer: parses (numbers, flags) then applies the preset rule.
    pub fn validate(&self, text: &str) -> rules::RuleResult {
        match self.kind {
            Kind::Number => {
                text.trim()
                    .parse::<u32>()
                    .map_err(|_| format!("expected a whole number, got {text:?}"))?;
            }
            Kind::Flag => {
                parse_flag(text)?;
            }
            _ => {}
        }
        (self.validator)(text)
    }

    /// The default answer: the dev preset's value.
    pub fn default_value(&self) -> String {
        dev_preset().map(|p| (self.get)(&p)).unwrap_or_default()
    }
}

/// `true`/`false` as the form shows them.
pub fn parse_flag(text: &str) -> Result<bool, String> {
    match text {
        "true" | "yes" | "on" => Ok(true),
        "false" | "no" | "off" => Ok(false),
        _ => Err(format!("expected true or false, got {text:?}")),
    }
}

fn parse_num(text: &str) -> Result<u32, String> {
    text.trim()
        .parse::<u32>()
        .map_err(|_| format!("expected a whole number, got {text:?}"))
}

fn range(v: &str, min: u64, max: u64, what: &str) -> rules::RuleResult {
    let n = parse_num(v)?;
    rules::in_range(n.into(), min, max, what)
}

/// The answer that sets `kubernetes.api_allowed_cidrs = []` (open to any address, decided).
pub const CIDRS_OPEN: &str = "open";

/// `""` → undecided (`None`), `open` → `[]`, else a comma-separated list of IPv4 CIDRs, each
/// checked by the preset's rule and named by its position when wrong.
fn parse_cidr_list(v: &str) -> Result<Option<Vec<String>>, String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.eq_ignore_ascii_case(CIDRS_OPEN) {
        return Ok(Some(Vec::new()));
    }
    let mut list = Vec::new();
    for (i, part) in v.split(',').map(str::trim).enumerate() {
        rules::ipv4_cidr(part).map_err(|e| format!("entry {}: {e}", i + 1))?;
        list.push(part.to_string());
    }
    Ok(Some(list))
}

macro_rules! text_q {
    ($id:literal, $phase:literal, $prompt:literal, $help:literal, $kind:expr, $rule:expr, |$p:ident| $field:expr) => {
        Question {
            id: $id,
            phase: $phase,
            prompt: $prompt,
            help: $help,
            kind: $kind,
            validator: $rule,
            get: |$p: &Preset| $field.clone(),
            set: |$p: &mut Preset, v: &str| {
                $field = v.to_string();
                Ok(())
            },
        }
    };
}

macro_rules! num_q {
    ($id:literal, $phase:literal, $prompt:literal, $help:literal, $min:literal, $max:literal, $what:literal, |$p:ident| $field:expr) => {
        Question {
            id: $id,
            phase: $phase,
            prompt: $prompt,
            help: $help,
            kind: Kind::Number,
            validator: |v| range(v, $min, $max, $what),
            get: |$p: &Preset| $field.to_string(),
            set: |$p: &mut Preset, v: &str| {
                $field = parse_num(v)?.into();
                Ok(())
            },
        }
    };
}

macro_rules! flag_q {
    ($id:literal, $phase:literal, $prompt:literal, $help:literal, |$p:ident| $field:expr) => {
        Question {
            id: $id,
            phase: $phase,
            prompt: $prompt,
            help: $help,
            kind: Kind::Flag,
            validator: |v| parse_flag(v).map(|_| ()),
            get: |$p: &Preset| $field.to_string(),
            set: |$p: &mut Preset, v: &str| {
                $field = parse_flag(v)?;
                Ok(())
            },
        }
    };
}

/// The fixed questions, in the order the form shows them.
pub static QUESTIONS: &[Question] = &[
    text_q!(
        "project.name",
        1,
        "Project name",
        "Prefix of every resource name.",
        Kind::Text,
        rules::project_name,
        |p| p.project.name
    ),
    text_q!(
        "project.env",
        1,
        "Environment",
        "Folder under envs/ and suffix of names (dev, staging, prod).",
        Kind::Text,
        rules::env_name,
        |p| p.project.env
    ),
    text_q!(
        "project.region",
        1,
        "Region",
        "Scaleway region; RDB, Redis and Object Storage exist in each.",
        Kind::Choice(rules::REGIONS),
        rules::region,
        |p| p.project.region
    ),
    flag_q!(
        "project.create_project",
        1,
        "Create a project",
        "Create a new Scaleway project (needs an organisation-level permission).",
        |p| p.project.create_project
    ),
    text_q!(
        "state.backend",
        2,
        "State backend",
        "s3 (Scaleway Object Storage) or local.",
        Kind::Choice(rules::STATE_BACKENDS),
        rules::state_backend,
        |p| p.state.backend
    ),
    Question {
        id: "state.bucket",
        phase: 2,
        prompt: "State bucket",
        help: "Bucket holding the Terraform state (required with the s3 backend).",
        kind: Kind::Text,
        validator: |v| {
            if v.is_empty() {
                Ok(())
            } else {
                rules::bucket_name(v)
            }
        },
        get: |p| p.state.bucket.clone().unwrap_or_default(),
        set: |p, v| {
            p.state.bucket = (!v.is_empty()).then(|| v.to_string());
            Ok(())
        },
    },
    text_q!(
        "state.key",
        2,
        "State key",
        "Object key of the state file inside the bucket.",
        Kind::Text,
        rules::state_key,
        |p| p.state.key
    ),
    text_q!(
        "network.private_cidr",
        3,
        "Private network CIDR",
        "RFC1918 prefix from /20 to /28, clear of Kapsule's 10.32.0.0/20.",
        Kind::Text,
        rules::private_cidr,
        |p| p.network.private_cidr
    ),
    text_q!(
        "object_storage.media_bucket",
        4,
        "Media bucket",
        "Name prefix (a unique suffix is added): a-z, 0-9, -.",
        Kind::Text,
        rules::bucket_prefix,
        |p| p.object_storage.media_bucket
    ),
    text_q!(
        "object_storage.frontend_bucket",
        4,
        "Frontend bucket",
        "Static site bucket; different from the media bucket.",
        Kind::Text,
        rules::bucket_prefix,
        |p| p.object_storage.frontend_bucket
    ),
    flag_q!(
        "object_storage.versioning",
        4,
        "Versioning",
        "Keep noncurrent versions of media objects.",
        |p| p.object_storage.versioning
    ),
    num_q!(
        "object_storage.noncurrent_version_days",
        4,
        "Noncurrent days",
        "Days after which noncurrent versions expire.",
        1,
        3650,
        "a number of days",
        |p| p.object_storage.noncurrent_version_days
    ),
    flag_q!(
        "object_storage.force_destroy",
        4,
        "Force destroy",
        "Allow terraform destroy to empty the buckets (never in prod).",
        |p| p.object_storage.force_destroy
    ),
    text_q!(
        "postgres.engine",
        5,
        "Engine",
        "Managed PostgreSQL engine version.",
        Kind::Choice(rules::PG_ENGINES),
        rules::pg_engine,
        |p| p.postgres.engine
    ),
    text_q!(
        "postgres.node_type",
        5,
        "Node type",
        "Managed Database node type such as DB-DEV-S.",
        Kind::Text,
        rules::rdb_node_type,
        |p| p.postgres.node_type
    ),
    text_q!(
        "postgres.db_name",
        5,
        "Database name",
        "PostgreSQL identifier.",
        Kind::Text,
        rules::pg_identifier,
        |p| p.postgres.db_name
    ),
    text_q!(
        "postgres.db_user",
        5,
        "Database user",
        "Not a name Scaleway reserves.",
        Kind::Text,
        rules::pg_identifier,
        |p| p.postgres.db_user
    ),
    flag_q!(
        "postgres.ha",
        5,
        "High availability",
        "Primary + standby instance.",
        |p| p.postgres.ha
    ),
    text_q!(
        "postgres.volume_type",
        5,
        "Volume type",
        "Block storage class of the database volume.",
        Kind::Choice(rules::RDB_VOLUME_TYPES),
        rules::rdb_volume_type,
        |p| p.postgres.volume_type
    ),
    Question {
        id: "postgres.volume_size_gb",
        phase: 5,
        prompt: "Volume size (GB)",
        help: "Database volume size, a multiple of 5.",
        kind: Kind::Number,
        validator: |v| rules::rdb_volume_size(parse_num(v)?.into()),
        get: |p| p.postgres.volume_size_gb.to_string(),
        set: |p, v| {
            p.postgres.volume_size_gb = parse_num(v)?;
            Ok(())
        },
    },
    num_q!(
        "postgres.backup_retention_days",
        5,
        "Backup retention",
        "Days of automatic backups.",
        1,
        365,
        "a backup retention in days",
        |p| p.postgres.backup_retention_days
    ),
    text_q!(
        "redis.version",
        6,
        "Version",
        "Managed Redis version.",
        Kind::Choice(rules::REDIS_VERSIONS),
        rules::redis_version,
        |p| p.redis.version
    ),
    text_q!(
        "redis.node_type",
        6,
        "Node type",
        "Redis node type.",
        Kind::Choice(rules::REDIS_NODE_TYPES),
        rules::redis_node_type,
        |p| p.redis.node_type
    ),
    Question {
        id: "redis.cluster_size",
        phase: 6,
        prompt: "Cluster size",
        help: "1 standalone, 2 HA (cluster mode is not wired).",
        kind: Kind::Number,
        validator: |v| rules::redis_cluster_size(parse_num(v)?.into()),
        get: |p| p.redis.cluster_size.to_string(),
        set: |p, v| {
            p.redis.cluster_size = parse_num(v)?;
            Ok(())
        },
    },
    text_q!(
        "redis.user_name",
        6,
        "User name",
        "Redis ACL user.",
        Kind::Text,
        rules::redis_user,
        |p| p.redis.user_name
    ),
    text_q!(
        "kubernetes.version",
        7,
        "Kubernetes version",
        "Kapsule minor version (auto-upgrade needs x.y).",
        Kind::Choice(rules::K8S_MINORS),
        rules::k8s_version,
        |p| p.kubernetes.version
    ),
    text_q!(
        "kubernetes.node_type",
        7,
        "Node type",
        "Instance type of the pool (DEV1-S is not eligible).",
        Kind::Text,
        rules::k8s_node_type,
        |p| p.kubernetes.node_type
    ),
    num_q!(
        "kubernetes.pool_min",
        7,
        "Pool minimum",
        "Nodes at least (<= pool maximum).",
        1,
        150,
        "a pool minimum",
        |p| p.kubernetes.pool_min
    ),
    num_q!(
        "kubernetes.pool_max",
        7,
        "Pool maximum",
        "Nodes at most.",
        1,
        150,
        "a pool maximum",
        |p| p.kubernetes.pool_max
    ),
    text_q!(
        "kubernetes.cni",
        7,
        "CNI",
        "Container network plugin.",
        Kind::Choice(rules::CNIS),
        rules::cni,
        |p| p.kubernetes.cni
    ),
    flag_q!(
        "kubernetes.autoscaling",
        7,
        "Autoscaling",
        "Scale the pool between min and max.",
        |p| p.kubernetes.autoscaling
    ),
    num_q!(
        "kubernetes.root_volume_size_gb",
        7,
        "Root volume (GB)",
        "Node root volume size.",
        20,
        1000,
        "a root volume size in GB",
        |p| p.kubernetes.root_volume_size_gb
    ),
    Question {
        id: "kubernetes.api_allowed_cidrs",
        phase: 7,
        prompt: "API allowed CIDRs",
        help: "Who may reach the Kubernetes API: IPv4 CIDRs, comma-separated (office, VPN, self-hosted CI runners; GitHub-hosted runners have no fixed address and lose access), `open` for any address on purpose, empty to leave it undecided (refused in prod).",
        kind: Kind::Text,
        validator: |v| parse_cidr_list(v).map(|_| ()),
        get: |p| match &p.kubernetes.api_allowed_cidrs {
            None => String::new(),
            Some(l) if l.is_empty() => CIDRS_OPEN.to_string(),
            Some(l) => l.join(", "),
        },
        set: |p, v| {
            p.kubernetes.api_allowed_cidrs = parse_cidr_list(v)?;
            Ok(())
        },
    },
    text_q!(
        "backend.image",
        8,
        "Image",
        "Repository without tag (rg.fr-par.scw.cloud/mobi/backend).",
        Kind::Text,
        rules::image,
        |p| p.backend.image
    ),
    text_q!(
        "backend.tag",
        8,
        "Tag",
        "Docker tag of the backend image.",
        Kind::Text,
        rules::docker_tag,
        |p| p.backend.tag
    ),
    num_q!(
        "backend.replicas",
        8,
        "Replicas",
        "Backend pods.",
        1,
        100,
        "a replica count",
        |p| p.backend.replicas
    ),
    text_q!(
        "backend.hostname",
        8,
        "Hostname",
        "Public DNS name of the API.",
        Kind::Text,
        rules::hostname,
        |p| p.backend.hostname
    ),
    num_q!(
        "backend.port",
        8,
        "Port",
        "Container port.",
        1,
        65535,
        "a TCP port",
        |p| p.backend.port
    ),
    text_q!(
        "backend.health_path",
        8,
        "Health path",
        "HTTP path of the readiness probe.",
        Kind::Text,
        rules::url_path,
        |p| p.backend.health_path
    ),
    text_q!(
        "backend.cpu",
        8,
        "CPU",
        "CPU request (250m, 1).",
        Kind::Text,
        rules::cpu,
        |p| p.backend.cpu
    ),
    text_q!(
        "backend.memory",
        8,
        "Memory",
        "Memory request (512Mi, 1Gi).",
        Kind::Text,
        rules::memory,
        |p| p.backend.memory
    ),
    text_q!(
        "ingress.acme_email",
        8,
        "ACME e-mail",
        "Let's Encrypt writes here about expiring certificates.",
        Kind::Text,
        rules::email,
        |p| p.ingress.acme_email
    ),
    flag_q!(
        "kubernetes.wait_for_rollout",
        8,
        "Wait for rollouts",
        "Terraform waits until each Deployment is rolled out (off: a first infrastructure apply does not wait for images CI has not pushed yet).",
        |p| p.kubernetes.wait_for_rollout
    ),
    text_q!(
        "frontend.domain",
        10,
        "Domain",
        "Public DNS name of the web app.",
        Kind::Text,
        rules::hostname,
        |p| p.frontend.domain
    ),
    flag_q!(
        "frontend.cdn",
        10,
        "CDN",
        "Serve through Edge Services (CDN + managed TLS).",
        |p| p.frontend.cdn
    ),
    Question {
        id: "frontend.dns_zone",
        phase: 10,
        prompt: "DNS zone",
        help: "A zone in Scaleway Domains and DNS (empty: DNS managed elsewhere).",
        kind: Kind::Text,
        validator: |v| {
            if v.is_empty() {
                Ok(())
            } else {
                rules::hostname(v)
            }
        },
        get: |p| p.frontend.dns_zone.clone().unwrap_or_default(),
        set: |p, v| {
            p.frontend.dns_zone = (!v.is_empty()).then(|| v.to_string());
            Ok(())
        },
    },
    Question {
        id: "external_apis.ancpi_base_url",
        phase: 11,
        prompt: "ANCPI base URL",
        help: "https:// URL of the ANCPI API (empty: no external APIs).",
        kind: Kind::Text,
        validator: |v| {
            if v.is_empty() {
                Ok(())
            } else {
                rules::https_url(v)
            }
        },
        get: |p| {
            p.external_apis
                .as_ref()
                .map(|x| x.ancpi_base_url.clone())
                .unwrap_or_default()
        },
        set: |p, v| {
            set_external(p, |x| x.ancpi_base_url = v.to_string());
            Ok(())
        },
    },
    Question {
        id: "external_apis.seismic_api_url",
        phase: 11,
        prompt: "Seismic API URL",
        help: "https:// URL of the seismic-risk API (empty: no external APIs).",
        kind: Kind::Text,
        validator: |v| {
            if v.is_empty() {
                Ok(())
            } else {
                rules::https_url(v)
            }
        },
        get: |p| {
            p.external_apis
                .as_ref()
                .map(|x| x.seismic_api_url.clone())
                .unwrap_or_default()
        },
        set: |p, v| {
            set_external(p, |x| x.seismic_api_url = v.to_string());
            Ok(())
        },
    },
    flag_q!(
        "observability.enabled",
        12,
        "Observability",
        "Cockpit sources and the monitoring agent.",
        |p| p.observability.enabled
    ),
    num_q!(
        "observability.metrics_retention_days",
        12,
        "Metrics retention",
        "Days of metrics.",
        1,
        365,
        "a retention in days",
        |p| p.observability.metrics_retention_days
    ),
    num_q!(
        "observability.logs_retention_days",
        12,
        "Logs retention",
        "Days of logs.",
        1,
        365,
        "a retention in days",
        |p| p.observability.logs_retention_days
    ),
    text_q!(
        "smoke.upload_path",
        14,
        "Upload path",
        "Backend path the smoke check uploads a file to.",
        Kind::Text,
        rules::url_path,
        |p| p.smoke.upload_path
    ),
    text_q!(
        "smoke.events_path",
        14,
        "Events path",
        "Backend path of the event stream.",
        Kind::Text,
        rules::url_path,
        |p| p.smoke.events_path
    ),
    text_q!(
        "smoke.task_table",
        14,
        "Task table",
        "Table the workers write results to.",
        Kind::Text,
        rules::pg_identifier,
        |p| p.smoke.task_table
    ),
    num_q!(
        "smoke.budget_s",
        14,
        "Budget (s)",
        "Seconds one check may take, retries included.",
        1,
        3600,
        "a budget in seconds",
        |p| p.smoke.budget_s
    ),
];

/// Sets a field of `[external_apis]`, creating or dropping the table: both URLs empty means no
/// external APIs.
fn set_external(p: &mut Preset, f: impl FnOnce(&mut ExternalApis)) {
    let mut x = p.external_apis.take().unwrap_or(ExternalApis {
        ancpi_base_url: String::new(),
        seismic_api_url: String::new(),
    });
    f(&mut x);
    if !(x.ancpi_base_url.is_empty() && x.seismic_api_url.is_empty()) {
        p.external_apis = Some(x);
    }
}

/// The questions asked on one phase's screen.
pub fn for_phase(phase: u8) -> impl Iterator<Item = &'static Question> {
    QUESTIONS.iter().filter(move |q| q.phase == phase)
}

/// The question with this id.
pub fn by_id(id: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.id == id)
}

/// The phase that asks about the workers map.
pub const WORKERS_PHASE: u8 = 9;

/// The editable fields of one worker (`workers.<name>.<field>`); the name itself is
/// [`WorkerField::Name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerField {
    Name,
    Image,
    Tag,
    Replicas,
    Stream,
    ExternalApis,
    Cpu,
    Memory,
}

impl WorkerField {
    pub const ALL: [WorkerField; 8] = [
        WorkerField::Name,
        WorkerField::Image,
        WorkerField::Tag,
        WorkerField::Replicas,
        WorkerField::Stream,
        WorkerField::ExternalApis,
        WorkerField::Cpu,
        WorkerField::Memory,
    ];

    /// The last part of the key path (`tag` in `workers.vpod.tag`); empty for the name.
    pub fn key(self) -> &'static str {
        match self {
            WorkerField::Name => "",
            WorkerField::Image => "image",
            WorkerField::Tag => "tag",
            WorkerField::Replicas => "replicas",
            WorkerField::Stream => "stream",
            WorkerField::ExternalApis => "external_apis",
            WorkerField::Cpu => "cpu",
            WorkerField::Memory => "memory",
        }
    }

    pub fn prompt(self) -> &'static str {
        match self {
            WorkerField::Name => "Worker name",
            WorkerField::Image => "Image",
            WorkerField::Tag => "Tag",
            WorkerField::Replicas => "Replicas",
            WorkerField::Stream => "Stream",
            WorkerField::ExternalApis => "External APIs",
            WorkerField::Cpu => "CPU",
            WorkerField::Memory => "Memory",
        }
    }

    pub fn help(self) -> &'static str {
        match self {
            WorkerField::Name => {
                "Deployment name and workers map key (2-16 lowercase letters/digits)."
            }
            WorkerField::Image => "Repository without tag.",
            WorkerField::Tag => "Docker tag of the worker image.",
            WorkerField::Replicas => "Worker pods (0 parks the worker).",
            WorkerField::Stream => "Redis stream the worker consumes (one stream per worker).",
            WorkerField::ExternalApis => "This worker receives the ANCPI / seismic settings.",
            WorkerField::Cpu => "CPU request (250m, 1).",
            WorkerField::Memory => "Memory request (512Mi, 1Gi).",
        }
    }

    pub fn kind(self) -> Kind {
        match self {
            WorkerField::Replicas => Kind::Number,
            WorkerField::ExternalApis => Kind::Flag,
            _ => Kind::Text,
        }
    }

    /// The preset rule for this field.
    pub fn validate(self, v: &str) -> rules::RuleResult {
        match self {
            WorkerField::Name => rules::worker_name(v),
            WorkerField::Image => rules::image(v),
            WorkerField::Tag => rules::docker_tag(v),
            WorkerField::Replicas => range(v, 0, 100, "a replica count"),
            WorkerField::Stream => rules::stream_name(v),
            WorkerField::ExternalApis => parse_flag(v).map(|_| ()),
            WorkerField::Cpu => rules::cpu(v),
            WorkerField::Memory => rules::memory(v),
        }
    }

    pub fn get(self, name: &str, w: &Worker) -> String {
        match self {
            WorkerField::Name => name.to_string(),
            WorkerField::Image => w.image.clone(),
            WorkerField::Tag => w.tag.clone(),
            WorkerField::Replicas => w.replicas.to_string(),
            WorkerField::Stream => w.stream.clone(),
            WorkerField::ExternalApis => w.external_apis.to_string(),
            WorkerField::Cpu => w.cpu.clone(),
            WorkerField::Memory => w.memory.clone(),
        }
    }

    /// Writes the field into a worker (the name is the map key, set by the caller).
    pub fn set(self, w: &mut Worker, v: &str) -> Result<(), String> {
        match self {
            WorkerField::Name => {}
            WorkerField::Image => w.image = v.to_string(),
            WorkerField::Tag => w.tag = v.to_string(),
            WorkerField::Replicas => w.replicas = parse_num(v)?,
            WorkerField::Stream => w.stream = v.to_string(),
            WorkerField::ExternalApis => w.external_apis = parse_flag(v)?,
            WorkerField::Cpu => w.cpu = v.to_string(),
            WorkerField::Memory => w.memory = v.to_string(),
        }
        Ok(())
    }
}

/// A new worker as "add worker" creates it: the dev defaults, with its own stream.
pub fn new_worker(name: &str) -> Worker {
    Worker {
        image: format!("rg.fr-par.scw.cloud/mobi/worker-{name}"),
        tag: "0.1.0".into(),
        replicas: 1,
        stream: format!("media.{name}"),
        external_apis: false,
        cpu: "250m".into(),
        memory: "512Mi".into(),
        max_replicas: None,
    }
}

/// A secret typed into a masked field: kept in memory only, handed to Terraform through the
/// child's environment, never written to the preset or any file.
pub struct Secret {
    pub id: &'static str,
    pub phase: u8,
    pub prompt: &'static str,
    pub help: &'static str,
    /// The environment variables Terraform reads it from: the provider's, and for the Scaleway
    /// keys also the S3 state backend's (`AWS_*`), which takes the same key pair.
    pub env: &'static [&'static str],
}

pub static SECRETS: &[Secret] = &[
    Secret {
        id: "secret.scw_access_key",
        phase: 2,
        prompt: "Scaleway access key",
        help: "Kept in memory only; passed to Terraform as SCW_ACCESS_KEY (and AWS_ACCESS_KEY_ID for the state).",
        env: &["SCW_ACCESS_KEY", "AWS_ACCESS_KEY_ID"],
    },
    Secret {
        id: "secret.scw_secret_key",
        phase: 2,
        prompt: "Scaleway secret key",
        help: "Kept in memory only; passed to Terraform as SCW_SECRET_KEY (and AWS_SECRET_ACCESS_KEY).",
        env: &["SCW_SECRET_KEY", "AWS_SECRET_ACCESS_KEY"],
    },
    Secret {
        id: "secret.scw_organization_id",
        phase: 2,
        prompt: "Scaleway org id",
        help: "Kept in memory only; passed to Terraform as SCW_DEFAULT_ORGANIZATION_ID (IAM resources need it).",
        env: &["SCW_DEFAULT_ORGANIZATION_ID"],
    },
    Secret {
        id: "secret.scw_project_id",
        phase: 2,
        prompt: "Scaleway project id",
        help: "Kept in memory only; passed to Terraform as SCW_DEFAULT_PROJECT_ID.",
        env: &["SCW_DEFAULT_PROJECT_ID"],
    },
    Secret {
        id: "secret.ancpi_api_key",
        phase: 11,
        prompt: "ANCPI API key",
        help: "Kept in memory only; passed to Terraform as TF_VAR_ancpi_api_key.",
        env: &["TF_VAR_ancpi_api_key"],
    },
    Secret {
        id: "secret.seismic_api_key",
        phase: 11,
        prompt: "Seismic API key",
        help: "Kept in memory only; passed to Terraform as TF_VAR_seismic_api_key.",
        env: &["TF_VAR_seismic_api_key"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_preset_answers_every_question_validly() {
        let p = dev_preset().expect("embedded dev preset parses");
        for q in QUESTIONS {
            let v = (q.get)(&p);
            assert!(q.validate(&v).is_ok(), "{}: {v:?}", q.id);
        }
    }

    #[test]
    fn setting_the_default_round_trips() {
        let p = dev_preset().expect("dev");
        let mut q2 = p.clone();
        for q in QUESTIONS {
            (q.set)(&mut q2, &(q.get)(&p)).expect("set");
        }
        assert_eq!(p, q2);
    }

    #[test]
    fn ids_are_unique_and_phases_in_range() {
        let mut ids: Vec<&str> = QUESTIONS.iter().map(|q| q.id).collect();
        ids.extend(SECRETS.iter().map(|s| s.id));
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert!(QUESTIONS.iter().all(|q| (1..=14).contains(&q.phase)));
    }

    #[test]
    fn bad_values_are_named() {
        let q = by_id("project.region").expect("q");
        assert!(q.validate("mars-1").unwrap_err().contains("mars-1"));
        let q = by_id("backend.replicas").expect("q");
        assert!(q.validate("x").unwrap_err().contains("whole number"));
    }

    /// The prod decision the preset requires (kubernetes.api_allowed_cidrs) can be made in the
    /// wizard: undecided, open on purpose, or a list, each round-tripping through the preset.
    #[test]
    fn api_allowed_cidrs_answers_map_to_the_three_decisions() {
        let q = by_id("kubernetes.api_allowed_cidrs").expect("asked in the wizard");
        let mut p = dev_preset().expect("dev");
        for (answer, want) in [
            ("", None),
            ("open", Some(vec![])),
            (
                "203.0.113.0/24, 198.51.100.7/32",
                Some(vec![
                    "203.0.113.0/24".to_string(),
                    "198.51.100.7/32".to_string(),
                ]),
            ),
        ] {
            assert!(q.validate(answer).is_ok(), "{answer:?}");
            (q.set)(&mut p, answer).expect("set");
            assert_eq!(p.kubernetes.api_allowed_cidrs, want, "{answer:?}");
            assert_eq!((q.get)(&p), answer);
        }
        let e = q.validate("203.0.113.0/24, 10.0.0.1/8").unwrap_err();
        assert!(e.starts_with("entry 2: expected a network address"), "{e}");
        assert!(by_id("kubernetes.wait_for_rollout").is_some());
    }
}
