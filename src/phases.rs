//! The 14 phases as data: one definition read by the engine, the TUI, the headless runner and
//! the docs, so a phase's title, its target module and its steps are never spelled twice.
//!
//! Why data and not code: the engine interprets [`StepKind`]s, so adding a step to a phase is an
//! edit here, and the TUI can show what a phase will do before it runs.

use serde::Serialize;

/// What a step does; the engine knows how to run each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Render the Terraform tree from the preset (the injected tree writer).
    WriteTree,
    /// Check the Scaleway credentials are present (skipped in the sandbox).
    CheckCredentials,
    /// `terraform init` (backend and providers).
    Init,
    /// `terraform plan -target=module.<m> -out=<file>`.
    Plan,
    /// `terraform apply <file>` of the plan just made, if still fresh.
    Apply,
    /// `terraform fmt -check -recursive` over the whole tree.
    FmtCheck,
    /// `terraform validate` in every env present.
    ValidateAll,
    /// An untargeted plan that must show no changes once everything is applied.
    FinalPlan,
    /// The phase-14 smoke checks (the injected checks runner).
    SmokeChecks,
}

impl StepKind {
    /// The name used in events and the journal.
    pub fn name(self) -> &'static str {
        match self {
            StepKind::WriteTree => "write_tree",
            StepKind::CheckCredentials => "check_credentials",
            StepKind::Init => "init",
            StepKind::Plan => "plan",
            StepKind::Apply => "apply",
            StepKind::FmtCheck => "fmt_check",
            StepKind::ValidateAll => "validate",
            StepKind::FinalPlan => "final_plan",
            StepKind::SmokeChecks => "smoke_checks",
        }
    }
}

/// One phase of the run.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    /// 1-based, as users and `--from/--to` count them.
    pub number: u8,
    pub title: &'static str,
    pub purpose: &'static str,
    /// The root module the phase targets (`module.<name>`), if any.
    pub module: Option<&'static str>,
    pub steps: &'static [StepKind],
    /// Top-level preset tables this phase's result depends on; `"*"` means the whole preset.
    /// A change in one of them makes the phase (and those after it) run again on `--resume`.
    pub preset_sections: &'static [&'static str],
}

impl Phase {
    /// `module.<name>`, the `-target` address.
    pub fn target(&self) -> Option<String> {
        self.module.map(|m| format!("module.{m}"))
    }

    /// Does this phase change infrastructure (so it needs an apply)?
    pub fn applies(&self) -> bool {
        self.steps.contains(&StepKind::Apply)
    }
}

const TARGETED: &[StepKind] = &[StepKind::Plan, StepKind::Apply];

/// The phases, in order. `PHASES[i].number == i + 1`.
pub static PHASES: [Phase; 14] = [
    Phase {
        number: 1,
        title: "Repository & Terraform layout",
        purpose: "Write the Terraform tree (envs/<env>, modules/*) from the preset.",
        module: None,
        steps: &[StepKind::WriteTree],
        // The engine refreshes the tree at the start of every run (it is idempotent), so a
        // preset change re-runs the phases that read the changed sections, not everything.
        preset_sections: &[],
    },
    Phase {
        number: 2,
        title: "Provider & state backend",
        purpose:
            "Check credentials, then `terraform init` the environment (backend and providers).",
        module: None,
        steps: &[StepKind::CheckCredentials, StepKind::Init],
        preset_sections: &["project", "state"],
    },
    Phase {
        number: 3,
        title: "Network",
        purpose: "The Private Network and its security rules.",
        module: Some("network"),
        steps: TARGETED,
        preset_sections: &["project", "network"],
    },
    Phase {
        number: 4,
        title: "Object Storage",
        purpose: "Media and frontend buckets.",
        module: Some("object_storage"),
        steps: TARGETED,
        preset_sections: &["project", "object_storage"],
    },
    Phase {
        number: 5,
        title: "PostgreSQL",
        purpose: "Managed PostgreSQL on the private network.",
        module: Some("postgres"),
        steps: TARGETED,
        preset_sections: &["project", "postgres"],
    },
    Phase {
        number: 6,
        title: "Redis",
        purpose: "Managed Redis (streams) on the private network.",
        module: Some("redis"),
        steps: TARGETED,
        preset_sections: &["project", "redis"],
    },
    Phase {
        number: 7,
        title: "Kubernetes cluster",
        purpose: "The Kapsule cluster and its node pool.",
        module: Some("kubernetes_cluster"),
        steps: TARGETED,
        preset_sections: &["project", "kubernetes"],
    },
    Phase {
        number: 8,
        title: "Backend",
        purpose: "The FastAPI backend: Deployment, Service, ingress and certificates.",
        module: Some("app_backend"),
        steps: TARGETED,
        preset_sections: &["project", "backend", "ingress"],
    },
    Phase {
        number: 9,
        title: "Workers",
        purpose: "One Deployment per worker kind, wired to Redis streams.",
        module: Some("app_workers"),
        steps: TARGETED,
        preset_sections: &["project", "workers"],
    },
    Phase {
        number: 10,
        title: "Frontend",
        purpose: "Static frontend hosting (bucket website, CDN, DNS).",
        module: Some("app_frontend"),
        steps: TARGETED,
        preset_sections: &["project", "frontend"],
    },
    Phase {
        number: 11,
        title: "External APIs",
        purpose: "Settings and secrets for the ANCPI and seismic-risk APIs.",
        module: Some("external_apis"),
        steps: TARGETED,
        preset_sections: &["project", "external_apis"],
    },
    Phase {
        number: 12,
        title: "Observability",
        purpose: "Cockpit sources and the monitoring agent.",
        module: Some("observability"),
        steps: TARGETED,
        preset_sections: &["project", "observability"],
    },
    Phase {
        number: 13,
        title: "Environments & promotion",
        purpose: "fmt check, validate every env, and a final untargeted plan that must converge.",
        module: None,
        steps: &[
            StepKind::FmtCheck,
            StepKind::ValidateAll,
            StepKind::FinalPlan,
        ],
        preset_sections: &["*"],
    },
    Phase {
        number: 14,
        title: "Final verification",
        purpose: "Smoke checks against the running platform.",
        module: None,
        steps: &[StepKind::SmokeChecks],
        preset_sections: &["smoke"],
    },
];

/// The phase numbered `n` (1-based).
pub fn phase(n: u8) -> Option<&'static Phase> {
    PHASES.get(usize::from(n).checked_sub(1)?)
}

/// Number of phases, for range checks of `--from/--to`.
pub const PHASE_COUNT: u8 = 14;

/// One preset key and where it goes: the env variable whose default it renders
/// (`envs/<env>/variables.tf`) and the modules whose inputs read that variable in
/// `envs/<env>/main.tf`, directly or through a `locals` entry.
///
/// Why a table: the impact of a changed answer ([`crate::engine::impact`]) is attributed to the
/// resources of the modules the key feeds, so the table must say exactly which; a unit test reads
/// the env templates and fails when a module block starts (or stops) reading a variable.
/// `*` stands for one key segment (a worker's name).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct KeyFeed {
    pub key: &'static str,
    /// The env variable (`var.<name>`); `None` for keys that feed no Terraform input.
    pub variable: Option<&'static str>,
    pub modules: &'static [&'static str],
}

/// Modules that read `var.project_name` / `var.environment` (through `local.name_prefix`,
/// `local.tags` or `part_of`): a rename reaches all of them.
const ALL_MODULES: &[&str] = crate::render::MODULES;

const fn feed(
    key: &'static str,
    variable: &'static str,
    modules: &'static [&'static str],
) -> KeyFeed {
    KeyFeed {
        key,
        variable: Some(variable),
        modules,
    }
}

const fn none(key: &'static str) -> KeyFeed {
    KeyFeed {
        key,
        variable: None,
        modules: &[],
    }
}

/// Every preset key, in preset order.
pub static KEY_FEEDS: &[KeyFeed] = &[
    none("version"),
    feed("project.name", "project_name", ALL_MODULES),
    // Every module but external_apis (whose Secret carries `part_of`, not the env).
    feed(
        "project.env",
        "environment",
        &[
            "project",
            "network",
            "object_storage",
            "postgres",
            "redis",
            "kubernetes_cluster",
            "app_backend",
            "app_workers",
            "app_frontend",
            "observability",
        ],
    ),
    feed(
        "project.region",
        "region",
        &[
            "network",
            "object_storage",
            "postgres",
            "kubernetes_cluster",
            "app_frontend",
            "observability",
        ],
    ),
    // The zone is `<region>-1`: the same key, a second variable.
    feed("project.region", "zone", &["redis", "app_backend"]),
    feed("project.create_project", "create_project", &["project"]),
    feed(
        "project.create_project",
        "cdn_manage_plan",
        &["app_frontend"],
    ),
    // The backend block: `terraform init` reads it, no resource does.
    none("state"),
    feed("network.private_cidr", "private_cidr", &["network"]),
    feed(
        "object_storage.media_bucket",
        "media_bucket_prefix",
        &["object_storage"],
    ),
    feed(
        "object_storage.frontend_bucket",
        "frontend_bucket_prefix",
        &["object_storage"],
    ),
    feed(
        "object_storage.versioning",
        "media_versioning",
        &["object_storage"],
    ),
    feed(
        "object_storage.noncurrent_version_days",
        "media_noncurrent_version_days",
        &["object_storage"],
    ),
    feed(
        "object_storage.force_destroy",
        "force_destroy",
        &["object_storage"],
    ),
    feed("postgres.engine", "postgres_engine", &["postgres"]),
    feed("postgres.node_type", "postgres_node_type", &["postgres"]),
    feed("postgres.ha", "postgres_ha", &["postgres"]),
    feed(
        "postgres.volume_type",
        "postgres_volume_type",
        &["postgres"],
    ),
    feed(
        "postgres.volume_size_gb",
        "postgres_volume_size_gb",
        &["postgres"],
    ),
    feed(
        "postgres.backup_retention_days",
        "postgres_backup_retention_days",
        &["postgres"],
    ),
    feed("postgres.db_name", "db_name", &["postgres"]),
    feed("postgres.db_user", "db_user", &["postgres"]),
    feed("redis.version", "redis_version", &["redis"]),
    feed("redis.node_type", "redis_node_type", &["redis"]),
    feed("redis.cluster_size", "redis_cluster_size", &["redis"]),
    feed("redis.user_name", "redis_user_name", &["redis"]),
    feed(
        "kubernetes.version",
        "kubernetes_version",
        &["kubernetes_cluster"],
    ),
    feed("kubernetes.cni", "kubernetes_cni", &["kubernetes_cluster"]),
    feed(
        "kubernetes.node_type",
        "kubernetes_node_type",
        &["kubernetes_cluster"],
    ),
    feed(
        "kubernetes.autoscaling",
        "kubernetes_autoscaling",
        &["kubernetes_cluster"],
    ),
    feed(
        "kubernetes.pool_min",
        "kubernetes_pool_min",
        &["kubernetes_cluster"],
    ),
    feed(
        "kubernetes.pool_max",
        "kubernetes_pool_max",
        &["kubernetes_cluster"],
    ),
    feed(
        "kubernetes.root_volume_size_gb",
        "kubernetes_root_volume_size_gb",
        &["kubernetes_cluster"],
    ),
    feed(
        "kubernetes.api_allowed_cidrs",
        "kubernetes_api_allowed_cidrs",
        &["kubernetes_cluster"],
    ),
    feed(
        "kubernetes.wait_for_rollout",
        "wait_for_rollout",
        &["app_backend", "app_workers"],
    ),
    // The registry hosts of the pull Secret come from every image.
    feed(
        "backend.image",
        "backend_image",
        &["app_backend", "app_workers"],
    ),
    feed("backend.tag", "backend_image_tag", &["app_backend"]),
    feed("backend.replicas", "backend_replicas", &["app_backend"]),
    // The API's A record is managed when the hostname sits in the DNS zone.
    feed("backend.hostname", "backend_hostname", &["app_backend"]),
    feed("backend.port", "backend_port", &["app_backend"]),
    feed(
        "backend.health_path",
        "backend_health_path",
        &["app_backend"],
    ),
    feed("backend.cpu", "backend_cpu", &["app_backend"]),
    feed("backend.memory", "backend_memory", &["app_backend"]),
    feed("ingress.acme_email", "acme_email", &["app_backend"]),
    feed(
        "ingress.traefik_version",
        "traefik_version",
        &["app_backend"],
    ),
    feed(
        "ingress.cert_manager_version",
        "cert_manager_version",
        &["app_backend"],
    ),
    // The site's origin is in the buckets' CORS rules and the API's allowed origins.
    feed(
        "frontend.domain",
        "frontend_domain",
        &["object_storage", "app_backend", "app_frontend"],
    ),
    feed("frontend.cdn", "cdn_enabled", &["app_frontend"]),
    feed(
        "frontend.dns_zone",
        "dns_zone",
        &["app_backend", "app_frontend"],
    ),
    feed("workers.*", "workers", &["app_workers"]),
    // An image's registry host joins the pull Secret of both namespaces.
    feed(
        "workers.*.image",
        "workers",
        &["app_backend", "app_workers"],
    ),
    feed(
        "external_apis.ancpi_base_url",
        "ancpi_base_url",
        &["external_apis"],
    ),
    feed(
        "external_apis.seismic_api_url",
        "seismic_api_url",
        &["external_apis"],
    ),
    // Declares the module itself: its resources come or go.
    KeyFeed {
        key: "external_apis",
        variable: None,
        modules: &["external_apis"],
    },
    KeyFeed {
        key: "observability.enabled",
        variable: None,
        modules: &["observability"],
    },
    feed(
        "observability.metrics_retention_days",
        "metrics_retention_days",
        &["observability"],
    ),
    feed(
        "observability.logs_retention_days",
        "logs_retention_days",
        &["observability"],
    ),
    feed(
        "observability.k8s_monitoring_version",
        "k8s_monitoring_version",
        &["observability"],
    ),
    // Phase 14 reads these; no Terraform input does.
    none("smoke"),
];

/// Which modules read the outputs of which (`module.<m>.<output>` in an input of the env's
/// `main.tf`): a change in the first can update the second without any key feeding it.
pub static MODULE_READS: &[(&str, &[&str])] = &[
    ("network", &["project"]),
    ("object_storage", &["project"]),
    ("postgres", &["project", "network"]),
    ("redis", &["project", "network"]),
    ("kubernetes_cluster", &["project", "network"]),
    (
        "app_backend",
        &["project", "network", "object_storage", "postgres", "redis"],
    ),
    ("app_workers", &["object_storage", "postgres", "redis"]),
    ("app_frontend", &["project", "object_storage"]),
    ("external_apis", &["app_workers"]),
    ("observability", &["project"]),
];

/// Does the key pattern `pattern` (from [`KEY_FEEDS`]) cover the changed key `key`? A key covers
/// its sub-keys, and a whole table that appears or disappears (`workers.new`) covers every
/// pattern under it.
fn key_matches(pattern: &str, key: &str) -> bool {
    let p: Vec<&str> = pattern.split('.').collect();
    let k: Vec<&str> = key.split('.').collect();
    p.iter().zip(&k).all(|(a, b)| *a == "*" || a == b)
}

/// The modules whose inputs a changed preset key feeds, in module order.
pub fn modules_fed_by(key: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for f in KEY_FEEDS.iter().filter(|f| key_matches(f.key, key)) {
        for m in f.modules {
            if !out.contains(m) {
                out.push(m);
            }
        }
    }
    out.sort_by_key(|m| ALL_MODULES.iter().position(|x| x == m));
    out
}

/// Every module whose inputs depend, through module outputs, on `module` (not `module` itself).
pub fn modules_downstream_of(module: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let mut frontier = vec![module.to_string()];
    while let Some(m) = frontier.pop() {
        for (reader, reads) in MODULE_READS {
            if reads.contains(&m.as_str()) && !out.contains(reader) && *reader != module {
                out.push(reader);
                frontier.push((*reader).to_string());
            }
        }
    }
    out.sort_by_key(|m| ALL_MODULES.iter().position(|x| x == m));
    out
}

/// The phase that applies `module.<module>` (none for `project`, applied with every target).
pub fn phase_of_module(module: &str) -> Option<&'static Phase> {
    PHASES.iter().find(|p| p.module == Some(module))
}

/// Markers around the generated phase table in `README.md` and `docs/headless.md`.
pub const TABLE_BEGIN: &str = "<!-- phases:begin (generated from src/phases.rs; do not edit) -->";
pub const TABLE_END: &str = "<!-- phases:end -->";

/// The phase table of the docs, from [`PHASES`]: number, title, `-target`, steps, purpose.
/// Why generated: the docs once said phase 14 was "not available" long after it was wired;
/// a test compares the docs with this, so they cannot drift again.
pub fn markdown_table() -> String {
    let mut out =
        String::from("| # | phase | target | steps | what it does |\n|---|---|---|---|---|\n");
    for p in &PHASES {
        let target = p
            .target()
            .map(|t| format!("`{t}`"))
            .unwrap_or_else(|| "—".into());
        let steps: Vec<String> = p.steps.iter().map(|s| format!("`{}`", s.name())).collect();
        out.push_str(&format!(
            "| {} | {} | {target} | {} | {} |\n",
            p.number,
            p.title,
            steps.join(", "),
            // `<env>` would be an HTML tag to a Markdown renderer.
            p.purpose.replace('<', "&lt;").replace('>', "&gt;")
        ));
    }
    out
}

/// `doc` with the text between the markers replaced by [`markdown_table`]; `None` when the
/// markers are missing.
pub fn with_generated_table(doc: &str) -> Option<String> {
    let begin = doc.find(TABLE_BEGIN)? + TABLE_BEGIN.len();
    let end = begin + doc[begin..].find(TABLE_END)?;
    Some(format!(
        "{}\n{}{}",
        &doc[..begin],
        markdown_table(),
        &doc[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_positions() {
        for (i, p) in PHASES.iter().enumerate() {
            assert_eq!(usize::from(p.number), i + 1);
        }
        assert_eq!(PHASES.len(), usize::from(PHASE_COUNT));
    }

    /// The README's and docs/headless.md's phase tables are `markdown_table()`.
    /// `MOBI_UPDATE_DOCS=1 cargo test --lib phases` rewrites them.
    #[test]
    fn docs_phase_tables_match_the_definition() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for rel in ["README.md", "docs/headless.md"] {
            let path = root.join(rel);
            let doc = std::fs::read_to_string(&path).unwrap_or_default();
            let want = with_generated_table(&doc)
                .unwrap_or_else(|| panic!("{rel}: no {TABLE_BEGIN} … {TABLE_END} markers"));
            if want != doc && std::env::var_os("MOBI_UPDATE_DOCS").is_some() {
                std::fs::write(&path, &want).unwrap_or_else(|e| panic!("{rel}: {e}"));
                continue;
            }
            assert!(
                want == doc,
                "{rel}: the phase table differs from src/phases.rs; rerun with MOBI_UPDATE_DOCS=1. Expected:\n{}",
                markdown_table()
            );
        }
        assert!(markdown_table().contains("| 14 | Final verification | — | `smoke_checks` |"));
    }

    #[test]
    fn targeted_phases_have_modules() {
        for p in &PHASES {
            assert_eq!(p.applies(), p.module.is_some(), "phase {}", p.number);
        }
        assert_eq!(
            phase(3).and_then(|p| p.target()).as_deref(),
            Some("module.network")
        );
    }

    #[test]
    fn keys_map_to_the_modules_they_feed() {
        assert_eq!(modules_fed_by("redis.cluster_size"), vec!["redis"]);
        assert_eq!(modules_fed_by("workers.vpod.replicas"), vec!["app_workers"]);
        assert_eq!(
            modules_fed_by("workers.vpod.image"),
            vec!["app_backend", "app_workers"]
        );
        // A new worker kind is a whole table: every pattern under it.
        assert_eq!(
            modules_fed_by("workers.newkind"),
            vec!["app_backend", "app_workers"]
        );
        assert!(modules_fed_by("smoke.budget_s").is_empty());
        assert!(modules_fed_by("state.bucket").is_empty());
        assert_eq!(modules_fed_by("project.region").len(), 8);
        assert_eq!(
            modules_downstream_of("redis"),
            vec!["app_backend", "app_workers", "external_apis"]
        );
        assert_eq!(phase_of_module("redis").map(|p| p.number), Some(6));
    }

    /// The table against the env templates: each variable's default renders the key, and the
    /// module blocks of `main.tf` that read the variable (directly or through a local) are
    /// exactly the listed modules.
    #[test]
    fn key_feeds_match_the_env_templates() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/infra/terraform/envs");
        let vars = std::fs::read_to_string(root.join("variables.tf.tera")).unwrap_or_default();
        let main = std::fs::read_to_string(root.join("main.tf.tera")).unwrap_or_default();
        let reads = module_var_reads(&main);
        assert!(reads.len() >= 10, "module blocks not found in main.tf.tera");
        let mut by_var: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
        for f in KEY_FEEDS {
            let Some(v) = f.variable else { continue };
            let block = var_block(&vars, v);
            assert!(
                !block.is_empty(),
                "variable {v} is not in variables.tf.tera"
            );
            if v != "zone" && v != "workers" {
                assert!(
                    block.contains(&format!("preset.{}", f.key)),
                    "variable {v}'s default does not render {}",
                    f.key
                );
            }
            by_var
                .entry(v)
                .or_default()
                .extend(f.modules.iter().copied());
        }
        for (v, listed) in by_var {
            let mut listed: Vec<&str> = listed;
            listed.sort_unstable();
            listed.dedup();
            let mut actual: Vec<&str> = reads
                .iter()
                .filter(|(_, vs)| vs.contains(v))
                .map(|(m, _)| m.as_str())
                .collect();
            actual.sort_unstable();
            assert_eq!(listed, actual, "modules reading var.{v}");
        }
    }

    fn var_block<'a>(text: &'a str, name: &str) -> &'a str {
        let head = format!("variable \"{name}\" {{");
        let Some(start) = text.find(&head) else {
            return "";
        };
        let rest = &text[start..];
        let end = rest.find("\n}\n").unwrap_or(rest.len());
        &rest[..end]
    }

    /// module name → the variables its block reads, locals expanded.
    fn module_var_reads(main: &str) -> Vec<(String, std::collections::BTreeSet<String>)> {
        let var_re = regex::Regex::new(r"var\.(\w+)").unwrap_or_else(|_| unreachable!());
        let local_re = regex::Regex::new(r"local\.(\w+)").unwrap_or_else(|_| unreachable!());
        // locals: `  name = expr` at two spaces, continued until the next such line.
        let mut locals: std::collections::BTreeMap<String, String> = Default::default();
        if let Some(start) = main.find("locals {") {
            let body = &main[start..];
            let body = &body[..body.find("\n}\n").unwrap_or(body.len())];
            let def = regex::Regex::new(r"^  (\w+)\s*=").unwrap_or_else(|_| unreachable!());
            let mut cur: Option<String> = None;
            for line in body.lines().skip(1) {
                if let Some(c) = def.captures(line) {
                    cur = Some(c[1].to_string());
                }
                if let Some(c) = &cur {
                    locals.entry(c.clone()).or_default().push_str(line);
                }
            }
        }
        let expand = |text: &str| {
            let mut vars: std::collections::BTreeSet<String> = Default::default();
            let mut todo = vec![text.to_string()];
            let mut seen: std::collections::BTreeSet<String> = Default::default();
            while let Some(t) = todo.pop() {
                vars.extend(var_re.captures_iter(&t).map(|c| c[1].to_string()));
                for c in local_re.captures_iter(&t) {
                    if seen.insert(c[1].to_string()) {
                        todo.push(locals.get(&c[1]).cloned().unwrap_or_default());
                    }
                }
            }
            vars
        };
        let head =
            regex::Regex::new(r#"(?m)^module "(\w+)" \{"#).unwrap_or_else(|_| unreachable!());
        head.captures_iter(main)
            .filter_map(|c| {
                let start = c.get(0)?.start();
                let rest = &main[start..];
                let body = &rest[..rest.find("\n}\n").unwrap_or(rest.len())];
                Some((c[1].to_string(), expand(body)))
            })
            .collect()
    }
}
