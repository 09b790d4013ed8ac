//! Whole-preset validation: every rule of [`super::rules`] applied at its key path, plus the
//! rules that relate fields to each other (pool bounds, bucket uniqueness, external APIs).
//!
//! It reports the first problem in file order so the one-line error is stable and points at what
//! the user will see first when they open the file.

use super::rules::{self, RuleResult};
use super::{Preset, PRESET_VERSION};

/// A problem at a key path such as `workers.vpod.tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub key: String,
    pub message: String,
}

struct Collector(Vec<Violation>);

impl Collector {
    fn check(&mut self, key: impl Into<String>, result: RuleResult) {
        if let Err(message) = result {
            self.0.push(Violation {
                key: key.into(),
                message,
            });
        }
    }
}

/// All violations of the preset, in file order.
pub fn violations(p: &Preset) -> Vec<Violation> {
    let mut c = Collector(Vec::new());
    if p.version != PRESET_VERSION {
        c.check(
            "version",
            Err(format!(
                "expected preset format version {PRESET_VERSION}, got {}",
                p.version
            )),
        );
    }
    c.check("project.name", rules::project_name(&p.project.name));
    c.check("project.env", rules::env_name(&p.project.env));
    c.check("project.region", rules::region(&p.project.region));

    c.check("state.backend", rules::state_backend(&p.state.backend));
    match (&*p.state.backend, &p.state.bucket) {
        ("s3", None) => c.check(
            "state.bucket",
            Err("expected a state bucket name when state.backend = \"s3\"".into()),
        ),
        (_, Some(b)) => c.check("state.bucket", rules::bucket_name(b)),
        _ => {}
    }
    c.check("state.key", rules::state_key(&p.state.key));

    c.check(
        "network.private_cidr",
        rules::private_cidr(&p.network.private_cidr),
    );

    let os = &p.object_storage;
    c.check(
        "object_storage.media_bucket",
        rules::bucket_prefix(&os.media_bucket),
    );
    c.check(
        "object_storage.frontend_bucket",
        rules::bucket_prefix(&os.frontend_bucket),
    );
    if os.media_bucket == os.frontend_bucket {
        c.check(
            "object_storage.frontend_bucket",
            Err(format!(
                "expected a name different from object_storage.media_bucket ({:?})",
                os.media_bucket
            )),
        );
    }
    if p.state
        .bucket
        .as_deref()
        .is_some_and(|b| b == os.media_bucket || b == os.frontend_bucket)
    {
        c.check(
            "state.bucket",
            Err("expected a state bucket apart from the media and frontend buckets".into()),
        );
    }
    c.check(
        "object_storage.noncurrent_version_days",
        rules::in_range(
            os.noncurrent_version_days.into(),
            1,
            3650,
            "a number of days",
        ),
    );

    let pg = &p.postgres;
    c.check("postgres.engine", rules::pg_engine(&pg.engine));
    c.check("postgres.node_type", rules::rdb_node_type(&pg.node_type));
    c.check("postgres.db_name", rules::pg_identifier(&pg.db_name));
    c.check("postgres.db_user", rules::pg_identifier(&pg.db_user));
    c.check(
        "postgres.volume_type",
        rules::rdb_volume_type(&pg.volume_type),
    );
    c.check(
        "postgres.volume_size_gb",
        rules::rdb_volume_size(pg.volume_size_gb.into()),
    );
    c.check(
        "postgres.backup_retention_days",
        rules::in_range(
            pg.backup_retention_days.into(),
            1,
            365,
            "a backup retention in days",
        ),
    );

    let r = &p.redis;
    c.check("redis.version", rules::redis_version(&r.version));
    c.check("redis.node_type", rules::redis_node_type(&r.node_type));
    c.check(
        "redis.cluster_size",
        rules::redis_cluster_size(r.cluster_size.into()),
    );
    c.check("redis.user_name", rules::redis_user(&r.user_name));

    let k = &p.kubernetes;
    c.check("kubernetes.version", rules::k8s_version(&k.version));
    c.check("kubernetes.node_type", rules::k8s_node_type(&k.node_type));
    c.check(
        "kubernetes.pool_min",
        rules::in_range(k.pool_min.into(), 1, 150, "a pool minimum"),
    );
    c.check(
        "kubernetes.pool_max",
        rules::in_range(k.pool_max.into(), 1, 150, "a pool maximum"),
    );
    if k.pool_min > k.pool_max {
        c.check(
            "kubernetes.pool_min",
            Err(format!(
                "expected pool_min <= pool_max ({}), got {}",
                k.pool_max, k.pool_min
            )),
        );
    }
    c.check("kubernetes.cni", rules::cni(&k.cni));
    match &k.api_allowed_cidrs {
        None if p.project.env == "prod" => c.check(
            "kubernetes.api_allowed_cidrs",
            Err("expected an explicit decision in a prod preset: the CIDRs that may reach the Kubernetes API (office, VPN, self-hosted CI runners: GitHub-hosted runners have no fixed address and lose access), or [] to leave it open to any address on purpose".into()),
        ),
        None => {}
        Some(list) => {
            for (i, cidr) in list.iter().enumerate() {
                c.check(
                    format!("kubernetes.api_allowed_cidrs[{i}]"),
                    rules::ipv4_cidr(cidr),
                );
            }
        }
    }
    c.check(
        "kubernetes.root_volume_size_gb",
        rules::in_range(
            k.root_volume_size_gb.into(),
            20,
            1000,
            "a root volume size in GB",
        ),
    );

    let b = &p.backend;
    c.check("backend.image", rules::image(&b.image));
    c.check("backend.tag", rules::docker_tag(&b.tag));
    c.check(
        "backend.replicas",
        rules::in_range(b.replicas.into(), 1, 100, "a replica count"),
    );
    c.check("backend.hostname", rules::hostname(&b.hostname));
    c.check(
        "backend.port",
        rules::in_range(b.port.into(), 1, 65535, "a TCP port"),
    );
    c.check("backend.health_path", rules::url_path(&b.health_path));
    c.check("backend.cpu", rules::cpu(&b.cpu));
    c.check("backend.memory", rules::memory(&b.memory));

    c.check("frontend.domain", rules::hostname(&p.frontend.domain));
    if p.frontend.domain == b.hostname {
        c.check(
            "frontend.domain",
            Err(format!(
                "expected a name different from backend.hostname ({:?})",
                b.hostname
            )),
        );
    }
    if let Some(zone) = &p.frontend.dns_zone {
        c.check("frontend.dns_zone", rules::hostname(zone));
        if !p.frontend.cdn {
            c.check(
                "frontend.dns_zone",
                Err("expected frontend.cdn = true with a DNS zone: a CNAME of frontend.domain to the bucket website cannot serve it (Scaleway matches the host to a bucket of that name, without TLS)".into()),
            );
        }
        if !p.frontend.domain.ends_with(&format!(".{zone}")) {
            c.check(
                "frontend.domain",
                Err(format!(
                    "expected a name inside frontend.dns_zone {zone:?}, got {:?}",
                    p.frontend.domain
                )),
            );
        }
    }

    if p.workers.is_empty() {
        c.check(
            "workers",
            Err("expected at least one worker table such as [workers.vpod]".into()),
        );
    }
    let mut streams = std::collections::BTreeMap::new();
    for (name, w) in &p.workers {
        let key = |field: &str| format!("workers.{name}.{field}");
        c.check(format!("workers.{name}"), rules::worker_name(name));
        c.check(key("image"), rules::image(&w.image));
        c.check(key("tag"), rules::docker_tag(&w.tag));
        c.check(
            key("replicas"),
            rules::in_range(w.replicas.into(), 0, 100, "a replica count"),
        );
        c.check(key("stream"), rules::stream_name(&w.stream));
        if let Some(other) = streams.insert(w.stream.clone(), name.clone()) {
            c.check(
                key("stream"),
                Err(format!(
                    "expected a stream of its own; {:?} is already workers.{other}.stream",
                    w.stream
                )),
            );
        }
        c.check(key("cpu"), rules::cpu(&w.cpu));
        c.check(key("memory"), rules::memory(&w.memory));
        if let Some(max) = w.max_replicas {
            if max < w.replicas.max(1) {
                c.check(
                    key("max_replicas"),
                    Err(format!(
                        "expected max_replicas >= replicas ({}) and >= 1, got {max}",
                        w.replicas
                    )),
                );
            }
        }
        if w.external_apis && p.external_apis.is_none() {
            c.check(
                key("external_apis"),
                Err("expected an [external_apis] table with ancpi_base_url and seismic_api_url when external_apis = true".into()),
            );
        }
    }
    if let Some(x) = &p.external_apis {
        c.check(
            "external_apis.ancpi_base_url",
            rules::https_url(&x.ancpi_base_url),
        );
        c.check(
            "external_apis.seismic_api_url",
            rules::https_url(&x.seismic_api_url),
        );
    }

    c.check("ingress.acme_email", rules::email(&p.ingress.acme_email));
    c.check(
        "ingress.traefik_version",
        rules::chart_version(&p.ingress.traefik_version),
    );
    c.check(
        "ingress.cert_manager_version",
        rules::chart_version(&p.ingress.cert_manager_version),
    );

    let o = &p.observability;
    c.check(
        "observability.metrics_retention_days",
        rules::in_range(
            o.metrics_retention_days.into(),
            1,
            365,
            "a retention in days",
        ),
    );
    c.check(
        "observability.logs_retention_days",
        rules::in_range(o.logs_retention_days.into(), 1, 365, "a retention in days"),
    );
    c.check(
        "observability.k8s_monitoring_version",
        rules::chart_version(&o.k8s_monitoring_version),
    );

    let s = &p.smoke;
    c.check("smoke.upload_path", rules::url_path(&s.upload_path));
    c.check("smoke.events_path", rules::url_path(&s.events_path));
    c.check("smoke.task_table", rules::pg_identifier(&s.task_table));
    c.check("smoke.id_column", rules::pg_identifier(&s.id_column));
    c.check(
        "smoke.result_column",
        rules::pg_identifier(&s.result_column),
    );
    c.check(
        "smoke.budget_s",
        rules::in_range(s.budget_s, 1, 3600, "a budget in seconds"),
    );
    c.0
}
