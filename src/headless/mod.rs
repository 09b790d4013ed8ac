//! Headless runs: `mobi-tui --preset FILE [--out DIR] [--sandbox] [--from N] [--to N] [--apply]
//! [--auto-approve] [--resume] [--json]`.
//!
//! The same engine as the TUI, rendered as a live view (on a terminal: [`live`]), plain lines (in
//! a pipe, in CI, with `--plain`, `NO_COLOR` or `--color never`) or JSON lines (`--json`: a
//! `version` line, then one [`RunEvent`] per line, exactly its serde form). Whatever the screen
//! gets, the full plain log goes to `DIR/.mobi/log/<env>-<time>.log` ([`runlog`]).
//!
//! Exit codes (documented, stable): 0 ok; 1 a phase failed or an apply was declined; 2 usage or
//! bad input (unreadable preset, missing credentials, `--apply` without a terminal and without
//! `--auto-approve`); 130 interrupted (SIGINT/SIGTERM, forwarded to Terraform as SIGINT); 129 the same after SIGHUP
//! (the terminal was closed).
//!
//! Nothing here changes terminal modes (no raw mode, no alternate screen), so the console needs no
//! restoring; the one interactive bit, the per-phase apply question, reads a plain line.

pub mod advice;
pub mod bootstrap;
pub mod doctor;
pub mod impact;
pub mod live;
mod report;
pub mod runlog;

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

pub use report::{Reporter, JSON_FORMAT};

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
    /// Plain lines even on a terminal (no live view): stable and greppable.
    #[arg(long)]
    pub plain: bool,
    /// Colour: auto (a terminal, unless NO_COLOR is set; CLICOLOR_FORCE forces it), always, never.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
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

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorWhen {
    #[default]
    Auto,
    Always,
    Never,
}

/// What the environment says about the output, read once ([`Console::from_env`]) so the choice
/// itself ([`choose_output`]) is pure.
#[derive(Debug, Clone, Copy, Default)]
pub struct Console {
    /// stdout is a terminal.
    pub tty: bool,
    /// `NO_COLOR` set and not empty (<https://no-color.org>).
    pub no_color: bool,
    /// `CLICOLOR_FORCE` set, not empty and not `0`.
    pub clicolor_force: bool,
    /// `CI` set, not empty and not `false`/`0`: a CI log, never a person at a terminal.
    pub ci: bool,
}

impl Console {
    pub fn from_env(tty: bool) -> Self {
        let set = |k: &str| {
            std::env::var_os(k).is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
        };
        Self {
            tty,
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            clicolor_force: set("CLICOLOR_FORCE"),
            ci: set("CI"),
        }
    }
}

/// How a run's events reach stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Json,
    Plain { color: bool },
    Live,
}

/// The rendering for these flags and this console. `--color always` beats `NO_COLOR`, which
/// beats `CLICOLOR_FORCE`; a run without colour gets no escape sequence at all, so no live
/// view either. The live view also gives way to `--apply`'s per-phase questions (they read
/// the terminal's lines).
pub fn choose_output(
    json: bool,
    plain: bool,
    color: ColorWhen,
    prompts: bool,
    c: &Console,
) -> Output {
    if json {
        return Output::Json;
    }
    let color = match color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => !c.no_color && (c.clicolor_force || c.tty),
    };
    if c.tty && color && !plain && !c.ci && !prompts {
        Output::Live
    } else {
        Output::Plain { color }
    }
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
    let rt = match crate::terraform::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            crate::cli::print_error(HeadlessError::Runtime(e));
            return 2;
        }
    };
    let code = rt.block_on(async {
        let interrupt = Interrupt::new();
        if let Err(e) = interrupt.forward_signals() {
            crate::cli::print_error(format_args!("cannot install signal handlers: {e}"));
            return 2;
        }
        let mut stdout = std::io::stdout();
        let tty = stdout.is_terminal();
        let code = run(args, wiring, &interrupt, &mut stdout, tty).await;
        // Interrupted: 129 when it was the terminal's hangup, 130 for SIGINT/SIGTERM.
        if code == 130 {
            terraform::interrupted_exit_code(interrupt.signal())
        } else {
            code
        }
    });
    // A prompt abandoned on interrupt leaves a thread blocked reading stdin: do not wait for it.
    rt.shutdown_timeout(Duration::from_millis(100));
    code
}

/// A headless run writing its report to `out` (`tty`: `out` is the terminal). Errors before the
/// run are one line on stderr.
pub async fn run(
    args: RunArgs,
    wiring: Wiring,
    interrupt: &Interrupt,
    out: &mut (dyn Write + Send),
    tty: bool,
) -> u8 {
    let (engine, _lock, env) = match build(&args, wiring, interrupt) {
        Ok(e) => e,
        Err(e) => {
            crate::cli::print_error(&e);
            return 2;
        }
    };
    let prompts = args.apply && !args.auto_approve;
    let mut output = choose_output(
        args.json,
        args.plain,
        args.color,
        prompts,
        &Console::from_env(tty),
    );
    let mut live = None;
    if output == Output::Live {
        live = live::LiveTerminal::new(Box::new(std::io::stdout()));
        if live.is_none() {
            output = Output::Plain { color: true };
        }
    }
    // Without colour nothing may carry an escape, whoever wrote it (a provider's message too).
    let color = matches!(output, Output::Plain { color: true });
    let mut stripped = runlog::NoEscapes(&mut *out);
    let screen: &mut (dyn Write + Send) = if color { out } else { &mut stripped };
    let mut lines = Reporter::new(screen, args.json, color);
    lines.begin();

    let mut log = match runlog::RunLog::create(&args.out, &env) {
        Ok(l) => Some(l),
        Err(e) => {
            crate::cli::print_warning(format_args!("no run log: {e}"));
            None
        }
    };
    let mut advice = advice::Advice::new();
    if args.sandbox
        && std::env::var(crate::sandbox::workspace::ADMIN_KEY_VAR).map_or(true, |v| v.is_empty())
    {
        advice.stood_in(
            crate::sandbox::workspace::ADMIN_KEY_VAR,
            "set it to $SCW_ACCESS_KEY, the frontend bucket's admin principal, or the bucket gets no public-read policy",
        );
    }

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<crate::engine::RunEvent>();
    let mut emit = move |ev| {
        let _ = tx.send(ev);
    };
    // `None`: a tick of the live view's clock.
    let mut deliver = |ev: Option<crate::engine::RunEvent>| {
        let Some(ev) = ev else {
            if let Some(v) = live.as_mut() {
                v.tick();
            }
            return;
        };
        advice.event(&ev);
        if let Some(l) = log.as_mut() {
            l.event(&ev);
        }
        match live.as_mut() {
            Some(v) => v.event(&ev),
            None => lines.event(&ev),
        }
    };
    let status = {
        let run = engine.run(interrupt, &mut emit);
        tokio::pin!(run);
        let mut tick = tokio::time::interval(Duration::from_millis(125));
        loop {
            tokio::select! {
                status = &mut run => break status,
                Some(ev) = rx.recv() => deliver(Some(ev)),
                _ = tick.tick() => deliver(None),
            }
        }
    };
    while let Ok(ev) = rx.try_recv() {
        deliver(Some(ev));
    }
    let mut trailer = advice.lines();
    if let Some(l) = log.as_mut() {
        l.lines(&trailer);
        trailer.push(format!("log: {}", l.path.display()));
    }
    match live.take() {
        Some(v) => v.finish(&trailer),
        None => lines.trailer(&trailer),
    }
    status.exit_code()
}

/// The engine of a run, and the env's run lock it holds until the run ends.
fn build(
    args: &RunArgs,
    wiring: Wiring,
    interrupt: &Interrupt,
) -> Result<(Engine, crate::engine::run_lock::RunLock, String), HeadlessError> {
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
    let env = preset.project.env.clone();
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
    Ok((engine, lock, env))
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

#[cfg(test)]
mod tests {
    use super::*;

    const TTY: Console = Console {
        tty: true,
        no_color: false,
        clicolor_force: false,
        ci: false,
    };

    #[test]
    fn a_terminal_gets_the_live_view_and_everything_else_plain_lines() {
        let c = ColorWhen::Auto;
        assert_eq!(choose_output(false, false, c, false, &TTY), Output::Live);
        let pipe = Console { tty: false, ..TTY };
        assert_eq!(
            choose_output(false, false, c, false, &pipe),
            Output::Plain { color: false }
        );
        let ci = Console { ci: true, ..TTY };
        assert_eq!(
            choose_output(false, false, c, false, &ci),
            Output::Plain { color: true }
        );
        assert_eq!(
            choose_output(false, true, c, false, &TTY),
            Output::Plain { color: true }
        );
        // The per-phase apply question reads the terminal: plain lines around it.
        assert_eq!(
            choose_output(false, false, c, true, &TTY),
            Output::Plain { color: true }
        );
        assert_eq!(
            choose_output(true, false, ColorWhen::Always, false, &TTY),
            Output::Json
        );
    }

    #[test]
    fn no_color_beats_clicolor_force_and_the_flag_beats_both() {
        let no = Console {
            no_color: true,
            clicolor_force: true,
            ..TTY
        };
        assert_eq!(
            choose_output(false, false, ColorWhen::Auto, false, &no),
            Output::Plain { color: false }
        );
        assert_eq!(
            choose_output(false, false, ColorWhen::Always, false, &no),
            Output::Live
        );
        let forced_pipe = Console {
            tty: false,
            clicolor_force: true,
            ..TTY
        };
        assert_eq!(
            choose_output(false, false, ColorWhen::Auto, false, &forced_pipe),
            Output::Plain { color: true }
        );
        assert_eq!(
            choose_output(false, false, ColorWhen::Never, false, &TTY),
            Output::Plain { color: false }
        );
    }
}
