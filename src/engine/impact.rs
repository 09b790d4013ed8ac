//! Answer → plan impact: what a changed preset will do to the live environment, before anything
//! is written to the user's tree or applied.
//!
//! Two halves, kept apart so the mapping is testable without Terraform:
//! - pure: [`diff_presets`] (the changed keys, old and new values), [`parse_show_json`] (the
//!   resource changes of `terraform show -json PLAN`), [`attribute`] (each resource change back
//!   to the changed keys that feed its module, per [`crate::phases::KEY_FEEDS`], or through the
//!   modules it reads, per [`crate::phases::MODULE_READS`]) and the renderings of an [`Impact`];
//! - IO: [`compute`] renders the candidate preset into a scratch copy under
//!   `DIR/.mobi/impact/<env>/` (the user's tree is never touched), plans it against the env's
//!   current state — the sandbox state with `sandbox`, the real backend otherwise, taking the
//!   state lock as any plan does (never `-lock=false`) — and maps the saved plan; its first
//!   half, [`prepare`], is public so Terraform's own share can be timed on the same command.
//!
//! The baseline is the preset the env was last applied with ([`super::journal::load_applied`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::events::RunEvent;
use crate::phases;
use crate::preset::Preset;
use crate::terraform::{self, Interrupt, TfMessage};

#[derive(Debug, thiserror::Error)]
pub enum ImpactError {
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    #[error("rendering the candidate preset: {0}")]
    Render(#[from] crate::render::RenderError),
    #[error("sandbox: {0}")]
    Sandbox(#[from] crate::sandbox::SandboxError),
    #[error(transparent)]
    Journal(#[from] super::journal::JournalError),
    #[error("`{argv}` failed: {message}")]
    Terraform { argv: String, message: String },
    #[error("terraform show -json: not a plan document ({0})")]
    PlanJson(String),
    #[error("interrupted")]
    Interrupted,
}

/// One changed preset key: `None` on a side where the key does not exist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyChange {
    /// Dotted path (`redis.cluster_size`, `workers.vpod.replicas`, `workers.newkind`).
    pub key: String,
    pub from: Option<Value>,
    pub to: Option<Value>,
}

/// The keys whose values differ between two presets, in preset order. A table present on one
/// side only (a new worker kind) is one change for the whole table.
pub fn diff_presets(old: &Preset, new: &Preset) -> Vec<KeyChange> {
    let a = serde_json::to_value(old).unwrap_or(Value::Null);
    let b = serde_json::to_value(new).unwrap_or(Value::Null);
    let mut out = Vec::new();
    diff_values("", Some(&a), Some(&b), &mut out);
    out
}

fn diff_values(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<KeyChange>) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let mut keys: Vec<&String> = x.keys().collect();
            keys.extend(y.keys().filter(|k| !x.contains_key(*k)));
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                diff_values(&p, x.get(k), y.get(k), out);
            }
        }
        (x, y) if x == y => {}
        // `null` and absent are the same answer (an optional key left out).
        (None | Some(Value::Null), None | Some(Value::Null)) => {}
        (x, y) => out.push(KeyChange {
            key: path.to_string(),
            from: x.filter(|v| !v.is_null()).cloned(),
            to: y.filter(|v| !v.is_null()).cloned(),
        }),
    }
}

/// What Terraform will do to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Replace,
    Delete,
}

impl Action {
    /// From Terraform's `change.actions` list (`["delete","create"]` is a replace).
    pub fn from_actions(actions: &[String]) -> Option<Action> {
        let has = |a: &str| actions.iter().any(|x| x == a);
        Some(match (has("create"), has("delete")) {
            (true, true) => Action::Replace,
            (true, false) => Action::Create,
            (false, true) => Action::Delete,
            _ if has("update") => Action::Update,
            _ => return None,
        })
    }

    /// From a `planned_change` message's `action` of a `-json` stream.
    pub fn from_stream(action: &str) -> Option<Action> {
        Some(match action {
            "create" | "import" => Action::Create,
            "update" => Action::Update,
            "replace" => Action::Replace,
            "delete" => Action::Delete,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Replace => "replace",
            Action::Delete => "delete",
        }
    }
}

/// One resource change of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedChange {
    pub address: String,
    pub resource_type: String,
    pub action: Action,
    /// The attributes that force the replacement (`replace_paths`, each path joined by `.`).
    pub replace_paths: Vec<String>,
    /// The resource's `name` before the change (bucket, cluster, instance names): what a user
    /// types to confirm its replacement. Only known from the saved plan.
    pub name: Option<String>,
}

impl PlannedChange {
    /// A `planned_change` message of the `-json` stream (no replace paths, no name: only the
    /// saved plan has those). `None` for reads and no-ops.
    pub fn from_stream(c: &crate::terraform::json::ResourceChange) -> Option<Self> {
        Some(PlannedChange {
            address: c.resource.addr.clone(),
            resource_type: c.resource.resource_type.clone(),
            action: Action::from_stream(&c.action)?,
            replace_paths: Vec::new(),
            name: None,
        })
    }
}

#[derive(Deserialize)]
struct ShowPlan {
    #[serde(default)]
    resource_changes: Vec<ShowChange>,
}

#[derive(Deserialize)]
struct ShowChange {
    address: String,
    #[serde(default)]
    mode: String,
    #[serde(rename = "type", default)]
    resource_type: String,
    change: ShowChangeBody,
}

#[derive(Deserialize)]
struct ShowChangeBody {
    #[serde(default)]
    actions: Vec<String>,
    #[serde(default)]
    replace_paths: Vec<Vec<Value>>,
    /// Only `name` is read of the prior values; the rest (secrets among them) is skipped.
    #[serde(default)]
    before: Option<BeforeName>,
}

#[derive(Deserialize)]
struct BeforeName {
    #[serde(default)]
    name: Option<Value>,
}

/// The managed resource changes (no-ops and data reads left out) of `terraform show -json PLAN`.
/// Only the addresses, types, actions, replace paths and the prior `name` are read: the plan's
/// other values (secrets among them) are never kept.
pub fn parse_show_json(text: &str) -> Result<Vec<PlannedChange>, ImpactError> {
    let plan: ShowPlan =
        serde_json::from_str(text).map_err(|e| ImpactError::PlanJson(e.to_string()))?;
    Ok(plan
        .resource_changes
        .into_iter()
        .filter_map(|c| {
            let replace_paths = c
                .change
                .replace_paths
                .iter()
                .map(|p| {
                    p.iter()
                        .map(|s| match s {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .collect();
            let name = c
                .change
                .before
                .and_then(|b| b.name)
                .and_then(|n| n.as_str().map(str::to_string));
            planned_change(terraform::planfile::ResourceChange {
                address: c.address,
                mode: if c.mode == "data" { "data" } else { "managed" },
                resource_type: c.resource_type,
                actions: c.change.actions,
                replace_paths,
                prior_name: name,
            })
        })
        .collect())
}

/// The managed resource changes of a saved plan, read from the file itself (see
/// [`terraform::planfile`]); the same list [`parse_show_json`] makes of `show -json`.
pub fn read_saved_plan(
    bytes: &[u8],
) -> Result<Vec<PlannedChange>, terraform::planfile::PlanFileError> {
    let mut planned: Vec<PlannedChange> = terraform::planfile::resource_changes(bytes)?
        .into_iter()
        .filter_map(planned_change)
        .collect();
    // The plan file keeps no order; `show -json` lists by address, and so does this.
    planned.sort_by(|a, b| a.address.cmp(&b.address));
    Ok(planned)
}

/// One change of either reading, data sources and no-ops left out.
fn planned_change(c: terraform::planfile::ResourceChange) -> Option<PlannedChange> {
    if c.mode == "data" {
        return None;
    }
    Some(PlannedChange {
        action: Action::from_actions(&c.actions)?,
        address: c.address,
        resource_type: c.resource_type,
        replace_paths: c.replace_paths.into_iter().map(|p| p.join(".")).collect(),
        name: c.prior_name.filter(|n| !n.is_empty()),
    })
}

/// Resource types whose replacement or deletion loses data: databases, caches, buckets, the
/// cluster and its nodes (with their local volumes), persistent volume claims.
pub const DATA_HOLDING_TYPES: &[&str] = &[
    "scaleway_rdb_instance",
    "scaleway_rdb_database",
    "scaleway_redis_cluster",
    "scaleway_object_bucket",
    "scaleway_k8s_cluster",
    "scaleway_k8s_pool",
    "kubernetes_persistent_volume_claim",
    "kubernetes_persistent_volume_claim_v1",
    "kubernetes_stateful_set",
    "kubernetes_stateful_set_v1",
];

/// Helm releases (by the resource address's last name) that create PVCs. None of the shipped
/// charts do (traefik, cert-manager and k8s-monitoring keep no volume in this tree's values); a
/// chart with `persistence.enabled` goes here.
pub const PVC_RELEASES: &[&str] = &[];

/// Does the resource hold data that a replace or delete would lose?
pub fn holds_data(resource_type: &str, address: &str) -> bool {
    if DATA_HOLDING_TYPES.contains(&resource_type) {
        return true;
    }
    resource_type == "helm_release"
        && address
            .rsplit('.')
            .next()
            .is_some_and(|n| PVC_RELEASES.contains(&n))
}

/// `module.redis.scaleway_redis_cluster.this` → `redis` (the root module of the env).
pub fn module_of(address: &str) -> Option<&str> {
    let rest = address.strip_prefix("module.")?;
    let end = rest.find(['.', '[']).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Why a resource changes: a changed key, fed to its module directly or through the outputs of
/// the module named in `via`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cause {
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// One resource change, mapped back to the answers behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceImpact {
    pub address: String,
    pub resource_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    /// The phase that applies the resource's module.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<u8>,
    pub action: Action,
    /// The attributes forcing a replacement.
    pub forced_by: Vec<String>,
    pub holds_data: bool,
    /// A replace or delete of a resource that holds data.
    pub destructive: bool,
    /// Empty: no changed answer explains it (drift, or a phase not applied yet).
    pub causes: Vec<Cause>,
    /// The resource's name before the change, when the plan says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl ResourceImpact {
    /// What a user types to confirm this change: the resource's own name (as the Scaleway
    /// console shows it), or its address when it has none.
    pub fn confirmation_text(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.address)
    }
}

/// What a candidate preset does to an env.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Impact {
    pub env: String,
    /// The env has an applied preset to compare with (otherwise everything is a creation).
    pub applied: bool,
    pub changes: Vec<KeyChange>,
    pub resources: Vec<ResourceImpact>,
}

/// Maps each planned change to the changed keys behind it (pure).
pub fn attribute(
    env: &str,
    applied: bool,
    changes: Vec<KeyChange>,
    planned: &[PlannedChange],
) -> Impact {
    let fed: Vec<(usize, Vec<&'static str>)> = changes
        .iter()
        .enumerate()
        .map(|(i, c)| (i, phases::modules_fed_by(&c.key)))
        .collect();
    let resources = planned
        .iter()
        .map(|p| {
            let module = module_of(&p.address).map(str::to_string);
            let mut causes = Vec::new();
            if let Some(m) = module.as_deref() {
                for (i, mods) in &fed {
                    if mods.contains(&m) {
                        causes.push(Cause {
                            key: changes[*i].key.clone(),
                            via: None,
                        });
                    }
                }
                if causes.is_empty() {
                    for (i, mods) in &fed {
                        if let Some(up) = mods
                            .iter()
                            .find(|up| phases::modules_downstream_of(up).contains(&m))
                        {
                            causes.push(Cause {
                                key: changes[*i].key.clone(),
                                via: Some(format!("module.{up}")),
                            });
                        }
                    }
                }
            }
            let holds = holds_data(&p.resource_type, &p.address);
            ResourceImpact {
                address: p.address.clone(),
                resource_type: p.resource_type.clone(),
                phase: module
                    .as_deref()
                    .and_then(phases::phase_of_module)
                    .map(|ph| ph.number),
                module,
                action: p.action,
                forced_by: p.replace_paths.clone(),
                holds_data: holds,
                destructive: holds && matches!(p.action, Action::Replace | Action::Delete),
                causes,
                name: p.name.clone(),
            }
        })
        .collect();
    Impact {
        env: env.to_string(),
        applied,
        changes,
        resources,
    }
}

impl Impact {
    /// Does anything replace or delete a resource that holds data?
    pub fn destructive(&self) -> bool {
        self.resources.iter().any(|r| r.destructive)
    }

    /// The destructive changes, for the guard and the summary line.
    pub fn destructive_addresses(&self) -> Vec<&str> {
        self.resources
            .iter()
            .filter(|r| r.destructive)
            .map(|r| r.address.as_str())
            .collect()
    }

    /// One `impact` event per (key, resource); a resource no key explains gets one event with
    /// no key.
    pub fn events(&self) -> Vec<RunEvent> {
        let mut out = Vec::new();
        for r in &self.resources {
            let ev = |key: Option<&str>, change: Option<&KeyChange>, via: Option<&str>| {
                RunEvent::Impact {
                    phase: r.phase,
                    key: key.map(str::to_string),
                    from: change.and_then(|c| c.from.clone()),
                    to: change.and_then(|c| c.to.clone()),
                    address: r.address.clone(),
                    action: r.action,
                    forced_by: (!r.forced_by.is_empty()).then(|| r.forced_by.join(", ")),
                    destructive: r.destructive,
                    via: via.map(str::to_string),
                }
            };
            if r.causes.is_empty() {
                out.push(ev(None, None, None));
            }
            for c in &r.causes {
                let change = self.changes.iter().find(|k| k.key == c.key);
                out.push(ev(Some(&c.key), change, c.via.as_deref()));
            }
        }
        out
    }

    /// Counts by action for one phase (`None`: resources outside the phase modules).
    pub fn counts(&self, phase: Option<u8>) -> BTreeMap<Action, usize> {
        let mut m = BTreeMap::new();
        for r in self.resources.iter().filter(|r| r.phase == phase) {
            *m.entry(r.action).or_insert(0) += 1;
        }
        m
    }

    /// The phases with resource changes, in order (`None` last).
    pub fn phases(&self) -> Vec<Option<u8>> {
        let mut v: Vec<Option<u8>> = self.resources.iter().map(|r| r.phase).collect();
        v.sort_by_key(|p| p.unwrap_or(u8::MAX));
        v.dedup();
        v
    }

    /// The human report, one line per item (no colour: the callers add it).
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.applied {
            out.push(format!(
                "env {} has no applied preset yet: everything is a creation",
                self.env
            ));
            for ph in self.phases() {
                let n = self.resources.iter().filter(|r| r.phase == ph).count();
                out.push(format!(
                    "{}: creates {n} resource{}",
                    phase_label(ph),
                    plural(n)
                ));
            }
            return out;
        }
        if self.changes.is_empty() {
            out.push("no answer differs from the applied preset".into());
        }
        for c in &self.changes {
            let n = self
                .resources
                .iter()
                .filter(|r| r.causes.iter().any(|x| x.key == c.key))
                .count();
            let tail = if n == 0 {
                " (no resource changes)".to_string()
            } else {
                String::new()
            };
            out.push(format!(
                "{}: {} → {}{tail}",
                c.key,
                show_value(c.from.as_ref()),
                show_value(c.to.as_ref())
            ));
        }
        for ph in self.phases() {
            let counts = self
                .counts(ph)
                .into_iter()
                .map(|(a, n)| format!("{n} to {}", a.name()))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(format!("{}: {counts}", phase_label(ph)));
            for r in self.resources.iter().filter(|r| r.phase == ph) {
                let why = r
                    .causes
                    .iter()
                    .map(|c| match &c.via {
                        Some(v) => format!("{} via {v}", c.key),
                        None => c.key.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let why = if why.is_empty() {
                    "not from a changed answer: drift or a phase not applied".to_string()
                } else {
                    why
                };
                out.push(format!("  {}  [{why}]", resource_line(r)));
            }
        }
        if self.destructive() {
            let d = self.destructive_addresses();
            out.push(format!(
                "{} destructive change{}: {}",
                d.len(),
                plural(d.len()),
                d.join(", ")
            ));
        }
        out
    }
}

/// `-/+ REPLACES module.redis.scaleway_redis_cluster.this (cluster_size) — data is lost`.
pub fn resource_line(r: &ResourceImpact) -> String {
    let forced = if r.forced_by.is_empty() {
        String::new()
    } else {
        format!(" ({})", r.forced_by.join(", "))
    };
    match (r.action, r.destructive) {
        (Action::Create, _) => format!("+ create {}", r.address),
        (Action::Update, _) => format!("~ update in place {}", r.address),
        (Action::Replace, true) => format!("-/+ REPLACES {}{forced} — data is lost", r.address),
        (Action::Replace, false) => format!("-/+ replace {}{forced}", r.address),
        (Action::Delete, true) => format!("- DELETES {} — data is lost", r.address),
        (Action::Delete, false) => format!("- delete {}", r.address),
    }
}

/// The human line of an `impact` event (the headless report and the TUI log).
pub fn event_line(ev: &RunEvent) -> Option<String> {
    let RunEvent::Impact {
        key,
        from,
        to,
        address,
        action,
        forced_by,
        destructive,
        via,
        ..
    } = ev
    else {
        return None;
    };
    let r = ResourceImpact {
        address: address.clone(),
        resource_type: String::new(),
        module: None,
        phase: None,
        action: *action,
        forced_by: forced_by.iter().cloned().collect(),
        holds_data: *destructive,
        destructive: *destructive,
        causes: Vec::new(),
        name: None,
    };
    let why = match key {
        Some(k) => {
            let via = via
                .as_ref()
                .map(|v| format!(" via {v}"))
                .unwrap_or_default();
            format!(
                "{k}: {} → {}{via}",
                show_value(from.as_ref()),
                show_value(to.as_ref())
            )
        }
        None => "not from a changed answer".into(),
    };
    Some(format!("{}  [{why}]", resource_line(&r)))
}

/// The blocked phase's line: what would be lost and how to confirm it.
pub fn blocked_line(phase: u8, addresses: &[String]) -> String {
    format!(
        "phase {phase} would replace or delete data: {} (confirm with --allow-replace ADDRESS, or --allow-destroy-data)",
        addresses.join(", ")
    )
}

fn phase_label(p: Option<u8>) -> String {
    match p.and_then(phases::phase) {
        Some(ph) => format!("phase {} {}", ph.number, ph.title),
        None => "outside the phase modules".into(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn show_value(v: Option<&Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(Value::String(s)) => format!("{s:?}"),
        Some(Value::Object(_)) => "{…}".into(),
        Some(other) => other.to_string(),
    }
}

/// What [`compute`] needs.
#[derive(Debug, Clone)]
pub struct ImpactRequest {
    /// The repository root of the env (the tree is `out_dir/infra/terraform`).
    pub out_dir: PathBuf,
    pub candidate: Preset,
    pub sandbox: bool,
    pub terraform_bin: PathBuf,
    /// The mobi-tui binary the sandbox mirror links to (`None`: this executable).
    pub provider_binary: Option<PathBuf>,
    /// Extra environment for Terraform only (the wizard's masked credentials, `TF_VAR_*`).
    pub env: Vec<(String, String)>,
    /// Terraform runs niced: the wizard's plans, which nobody waits on at a prompt (see
    /// [`terraform::Terraform::in_background`]).
    pub background: bool,
}

/// `DIR/.mobi/impact/<env>`: the scratch repository the candidate is rendered into.
pub fn scratch_dir(out_dir: &Path, env: &str) -> PathBuf {
    out_dir.join(".mobi").join("impact").join(env)
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ImpactError + '_ {
    move |e| ImpactError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// A candidate rendered into the scratch copy and initialised, ready to plan: the first half of
/// [`compute`]. Kept apart so that what Terraform alone costs can be measured on exactly the
/// command an impact runs (the `impact_frame` bench's floor).
#[derive(Debug)]
pub struct PreparedPlan {
    env: String,
    baseline: Option<Preset>,
    tf: terraform::Terraform,
    /// `terraform plan -refresh=false -out=…` of the scratch copy against the env's state.
    pub plan: terraform::TfCommand,
    plan_file: PathBuf,
}

/// Renders the candidate into the scratch copy, plans it against the env's current state and
/// maps the plan.
pub async fn compute(req: &ImpactRequest, interrupt: &Interrupt) -> Result<Impact, ImpactError> {
    let prepared = prepare(req, interrupt).await?;
    plan_prepared(prepared, &req.candidate, interrupt).await
}

/// Renders `req.candidate` into the scratch copy (the user's tree is not touched), points the
/// copy at the env's state and initialises it when it is not yet.
pub async fn prepare(
    req: &ImpactRequest,
    interrupt: &Interrupt,
) -> Result<PreparedPlan, ImpactError> {
    let out = std::path::absolute(&req.out_dir).map_err(io_err(&req.out_dir))?;
    let env = req.candidate.project.env.clone();
    let baseline = super::journal::load_applied(&out, &env)?;
    let scratch = scratch_dir(&out, &env);
    std::fs::create_dir_all(&scratch).map_err(io_err(&scratch))?;
    ensure_ignored(&out)?;
    crate::render::generate(
        &req.candidate,
        &scratch,
        crate::render::writer::WriteOptions {
            dry_run: false,
            force: true,
        },
    )?;
    let (env_dir, cmd_env) = if req.sandbox {
        let ws = crate::sandbox::Workspace::prepare(
            &scratch,
            &env,
            &crate::sandbox::WorkspaceOptions {
                reset: false,
                latency: std::time::Duration::ZERO,
                provider_binary: req.provider_binary.clone(),
                // Only a plan runs here; the env's servers belong to the env's own runs.
                data_plane: false,
            },
        )?;
        // The copy's backend points at the env's own sandbox state: the plan reads it (and
        // holds its lock meanwhile); a plan never writes the state.
        let state_dir = out.join(".mobi").join("sandbox").join(&env);
        std::fs::create_dir_all(&state_dir).map_err(io_err(&state_dir))?;
        let state = state_dir.join("terraform.tfstate");
        let override_path = ws
            .env_dir()
            .join(crate::sandbox::workspace::BACKEND_OVERRIDE);
        let text = format!(
            "# Written by mobi-tui's impact plan: the env's sandbox state, read only.\n\
             terraform {{\n  backend \"local\" {{\n    path = {}\n  }}\n}}\n",
            Value::from(state.to_string_lossy().into_owned())
        );
        std::fs::write(&override_path, text).map_err(io_err(&override_path))?;
        (ws.env_dir().to_path_buf(), ws.command_env())
    } else {
        let env_dir = scratch.join(super::TREE_SUBDIR).join("envs").join(&env);
        // The providers the env is locked to, so the scratch init installs the same ones.
        let lock = out
            .join(super::TREE_SUBDIR)
            .join("envs")
            .join(&env)
            .join(".terraform.lock.hcl");
        if lock.exists() {
            let dst = env_dir.join(".terraform.lock.hcl");
            std::fs::copy(&lock, &dst).map_err(io_err(&dst))?;
        }
        (env_dir, Vec::new())
    };
    let mut cmd_env = cmd_env;
    cmd_env.extend(req.env.iter().cloned());
    let tf = terraform::Terraform::new(&req.terraform_bin, &env_dir)
        .with_env(cmd_env)
        .in_background(req.background);
    if !terraform::process::is_initialised(&env_dir) {
        run_checked(&tf.init(true), interrupt).await?;
    }
    let plan_file = scratch.join("impact.tfplan");
    let mut plan = tf.plan(None, Some(&plan_file));
    // No refresh: the impact is what the changed answers do to the state as last applied, and
    // against a real account refreshing every resource is most of a plan's time. Drift made
    // outside Terraform shows in the phase's own plan, which refreshes (and which the guard
    // checks again before any apply).
    plan.args.push("-refresh=false".into());
    // Superseded by the next edit, or the user quits: nothing of this plan is wanted any more,
    // and it writes no state, so Terraform is asked to exit at once (releasing the lock), not
    // to finish a plan nobody will read.
    plan.cancel_outright = true;
    Ok(PreparedPlan {
        env,
        baseline,
        tf,
        plan,
        plan_file,
    })
}

/// Plans a [`prepare`]d copy and maps the planned changes to the keys of `candidate` (the
/// preset it was prepared from).
async fn plan_prepared(
    p: PreparedPlan,
    candidate: &Preset,
    interrupt: &Interrupt,
) -> Result<Impact, ImpactError> {
    let streamed = run_checked(&p.plan, interrupt).await?;
    if !streamed
        .iter()
        .any(|c| matches!(c.action, Action::Replace | Action::Delete))
    {
        // Only a replacement needs the saved plan (`replace_paths`, prior names); the stream
        // already said everything else.
        return Ok(finish(&p.env, p.baseline, candidate, &streamed));
    }
    let planned = saved_plan_changes(&p.tf, &p.plan_file, interrupt).await?;
    Ok(finish(&p.env, p.baseline, candidate, &planned))
}

/// The resource changes of the saved plan `plan_file`, with their replace paths and prior
/// names: read from the file itself, and through `terraform show -json` (another Terraform
/// start with every provider) only when this Terraform writes a format the reader does not
/// know.
pub async fn saved_plan_changes(
    tf: &terraform::Terraform,
    plan_file: &Path,
    interrupt: &Interrupt,
) -> Result<Vec<PlannedChange>, ImpactError> {
    if let Ok(bytes) = std::fs::read(plan_file) {
        if let Ok(planned) = read_saved_plan(&bytes) {
            return Ok(planned);
        }
    }
    let text = terraform::run_capture(&tf.show(Some(plan_file)), interrupt)
        .await
        .map_err(|e| {
            if interrupt.is_requested() {
                ImpactError::Interrupted
            } else {
                ImpactError::Terraform {
                    argv: "terraform show -json".into(),
                    message: e.to_string(),
                }
            }
        })?;
    parse_show_json(&text)
}

fn finish(
    env: &str,
    baseline: Option<Preset>,
    candidate: &Preset,
    planned: &[PlannedChange],
) -> Impact {
    let changes = baseline
        .as_ref()
        .map(|b| diff_presets(b, candidate))
        .unwrap_or_default();
    attribute(env, baseline.is_some(), changes, planned)
}

/// `DIR/.mobi/` keeps itself out of git (the scratch holds a plan, which may hold secrets).
fn ensure_ignored(out: &Path) -> Result<(), ImpactError> {
    let ignore = out.join(".mobi").join(".gitignore");
    if !ignore.exists() {
        std::fs::write(&ignore, "# run state of mobi-tui: never committed\n*\n")
            .map_err(io_err(&ignore))?;
    }
    Ok(())
}

/// Runs a streaming command; fails with its first error diagnostic on one line. Returns the
/// resource changes the stream announced (`planned_change`: no replace paths, no names).
async fn run_checked(
    cmd: &terraform::TfCommand,
    interrupt: &Interrupt,
) -> Result<Vec<PlannedChange>, ImpactError> {
    let mut last = String::new();
    let mut planned = Vec::new();
    let out = terraform::run(
        cmd,
        interrupt,
        terraform::process::DEFAULT_GRACE,
        &mut |m| match m {
            TfMessage::Text(t) if !t.trim().is_empty() => last = t.trim().to_string(),
            TfMessage::PlannedChange(c) => planned.extend(PlannedChange::from_stream(c)),
            _ => {}
        },
    )
    .await
    .map_err(|e| ImpactError::Terraform {
        argv: cmd.argv_display().join(" "),
        message: e.to_string(),
    })?;
    if out.interrupted {
        return Err(ImpactError::Interrupted);
    }
    if out.success(cmd) {
        return Ok(planned);
    }
    let message = match out.first_error() {
        Some(d) => format!("{}{}", d.summary, d.at()),
        None => last,
    };
    Err(ImpactError::Terraform {
        argv: cmd.argv_display().join(" "),
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev() -> Preset {
        let text = include_str!("../../presets/dev.toml");
        crate::preset::parse(text, "dev.toml").unwrap_or_else(|e| panic!("{e}"))
    }

    fn change(addr: &str, ty: &str, action: Action, paths: &[&str]) -> PlannedChange {
        PlannedChange {
            address: addr.into(),
            resource_type: ty.into(),
            action,
            replace_paths: paths.iter().map(|s| s.to_string()).collect(),
            name: None,
        }
    }

    #[test]
    fn diff_names_changed_leaves_and_whole_new_tables() {
        let a = dev();
        let mut b = a.clone();
        b.redis.cluster_size = 2;
        let mut w = b.workers["ipod"].clone();
        w.stream = "media.audio".into();
        b.workers.insert("apod".into(), w);
        let d = diff_presets(&a, &b);
        let keys: Vec<&str> = d.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, vec!["redis.cluster_size", "workers.apod"]);
        assert_eq!(d[0].from, Some(Value::from(1)));
        assert_eq!(d[0].to, Some(Value::from(2)));
        assert!(d[1].from.is_none() && d[1].to.is_some());
        assert!(diff_presets(&a, &a).is_empty());
    }

    #[test]
    fn show_json_is_read_for_actions_and_replace_paths_only() {
        let text = r#"{"format_version":"1.2","resource_changes":[
          {"address":"module.redis.scaleway_redis_cluster.this","mode":"managed","type":"scaleway_redis_cluster",
           "change":{"actions":["delete","create"],"replace_paths":[["cluster_size"]],"before":{"name":"mobi-dev-redis","password":"old"},"after":{"password":"s3cret"}}},
          {"address":"module.app_backend.kubernetes_deployment_v1.this","mode":"managed","type":"kubernetes_deployment_v1",
           "change":{"actions":["update"]}},
          {"address":"module.a.x.y","mode":"managed","type":"x","change":{"actions":["no-op"]}},
          {"address":"data.scaleway_k8s_version.v","mode":"data","type":"scaleway_k8s_version","change":{"actions":["read"]}},
          {"address":"module.b.scaleway_object_bucket.m","mode":"managed","type":"scaleway_object_bucket",
           "change":{"actions":["create","delete"],"replace_paths":[["rule",0,"id"]]}}]}"#;
        let p = parse_show_json(text).unwrap_or_default();
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].action, Action::Replace);
        assert_eq!(p[0].replace_paths, vec!["cluster_size"]);
        assert_eq!(
            p[0].name.as_deref(),
            Some("mobi-dev-redis"),
            "the prior name is read"
        );
        assert_eq!(p[1].name, None);
        assert_eq!(p[1].action, Action::Update);
        assert_eq!(p[2].action, Action::Replace, "create-before-destroy");
        assert_eq!(p[2].replace_paths, vec!["rule.0.id"]);
        assert!(matches!(
            parse_show_json("not json"),
            Err(ImpactError::PlanJson(_))
        ));
    }

    #[test]
    fn changes_are_attributed_to_the_keys_feeding_their_module_or_upstream() {
        let a = dev();
        let mut b = a.clone();
        b.redis.cluster_size = 2;
        let planned = vec![
            change(
                "module.redis.scaleway_redis_cluster.this",
                "scaleway_redis_cluster",
                Action::Replace,
                &["cluster_size"],
            ),
            change(
                "module.app_workers.kubernetes_deployment_v1.this[\"vpod\"]",
                "kubernetes_deployment_v1",
                Action::Update,
                &[],
            ),
            change(
                "module.network.scaleway_vpc.this",
                "scaleway_vpc",
                Action::Update,
                &[],
            ),
        ];
        let imp = attribute("dev", true, diff_presets(&a, &b), &planned);
        let r = &imp.resources;
        assert!(r[0].destructive && r[0].holds_data);
        assert_eq!(r[0].phase, Some(6));
        assert_eq!(
            r[0].causes,
            vec![Cause {
                key: "redis.cluster_size".into(),
                via: None
            }]
        );
        assert_eq!(r[1].causes[0].via.as_deref(), Some("module.redis"));
        assert!(r[2].causes.is_empty(), "network does not read redis");
        assert!(imp.destructive());
        assert_eq!(
            resource_line(&r[0]),
            "-/+ REPLACES module.redis.scaleway_redis_cluster.this (cluster_size) — data is lost"
        );
        let evs = imp.events();
        assert_eq!(evs.len(), 3);
        let v = serde_json::to_value(&evs[0]).unwrap_or_default();
        assert_eq!(v["type"], "impact");
        assert_eq!(v["key"], "redis.cluster_size");
        assert_eq!(v["from"], 1);
        assert_eq!(v["to"], 2);
        assert_eq!(v["action"], "replace");
        assert_eq!(v["forced_by"], "cluster_size");
        assert_eq!(v["destructive"], true);
        insta::assert_snapshot!(imp.lines().join("\n"));
    }

    #[test]
    fn without_an_applied_preset_everything_is_a_creation_per_phase() {
        let planned = vec![
            change(
                "module.network.scaleway_vpc.this",
                "scaleway_vpc",
                Action::Create,
                &[],
            ),
            change(
                "module.network.scaleway_vpc_private_network.this",
                "scaleway_vpc_private_network",
                Action::Create,
                &[],
            ),
            change(
                "module.redis.scaleway_redis_cluster.this",
                "scaleway_redis_cluster",
                Action::Create,
                &[],
            ),
        ];
        let imp = attribute("dev", false, Vec::new(), &planned);
        assert!(!imp.destructive());
        insta::assert_snapshot!(imp.lines().join("\n"));
    }

    #[test]
    fn module_and_data_holding_types() {
        assert_eq!(
            module_of("module.app_workers.kubernetes_deployment_v1.this[\"x\"]"),
            Some("app_workers")
        );
        assert_eq!(module_of("random_id.x"), None);
        assert!(holds_data(
            "scaleway_object_bucket",
            "module.o.scaleway_object_bucket.m"
        ));
        assert!(!holds_data(
            "scaleway_object_bucket_acl",
            "module.o.scaleway_object_bucket_acl.m"
        ));
        assert!(!holds_data(
            "helm_release",
            "module.app_backend.helm_release.traefik"
        ));
    }
}
