//! The phase engine: turns the 14 phases, the preset and the journal into Terraform commands,
//! runs them through [`crate::terraform`], and reports everything as [`RunEvent`]s.
//!
//! The engine decides; the runner executes; the TUI and the headless reporter only render events.
//! Everything the engine does not own is injected, so it can be tested (and used) before those
//! parts exist, and swapped for the sandbox:
//! - [`TreeWriter`]: phase 1, writing the Terraform tree (the generator in `crate::render`);
//! - [`WorkspaceProvider`]: where Terraform runs and with which environment (the real tree, or a
//!   sandbox copy with stand-in providers from `crate::sandbox`);
//! - [`SmokeChecks`]: phase 14 (`crate::checks`);
//! - [`Approver`]: the per-phase "apply this plan?" question (headless prompt, TUI dialog, or
//!   [`AutoApprove`]).
//!
//! Safety rules kept here:
//! - a phase applies only the plan it saved, and only if neither the tree (hash of the `.tf`
//!   files of the env and the modules) nor the state (hash of `state pull`) changed since that
//!   plan was made; otherwise it plans again;
//! - an interrupt stops the run after the current command, which receives SIGINT (see
//!   `terraform::process`), and a lock left behind is recorded with the exact unlock command.

pub mod diagnose;
pub mod events;
pub mod hash;
pub mod impact;
pub mod journal;
pub mod run_lock;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

pub use events::*;
pub use journal::{Journal, JournalError, LockRecord, PhaseRecord};

use crate::phases::{Phase, StepKind, PHASES, PHASE_COUNT};
use crate::preset::Preset;
use crate::terraform::{self, force_unlock_hint, Interrupt, RunOutcome, TfCommand, TfMessage};

/// Errors of the injected parts, kept opaque: the engine only reports their message.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where the Terraform tree lives under the output directory.
pub const TREE_SUBDIR: &str = "infra/terraform";

/// The Scaleway credentials the real providers need (never printed, only named). The
/// organization is among them: the SDK never derives it from the key, and the IAM resources
/// (phase 4) and project creation fail without it.
pub const CREDENTIAL_VARS: [&str; 4] = [
    "SCW_ACCESS_KEY",
    "SCW_SECRET_KEY",
    "SCW_DEFAULT_ORGANIZATION_ID",
    "SCW_DEFAULT_PROJECT_ID",
];

/// The names of the credential variables missing from this process's environment.
pub fn missing_credentials() -> Vec<&'static str> {
    missing_credentials_with(&[])
}

/// Like [`missing_credentials`], also counting the variables the workspace hands to Terraform
/// (the TUI passes credentials typed into masked fields that way, never through its own env).
pub fn missing_credentials_with(extra: &[(String, String)]) -> Vec<&'static str> {
    CREDENTIAL_VARS
        .iter()
        .copied()
        .filter(|v| std::env::var_os(v).is_none_or(|x| x.is_empty()))
        .filter(|v| !extra.iter().any(|(k, x)| k == v && !x.is_empty()))
        .collect()
}

/// Phase 1: writes (or refreshes) the tree for a preset under `out` (the tree goes to
/// `out/infra/terraform`), returning a one-line summary. The generator plugs in here:
/// `|p, path, out| render::generate(p, path, out, opts).map(|r| r.to_string()).map_err(Into::into)`.
pub trait TreeWriter: Send + Sync {
    fn write_tree(
        &self,
        preset: &Preset,
        preset_path: &Path,
        out: &Path,
    ) -> Result<String, BoxError>;
}

impl<F> TreeWriter for F
where
    F: Fn(&Preset, &Path, &Path) -> Result<String, BoxError> + Send + Sync,
{
    fn write_tree(&self, p: &Preset, pp: &Path, out: &Path) -> Result<String, BoxError> {
        self(p, pp, out)
    }
}

/// A tree writer that writes nothing and requires the tree to be there already: for trees
/// written by hand or by an earlier run, and the stand-in until the generator is wired in.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExistingTree;

impl TreeWriter for ExistingTree {
    fn write_tree(&self, preset: &Preset, _: &Path, out: &Path) -> Result<String, BoxError> {
        let env_dir = out.join(TREE_SUBDIR).join("envs").join(&preset.project.env);
        if env_dir.is_dir() {
            Ok(format!("using the existing tree at {}", env_dir.display()))
        } else {
            Err(format!(
                "no Terraform tree at {} (the generator is not wired into this build)",
                env_dir.display()
            )
            .into())
        }
    }
}

/// Where Terraform runs for one env.
#[derive(Debug, Clone)]
pub struct WorkspaceDirs {
    /// The tree root Terraform sees (`…/infra/terraform` or the sandbox's copy of it).
    pub root: PathBuf,
    /// `root/envs/<env>`: the working directory of every command.
    pub env_dir: PathBuf,
    /// Extra environment for Terraform (`TF_CLI_CONFIG_FILE`, `TF_VAR_*`, ...).
    pub env: Vec<(String, String)>,
    pub sandbox: bool,
}

/// Prepares the workspace after phase 1. The sandbox plugs in here:
/// `|root, env| { let ws = Workspace::prepare(root, env, opts)?; Ok(WorkspaceDirs { .. ws.command_env() .. }) }`.
pub trait WorkspaceProvider: Send + Sync {
    fn prepare(&self, tree_root: &Path, env: &str) -> Result<WorkspaceDirs, BoxError>;
}

impl<F> WorkspaceProvider for F
where
    F: Fn(&Path, &str) -> Result<WorkspaceDirs, BoxError> + Send + Sync,
{
    fn prepare(&self, tree_root: &Path, env: &str) -> Result<WorkspaceDirs, BoxError> {
        self(tree_root, env)
    }
}

/// Terraform runs in the tree itself, against the real providers.
#[derive(Debug, Clone, Copy, Default)]
pub struct InPlace;

impl WorkspaceProvider for InPlace {
    fn prepare(&self, root: &Path, env: &str) -> Result<WorkspaceDirs, BoxError> {
        Ok(WorkspaceDirs {
            root: root.to_path_buf(),
            env_dir: root.join("envs").join(env),
            env: Vec::new(),
            sandbox: false,
        })
    }
}

/// Phase 14. Implementations emit one [`RunEvent::Check`] per check and return `Err` with a
/// one-line message when any check failed.
pub trait SmokeChecks: Send + Sync {
    fn run<'a>(
        &'a self,
        preset: &'a Preset,
        ws: &'a WorkspaceDirs,
        interrupt: &'a Interrupt,
        emit: &'a mut (dyn FnMut(RunEvent) + Send),
    ) -> BoxFuture<'a, Result<(), BoxError>>;
}

/// The answer to "apply phase N?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    Apply,
    /// Stop the run here (later phases depend on this one).
    Stop,
}

pub trait Approver: Send + Sync {
    fn approve<'a>(&'a self, phase: &'a Phase, changes: Changes) -> BoxFuture<'a, Approval>;

    /// The phase's plan replaces or deletes resources holding data that the [`Guard`] does not
    /// confirm: return the addresses the user confirms now (the TUI asks for each resource's
    /// name to be typed). Those left out stop the phase as `blocked`. By default none is
    /// confirmed: headless confirmations are flags, given before the run.
    fn confirm_destructive<'a>(
        &'a self,
        _phase: &'a Phase,
        _pending: &'a [impact::ResourceImpact],
    ) -> BoxFuture<'a, Vec<String>> {
        Box::pin(async { Vec::new() })
    }
}

/// Approves everything (`--auto-approve`, tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct AutoApprove;

impl Approver for AutoApprove {
    fn approve<'a>(&'a self, _: &'a Phase, _: Changes) -> BoxFuture<'a, Approval> {
        Box::pin(async { Approval::Apply })
    }
}

/// One "apply phase N?" question sent to a UI by [`ChannelApprover`]; answer on `reply`.
#[derive(Debug)]
pub struct ApprovalRequest {
    pub phase: u8,
    pub title: String,
    pub changes: Changes,
    pub reply: tokio::sync::oneshot::Sender<Approval>,
}

/// Forwards each approval question over a channel (the TUI shows a dialog and replies).
/// A dropped receiver or reply counts as [`Approval::Stop`].
#[derive(Debug, Clone)]
pub struct ChannelApprover {
    tx: tokio::sync::mpsc::UnboundedSender<ApprovalRequest>,
}

impl ChannelApprover {
    pub fn new() -> (Self, tokio::sync::mpsc::UnboundedReceiver<ApprovalRequest>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        (Self { tx }, rx)
    }
}

impl Approver for ChannelApprover {
    fn approve<'a>(&'a self, phase: &'a Phase, changes: Changes) -> BoxFuture<'a, Approval> {
        Box::pin(async move {
            let (reply, answer) = tokio::sync::oneshot::channel();
            let req = ApprovalRequest {
                phase: phase.number,
                title: phase.title.to_string(),
                changes,
                reply,
            };
            if self.tx.send(req).is_err() {
                return Approval::Stop;
            }
            answer.await.unwrap_or(Approval::Stop)
        })
    }
}

/// Which destructive changes an apply may make: a targeted phase whose plan replaces or deletes
/// a resource holding data (see [`impact::holds_data`]) stops as `blocked` unless its address
/// is listed or `allow_destroy_data` is set. The default confirms nothing.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    /// Addresses confirmed for replacement or deletion (`--allow-replace ADDRESS`).
    pub allow_replace: Vec<String>,
    /// Every destructive change confirmed (`--allow-destroy-data`).
    pub allow_destroy_data: bool,
}

impl Guard {
    /// Is this destructive change confirmed?
    pub fn allows(&self, address: &str) -> bool {
        self.allow_destroy_data || self.allow_replace.iter().any(|a| a == address)
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub preset: Preset,
    pub preset_path: PathBuf,
    /// The output directory: the tree goes to `out/infra/terraform`, the journal to `out/.mobi`.
    pub out_dir: PathBuf,
    pub terraform_bin: PathBuf,
    pub from: u8,
    pub to: u8,
    /// Apply each phase's saved plan (otherwise plan only).
    pub apply: bool,
    /// Start at the first phase in `from..=to` that is not done.
    pub resume: bool,
    /// Time Terraform gets after SIGINT before its process group is killed.
    pub grace: Duration,
    /// Refuse to go past phase 1 without the Scaleway credentials (false in the sandbox).
    pub require_credentials: bool,
    /// The workspace is the sandbox (reported in `run_start`).
    pub sandbox: bool,
}

/// The engine for one run. Cheap to build; [`Engine::run`] does the work.
pub struct Engine {
    cfg: RunConfig,
    tree: Box<dyn TreeWriter>,
    workspace: Box<dyn WorkspaceProvider>,
    checks: Option<Box<dyn SmokeChecks>>,
    approver: Box<dyn Approver>,
    guard: Guard,
}

impl Engine {
    pub fn new(
        mut cfg: RunConfig,
        tree: Box<dyn TreeWriter>,
        workspace: Box<dyn WorkspaceProvider>,
    ) -> Self {
        // Terraform runs inside the env dir, so every path handed to it (plan files, state) must
        // not depend on the caller's working directory: `--out target/x` is made absolute here.
        if let Ok(abs) = std::path::absolute(&cfg.out_dir) {
            cfg.out_dir = abs;
        }
        Self {
            cfg,
            tree,
            workspace,
            checks: None,
            approver: Box::new(AutoApprove),
            guard: Guard::default(),
        }
    }

    /// The destructive changes this run may apply (by default none).
    pub fn with_guard(mut self, guard: Guard) -> Self {
        self.guard = guard;
        self
    }

    pub fn with_checks(mut self, checks: Box<dyn SmokeChecks>) -> Self {
        self.checks = Some(checks);
        self
    }

    pub fn with_approver(mut self, approver: Box<dyn Approver>) -> Self {
        self.approver = approver;
        self
    }

    /// Run on its own task, for the TUI: events arrive on the receiver (the last one is the
    /// `Summary`), the handle yields the status. Ask it to stop with `interrupt.request()`.
    pub fn spawn(
        self,
        interrupt: Interrupt,
    ) -> (
        tokio::task::JoinHandle<RunStatus>,
        tokio::sync::mpsc::UnboundedReceiver<RunEvent>,
    ) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let handle = tokio::spawn(async move {
            self.run(&interrupt, &mut |ev| {
                let _ = tx.send(ev);
            })
            .await
        });
        (handle, rx)
    }

    pub fn journal_path(&self) -> PathBuf {
        Journal::path(&self.cfg.out_dir, &self.cfg.preset.project.env)
    }

    /// Run the phases, reporting through `emit`; the last event is always a `Summary`.
    pub async fn run(
        &self,
        interrupt: &Interrupt,
        emit: &mut (dyn FnMut(RunEvent) + Send),
    ) -> RunStatus {
        let mut run = Run {
            engine: self,
            interrupt,
            emit,
            counts: [0; 4],
            journal: Journal::default(),
            ws: None,
            commands: Vec::new(),
            planned: Vec::new(),
            baseline: None,
        };
        let (status, message) = match run.run_phases().await {
            Ok(s) => (s, None),
            Err(Stop { status, message }) => (status, Some(message)),
        };
        let journal = self.journal_path().display().to_string();
        let [ok, failed, skipped, interrupted] = run.counts;
        (run.emit)(RunEvent::Summary {
            status,
            exit_code: status.exit_code(),
            ok,
            failed,
            skipped,
            interrupted,
            message,
            journal,
        });
        status
    }
}

/// Ends the run early with a status and a one-line message.
struct Stop {
    status: RunStatus,
    message: String,
}

fn stop(status: RunStatus, message: impl Into<String>) -> Stop {
    Stop {
        status,
        message: message.into(),
    }
}

/// How one phase ended.
struct PhaseResult {
    status: PhaseStatus,
    changes: Changes,
    reason: Option<String>,
    applied: bool,
    plan_file: Option<PathBuf>,
    state_hash: Option<String>,
    /// Stop the run after this phase with this status.
    halt: Option<RunStatus>,
}

impl PhaseResult {
    fn ok(changes: Changes, applied: bool) -> Self {
        Self {
            status: PhaseStatus::Ok,
            changes,
            reason: None,
            applied,
            plan_file: None,
            state_hash: None,
            halt: None,
        }
    }
    fn skipped(reason: impl Into<String>) -> Self {
        Self {
            status: PhaseStatus::Skipped,
            reason: Some(reason.into()),
            ..Self::ok(Changes::default(), false)
        }
    }
    fn failed(reason: impl Into<String>) -> Self {
        Self {
            status: PhaseStatus::Failed,
            reason: Some(reason.into()),
            halt: Some(RunStatus::Failed),
            ..Self::ok(Changes::default(), false)
        }
    }
    fn interrupted() -> Self {
        Self {
            status: PhaseStatus::Interrupted,
            reason: Some("interrupted".into()),
            halt: Some(RunStatus::Interrupted),
            ..Self::ok(Changes::default(), false)
        }
    }
}

/// The state of one run in progress.
struct Run<'a> {
    engine: &'a Engine,
    interrupt: &'a Interrupt,
    emit: &'a mut (dyn FnMut(RunEvent) + Send),
    /// ok, failed, skipped, interrupted
    counts: [u32; 4],
    journal: Journal,
    ws: Option<WorkspaceDirs>,
    /// Command lines of the phase in progress (for the journal).
    commands: Vec<Vec<String>>,
    /// The resource changes of the last plan (from its `planned_change` messages).
    planned: Vec<impact::PlannedChange>,
    /// The preset the env was last applied with, as it was when this run started.
    baseline: Option<Preset>,
}

impl Run<'_> {
    fn cfg(&self) -> &RunConfig {
        &self.engine.cfg
    }

    fn env(&self) -> &str {
        &self.engine.cfg.preset.project.env
    }

    fn tree_root(&self) -> PathBuf {
        self.cfg().out_dir.join(TREE_SUBDIR)
    }

    async fn run_phases(&mut self) -> Result<RunStatus, Stop> {
        let cfg = self.cfg().clone();
        if cfg.from < 1 || cfg.to > PHASE_COUNT || cfg.from > cfg.to {
            return Err(stop(
                RunStatus::Refused,
                format!(
                    "--from {} --to {}: phases are numbered 1 to {PHASE_COUNT}, from <= to",
                    cfg.from, cfg.to
                ),
            ));
        }
        self.journal = Journal::load(&cfg.out_dir, self.env())
            .map_err(|e| stop(RunStatus::Refused, e.to_string()))?;
        self.baseline = journal::load_applied(&cfg.out_dir, self.env())
            .map_err(|e| stop(RunStatus::Refused, e.to_string()))?;
        let env = self.env().to_string();
        (self.emit)(RunEvent::RunStart {
            env,
            dir: cfg.out_dir.display().to_string(),
            mode: if cfg.apply {
                RunMode::Apply
            } else {
                RunMode::Plan
            },
            from: cfg.from,
            to: cfg.to,
            terraform: cfg.terraform_bin.display().to_string(),
            sandbox: cfg.sandbox,
        });
        if let Some(lock) = &self.journal.lock {
            (self.emit)(RunEvent::Note {
                phase: lock.phase,
                message: format!(
                    "the last run left state lock {} behind; if no Terraform is running, release it with: {}",
                    lock.id, lock.command
                ),
            });
        }

        // Phase 1 is cheap and idempotent: when it is not part of this run, the tree is still
        // refreshed (silently), so hashes below describe what Terraform will actually see.
        if cfg.from > 1 || cfg.resume {
            self.engine
                .tree
                .write_tree(&cfg.preset, &cfg.preset_path, &cfg.out_dir)
                .map_err(|e| stop(RunStatus::Failed, format!("phase 1: {e}")))?;
        }

        let mut start = cfg.from;
        if cfg.resume {
            self.ensure_workspace()?;
            start = cfg.to + 1;
            for p in &PHASES[usize::from(cfg.from - 1)..usize::from(cfg.to)] {
                let inputs = self.inputs_hash(p);
                if !self
                    .journal
                    .is_done(p.number, &inputs, cfg.apply && p.applies())
                {
                    start = p.number;
                    break;
                }
            }
            (self.emit)(RunEvent::Resume { phase: start });
            if start > cfg.to {
                return Ok(RunStatus::Ok);
            }
        }

        let mut initialised = false;
        for p in &PHASES[usize::from(start - 1)..usize::from(cfg.to)] {
            if self.interrupt.is_requested() {
                return Err(stop(RunStatus::Interrupted, "interrupted"));
            }
            if p.number >= 2 {
                self.ensure_workspace()?;
                if cfg.require_credentials && !self.ws.as_ref().is_some_and(|w| w.sandbox) {
                    let missing = missing_credentials_with(
                        self.ws.as_ref().map(|w| w.env.as_slice()).unwrap_or(&[]),
                    );
                    if !missing.is_empty() {
                        return Err(stop(
                            RunStatus::Refused,
                            format!(
                                "missing Scaleway credentials: {} (export them, or use --sandbox to run against stand-in providers)",
                                missing.join(", ")
                            ),
                        ));
                    }
                }
            }
            let started = Instant::now();
            let started_at = journal::now();
            (self.emit)(RunEvent::PhaseStart {
                phase: p.number,
                title: p.title.to_string(),
                module: p.module.map(str::to_string),
            });
            self.commands.clear();
            let needs_init = p.number > 2
                && p.number < 14
                && !initialised
                && !self
                    .ws
                    .as_ref()
                    .is_some_and(|w| terraform::process::is_initialised(&w.env_dir));
            let result = if needs_init {
                match self.step_init(p.number).await {
                    Ok(()) => self.run_phase(p).await,
                    Err(r) => r,
                }
            } else {
                self.run_phase(p).await
            };
            if p.number >= 2 && result.status == PhaseStatus::Ok {
                initialised = true;
            }
            let blocked = (result.status == PhaseStatus::Blocked)
                .then(|| result.reason.clone().unwrap_or_default());
            let halt = self.finish_phase(p, result, started, started_at)?;
            if let Some(status) = halt {
                return Err(stop(
                    status,
                    match status {
                        _ if blocked.is_some() => format!(
                            "phase {} ({}) blocked: {}",
                            p.number,
                            p.title,
                            blocked.unwrap_or_default()
                        ),
                        RunStatus::Interrupted => format!("interrupted in phase {}", p.number),
                        RunStatus::Stopped => {
                            format!("stopped at phase {}: not approved", p.number)
                        }
                        _ => format!("phase {} ({}) failed", p.number, p.title),
                    },
                ));
            }
        }
        Ok(RunStatus::Ok)
    }

    /// Record the phase in the journal and emit its end. Returns the halt status, if any.
    fn finish_phase(
        &mut self,
        p: &Phase,
        r: PhaseResult,
        started: Instant,
        started_at: String,
    ) -> Result<Option<RunStatus>, Stop> {
        let idx = match r.status {
            PhaseStatus::Ok => 0,
            PhaseStatus::Failed | PhaseStatus::Blocked => 1,
            PhaseStatus::Skipped => 2,
            PhaseStatus::Interrupted => 3,
        };
        self.counts[idx] += 1;
        let tree_hash = self
            .ws
            .as_ref()
            .and_then(|w| hash::tree_hash(&w.root, &w.env_dir).ok())
            .unwrap_or_default();
        let plan_hash = r.plan_file.as_deref().and_then(|f| hash::hash_file(f).ok());
        if r.applied && !r.changes.is_zero() {
            self.journal.invalidate_after(p.number);
        }
        let prev_applied = self
            .journal
            .phases
            .get(&p.number)
            .is_some_and(|x| x.applied && !x.stale);
        self.journal.phases.insert(
            p.number,
            PhaseRecord {
                status: r.status,
                applied: r.applied || (prev_applied && r.status == PhaseStatus::Skipped),
                stale: false,
                inputs_hash: self.inputs_hash(p),
                tree_hash,
                plan_file: r.plan_file.as_ref().map(|f| f.display().to_string()),
                plan_hash,
                state_hash: r.state_hash.clone(),
                commands: std::mem::take(&mut self.commands),
                changes: r.changes,
                reason: r.reason.clone(),
                started_at,
                ended_at: journal::now(),
            },
        );
        let mut saved = self.journal.save(&self.cfg().out_dir);
        // The baseline of `mobi-tui impact`: the preset whose changes are now in the state.
        if saved.is_ok()
            && self.cfg().apply
            && r.applied
            && r.status == PhaseStatus::Ok
            && p.applies()
        {
            saved = journal::save_applied(&self.cfg().out_dir, &self.cfg().preset);
        }
        (self.emit)(RunEvent::PhaseEnd {
            phase: p.number,
            status: r.status,
            changes: r.changes,
            reason: r.reason,
            elapsed_s: secs(started.elapsed()),
        });
        saved.map_err(|e| stop(RunStatus::Failed, e.to_string()))?;
        Ok(r.halt)
    }

    fn ensure_workspace(&mut self) -> Result<(), Stop> {
        if self.ws.is_none() {
            let ws = self
                .engine
                .workspace
                .prepare(&self.tree_root(), self.env())
                .map_err(|e| stop(RunStatus::Failed, format!("workspace: {e}")))?;
            self.ws = Some(ws);
        }
        Ok(())
    }

    fn ws(&self) -> Result<&WorkspaceDirs, PhaseResult> {
        self.ws
            .as_ref()
            .ok_or_else(|| PhaseResult::failed("workspace not prepared"))
    }

    fn tf(&self) -> Result<terraform::Terraform, PhaseResult> {
        let ws = self.ws()?;
        Ok(
            terraform::Terraform::new(&self.cfg().terraform_bin, &ws.env_dir)
                .with_env(ws.env.clone()),
        )
    }

    /// Hash of what a phase depends on: its preset sections and its module's files (or, for the
    /// phases without a module, the whole tree).
    fn inputs_hash(&self, p: &Phase) -> String {
        let preset = hash::preset_sections_hash(&self.cfg().preset, p.preset_sections);
        let tree = match (&self.ws, p.module) {
            (Some(ws), Some(m)) => {
                hash::hash_dirs(&ws.root, &[ws.root.join("modules").join(m)]).unwrap_or_default()
            }
            (Some(ws), None) if p.number >= 13 => {
                hash::tree_hash(&ws.root, &ws.env_dir).unwrap_or_default()
            }
            _ => String::new(),
        };
        hash::combine(&[&preset, &tree])
    }

    async fn run_phase(&mut self, p: &Phase) -> PhaseResult {
        match p.number {
            1 => self.phase_write_tree(p).await,
            2 => match self.step_init(p.number).await {
                Ok(()) => PhaseResult::ok(Changes::default(), true),
                Err(r) => r,
            },
            13 => self.phase_converge(p).await,
            14 => self.phase_checks(p).await,
            _ => self.phase_targeted(p).await,
        }
    }

    fn step_start(&mut self, phase: u8, step: StepKind, cmd: Option<&TfCommand>) {
        let argv = cmd.map(TfCommand::argv_display);
        if let Some(a) = &argv {
            self.commands.push(a.clone());
        }
        (self.emit)(RunEvent::StepStart {
            phase,
            step: step.name().to_string(),
            argv,
        });
    }

    fn step_end(
        &mut self,
        phase: u8,
        step: StepKind,
        status: StepStatus,
        started: Instant,
        changes: Option<Changes>,
        message: Option<String>,
    ) {
        (self.emit)(RunEvent::StepEnd {
            phase,
            step: step.name().to_string(),
            status,
            elapsed_s: secs(started.elapsed()),
            changes,
            message,
        });
    }

    /// Run one Terraform command as a step, translating its messages into events.
    async fn exec(
        &mut self,
        phase: u8,
        step: StepKind,
        cmd: &TfCommand,
    ) -> Result<RunOutcome, PhaseResult> {
        let started = Instant::now();
        self.step_start(phase, step, Some(cmd));
        let interrupt = self.interrupt;
        let grace = self.cfg().grace;
        let emit = &mut *self.emit;
        let mut starts: HashMap<String, Instant> = HashMap::new();
        // An apply repeats its plan's `planned_change` lines; the plan step already reported them.
        let replaying_plan = step == StepKind::Apply;
        let sandbox = self.ws.as_ref().is_some_and(|w| w.sandbox);
        let mut planned: Vec<impact::PlannedChange> = Vec::new();
        let mut on_msg = |m: &TfMessage| {
            if replaying_plan && matches!(m, TfMessage::PlannedChange(_)) {
                return;
            }
            if let TfMessage::PlannedChange(c) = m {
                if let Some(action) = impact::Action::from_stream(&c.action) {
                    planned.push(impact::PlannedChange {
                        address: c.resource.addr.clone(),
                        resource_type: c.resource.resource_type.clone(),
                        action,
                        replace_paths: Vec::new(),
                        name: None,
                    });
                }
            }
            if sandbox && is_sandbox_noise(m) {
                return;
            }
            if let Some(ev) = translate(phase, m, &mut starts) {
                emit(ev);
            }
        };
        let res = terraform::run(cmd, interrupt, grace, &mut on_msg).await;
        if !replaying_plan {
            self.planned = planned;
        }
        let out = match res {
            Ok(o) => o,
            Err(e) => {
                let msg = e.to_string();
                self.step_end(
                    phase,
                    step,
                    StepStatus::Failed,
                    started,
                    None,
                    Some(msg.clone()),
                );
                return Err(PhaseResult::failed(msg));
            }
        };
        if let Some(id) = &out.lock_id {
            let command = force_unlock_hint(&self.cfg().terraform_bin, &cmd.cwd, id);
            (self.emit)(RunEvent::LockLeft {
                phase,
                lock_id: id.clone(),
                command: command.clone(),
            });
            self.journal.lock = Some(LockRecord {
                id: id.clone(),
                command,
                phase,
            });
        } else if out.success(cmd) {
            self.journal.lock = None;
        }
        let changes = out.summary.map(Changes::from);
        if out.killed {
            (self.emit)(RunEvent::Note {
                phase,
                message:
                    "Terraform did not stop in time and was killed; a state lock may be left behind"
                        .into(),
            });
        }
        if out.interrupted {
            self.step_end(phase, step, StepStatus::Interrupted, started, changes, None);
            return Err(PhaseResult::interrupted());
        }
        if !out.success(cmd) {
            let msg = failure_message(cmd, &out, &self.cfg().preset);
            self.step_end(
                phase,
                step,
                StepStatus::Failed,
                started,
                changes,
                Some(msg.clone()),
            );
            return Err(PhaseResult::failed(msg));
        }
        self.step_end(phase, step, StepStatus::Ok, started, changes, None);
        Ok(out)
    }

    async fn step_init(&mut self, phase: u8) -> Result<(), PhaseResult> {
        let cmd = self.tf()?.init(true);
        self.exec(phase, StepKind::Init, &cmd).await.map(|_| ())
    }

    async fn phase_write_tree(&mut self, p: &Phase) -> PhaseResult {
        let started = Instant::now();
        self.step_start(p.number, StepKind::WriteTree, None);
        let cfg = self.cfg().clone();
        match self
            .engine
            .tree
            .write_tree(&cfg.preset, &cfg.preset_path, &cfg.out_dir)
        {
            Ok(summary) => {
                self.step_end(
                    p.number,
                    StepKind::WriteTree,
                    StepStatus::Ok,
                    started,
                    None,
                    Some(summary),
                );
                PhaseResult::ok(Changes::default(), true)
            }
            Err(e) => {
                let msg = e.to_string();
                self.step_end(
                    p.number,
                    StepKind::WriteTree,
                    StepStatus::Failed,
                    started,
                    None,
                    Some(msg.clone()),
                );
                PhaseResult::failed(msg)
            }
        }
    }

    /// Is `module "<m>"` declared in the env's root configuration?
    fn module_present(&self, m: &str) -> bool {
        let Some(ws) = &self.ws else { return false };
        let Ok(re) =
            regex::Regex::new(&format!(r#"(?m)^\s*module\s+"{}"\s*\{{"#, regex::escape(m)))
        else {
            return false;
        };
        std::fs::read_dir(&ws.env_dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "tf"))
            .any(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| re.is_match(&t)))
    }

    /// Hash of the state as Terraform sees it now.
    async fn state_hash(&mut self) -> Result<String, PhaseResult> {
        let ws = self.ws()?;
        let local = ws.env_dir.join("terraform.tfstate");
        let backend_cfg = ws.env_dir.join(".terraform").join("terraform.tfstate");
        // With the default local backend the state is a file we can hash directly (no process);
        // with any configured backend, ask Terraform.
        if !backend_cfg.exists() {
            return Ok(if local.exists() {
                hash::hash_file(&local).unwrap_or_default()
            } else {
                hash::hash_bytes(b"")
            });
        }
        let cmd = self.tf()?.state_pull();
        match terraform::run_capture(&cmd, self.interrupt).await {
            Ok(text) => Ok(hash::state_text_hash(&text)),
            Err(_) if self.interrupt.is_requested() => Err(PhaseResult::interrupted()),
            Err(e) => Err(PhaseResult::failed(format!("reading the state: {e}"))),
        }
    }

    fn plan_path(&self, p: &Phase) -> PathBuf {
        self.cfg()
            .out_dir
            .join(".mobi")
            .join("plans")
            .join(self.env())
            .join(format!(
                "phase-{:02}-{}.tfplan",
                p.number,
                p.module.unwrap_or("all")
            ))
    }

    fn current_tree_hash(&self) -> String {
        self.ws
            .as_ref()
            .and_then(|w| hash::tree_hash(&w.root, &w.env_dir).ok())
            .unwrap_or_default()
    }

    /// Plan with `-out`, recording the tree and state hashes the plan was made from.
    async fn plan_saved(
        &mut self,
        p: &Phase,
        step: StepKind,
        target: Option<&str>,
    ) -> Result<(RunOutcome, PathBuf, String, String), PhaseResult> {
        let file = self.plan_path(p);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| PhaseResult::failed(format!("{}: {e}", dir.display())))?;
        }
        let tree = self.current_tree_hash();
        let state = self.state_hash().await?;
        let cmd = self.tf()?.plan(target, Some(&file));
        let out = self.exec(p.number, step, &cmd).await?;
        Ok((out, file, tree, state))
    }

    async fn phase_targeted(&mut self, p: &Phase) -> PhaseResult {
        let (Some(module), Some(target)) = (p.module, p.target()) else {
            return PhaseResult::skipped("no module");
        };
        if !self.module_present(module) {
            return PhaseResult::skipped(format!(
                "{target} is not in the tree (no module \"{module}\" in envs/{})",
                self.env()
            ));
        }
        let apply = self.cfg().apply;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (out, file, tree, state) = match self
                .plan_saved(p, StepKind::Plan, Some(&target))
                .await
            {
                Ok(x) => x,
                Err(r) if r.status == PhaseStatus::Failed && !apply => {
                    return match self.upstream_not_applied(p) {
                            Some(up) => PhaseResult::skipped(format!(
                                "upstream phase {up} is not applied yet, so this plan could not be made: {}",
                                r.reason.unwrap_or_default()
                            )),
                            None => r,
                        };
                }
                Err(r) => return r,
            };
            let changes = out.summary.map(Changes::from).unwrap_or_default();
            // `-detailed-exitcode`: 0 = the state already matches this target's configuration.
            let has_changes = out.exit_code == Some(2);
            let unconfirmed = if has_changes {
                match self.phase_impact(p, &file).await {
                    Ok(u) => u,
                    Err(r) => return r,
                }
            } else {
                Vec::new()
            };
            let mut unconfirmed = unconfirmed;
            if apply && !unconfirmed.is_empty() {
                let confirmed = self
                    .engine
                    .approver
                    .confirm_destructive(p, &unconfirmed)
                    .await;
                if self.interrupt.is_requested() {
                    return PhaseResult::interrupted();
                }
                unconfirmed.retain(|r| !confirmed.contains(&r.address));
            }
            if apply && !unconfirmed.is_empty() {
                let addresses: Vec<String> =
                    unconfirmed.iter().map(|r| r.address.clone()).collect();
                (self.emit)(RunEvent::Blocked {
                    phase: p.number,
                    addresses: addresses.clone(),
                });
                return PhaseResult {
                    status: PhaseStatus::Blocked,
                    reason: Some(impact::blocked_line(p.number, &addresses)),
                    halt: Some(RunStatus::Failed),
                    plan_file: Some(file),
                    state_hash: Some(state),
                    ..PhaseResult::ok(changes, false)
                };
            }
            if !apply || !has_changes {
                let mut r = PhaseResult::ok(changes, !has_changes);
                r.plan_file = Some(file);
                r.state_hash = Some(state);
                return r;
            }
            match self.engine.approver.approve(p, changes).await {
                Approval::Apply => {}
                Approval::Stop if self.interrupt.is_requested() => {
                    return PhaseResult::interrupted()
                }
                Approval::Stop => {
                    let mut r = PhaseResult::skipped("not approved");
                    r.halt = Some(RunStatus::Stopped);
                    return r;
                }
            }
            if self.interrupt.is_requested() {
                return PhaseResult::interrupted();
            }
            // The plan is applied only if nothing it was made from has moved.
            let tree_now = self.current_tree_hash();
            let state_now = match self.state_hash().await {
                Ok(s) => s,
                Err(r) => return r,
            };
            if tree_now != tree || state_now != state {
                let what = if tree_now != tree {
                    "the tree"
                } else {
                    "the state"
                };
                if attempts >= 3 {
                    return PhaseResult::failed(format!(
                        "{what} keeps changing while planning; is another Terraform running?"
                    ));
                }
                (self.emit)(RunEvent::Note {
                    phase: p.number,
                    message: format!("{what} changed since the plan was made: planning again"),
                });
                continue;
            }
            let cmd = match self.tf() {
                Ok(tf) => tf.apply_saved(&file),
                Err(r) => return r,
            };
            let out = match self.exec(p.number, StepKind::Apply, &cmd).await {
                Ok(o) => o,
                Err(r) => return r,
            };
            let mut r = PhaseResult::ok(out.summary.map(Changes::from).unwrap_or(changes), true);
            r.plan_file = Some(file);
            r.state_hash = self.state_hash().await.ok();
            return r;
        }
    }

    /// The impact of a phase's saved plan: emitted as `impact` events (when the env has an
    /// applied preset to compare with), and the destructive changes the guard does not confirm.
    async fn phase_impact(
        &mut self,
        p: &Phase,
        file: &Path,
    ) -> Result<Vec<impact::ResourceImpact>, PhaseResult> {
        let mut planned = std::mem::take(&mut self.planned);
        if planned
            .iter()
            .any(|c| matches!(c.action, impact::Action::Replace | impact::Action::Delete))
        {
            // Only the saved plan says which attributes force a replacement.
            let cmd = self.tf()?.show(Some(file));
            match terraform::run_capture(&cmd, self.interrupt).await {
                Ok(text) => {
                    if let Ok(full) = impact::parse_show_json(&text) {
                        planned = full;
                    }
                }
                Err(_) if self.interrupt.is_requested() => return Err(PhaseResult::interrupted()),
                Err(e) => (self.emit)(RunEvent::Note {
                    phase: p.number,
                    message: format!("reading the saved plan for its impact: {e}"),
                }),
            }
        }
        let changes = self
            .baseline
            .as_ref()
            .map(|b| impact::diff_presets(b, &self.cfg().preset))
            .unwrap_or_default();
        let imp = impact::attribute(self.env(), self.baseline.is_some(), changes, &planned);
        if imp.applied {
            for ev in imp.events() {
                (self.emit)(ev);
            }
        }
        let guard = &self.engine.guard;
        Ok(imp
            .resources
            .into_iter()
            .filter(|r| r.destructive && !guard.allows(&r.address))
            .collect())
    }

    /// The first earlier targeted phase whose changes are not in the state yet.
    fn upstream_not_applied(&self, p: &Phase) -> Option<u8> {
        PHASES[2..usize::from(p.number - 1)]
            .iter()
            .filter(|u| u.module.is_some_and(|m| self.module_present(m)))
            .find(|u| {
                !self
                    .journal
                    .phases
                    .get(&u.number)
                    .is_some_and(|r| r.applied && !r.stale)
            })
            .map(|u| u.number)
    }

    async fn phase_converge(&mut self, p: &Phase) -> PhaseResult {
        // fmt -check over the whole tree.
        let root = match self.ws() {
            Ok(ws) => ws.root.clone(),
            Err(r) => return r,
        };
        let cmd = match self.tf() {
            Ok(tf) => tf.fmt_check(&root),
            Err(r) => return r,
        };
        let started = Instant::now();
        self.step_start(p.number, StepKind::FmtCheck, Some(&cmd));
        match terraform::run(&cmd, self.interrupt, self.cfg().grace, &mut |_| {}).await {
            Ok(o) if o.interrupted => return PhaseResult::interrupted(),
            Ok(o) if o.exit_code == Some(0) => self.step_end(
                p.number,
                StepKind::FmtCheck,
                StepStatus::Ok,
                started,
                None,
                None,
            ),
            Ok(o) => {
                let files: Vec<&str> = o.stdout.lines().filter(|l| !l.trim().is_empty()).collect();
                let msg = if files.is_empty() {
                    "terraform fmt -check failed".to_string()
                } else {
                    format!(
                        "not formatted (run terraform fmt -recursive): {}",
                        files.join(", ")
                    )
                };
                self.step_end(
                    p.number,
                    StepKind::FmtCheck,
                    StepStatus::Failed,
                    started,
                    None,
                    Some(msg.clone()),
                );
                return PhaseResult::failed(msg);
            }
            Err(e) => return PhaseResult::failed(e.to_string()),
        }

        // validate every env present (init without backend where not initialised yet).
        let mut envs: Vec<PathBuf> = std::fs::read_dir(root.join("envs"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|d| d.is_dir())
            .collect();
        envs.sort();
        for dir in envs {
            let ws_env = match self.ws() {
                Ok(ws) => ws.env.clone(),
                Err(r) => return r,
            };
            let tf = terraform::Terraform::new(&self.cfg().terraform_bin, &dir).with_env(ws_env);
            if !terraform::process::is_initialised(&dir) {
                if let Err(r) = self.exec(p.number, StepKind::Init, &tf.init(false)).await {
                    return r;
                }
            }
            let cmd = tf.validate();
            let started = Instant::now();
            self.step_start(p.number, StepKind::ValidateAll, Some(&cmd));
            let out =
                match terraform::run(&cmd, self.interrupt, self.cfg().grace, &mut |_| {}).await {
                    Ok(o) if o.interrupted => return PhaseResult::interrupted(),
                    Ok(o) => o,
                    Err(e) => return PhaseResult::failed(e.to_string()),
                };
            let report: Option<terraform::json::ValidateReport> =
                serde_json::from_str(&out.stdout).ok();
            let valid = report.as_ref().is_some_and(|r| r.valid);
            for d in report.iter().flat_map(|r| r.diagnostics.iter()) {
                (self.emit)(diag_event(p.number, d));
            }
            let env_name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !valid {
                let msg = format!("envs/{env_name} is not valid");
                self.step_end(
                    p.number,
                    StepKind::ValidateAll,
                    StepStatus::Failed,
                    started,
                    None,
                    Some(msg.clone()),
                );
                return PhaseResult::failed(msg);
            }
            self.step_end(
                p.number,
                StepKind::ValidateAll,
                StepStatus::Ok,
                started,
                None,
                Some(format!("envs/{env_name}")),
            );
        }

        // The final untargeted plan.
        let (out, file, tree, state) = match self.plan_saved(p, StepKind::FinalPlan, None).await {
            Ok(x) => x,
            Err(r) if r.status == PhaseStatus::Failed && !self.cfg().apply => {
                return match self.upstream_not_applied(p) {
                    Some(up) => PhaseResult::skipped(format!(
                        "upstream phase {up} is not applied yet, so the final plan could not be made: {}",
                        r.reason.unwrap_or_default()
                    )),
                    None => r,
                };
            }
            Err(r) => return r,
        };
        let changes = out.summary.map(Changes::from).unwrap_or_default();
        if !self.cfg().apply {
            let mut r = PhaseResult::ok(changes, changes.is_zero());
            r.plan_file = Some(file);
            return r;
        }
        if !changes.is_zero() {
            return PhaseResult::failed(format!(
                "the final plan does not converge: {changes} after applying every phase (resources outside the phase modules?)"
            ));
        }
        if out.exit_code == Some(2) && tree == self.current_tree_hash() {
            // Only output values differ: store them (no infrastructure change, no question).
            if matches!(self.state_hash().await, Ok(s) if s == state) {
                let cmd = match self.tf() {
                    Ok(tf) => tf.apply_saved(&file),
                    Err(r) => return r,
                };
                if let Err(r) = self.exec(p.number, StepKind::Apply, &cmd).await {
                    return r;
                }
            }
        }
        let mut r = PhaseResult::ok(changes, true);
        r.plan_file = Some(file);
        r
    }

    async fn phase_checks(&mut self, p: &Phase) -> PhaseResult {
        let Some(checks) = &self.engine.checks else {
            return PhaseResult::skipped("smoke checks are not available in this build");
        };
        if !self.cfg().apply {
            // Nothing is deployed by a plan-only run: probing would only report absent things.
            return PhaseResult::skipped("smoke checks run after an apply (--apply)");
        }
        let ws = match self.ws() {
            Ok(ws) => ws.clone(),
            Err(r) => return r,
        };
        let started = Instant::now();
        self.step_start(p.number, StepKind::SmokeChecks, None);
        let preset = self.cfg().preset.clone();
        let res = checks
            .run(&preset, &ws, self.interrupt, &mut *self.emit)
            .await;
        if self.interrupt.is_requested() {
            self.step_end(
                p.number,
                StepKind::SmokeChecks,
                StepStatus::Interrupted,
                started,
                None,
                None,
            );
            return PhaseResult::interrupted();
        }
        match res {
            Ok(()) => {
                self.step_end(
                    p.number,
                    StepKind::SmokeChecks,
                    StepStatus::Ok,
                    started,
                    None,
                    None,
                );
                PhaseResult::ok(Changes::default(), true)
            }
            Err(e) => {
                let msg = e.to_string();
                self.step_end(
                    p.number,
                    StepKind::SmokeChecks,
                    StepStatus::Failed,
                    started,
                    None,
                    Some(msg.clone()),
                );
                PhaseResult::failed(msg)
            }
        }
    }
}

fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}

/// One line saying why a command failed: the first error diagnostic with its file and line, and
/// for a rollout that never finished, the image it waited for (see [`diagnose`]).
fn failure_message(cmd: &TfCommand, out: &RunOutcome, preset: &crate::preset::Preset) -> String {
    match out.first_error() {
        Some(d) => {
            let at = d
                .range
                .as_ref()
                .map(|r| format!(" ({}:{})", r.filename, r.start.line))
                .unwrap_or_default();
            match diagnose::rollout_hint(preset, d) {
                Some(hint) => format!("{}{at} — {hint}", d.summary),
                None => format!("{}{at}", d.summary),
            }
        }
        None => format!(
            "`{}` exited with {}",
            cmd.argv_display().join(" "),
            out.exit_code
                .map(|c| c.to_string())
                .unwrap_or_else(|| "a signal".into())
        ),
    }
}

fn diag_event(phase: u8, d: &terraform::Diagnostic) -> RunEvent {
    RunEvent::Diagnostic {
        phase,
        severity: d.severity.clone(),
        summary: d.summary.clone(),
        detail: d.detail.clone(),
        file: d.range.as_ref().map(|r| r.filename.clone()),
        line: d.range.as_ref().map(|r| r.start.line),
        address: d.address.clone(),
    }
}

/// Messages the sandbox itself causes, not the user's tree, so they are not shown as the user's
/// warnings: its filesystem mirror holds this machine's platform only (init warns that the lock
/// file lacks the other platforms' checksums) and its stand-in providers are unsigned
/// ("(unauthenticated)" install lines). The user's own warnings, check blocks among them, pass.
pub fn is_sandbox_noise(m: &TfMessage) -> bool {
    match m {
        TfMessage::Diagnostic(d) => {
            d.severity == "warning" && d.summary.starts_with("Incomplete lock file information")
        }
        TfMessage::Log { message, .. } => message.contains("(unauthenticated)"),
        TfMessage::Text(t) => t.contains("(unauthenticated)"),
        _ => false,
    }
}

/// Terraform message → run event (most messages map to one event; some to none).
pub fn translate(
    phase: u8,
    m: &TfMessage,
    starts: &mut HashMap<String, Instant>,
) -> Option<RunEvent> {
    let resource = |addr: &str, action: &str, status, elapsed_s| RunEvent::Resource {
        phase,
        address: addr.to_string(),
        action: action.to_string(),
        status,
        elapsed_s,
    };
    Some(match m {
        TfMessage::PlannedChange(c) => {
            if c.action == "noop" {
                return None;
            }
            resource(&c.resource.addr, &c.action, ResourceStatus::Planned, None)
        }
        TfMessage::ResourceDrift(c) => {
            resource(&c.resource.addr, &c.action, ResourceStatus::Drifted, None)
        }
        TfMessage::ApplyStart(h) => {
            starts.insert(h.resource.addr.clone(), Instant::now());
            resource(
                &h.resource.addr,
                &h.action,
                ResourceStatus::InProgress,
                Some(0.0),
            )
        }
        TfMessage::ApplyProgress(h) | TfMessage::ApplyComplete(h) | TfMessage::ApplyErrored(h) => {
            let measured = starts.get(&h.resource.addr).map(|t| secs(t.elapsed()));
            let status = match m {
                TfMessage::ApplyProgress(_) => ResourceStatus::InProgress,
                TfMessage::ApplyComplete(_) => ResourceStatus::Complete,
                _ => ResourceStatus::Errored,
            };
            resource(
                &h.resource.addr,
                &h.action,
                status,
                measured.or(h.elapsed_seconds),
            )
        }
        TfMessage::Diagnostic(d) => diag_event(phase, d),
        // `init -json` log messages carry Terraform's colour codes inside the JSON string.
        TfMessage::Log { message, .. } => RunEvent::Log {
            phase,
            line: crate::terraform::process::strip_ansi(message),
        },
        TfMessage::ProvisionProgress(h) => RunEvent::Log {
            phase,
            line: format!("{}: {}", h.resource.addr, h.output.as_deref().unwrap_or("")),
        },
        TfMessage::Text(t) if !t.trim().is_empty() => RunEvent::Log {
            phase,
            line: t.clone(),
        },
        // A message type this build does not know: its human text is still worth showing.
        TfMessage::Unknown(v) => RunEvent::Log {
            phase,
            line: v.get("@message")?.as_str()?.to_string(),
        },
        _ => return None,
    })
}
