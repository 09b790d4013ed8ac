//! Headless runs: `mobi-tui --preset FILE [--out DIR] [--sandbox] [--from N] [--to N] [--apply]
//! [--auto-approve] [--resume] [--json]`.
//!
//! The same engine as the TUI, rendered as progress lines (on a terminal), plain lines (in a pipe
//! or CI log) or JSON lines (`--json`: one [`RunEvent`] per line, exactly its serde form).
//!
//! Exit codes (documented, stable): 0 ok; 1 a phase failed or an apply was declined; 2 usage or
//! bad input (unreadable preset, missing credentials, `--apply` without a terminal and without
//! `--auto-approve`); 130 interrupted (SIGINT/SIGTERM, forwarded to Terraform as SIGINT).
//!
//! Nothing here changes terminal modes (no raw mode, no alternate screen), so the console needs no
//! restoring; the one interactive bit, the per-phase apply question, reads a plain line.

pub mod doctor;
pub mod impact;
mod report;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::future::BoxFuture;

use crate::engine::{
    Approval, Approver, AutoApprove, Changes, Engine, ExistingTree, InPlace, RunConfig, RunStatus,
    SmokeChecks, TreeWriter, WorkspaceProvider,
};
use crate::phases::{Phase, PHASE_COUNT};
use crate::preset::Preset;
use crate::terraform::{self, Interrupt, TERRAFORM_BIN_ENV};

pub use report::Reporter;

/// Flags of a headless run (flattened into the top-level command by `crate::cli`).
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Replay this preset headless (no wizard).
    #[arg(long, value_name = "FILE")]
    pub preset: Option<PathBuf>,
    /// Output directory: the tree goes to DIR/infra/terraform, the run journal to DIR/.mobi.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Run Terraform against stand-in providers in a scratch copy (no cloud, no credentials).
    #[arg(long)]
    pub sandbox: bool,
    /// First phase to run (1-14).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=14))]
    pub from: u8,
    /// Last phase to run (1-14).
    #[arg(long, value_name = "N", default_value_t = PHASE_COUNT, value_parser = clap::value_parser!(u8).range(1..=14))]
    pub to: u8,
    /// Apply each phase's saved plan (asks per phase on a terminal). Without it: plan only.
    #[arg(long)]
    pub apply: bool,
    /// Apply without asking (required with --apply when there is no terminal).
    #[arg(long, requires = "apply")]
    pub auto_approve: bool,
    /// Continue at the first phase not done (per the journal; a changed preset re-runs what it affects).
    #[arg(long)]
    pub resume: bool,
    /// One JSON object per line on stdout (see docs for the event types).
    #[arg(long)]
    pub json: bool,
    /// The terraform (or tofu) binary; default: terraform, then tofu, on PATH.
    #[arg(long, value_name = "PATH", env = TERRAFORM_BIN_ENV)]
    pub terraform_bin: Option<PathBuf>,
    /// Seconds Terraform gets to stop after an interrupt before it is killed.
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    pub grace: u64,
    /// Simulated latency per sandbox provider operation (e.g. `1s`, `250ms`), to watch progress
    /// panes and interrupts at realistic speed.
    #[arg(long, value_name = "DURATION", value_parser = crate::sandbox::validate::parse_duration, requires = "sandbox")]
    pub sandbox_latency: Option<std::time::Duration>,
    /// Discard this env's sandbox state before the run.
    #[arg(long, requires = "sandbox")]
    pub sandbox_reset: bool,
    /// Confirm replacing or deleting this data-holding resource (repeatable); without it such a
    /// phase stops as `blocked` before its apply.
    #[arg(long, value_name = "ADDRESS", requires = "apply")]
    pub allow_replace: Vec<String>,
    /// Confirm every replacement or deletion of a resource holding data.
    #[arg(long, requires = "apply")]
    pub allow_destroy_data: bool,
    /// Phase 1 keeps the tree already in DIR as it is instead of generating it from the preset
    /// (a tree maintained by hand, or by another tool, that follows the same module names).
    #[arg(long)]
    pub keep_tree: bool,
}

/// The parts owned by other modules, injected so this module works before they land.
/// `Wiring::default()` uses the tree already in `--out` and has no sandbox and no checks.
pub struct Wiring {
    pub tree: Box<dyn TreeWriter>,
    /// The sandbox workspace; `None`: `--sandbox` is refused as not available.
    pub sandbox: Option<Box<dyn WorkspaceProvider>>,
    pub checks: Option<Box<dyn SmokeChecks>>,
}

impl Default for Wiring {
    fn default() -> Self {
        Self {
            tree: Box::new(ExistingTree),
            sandbox: None,
            checks: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HeadlessError {
    /// The preset is unreadable or invalid: the message names the file and the key path.
    #[error(transparent)]
    PresetInvalid(#[from] crate::preset::PresetError),
    #[error("--preset FILE is required for a headless run")]
    NoPreset,
    #[error("{path}: {message}")]
    Preset { path: String, message: String },
    #[error("--apply without a terminal needs --auto-approve")]
    NeedsAutoApprove,
    #[error("--sandbox is not available in this build (the sandbox is not wired in yet)")]
    NoSandbox,
    #[error("--from {from} is after --to {to}")]
    Range { from: u8, to: u8 },
    #[error(transparent)]
    Terraform(#[from] terraform::TerraformError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error(transparent)]
    Locked(#[from] crate::engine::run_lock::RunLockError),
}

/// Read and check a preset file. (The preset module will own strict validation; this only
/// parses and checks the version, so a headless run can start before that lands.)
pub fn load_preset(path: &Path) -> Result<Preset, HeadlessError> {
    Ok(crate::preset::load(path)?)
}

/// Entry point from the CLI: builds the runtime, runs, returns the exit code.
pub fn main(args: RunArgs, wiring: Wiring) -> u8 {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mobi-tui: {}", HeadlessError::Runtime(e));
            return 2;
        }
    };
    let code = rt.block_on(async {
        let interrupt = Interrupt::new();
        if let Err(e) = interrupt.forward_signals() {
            eprintln!("mobi-tui: cannot install signal handlers: {e}");
            return 2;
        }
        let mut stdout = std::io::stdout();
        let tty = stdout.is_terminal();
        run(args, wiring, &interrupt, &mut stdout, tty).await
    });
    // A prompt abandoned on interrupt leaves a thread blocked reading stdin: do not wait for it.
    rt.shutdown_timeout(Duration::from_millis(100));
    code
}

/// A headless run writing its report to `out`. Errors before the run are one line on stderr.
pub async fn run(
    args: RunArgs,
    wiring: Wiring,
    interrupt: &Interrupt,
    out: &mut (dyn Write + Send),
    tty: bool,
) -> u8 {
    let (engine, _lock) = match build(&args, wiring, interrupt) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("mobi-tui: {e}");
            return 2;
        }
    };
    let mut reporter = Reporter::new(out, args.json, tty);
    let status = engine.run(interrupt, &mut |ev| reporter.event(&ev)).await;
    status.exit_code()
}

/// The engine of a run, and the env's run lock it holds until the run ends.
fn build(
    args: &RunArgs,
    wiring: Wiring,
    interrupt: &Interrupt,
) -> Result<(Engine, crate::engine::run_lock::RunLock), HeadlessError> {
    let path = args.preset.as_deref().ok_or(HeadlessError::NoPreset)?;
    let preset = load_preset(path)?;
    if args.from > args.to {
        return Err(HeadlessError::Range {
            from: args.from,
            to: args.to,
        });
    }
    // Before anything is written: a second run on the same env would race on the journal,
    // the saved plans and the sandbox copy.
    let lock = crate::engine::run_lock::RunLock::acquire(&args.out, &preset.project.env)?;
    let interactive = std::io::stdin().is_terminal();
    if args.apply && !args.auto_approve && !interactive {
        return Err(HeadlessError::NeedsAutoApprove);
    }
    let terraform_bin = terraform::find_binary(args.terraform_bin.as_deref())?;
    let workspace: Box<dyn WorkspaceProvider> = if args.sandbox {
        wiring.sandbox.ok_or(HeadlessError::NoSandbox)?
    } else {
        Box::new(InPlace)
    };
    let cfg = RunConfig {
        preset,
        preset_path: path.to_path_buf(),
        out_dir: args.out.clone(),
        terraform_bin,
        from: args.from,
        to: args.to,
        apply: args.apply,
        resume: args.resume,
        grace: Duration::from_secs(args.grace),
        require_credentials: !args.sandbox,
        sandbox: args.sandbox,
    };
    let approver: Box<dyn Approver> = if args.auto_approve || !args.apply {
        Box::new(AutoApprove)
    } else {
        Box::new(PromptApprover {
            interrupt: interrupt.clone(),
        })
    };
    let mut engine = Engine::new(cfg, wiring.tree, workspace)
        .with_approver(approver)
        .with_guard(crate::engine::Guard {
            allow_replace: args.allow_replace.clone(),
            allow_destroy_data: args.allow_destroy_data,
        });
    if let Some(c) = wiring.checks {
        engine = engine.with_checks(c);
    }
    Ok((engine, lock))
}

/// Asks on the terminal before each apply: `apply phase 3 (Network): +2 ~0 -0? [y/N]`.
/// An interrupt while waiting for the answer counts as "no" (the engine then reports the
/// interrupt).
struct PromptApprover {
    interrupt: Interrupt,
}

impl Approver for PromptApprover {
    fn approve<'a>(&'a self, phase: &'a Phase, changes: Changes) -> BoxFuture<'a, Approval> {
        let question = format!(
            "apply phase {} ({}): {changes}? [y/N] ",
            phase.number, phase.title
        );
        Box::pin(async move {
            let read = tokio::task::spawn_blocking(move || {
                let mut err = std::io::stderr();
                let _ = write!(err, "{question}");
                let _ = err.flush();
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map(|_| line)
            });
            let answer = tokio::select! {
                a = read => a,
                _ = self.interrupt.requested() => {
                    eprintln!();
                    return Approval::Stop;
                }
            };
            match answer {
                Ok(Ok(l)) if matches!(l.trim(), "y" | "Y" | "yes" | "YES" | "Yes") => {
                    Approval::Apply
                }
                _ => Approval::Stop,
            }
        })
    }
}

/// For callers that map statuses themselves.
pub fn exit_code(status: RunStatus) -> u8 {
    status.exit_code()
}
