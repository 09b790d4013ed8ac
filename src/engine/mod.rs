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
//!
//! Where each concern lives: the injected `parts` and the `approval` question; `run`, the
//! order of phases and the journal; `phase_exec` and `converge`, what each phase does;
//! `step`, one Terraform command; `fingerprint`, what a plan was made from; `guard`, the
//! destructive changes an apply may make; `translate`, Terraform messages as events.

mod approval;
mod converge;
pub mod diagnose;
pub mod events;
mod fingerprint;
mod guard;
pub mod hash;
pub mod impact;
pub mod journal;
mod parts;
mod phase_exec;
mod run;
pub mod run_lock;
mod step;
mod translate;

use std::path::PathBuf;
use std::time::Duration;

pub use approval::{Approval, ApprovalRequest, Approver, AutoApprove, ChannelApprover};
pub use events::*;
pub use guard::Guard;
pub use journal::{Journal, JournalError, LockRecord, PhaseRecord};
pub use parts::{ExistingTree, InPlace, SmokeChecks, TreeWriter, WorkspaceDirs, WorkspaceProvider};
pub use translate::{is_sandbox_noise, translate};

use crate::preset::Preset;
use crate::terraform::Interrupt;
use run::{Run, Stop};

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
