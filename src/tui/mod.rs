//! The terminal wizard and the live run view (`mobi-tui [--out DIR] [--sandbox] [--edit FILE]`).
//!
//! Shape (state / update / view, as in the ratatui templates and gitui):
//! - [`app`]: the whole state; [`update`]: `Action -> state change + Commands` (pure);
//!   [`view`]: `draw(&App)` (cannot change state); [`keymap`]: the one key table that drives both
//!   handling and the help overlay; [`widgets`]: shared drawing helpers.
//! - This file is the edge: the terminal guard, the event loop (`select!` over crossterm's
//!   `EventStream`, a tick, and the engine's events) and the [`Command`]s' IO: saving the preset
//!   and writing the tree through `render`, and running the same [`Engine`] the headless mode
//!   runs, on a thread of its own, whose [`RunEvent`]s arrive as actions.
//!
//! The terminal is restored on every way out: a [`TerminalGuard`] undoes raw mode, the alternate
//! screen and mouse capture on drop (normal exit and `?` errors), and a panic hook restores it
//! before the panic message is printed, then chains the previous hook.

pub mod app;
pub mod impact_worker;
pub mod keymap;
pub mod update;
pub mod view;
pub mod widgets;

use std::collections::VecDeque;
use std::io::{self, Stdout};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event, EventStream, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use futures::future::BoxFuture;
use futures::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use tokio::sync::{mpsc, oneshot};

use crate::engine::{
    Approval, Approver, BoxError, Changes, Engine, InPlace, RunConfig, RunEvent, SmokeChecks,
    WorkspaceDirs, WorkspaceProvider,
};
use crate::headless::Wiring;
use crate::phases::Phase;
use crate::preset::{self, Preset};
use crate::render::{self, writer};
use crate::secret::Secret;
use crate::terraform::{self, Interrupt};

use app::{App, Options, Review, ReviewEntry};
use impact_worker::ImpactWorker;
use update::{update, Action, Command};

/// Flags of the wizard (the bare command).
#[derive(Debug, Clone)]
pub struct TuiArgs {
    pub out: PathBuf,
    pub edit: Option<PathBuf>,
    pub sandbox: bool,
    pub terraform_bin: Option<PathBuf>,
    pub grace: u64,
    /// `--from`/`--to`: the phases a run covers.
    pub from: u8,
    pub to: u8,
    /// `--resume`: start at the first phase not done per the journal.
    pub resume: bool,
}

impl TuiArgs {
    /// The wizard's flags from the command line's run flags.
    pub fn from_run(run: &crate::headless::RunArgs, edit: Option<PathBuf>) -> Self {
        Self {
            out: run.out.clone(),
            edit,
            sandbox: run.sandbox,
            terraform_bin: run.terraform_bin.clone(),
            grace: run.grace,
            from: run.from,
            to: run.to,
            resume: run.resume,
        }
    }
}

/// Restores the terminal when dropped, whatever the way out. Each step is tried even if an
/// earlier one failed; failures are ignored because there is nowhere left to report them.
pub struct TerminalGuard;

impl TerminalGuard {
    /// Raw mode, alternate screen, mouse capture; and the panic hook that undoes them.
    pub fn enter() -> io::Result<(Self, Terminal<CrosstermBackend<Stdout>>)> {
        install_panic_hook();
        enable_raw_mode()?;
        let guard = TerminalGuard;
        let mut out = io::stdout();
        execute!(out, EnterAlternateScreen, EnableMouseCapture)?;
        let term = Terminal::new(CrosstermBackend::new(out))?;
        Ok((guard, term))
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Leaves raw mode, the alternate screen and mouse capture, and shows the cursor.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
}

/// Loads the preset the wizard starts from: `--edit FILE` (parsed strictly but not validated, so
/// a half-finished preset opens and shows its problems in place), or the embedded dev preset.
pub fn initial_preset(edit: Option<&Path>) -> Result<(Preset, bool), String> {
    match edit {
        Some(path) if path.exists() => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("{}: cannot read the preset: {e}", path.display()))?;
            let p = preset::parse_unvalidated(&text, &path.display().to_string())
                .map_err(|e| e.to_string())?;
            Ok((p, true))
        }
        // A new file: start from the dev defaults and save there.
        _ => app::default_preset().map(|p| (p, false)),
    }
}

/// Entry point from the CLI. Returns the exit code.
pub fn main(args: TuiArgs, wiring: Wiring) -> u8 {
    let (preset, answered) = match initial_preset(args.edit.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            crate::exit::print_error(&e);
            return crate::exit::EXIT_USAGE;
        }
    };
    // One run per env: the wizard runs Terraform on this env too (see `engine::run_lock`).
    let _lock = match crate::engine::run_lock::RunLock::acquire(&args.out, &preset.project.env) {
        Ok(l) => l,
        Err(e) => {
            crate::exit::print_error(&e);
            return crate::exit::EXIT_USAGE;
        }
    };
    {
        use std::io::IsTerminal as _;
        if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
            crate::exit::print_error(
                "the wizard needs a terminal (stdin and stdout are not one); for a run without one use --preset FILE (see --help)",
            );
            return crate::exit::EXIT_USAGE;
        }
    }
    let opts = Options {
        out: args.out.clone(),
        edit: args.edit.clone(),
        sandbox: args.sandbox,
    };
    let mut app = App::new(preset, opts, answered);
    // The baseline of the impact lines; unreadable counts as nothing applied.
    app.impact.applied =
        crate::engine::journal::load_applied(&args.out, &app.base.project.env).unwrap_or(None);
    app.recompute();
    let rt = match crate::terraform::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            crate::exit::print_error(format_args!("cannot start the async runtime: {e}"));
            return crate::exit::EXIT_FAILED;
        }
    };
    let grace = Duration::from_secs(args.grace);
    let result = rt.block_on(async {
        let (guard, mut term) = TerminalGuard::enter()?;
        let mut impacts = ImpactWorker::new();
        let r = run_loop(&mut term, app, args, wiring, &mut impacts).await;
        // ratatui's `Terminal` shows the cursor on drop and `eprintln!`s if that fails, which
        // panics when stderr is the hung-up terminal: show it here, and if the terminal is gone
        // do not run that drop at all (the process is about to exit).
        if term.show_cursor().is_err() {
            std::mem::forget(term);
        }
        drop(guard);
        // An impact plan under way is interrupted, not killed: against a real backend it holds
        // the state lock. The terminal is already restored while it stops.
        impacts.shutdown(grace).await;
        r
    });
    rt.shutdown_timeout(Duration::from_millis(200));
    match result {
        Ok(code) => code,
        Err(e) => {
            // Not `eprintln!`: after a hangup stderr may be the closed terminal, and a failed
            // write must not turn into a panic (`print_error` ignores it).
            crate::exit::print_error(&e);
            crate::exit::EXIT_FAILED
        }
    }
}

/// The injected parts, shared so that several runs can be started in one session.
struct Shared {
    sandbox: Option<Arc<dyn WorkspaceProvider>>,
    checks: Option<Arc<dyn SmokeChecks>>,
}

struct SharedWorkspace(Arc<dyn WorkspaceProvider>);
impl WorkspaceProvider for SharedWorkspace {
    fn prepare(&self, root: &Path, env: &str) -> Result<WorkspaceDirs, BoxError> {
        self.0.prepare(root, env)
    }
}

struct SharedChecks(Arc<dyn SmokeChecks>);
impl SmokeChecks for SharedChecks {
    fn run<'a>(
        &'a self,
        preset: &'a Preset,
        ws: &'a WorkspaceDirs,
        interrupt: &'a Interrupt,
        emit: &'a mut (dyn FnMut(RunEvent) + Send),
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        self.0.run(preset, ws, interrupt, emit)
    }
}

/// Adds the secrets typed in the wizard to Terraform's environment (and only there).
struct WithSecrets {
    inner: Box<dyn WorkspaceProvider>,
    secrets: Vec<(String, Secret)>,
}

impl WorkspaceProvider for WithSecrets {
    fn prepare(&self, root: &Path, env: &str) -> Result<WorkspaceDirs, BoxError> {
        let mut ws = self.inner.prepare(root, env)?;
        // The one place the typed secrets leave their type: Terraform's environment.
        ws.env.extend(
            self.secrets
                .iter()
                .map(|(k, v)| (k.clone(), v.expose().to_string())),
        );
        Ok(ws)
    }
}

/// Where the engine's pending question waits for its answer: "apply phase N?" or "destroy these
/// resources?" (at most one is open at a time; the engine asks one thing after the other).
#[derive(Default)]
struct Slots {
    apply: Mutex<Option<oneshot::Sender<bool>>>,
    destroy: Mutex<Option<oneshot::Sender<Vec<String>>>>,
}

impl Slots {
    fn answer_apply(&self, yes: bool) {
        if let Some(s) = self.apply.lock().ok().and_then(|mut s| s.take()) {
            let _ = s.send(yes);
        }
    }

    fn answer_destroy(&self, confirmed: Vec<String>) {
        if let Some(s) = self.destroy.lock().ok().and_then(|mut s| s.take()) {
            let _ = s.send(confirmed);
        }
    }

    /// Leaving or interrupted: whatever is asked is answered "no".
    fn refuse(&self) {
        self.answer_apply(false);
        self.answer_destroy(Vec::new());
    }
}

type ApprovalSlot = Arc<Slots>;

/// "Apply phase N?" and "destroy these?" as dialogs: the question goes to the loop as an action,
/// the answer comes back through a oneshot kept in `slot`. An interrupt while waiting counts as
/// "no".
struct TuiApprover {
    tx: mpsc::UnboundedSender<Action>,
    slot: ApprovalSlot,
    interrupt: Interrupt,
}

impl Approver for TuiApprover {
    fn approve<'a>(&'a self, phase: &'a Phase, changes: Changes) -> BoxFuture<'a, Approval> {
        Box::pin(async move {
            let (tx, rx) = oneshot::channel();
            if let Ok(mut s) = self.slot.apply.lock() {
                *s = Some(tx);
            }
            let _ = self.tx.send(Action::ApprovalRequested {
                phase: phase.number,
                changes,
            });
            tokio::select! {
                a = rx => if matches!(a, Ok(true)) { Approval::Apply } else { Approval::Stop },
                _ = self.interrupt.requested() => Approval::Stop,
            }
        })
    }

    fn confirm_destructive<'a>(
        &'a self,
        phase: &'a Phase,
        pending: &'a [crate::engine::impact::ResourceImpact],
    ) -> BoxFuture<'a, Vec<String>> {
        Box::pin(async move {
            let (tx, rx) = oneshot::channel();
            if let Ok(mut s) = self.slot.destroy.lock() {
                *s = Some(tx);
            }
            let _ = self.tx.send(Action::DestroyConfirmRequested {
                phase: phase.number,
                items: pending.to_vec(),
            });
            tokio::select! {
                a = rx => a.unwrap_or_default(),
                _ = self.interrupt.requested() => Vec::new(),
            }
        })
    }
}

/// How the wizard is leaving after a stop signal (SIGTERM, SIGHUP, SIGINT sent with `kill`) or
/// after losing its terminal: what `q` + "yes" does while Terraform runs (SIGINT to its group,
/// the grace, then a kill), and then this exit code. `hangup`: the terminal is gone, so nothing
/// is drawn or read any more (writes to a hung-up terminal fail, reads return EOF at once).
#[derive(Debug, Clone, Copy)]
struct Leaving {
    code: u8,
    hangup: bool,
    /// When to give up waiting for the engine (grace plus a margin): the exit must not hang.
    deadline: tokio::time::Instant,
}

/// The event loop. Returns the exit code when the app asks to quit (0) or a stop signal or the
/// terminal's loss ended it (130 for SIGINT/SIGTERM, 129 for SIGHUP or a closed terminal).
pub async fn run_loop(
    term: &mut Terminal<CrosstermBackend<Stdout>>,
    mut app: App,
    args: TuiArgs,
    wiring: Wiring,
    impacts: &mut ImpactWorker,
) -> io::Result<u8> {
    let shared = Shared {
        sandbox: wiring.sandbox.map(Arc::from),
        checks: wiring.checks.map(Arc::from),
    };
    let size = term.size()?;
    app.size = (size.width, size.height);
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let slot: ApprovalSlot = Arc::new(Slots::default());
    let mut interrupt = Interrupt::new();
    let mut queue: VecDeque<Action> = VecDeque::new();
    let mut signals = terraform::StopSignals::new()?;
    let mut leaving: Option<Leaving> = None;
    let margin = Duration::from_secs(args.grace.saturating_add(10));

    loop {
        let hangup = leaving.is_some_and(|l| l.hangup);
        if let Some(l) = leaving {
            if !app.running() || tokio::time::Instant::now() >= l.deadline {
                return Ok(l.code);
            }
        }
        if !hangup {
            if let Err(e) = term.draw(|f| view::draw(&app, f)) {
                // The terminal is gone without a SIGHUP (e.g. its master closed): leave as if
                // it had hung up, stopping Terraform first.
                if !app.running() {
                    return Err(e);
                }
                leaving = Some(terminal_lost(&mut app, &interrupt, &slot, margin, leaving));
                continue;
            }
        }
        let first = tokio::select! {
            ev = events.next(), if !hangup => match ev {
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => Some(Action::Key(k)),
                Some(Ok(Event::Mouse(m))) => Some(Action::Mouse(m)),
                Some(Ok(Event::Resize(w, h))) => Some(Action::Resize(w, h)),
                Some(Ok(_)) => None,
                Some(Err(e)) if !app.running() => return Err(e),
                None if !app.running() => return Ok(leaving.map_or(crate::exit::EXIT_OK, |l| l.code)),
                // Input lost while Terraform runs: the terminal hung up.
                Some(Err(_)) | None => {
                    leaving = Some(terminal_lost(&mut app, &interrupt, &slot, margin, leaving));
                    None
                }
            },
            Some(sig) = signals.recv() => {
                let hup = sig == nix::sys::signal::Signal::SIGHUP;
                interrupt.request_by(sig);
                let code = terraform::interrupted_exit_code(interrupt.signal());
                leaving = Some(begin_leaving(&mut app, &slot, code, hup, margin, leaving));
                None
            },
            Some(a) = rx.recv() => Some(a),
            _ = tick.tick() => None,
        };
        queue.extend(first);
        // Take whatever else the engine sent, so a burst of log lines costs one redraw.
        for _ in 0..10_000 {
            match rx.try_recv() {
                Ok(a) => queue.push_back(a),
                Err(_) => break,
            }
        }
        while let Some(action) = queue.pop_front() {
            for cmd in update(&mut app, action) {
                match cmd {
                    Command::Quit => return Ok(leaving.map_or(crate::exit::EXIT_OK, |l| l.code)),
                    Command::PrepareReview(p) => {
                        queue.push_back(Action::ReviewReady(prepare_review(&app, &p)))
                    }
                    Command::Save(p) => queue.push_back(Action::Saved(save(&app, &p, false))),
                    Command::ForceSave(p) => queue.push_back(Action::Saved(save(&app, &p, true))),
                    Command::StartRun {
                        preset,
                        apply,
                        secrets,
                    } => {
                        interrupt = Interrupt::new();
                        if let Err(e) = start_run(
                            &app, &args, &shared, *preset, apply, secrets, &tx, &slot, &interrupt,
                        ) {
                            queue.push_back(Action::RunFailed(e));
                        }
                    }
                    Command::ComputeImpact { generation, preset } => {
                        impacts.submit(generation, impact_request(&app, &args, *preset), &tx);
                    }
                    Command::StartImpactNow { generation } => impacts.start_now(generation),
                    Command::Approve(yes) => slot.answer_apply(yes),
                    Command::ConfirmDestroy(confirmed) => slot.answer_destroy(confirmed),
                    Command::Interrupt => {
                        interrupt.request();
                        slot.refuse();
                    }
                }
            }
            if app.quit {
                return Ok(leaving.map_or(crate::exit::EXIT_OK, |l| l.code));
            }
        }
    }
}

/// Starts leaving: `app` waits for the run to end (as after `q` + "yes") and an open apply
/// question is answered "no". The interrupt itself is requested by the caller: once per signal
/// (the second kills, as a second `q` does), once for a lost terminal.
fn begin_leaving(
    app: &mut App,
    slot: &ApprovalSlot,
    code: u8,
    hangup: bool,
    margin: Duration,
    before: Option<Leaving>,
) -> Leaving {
    if app.running() {
        app.quit_pending = true;
        slot.refuse();
    }
    Leaving {
        code,
        hangup: hangup || before.is_some_and(|b| b.hangup),
        deadline: before.map_or_else(|| tokio::time::Instant::now() + margin, |b| b.deadline),
    }
}

/// The terminal is gone (a draw failed, input ended) while Terraform runs: stop it as a SIGHUP
/// would, unless a stop is already on its way (a second request would kill the group).
fn terminal_lost(
    app: &mut App,
    interrupt: &Interrupt,
    slot: &ApprovalSlot,
    margin: Duration,
    before: Option<Leaving>,
) -> Leaving {
    if !interrupt.is_requested() {
        interrupt.request();
    }
    let code = before.map_or(129, |b| b.code);
    begin_leaving(app, slot, code, true, margin, before)
}

/// What the impact plan of `preset` needs, or why there can be none (the line under the field
/// says so).
fn impact_request(
    app: &App,
    args: &TuiArgs,
    preset: Preset,
) -> Result<crate::engine::impact::ImpactRequest, String> {
    let terraform_bin =
        terraform::find_binary(args.terraform_bin.as_deref()).map_err(|e| e.to_string())?;
    // The child Terraform gets the typed credentials through its environment, as a run does.
    let secrets_env: Vec<(String, String)> = app
        .secret_env()
        .into_iter()
        .map(|(k, v)| (k, v.expose().to_string()))
        .collect();
    if !app.opts.sandbox && !crate::engine::missing_credentials_with(&secrets_env).is_empty() {
        return Err("needs the Scaleway credentials (or --sandbox)".into());
    }
    Ok(crate::engine::impact::ImpactRequest {
        out_dir: app.opts.out.clone(),
        candidate: preset,
        sandbox: app.opts.sandbox,
        terraform_bin,
        provider_binary: None,
        env: secrets_env,
        background: true,
    })
}

/// The review: the preset file as it will be saved, then every file of the tree, each compared
/// with the disk by the writer's own planner (so the review shows exactly what Save will do).
pub fn prepare_review(app: &App, p: &Preset) -> Result<Review, String> {
    let out = &app.opts.out;
    let files = render::render_tree(p).map_err(|e| e.to_string())?;
    let manifest = writer::load_manifest(out).map_err(|e| e.to_string())?;
    let planned = writer::plan_writes(out, &files, &manifest, false).map_err(|e| e.to_string())?;
    let save_path = app.save_path();
    let new = preset::to_toml(p).into_bytes();
    let old = std::fs::read(&save_path).ok();
    let action = match &old {
        None => writer::FileAction::Create,
        Some(o) if *o == new => writer::FileAction::Unchanged,
        Some(_) => writer::FileAction::Update,
    };
    let preset_write = writer::PlannedWrite {
        // Diff headers name the file as the repository does (`b/presets/dev.toml`).
        path: save_path
            .strip_prefix(out)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| save_path.clone()),
        action,
        old,
        new,
        private: false,
        tracked: false,
    };
    let mut entries = vec![ReviewEntry {
        path: save_path.display().to_string(),
        action,
        diff: writer::unified_diff(&preset_write),
    }];
    entries.extend(planned.iter().map(|w| ReviewEntry {
        path: w.path.display().to_string(),
        action: w.action,
        diff: writer::unified_diff(w),
    }));
    Ok(Review {
        entries,
        selected: 0,
        scroll: 0,
    })
}

/// Saves the preset (atomic write) and writes the tree; one line saying what was done.
/// `force`: overwrite generated files edited by hand (the review's confirmed `F`).
pub fn save(app: &App, p: &Preset, force: bool) -> Result<String, String> {
    let path = app.save_path();
    writer::write_atomic(&path, preset::to_toml(p).as_bytes(), false).map_err(|e| e.to_string())?;
    let options = writer::WriteOptions {
        force,
        ..writer::WriteOptions::default()
    };
    let report = render::generate(p, &app.opts.out, options).map_err(|e| {
        format!(
            "preset saved to {}, but the tree was not written: {e}",
            path.display()
        )
    })?;
    let overwritten = if report.overwritten.is_empty() {
        String::new()
    } else {
        format!(", {} edited file(s) overwritten", report.overwritten.len())
    };
    Ok(format!(
        "saved preset and tree ({} created, {} updated, {} unchanged{overwritten}): {}",
        report.created.len(),
        report.updated.len(),
        report.unchanged,
        path.display()
    ))
}

#[allow(clippy::too_many_arguments)]
fn start_run(
    app: &App,
    args: &TuiArgs,
    shared: &Shared,
    preset: Preset,
    apply: bool,
    secrets: Vec<(String, Secret)>,
    tx: &mpsc::UnboundedSender<Action>,
    slot: &ApprovalSlot,
    interrupt: &Interrupt,
) -> Result<(), String> {
    let env = preset.project.env.clone();
    let terraform_bin =
        terraform::find_binary(args.terraform_bin.as_deref()).map_err(|e| e.to_string())?;
    let inner: Box<dyn WorkspaceProvider> =
        if args.sandbox {
            match &shared.sandbox {
                Some(s) => Box::new(SharedWorkspace(s.clone())),
                None => return Err(
                    "--sandbox is not available in this build (the sandbox is not wired in yet)"
                        .into(),
                ),
            }
        } else {
            Box::new(InPlace)
        };
    let workspace = Box::new(WithSecrets { inner, secrets });
    let tree = |p: &Preset, _: &Path, out: &Path| -> Result<String, BoxError> {
        let r = render::generate(p, out, writer::WriteOptions::default())?;
        Ok(format!(
            "{} created, {} updated, {} unchanged",
            r.created.len(),
            r.updated.len() + r.overwritten.len(),
            r.unchanged
        ))
    };
    let cfg = RunConfig {
        preset,
        preset_path: app.save_path(),
        out_dir: app.opts.out.clone(),
        terraform_bin,
        from: args.from,
        to: args.to,
        apply,
        resume: args.resume,
        grace: Duration::from_secs(args.grace),
        require_credentials: !args.sandbox,
        sandbox: args.sandbox,
    };
    let approver = TuiApprover {
        tx: tx.clone(),
        slot: slot.clone(),
        interrupt: interrupt.clone(),
    };
    let mut engine = Engine::new(cfg, Box::new(tree), workspace).with_approver(Box::new(approver));
    if let Some(c) = &shared.checks {
        engine = engine.with_checks(Box::new(SharedChecks(c.clone())));
    }
    let tx = tx.clone();
    let interrupt = interrupt.clone();
    // The same full log as a headless run (DIR/.mobi/log/<env>-<time>.log), named at the end.
    let mut log = crate::headless::runlog::RunLog::create(&app.opts.out, &env);
    std::thread::Builder::new()
        .name("mobi-engine".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            match rt {
                Ok(rt) => {
                    rt.block_on(async {
                        engine
                            .run(&interrupt, &mut |ev| {
                                if let Ok(l) = log.as_mut() {
                                    l.event(&ev);
                                }
                                let _ = tx.send(Action::Run(ev));
                            })
                            .await
                    });
                    let message = match &log {
                        Ok(l) => format!("full log: {}", l.path.display()),
                        Err(e) => format!("no run log: {e}"),
                    };
                    let _ = tx.send(Action::Run(RunEvent::Note { phase: 0, message }));
                }
                Err(e) => {
                    let _ = tx.send(Action::RunFailed(format!("cannot start the engine: {e}")));
                }
            }
        })
        .map_err(|e| format!("cannot start the engine thread: {e}"))?;
    Ok(())
}
