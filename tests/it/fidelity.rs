//! Sandbox fidelity: the stand-ins decide what the real providers and APIs decide.
//!
//! Every test here mutates a generated tree so that it breaks one provider or API rule and
//! asserts the diagnostic Terraform prints (file, attribute, the provider's wording), and checks
//! that a value within the rule passes. The defect tests reintroduce, in whatever the tree
//! renders today, each defect a first real rollout met (helm range, IAM without organization,
//! `x.y` Kapsule version name, namespace race, RDB volume not a multiple of 5, pool root volume
//! under 20 GB): they stay as regressions.
//!
//! Slow paths are shared: validate-time mutations are applied together and judged by one
//! `mobi-tui validate --sandbox`; plan- and apply-time cases share one initialised workspace.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mobi_tui::sandbox::{Workspace, WorkspaceOptions};
use regex::Regex;

use crate::support::*;

/// A generated dev tree in a fresh directory.
fn dev_tree() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let o = mobi(&[
        "generate",
        "--preset",
        repo().join("presets/dev.toml").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    out
}

fn tf_file(out: &Path, rel: &str) -> PathBuf {
    out.join("infra/terraform").join(rel)
}

/// Replaces the first match of `pattern` in a generated file (the pattern must match).
fn mutate(out: &Path, rel: &str, pattern: &str, replacement: &str) {
    let path = tf_file(out, rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let re = Regex::new(pattern).unwrap();
    assert!(re.is_match(&text), "{rel}: no match for {pattern:?}");
    std::fs::write(&path, re.replacen(&text, 1, replacement).as_ref()).unwrap();
}

/// Inserts `lines` after the opening line of `resource "<type>" "<name>" {` (or a data block).
fn insert_into(out: &Path, rel: &str, header: &str, lines: &str) {
    let path = tf_file(out, rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text
        .find(header)
        .unwrap_or_else(|| panic!("{rel}: no {header:?}"));
    let eol = at + text[at..].find('\n').unwrap() + 1;
    let new = format!("{}{lines}\n{}", &text[..eol], &text[eol..]);
    std::fs::write(&path, new).unwrap();
}

fn validate_sandbox(out: &Path) -> Output {
    mobi(&[
        "validate",
        "--preset",
        repo().join("presets/dev.toml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--sandbox",
    ])
}

/// One validate-time mutation: where, what, and the diagnostic it must produce.
struct Case {
    file: &'static str,
    /// `Insert(header, lines)` or `Replace(pattern, replacement)`.
    edit: Edit,
    /// Text the diagnostic must contain (the provider's wording).
    expect: &'static str,
}

enum Edit {
    Insert(&'static str, &'static str),
    Replace(&'static str, &'static str),
}

fn apply_case(out: &Path, c: &Case) {
    match c.edit {
        Edit::Insert(h, l) => insert_into(out, c.file, h, l),
        Edit::Replace(p, r) => mutate(out, c.file, p, r),
    }
}

const PG: &str = "modules/postgres/main.tf";
const OS: &str = "modules/object_storage/main.tf";
const NET: &str = "modules/network/main.tf";
const REDIS: &str = "modules/redis/main.tf";
const K8S: &str = "modules/kubernetes_cluster/main.tf";
const BACKEND: &str = "modules/app_backend/main.tf";
const WORKERS: &str = "modules/app_workers/main.tf";

/// Breaking mutations across scaleway, kubernetes and helm types, one per validator or
/// constraint kind (and several per provider).
fn breaking_cases() -> Vec<Case> {
    use Edit::*;
    vec![
        // scaleway: int_divisible_by (the RDB volume defect)
        Case { file: PG, edit: Replace(r#"volume_size_in_gb\s*=.*"#, "volume_size_in_gb = 12"), expect: "expected volume_size_in_gb to be divisible by 5, got: 12" },
        // scaleway: enum
        Case { file: PG, edit: Replace(r#"volume_type\s*=\s*var\.volume_type"#, r#"volume_type = "ssd""#), expect: "expected volume_type to be one of [\"lssd\" \"bssd\" \"sbs_5k\" \"sbs_15k\"], got ssd" },
        // scaleway: string not in slice (reserved database names)
        Case { file: PG, edit: Replace(r#"name\s*=\s*var\.db_name"#, r#"name = "postgres""#), expect: "to not be any of" },
        // scaleway: regex (database user name) — rdb_user name has no validator; acl ip cidr instead
        Case { file: OS, edit: Replace(r#"acl\s*=\s*"private""#, r#"acl = "secret""#), expect: "expected acl to be one of" },
        // scaleway: CIDR network (host bits set)
        Case { file: NET, edit: Replace(r#"subnet\s*=\s*var\.private_cidr"#, r#"subnet = "172.16.0.1/22""#), expect: "to contain a valid network Value, expected 172.16.0.0/22" },
        // scaleway: exactly_one_of (two principals)
        Case { file: OS, edit: Insert(r#"resource "scaleway_iam_policy" "apps" {"#, "  no_principal = true\n  user_id      = \"11111111-1111-4111-8111-111111111111\""), expect: "only one of `application_id,group_id,no_principal,user_id` can be specified" },
        // scaleway: conflicts_with (redis acl vs private network)
        Case { file: REDIS, edit: Insert(r#"resource "scaleway_redis_cluster" "this" {"#, "  acl {\n    ip = \"10.0.0.0/8\"\n  }"), expect: "conflicts with" },
        // scaleway: required_with (write-only password without its version)
        Case { file: PG, edit: Insert(r#"resource "scaleway_rdb_instance" "this" {"#, "  password_wo = \"Sandbox-Secret-1\""), expect: "all of `password_wo,password_wo_version` must be specified" },
        // scaleway: enum on the pool (container runtime)
        Case { file: K8S, edit: Replace(r#"container_runtime\s*=\s*"containerd""#, r#"container_runtime = "rkt""#), expect: "expected container_runtime to be one of" },
        // scaleway: enum on the pool root volume type
        Case { file: K8S, edit: Replace(r#"root_volume_type\s*=\s*var\.root_volume_type"#, r#"root_volume_type = "ssd""#), expect: "expected root_volume_type to be one of" },
        // scaleway: IP address (cluster service DNS IP)
        Case { file: K8S, edit: Insert(r#"resource "scaleway_k8s_cluster" "this" {"#, "  service_dns_ip = \"not-an-ip\""), expect: "expected service_dns_ip to contain a valid IP, got: not-an-ip" },
        // scaleway: int at least (lifecycle noncurrent days)
        Case { file: OS, edit: Replace(r#"noncurrent_days\s*=\s*var\.noncurrent_version_days"#, "noncurrent_days = 0"), expect: "to be at least (1), got 0" },
        // kubernetes: RFC 1123 name regex on a namespace
        Case { file: BACKEND, edit: Replace(r#"(resource "kubernetes_namespace_v1" "this" \{\s*metadata \{\s*)name\s*=\s*var\.namespace"#, "${1}name = \"Mobi_API\""), expect: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters" },
        // kubernetes: enum on the deployment strategy
        Case { file: BACKEND, edit: Replace(r#"type = "RollingUpdate""#, r#"type = "BlueGreen""#), expect: "expected spec.0.strategy.0.type to be one of" },
        // kubernetes: name regex on a config map
        Case { file: BACKEND, edit: Replace(r#"name\s*=\s*"\$\{var\.name\}-config""#, r#"name = "Backend Config""#), expect: "metadata.0.name a lowercase RFC 1123 subdomain" },
        // kubernetes: name regex on a secret
        Case { file: BACKEND, edit: Replace(r#"name\s*=\s*"\$\{var\.name\}-secrets""#, r#"name = "backend_secrets""#), expect: "metadata.0.name a lowercase RFC 1123 subdomain" },
        // kubernetes: int at least on a container port
        Case { file: BACKEND, edit: Replace(r#"container_port\s*=\s*[^\n]+"#, "container_port = 0"), expect: "container_port must be between 1 and 65535, inclusive" },
        // kubernetes: int at least on a probe of the backend's deployment
        Case { file: BACKEND, edit: Replace(r#"failure_threshold(\s*)=\s*3"#, "failure_threshold${1}= 0"), expect: "liveness_probe.0.failure_threshold must be greater than 0" },
        // kubernetes: enum on the HPA metric type
        Case { file: WORKERS, edit: Replace(r#"type = "Resource""#, r#"type = "Memory""#), expect: "metric.0.type to be one of" },
        // helm: release name length 1..53
        Case { file: BACKEND, edit: Replace(r#"name\s*=\s*"traefik""#, r#"name = "traefik-ingress-controller-for-the-mobi-platform-dev-env""#), expect: "string length must be between 1 and 53" },
        // helm: enum on set.type
        Case { file: BACKEND, edit: Replace(r#"name(\s*)=\s*"crds.enabled""#, "name${1}= \"crds.enabled\"\n      type = \"yaml\""), expect: "expected set.0.type to be one of" },
        // scaleway: UUID (a project id that is not one)
        Case { file: NET, edit: Replace(r#"project_id(\s*)=\s*var\.project_id"#, r#"project_id${1}= "not-a-uuid""#), expect: "invalid UUID: not-a-uuid" },
        // scaleway: UUID with locality (an RDB database's instance id)
        Case { file: PG, edit: Replace(r#"(resource "scaleway_rdb_database" "this" \{\s*\n\s*)instance_id(\s*)=\s*[^\n]+"#, r#"${1}instance_id${2}= "11111111-1111-4111-8111-111111111111""#), expect: "invalid UUID with locality: 11111111-1111-4111-8111-111111111111" },
        // scaleway: RFC 3339 timestamp (API key expiry)
        Case { file: OS, edit: Insert(r#"resource "scaleway_iam_api_key" "apps" {"#, "  expires_at = \"tomorrow\""), expect: "\"tomorrow\" cannot be parsed as RFC3339 Timestamp Format" },
    ]
    .into_iter()
    .filter(|c| !c.expect.is_empty())
    .collect()
}

#[test]
fn validate_time_rules_break_with_the_provider_wording_and_the_file() {
    let out = dev_tree();
    // The unmutated tree is within every rule.
    let clean = validate_sandbox(out.path());
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}{}",
        stdout(&clean),
        stderr(&clean)
    );
    let summary = stdout(&clean) + &stderr(&clean);
    let counted = Regex::new(r"sandbox: (\d+) provider and API checks applied").unwrap();
    let n: usize = counted
        .captures(&summary)
        .unwrap_or_else(|| panic!("no check count line in:\n{summary}"))[1]
        .parse()
        .unwrap();
    assert!(n > 50, "only {n} checks applied:\n{summary}");

    let cases = breaking_cases();
    assert!(cases.len() >= 20, "{} cases", cases.len());
    // Terraform skips what depends on a resource that failed validation, so the mutations are
    // judged in rounds: all that remain at once, then again without the ones already seen.
    let originals: Vec<(String, String)> = cases
        .iter()
        .map(|c| c.file.to_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(tf_file(out.path(), &f)).unwrap();
            (f, text)
        })
        .collect();
    let mut remaining: Vec<&Case> = cases.iter().collect();
    while !remaining.is_empty() {
        for (f, text) in &originals {
            std::fs::write(tf_file(out.path(), f), text).unwrap();
        }
        for c in &remaining {
            apply_case(out.path(), c);
        }
        let o = validate_sandbox(out.path());
        let text = stdout(&o) + &stderr(&o);
        assert_ne!(
            o.status.code(),
            Some(0),
            "validate passed with {:?}:\n{text}",
            remaining.iter().map(|c| c.expect).collect::<Vec<_>>()
        );
        let before = remaining.len();
        remaining.retain(|c| {
            let Some(line) = text.lines().find(|l| l.contains(c.expect)) else {
                return true;
            };
            assert!(
                line.contains(c.file),
                "diagnostic {:?} does not name {}: {line}",
                c.expect,
                c.file
            );
            assert!(line.contains("Sandbox: "), "no source named: {line}");
            false
        });
        assert!(
            remaining.len() < before,
            "no diagnostic for {:?}:\n{text}",
            remaining.iter().map(|c| c.expect).collect::<Vec<_>>()
        );
    }
}

#[test]
fn values_within_the_rules_pass_validate() {
    let out = dev_tree();
    use Edit::*;
    let within = [
        Case {
            file: PG,
            edit: Replace(
                r#"volume_type\s*=\s*var\.volume_type"#,
                r#"volume_type = "sbs_5k""#,
            ),
            expect: "",
        },
        Case {
            file: PG,
            edit: Replace(r#"volume_size_in_gb\s*=.*"#, "volume_size_in_gb = 15"),
            expect: "",
        },
        Case {
            file: NET,
            edit: Replace(
                r#"subnet\s*=\s*var\.private_cidr"#,
                r#"subnet = "172.16.0.0/22""#,
            ),
            expect: "",
        },
        Case {
            file: K8S,
            edit: Insert(
                r#"resource "scaleway_k8s_cluster" "this" {"#,
                "  service_dns_ip = \"10.32.0.10\"",
            ),
            expect: "",
        },
        Case {
            file: BACKEND,
            edit: Replace(r#"type = "RollingUpdate""#, r#"type = "Recreate""#),
            expect: "",
        },
        Case {
            file: OS,
            edit: Replace(
                r#"noncurrent_days\s*=\s*var\.noncurrent_version_days"#,
                "noncurrent_days = 1",
            ),
            expect: "",
        },
        Case {
            file: PG,
            edit: Insert(r#"resource "scaleway_rdb_instance" "this" {"#, ""),
            expect: "",
        },
        Case {
            file: OS,
            edit: Insert(
                r#"resource "scaleway_iam_api_key" "apps" {"#,
                "  expires_at = \"2030-01-01T00:00:00Z\"",
            ),
            expect: "",
        },
        Case {
            file: PG,
            edit: Replace(
                r#"(resource "scaleway_rdb_database" "this" \{\s*\n\s*)instance_id(\s*)=\s*[^\n]+"#,
                r#"${1}instance_id${2}= "fr-par/11111111-1111-4111-8111-111111111111""#,
            ),
            expect: "",
        },
    ];
    for c in &within {
        apply_case(out.path(), c);
    }
    let o = validate_sandbox(out.path());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

// ---------------------------------------------------------------------------------------------
// Plan and apply time: one initialised workspace per test.

struct Sandbox {
    _dir: tempfile::TempDir,
    out: PathBuf,
    ws: Workspace,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = dev_tree();
        let out = dir.path().to_owned();
        let ws = Workspace::prepare(&out, "dev", &opts()).expect("sandbox workspace");
        let s = Sandbox { _dir: dir, out, ws };
        let o = s.tf(&["init", "-input=false", "-no-color"], &[]);
        assert!(o.status.success(), "init: {}", stderr(&o));
        s
    }

    /// Copies the user's tree (with its mutations) into the scratch copy again.
    fn sync(&mut self) {
        self.ws = Workspace::prepare(&self.out, "dev", &opts()).expect("sandbox workspace");
    }

    fn tf(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(terraform());
        cmd.args(args).current_dir(self.ws.env_dir());
        for (k, v) in self.ws.command_env() {
            cmd.env(k, v);
        }
        cmd.env_remove("SCW_DEFAULT_ORGANIZATION_ID");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    fn text(o: &Output) -> String {
        stdout(o) + &stderr(o)
    }
}

fn opts() -> WorkspaceOptions {
    WorkspaceOptions {
        provider_binary: Some(bin()),
        ..Default::default()
    }
}

const ORG: (&str, &str) = (
    "SCW_DEFAULT_ORGANIZATION_ID",
    "11111111-1111-4111-8111-111111111111",
);

/// Plan-time rules: the helm exact version (phase 12), the `x.y` Kapsule version name given to
/// the data source (phase 7) and the Kapsule version/auto-upgrade rule.
#[test]
fn plan_time_rules_fail_the_plan_where_the_real_providers_do() {
    let mut s = Sandbox::new();
    let plan = |s: &Sandbox, target: &str| {
        s.tf(
            &[
                "plan",
                "-input=false",
                "-no-color",
                "-lock=false",
                &format!("-target={target}"),
            ],
            &[ORG],
        )
    };
    // Within the rules: the tree as generated plans.
    for m in ["module.observability", "module.kubernetes_cluster"] {
        let o = plan(&s, m);
        assert!(o.status.success(), "{m}: {}", Sandbox::text(&o));
    }

    // Defect: a semver range as the chart version.
    mutate(
        &s.out,
        "modules/observability/main.tf",
        r#"version(\s*)=\s*var\.chart_version"#,
        r#"version${1}= "^2.1.0""#,
    );
    // Defect: a minor version name given to data.scaleway_k8s_version.
    insert_into(
        &s.out,
        K8S,
        r#"resource "scaleway_k8s_cluster" "this" {"#,
        "",
    );
    let k8s = tf_file(&s.out, K8S);
    let mut text = std::fs::read_to_string(&k8s).unwrap();
    text.push_str("\ndata \"scaleway_k8s_version\" \"minor\" {\n  name = \"1.35\"\n}\n");
    std::fs::write(&k8s, text).unwrap();
    s.sync();
    let o = plan(&s, "module.observability");
    let t = Sandbox::text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(
        t.contains("Planned version is different from configured version"),
        "{t}"
    );
    assert!(t.contains("modules/observability/main.tf"), "{t}");
    assert!(t.contains("resource_helm_release.go"), "{t}");
    let o = plan(&s, "module.kubernetes_cluster");
    let t = Sandbox::text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(
        t.contains(r#"version "1.35" not found in region fr-par"#),
        "{t}"
    );
    assert!(t.contains("k8s_version_data_source.go"), "{t}");

    // Kapsule: a pinned x.y.z with auto-upgrade on is refused by the CustomizeDiff.
    let text = std::fs::read_to_string(&k8s).unwrap();
    let text = text.replace(
        "data \"scaleway_k8s_version\" \"minor\" {\n  name = \"1.35\"\n}\n",
        "",
    );
    std::fs::write(&k8s, text).unwrap();
    mutate(
        &s.out,
        K8S,
        r#"(?s)(resource "scaleway_k8s_cluster" "this" \{.*?\n\s*)version(\s*)=\s*[^\n]+"#,
        r#"${1}version${2}= "1.35.3""#,
    );
    s.sync();
    let o = plan(&s, "module.kubernetes_cluster");
    let t = Sandbox::text(&o);
    assert!(
        t.contains("only minor version x.y can be used with auto upgrade enabled"),
        "{t}"
    );
    assert!(t.contains("modules/kubernetes_cluster/main.tf"), "{t}");
}

/// Apply-time API rules: IAM without an organization (phase 4), pool root volume under 20 GB,
/// catalogue checks, bucket names; then force-new vs in-place on an applied env.
#[test]
fn apply_time_api_rules_and_replacements() {
    let mut s = Sandbox::new();
    let apply = |s: &Sandbox, target: &str, env: &[(&str, &str)]| {
        s.tf(
            &[
                "apply",
                "-auto-approve",
                "-input=false",
                "-no-color",
                &format!("-target={target}"),
            ],
            env,
        )
    };

    // Defect: IAM resources with no organization and none in the environment.
    let os = tf_file(&s.out, OS);
    let text = std::fs::read_to_string(&os).unwrap();
    let no_org = Regex::new(r"(?m)^\s*organization_id\s*=.*\n").unwrap();
    std::fs::write(&os, no_org.replace_all(&text, "").as_ref()).unwrap();
    s.sync();
    let o = apply(&s, "module.object_storage", &[]);
    let t = Sandbox::text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(t.contains("organization_id is required"), "{t}");
    assert!(t.contains("modules/object_storage/main.tf"), "{t}");
    assert!(t.contains("SCW_DEFAULT_ORGANIZATION_ID"), "{t}");
    // Within: the provider falls back to SCW_DEFAULT_ORGANIZATION_ID.
    let o = apply(&s, "module.object_storage", &[ORG]);
    assert!(o.status.success(), "{}", Sandbox::text(&o));

    // Defect: a pool root volume under 20 GB; an RDB engine the API disabled; a node type
    // that is not in the zone's catalogue; a bucket name Object Storage refuses.
    mutate(
        &s.out,
        K8S,
        r#"root_volume_size_in_gb\s*=\s*[^\n]+"#,
        "root_volume_size_in_gb = 10",
    );
    mutate(
        &s.out,
        PG,
        r#"engine(\s*)=\s*[^\n]+"#,
        r#"engine${1}= "PostgreSQL-12""#,
    );
    mutate(
        &s.out,
        REDIS,
        r#"node_type(\s*)=\s*var\.node_type"#,
        r#"node_type${1}= "RED1-HUGE""#,
    );
    mutate(
        &s.out,
        OS,
        r#"(resource "scaleway_object_bucket" "media" \{\s*\n\s*)name(\s*)=\s*[^\n]+"#,
        r#"${1}name${2}= "Mobi_Media""#,
    );
    s.sync();
    for (target, expect) in [
        (
            "module.kubernetes_cluster",
            "Invalid root volume size: requested size must be at least 20GB, got: 10",
        ),
        (
            "module.postgres",
            r#"engine "PostgreSQL-12" is not available"#,
        ),
        ("module.redis", r#"node_type "RED1-HUGE" is not available"#),
        ("module.object_storage", "InvalidBucketName"),
    ] {
        let o = apply(&s, target, &[ORG]);
        let t = Sandbox::text(&o);
        assert!(!o.status.success(), "{target}: {t}");
        assert!(t.contains(expect), "{target}: {t}");
        assert!(t.contains("Sandbox:"), "{target}: no source in {t}");
    }
}

/// Changing a force-new attribute of an applied env plans `replace`; an in-place one `update`.
#[test]
fn force_new_changes_plan_replace_and_in_place_changes_plan_update() {
    let mut s = Sandbox::new();
    let o = s.tf(
        &[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-target=module.postgres",
            "-target=module.redis",
        ],
        &[ORG],
    );
    assert!(o.status.success(), "{}", Sandbox::text(&o));
    // In place: RDB node type (an UpgradeInstance); force-new: the database name.
    mutate(
        &s.out,
        PG,
        r#"node_type(\s*)=\s*var\.node_type"#,
        r#"node_type${1}= "DB-PRO2-XS""#,
    );
    mutate(
        &s.out,
        PG,
        r#"name(\s*)=\s*var\.db_name"#,
        r#"name${1}= "mobi_renamed""#,
    );
    // CustomizeDiff: Redis standalone -> HA replaces the cluster.
    mutate(
        &s.out,
        REDIS,
        r#"cluster_size(\s*)=\s*[^\n]+"#,
        "cluster_size${1}= 2",
    );
    s.sync();
    let o = s.tf(
        &[
            "plan",
            "-json",
            "-input=false",
            "-lock=false",
            "-target=module.postgres",
            "-target=module.redis",
        ],
        &[ORG],
    );
    let t = stdout(&o);
    let action = |addr: &str| -> String {
        t.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|j| j["type"] == "planned_change")
            .find(|j| j["change"]["resource"]["addr"] == addr)
            .map(|j| {
                j["change"]["action"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .unwrap_or_else(|| panic!("no planned_change for {addr}:\n{t}{}", stderr(&o)))
    };
    assert_eq!(
        action("module.postgres.scaleway_rdb_database.this"),
        "replace"
    );
    assert_eq!(
        action("module.postgres.scaleway_rdb_instance.this"),
        "update"
    );
    assert_eq!(
        action("module.redis.scaleway_redis_cluster.this"),
        "replace"
    );

    // An engine change is a major upgrade, only to a version the instance offers (16 -> 17).
    mutate(
        &s.out,
        PG,
        r#"engine(\s*)=\s*[^\n]+"#,
        r#"engine${1}= "PostgreSQL-15""#,
    );
    s.sync();
    let o = s.tf(
        &[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-target=module.postgres",
        ],
        &[ORG],
    );
    let t = Sandbox::text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(
        t.contains("engine version PostgreSQL-15 is not available for upgrade from PostgreSQL-16. Available versions: [PostgreSQL-17]"),
        "{t}"
    );

    // The pool's upgrade_policy: a 0 is not sent at create, the API default comes back, and the
    // next plan shows the drift (the generated tree sends 1/1 and converges: sandbox_tree tests).
    mutate(
        &s.out,
        K8S,
        r#"(?m)^(\s*)max_unavailable(\s*)=\s*1"#,
        "${1}max_unavailable${2}= 0",
    );
    s.sync();
    let o = s.tf(
        &[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-target=module.kubernetes_cluster",
        ],
        &[ORG],
    );
    assert!(o.status.success(), "{}", Sandbox::text(&o));
    let o = s.tf(
        &[
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            "-lock=false",
            "-target=module.kubernetes_cluster",
        ],
        &[ORG],
    );
    let t = Sandbox::text(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "the zero max_unavailable must show as drift: {t}"
    );
    assert!(t.contains("max_unavailable = 1 -> 0"), "{t}");
}

/// The namespace race of the first full apply: an object created in a namespace nothing makes
/// it wait for fails with the API's message; depending on the namespace passes.
#[test]
fn objects_in_a_namespace_that_does_not_exist_yet_fail_like_the_api() {
    let mut s = Sandbox::new();
    let env = "envs/dev/main.tf";
    mutate(
        &s.out,
        env,
        r#"(module "external_apis" \{[^}]*?namespace\s*=\s*)[^\n]+"#,
        r#"${1}"workers""#,
    );
    s.sync();
    let o = s.tf(
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        &[ORG],
    );
    let t = Sandbox::text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(t.contains(r#"namespaces "workers" not found"#), "{t}");
    assert!(t.contains("modules/external_apis/main.tf"), "{t}");
}

/// A sandboxed tree copied or moved to another folder validates and plans there (its scratch
/// copy came along and still named the old backend path: "Backend configuration changed").
#[test]
fn a_sandboxed_tree_moved_elsewhere_validates_and_plans_there() {
    let first = dev_tree();
    let o = validate_sandbox(first.path());
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let parent = tempfile::tempdir().unwrap();
    let moved = parent.path().join("moved-here");
    std::fs::rename(first.path(), &moved).unwrap();
    let o = validate_sandbox(&moved);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let ws = Workspace::prepare(&moved, "dev", &opts()).expect("sandbox workspace");
    let mut cmd = Command::new(terraform());
    cmd.args([
        "plan",
        "-input=false",
        "-no-color",
        "-target=module.network",
    ])
    .current_dir(ws.env_dir());
    for (k, v) in ws.command_env() {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}
