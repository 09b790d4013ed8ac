//! Running one Terraform command as a child process, with its output as typed messages.
//!
//! Why a process group of its own (`process_group(0)`): a Ctrl-C typed in the terminal must not
//! reach Terraform directly, or a TUI in raw mode (where Ctrl-C is a key, not a signal) and the
//! headless runner would behave differently. Instead the owner of the run asks for an interrupt
//! through an [`Interrupt`] handle, and this module forwards it to the whole group as SIGINT, so
//! Terraform stops cleanly and releases its state lock. A grace period follows; the group is
//! killed only on a second request or when the grace runs out (the design used by cargo-nextest).

use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::watch;

use super::command::{OutputKind, TfCommand};
use super::json::{check_ui_version, parse_line, ChangeSummary, Diagnostic, TfMessage};
use super::TerraformError;

/// The default time Terraform gets to stop after SIGINT before its group is killed.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(20);

/// A cloneable "please stop" button shared by the signal handler (or the TUI's key handler) and
/// the runner. Each request increments a counter: the first asks nicely, the second insists.
#[derive(Debug, Clone)]
pub struct Interrupt {
    tx: Arc<watch::Sender<u32>>,
    /// The first signal that asked (0: none, or a key in the TUI): it decides the exit code,
    /// 129 after SIGHUP (the terminal went away), 130 otherwise.
    signal: Arc<AtomicI32>,
}

/// The signals that stop a run the way `q` / Ctrl-C does: SIGINT, SIGTERM (a supervisor, `kill`),
/// SIGHUP (the terminal was closed).
pub const STOP_SIGNALS: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];

/// The exit code of a run stopped by `signal`: 129 for SIGHUP (128 + 1, what a shell reports for
/// a hangup), 130 for SIGINT and SIGTERM (the documented "interrupted" code, one for both so
/// scripts need not tell a Ctrl-C from a supervisor's stop).
pub fn interrupted_exit_code(signal: Option<Signal>) -> u8 {
    match signal {
        Some(Signal::SIGHUP) => 129,
        _ => 130,
    }
}

impl Default for Interrupt {
    fn default() -> Self {
        Self::new()
    }
}

impl Interrupt {
    pub fn new() -> Self {
        let (tx, _rx) = watch::channel(0);
        Self {
            tx: Arc::new(tx),
            signal: Arc::new(AtomicI32::new(0)),
        }
    }

    /// [`Interrupt::request`] on behalf of a signal; the first signal is kept for the exit code.
    pub fn request_by(&self, signal: Signal) {
        let _ = self
            .signal
            .compare_exchange(0, signal as i32, Ordering::SeqCst, Ordering::SeqCst);
        self.request();
    }

    /// The first signal that asked for a stop, if one did.
    pub fn signal(&self) -> Option<Signal> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            n => Signal::try_from(n).ok(),
        }
    }

    /// Ask the running command (and the run) to stop. Safe to call from any task.
    pub fn request(&self) {
        self.tx.send_modify(|n| *n = n.saturating_add(1));
    }

    /// How many times a stop was requested.
    pub fn count(&self) -> u32 {
        *self.tx.borrow()
    }

    pub fn is_requested(&self) -> bool {
        self.count() > 0
    }

    /// Resolves once a stop has been requested (immediately if it already was).
    pub async fn requested(&self) {
        let mut rx = self.subscribe();
        // The sender lives in `self`, so `wait_for` cannot fail while we hold `&self`.
        let _ = rx.wait_for(|n| *n > 0).await;
    }

    fn subscribe(&self) -> watch::Receiver<u32> {
        self.tx.subscribe()
    }

    /// Install SIGINT, SIGTERM and SIGHUP handlers that call [`Interrupt::request_by`], for
    /// headless runs. (The TUI listens itself, see `tui::run_loop`.) A third signal exits at once
    /// (Terraform's group has been killed by the second). Must be called inside a tokio runtime.
    pub fn forward_signals(&self) -> std::io::Result<()> {
        let mut signals = StopSignals::new()?;
        let me = self.clone();
        tokio::spawn(async move {
            while let Some(sig) = signals.recv().await {
                me.request_by(sig);
                // Third request: the user means it, even if something is stuck.
                if me.count() >= 3 {
                    std::process::exit(i32::from(interrupted_exit_code(me.signal())));
                }
            }
        });
        Ok(())
    }
}

/// The [`STOP_SIGNALS`] as one stream. Installing it replaces the default actions (a SIGHUP or
/// SIGTERM would otherwise end mobi-tui at once and leave Terraform, in its own process group,
/// running with the state lock held).
pub struct StopSignals {
    streams: Vec<(Signal, tokio::signal::unix::Signal)>,
}

impl StopSignals {
    /// Must be called inside a tokio runtime.
    pub fn new() -> std::io::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        let streams = STOP_SIGNALS
            .iter()
            .map(|s| Ok((*s, signal(SignalKind::from_raw(*s as i32))?)))
            .collect::<std::io::Result<_>>()?;
        Ok(Self { streams })
    }

    /// The next stop signal; `None` only if the runtime shuts down.
    pub async fn recv(&mut self) -> Option<Signal> {
        let next = self.streams.iter_mut().map(|(sig, stream)| {
            let sig = *sig;
            Box::pin(async move { stream.recv().await.map(|()| sig) })
        });
        futures::future::select_all(next).await.0
    }
}

/// The async runtime every command builds (runs, bootstrap, the wizard, smoke checks): two
/// workers, timers and IO on. One definition, so the commands cannot drift apart.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}

/// What one command did.
#[derive(Debug, Clone, Default)]
pub struct RunOutcome {
    /// Exit code; `None` when killed by a signal.
    pub exit_code: Option<i32>,
    /// An interrupt was forwarded while this command ran.
    pub interrupted: bool,
    /// The group had to be killed (second request or grace expired).
    pub killed: bool,
    /// The last `change_summary` of the stream.
    pub summary: Option<ChangeSummary>,
    pub diagnostics: Vec<Diagnostic>,
    /// A state lock ID found in an error diagnostic.
    pub lock_id: Option<String>,
    /// Stdout, for document and text commands (empty for streams).
    pub stdout: String,
    pub elapsed: Duration,
}

impl RunOutcome {
    /// Success, taking `-detailed-exitcode` into account (2 = changes present).
    pub fn success(&self, cmd: &TfCommand) -> bool {
        matches!(self.exit_code, Some(0)) || (cmd.detailed_exitcode && self.exit_code == Some(2))
    }

    /// The first error diagnostic, for one-line messages.
    pub fn first_error(&self) -> Option<&Diagnostic> {
        self.diagnostics.iter().find(|d| d.is_error())
    }
}

/// Kills the group if the run future is dropped before the child exits (an aborted task must not
/// leave a Terraform behind holding the state lock).
struct GroupGuard {
    pgid: Option<Pid>,
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if let Some(p) = self.pgid {
            let _ = killpg(p, Signal::SIGKILL);
        }
    }
}

/// Run `cmd`, calling `on_msg` for each message as it arrives (stdout and stderr merged, in
/// arrival order per stream). Returns when the child has exited and both pipes are drained.
///
/// If `interrupt` was already requested, the command is not started and the outcome says
/// `interrupted`.
pub async fn run(
    cmd: &TfCommand,
    interrupt: &Interrupt,
    grace: Duration,
    on_msg: &mut (dyn FnMut(&TfMessage) + Send),
) -> Result<RunOutcome, TerraformError> {
    let started = Instant::now();
    let mut out = RunOutcome::default();
    if interrupt.is_requested() {
        out.interrupted = true;
        return Ok(out);
    }
    let mut irq = interrupt.subscribe();
    irq.borrow_and_update();

    let mut command = tokio::process::Command::new(&cmd.program);
    command
        .args(&cmd.args)
        .current_dir(&cmd.cwd)
        .envs(cmd.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    if cmd.background {
        // Terraform is a Go program: its collector, at the default GOGC=100, takes about a
        // quarter of a plan's CPU on the dev tree. A background plan runs beside the wizard on a
        // machine that may have two cores, so it trades memory for CPU (see
        // [`BACKGROUND_GOGC`]). A GOGC the user set is theirs and wins.
        if std::env::var_os("GOGC").is_none() && !cmd.env.iter().any(|(k, _)| k == "GOGC") {
            command.env("GOGC", BACKGROUND_GOGC);
        }
        // SAFETY: between fork and exec only `nice` runs, a single async-signal-safe syscall
        // touching no memory of the parent.
        unsafe {
            command.pre_exec(|| {
                // The result is the new niceness; -1 with errno set is a failure, and a
                // plan at normal priority is still right, so it is not one worth failing on.
                libc::nice(BACKGROUND_NICENESS);
                Ok(())
            });
        }
    }
    let mut child = command.spawn().map_err(|source| TerraformError::Spawn {
        program: cmd.program.display().to_string(),
        source,
    })?;
    let pgid = child.id().map(|id| Pid::from_raw(id as i32));
    let mut guard = GroupGuard { pgid };

    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(TerraformError::Io {
            what: "terraform's output pipes".into(),
            source: std::io::Error::other("pipe not captured"),
        });
    };
    let mut stdout = LineReader::new(stdout);
    let mut stderr = LineReader::new(stderr);
    let (mut out_done, mut err_done) = (false, false);
    let mut deadline: Option<tokio::time::Instant> = None;
    // `cancel_outright`: when the second SIGINT goes. Apart from the first, or Go's runtime
    // may fold the two into one delivery.
    let mut second_sigint: Option<tokio::time::Instant> = None;
    let mut first_line = true;
    let mut saw_lock_info = false;

    let mut handle = |line: String, from_stdout: bool, out: &mut RunOutcome| {
        if from_stdout && cmd.output != OutputKind::JsonStream {
            out.stdout.push_str(&line);
            out.stdout.push('\n');
            if cmd.output == OutputKind::JsonDocument {
                return;
            }
        }
        let msg = if from_stdout && cmd.output == OutputKind::JsonStream {
            parse_line(&line)
        } else {
            // Terraform's and the providers' human text may carry colour codes; mobi-tui colours
            // its own output, and a log, a pipe or a NO_COLOR run must never see raw escapes.
            TfMessage::Text(strip_ansi(&line))
        };
        if from_stdout && first_line {
            first_line = false;
            if let TfMessage::Version { ui, .. } = &msg {
                if let Err(v) = check_ui_version(ui) {
                    on_msg(&TfMessage::Text(format!(
                        "warning: Terraform's JSON UI version {v} is not 1.x; events may be incomplete"
                    )));
                }
            }
        }
        match &msg {
            TfMessage::ChangeSummary(s) => out.summary = Some(*s),
            TfMessage::Diagnostic(d) => {
                if d.is_error() && out.lock_id.is_none() {
                    out.lock_id = d.lock_id();
                }
                out.diagnostics.push(d.clone());
            }
            TfMessage::Text(t) if t.contains("Lock Info:") => saw_lock_info = true,
            TfMessage::Text(t) if saw_lock_info && out.lock_id.is_none() => {
                // Text-mode lock errors (commands without -json) print the same Lock Info.
                if let Some(id) = t.trim_start().strip_prefix("ID:") {
                    out.lock_id = id.split_whitespace().next().map(str::to_string);
                }
            }
            _ => {}
        }
        on_msg(&msg);
    };

    let status = loop {
        tokio::select! {
            l = stdout.next_line(), if !out_done => match l {
                Ok(Some(l)) => handle(l, true, &mut out),
                _ => out_done = true,
            },
            l = stderr.next_line(), if !err_done => match l {
                Ok(Some(l)) => handle(l, false, &mut out),
                _ => err_done = true,
            },
            c = irq.changed() => {
                if c.is_err() { continue; }
                let n = *irq.borrow_and_update();
                if let Some(p) = pgid {
                    if n >= 2 || out.interrupted {
                        let _ = killpg(p, Signal::SIGKILL);
                        out.killed = true;
                    } else {
                        let _ = killpg(p, Signal::SIGINT);
                        deadline = Some(tokio::time::Instant::now() + grace);
                        if cmd.cancel_outright {
                            second_sigint = Some(tokio::time::Instant::now() + SECOND_SIGINT_AFTER);
                        }
                    }
                }
                out.interrupted = true;
            },
            _ = sleep_until(second_sigint), if second_sigint.is_some() && !out.killed => {
                second_sigint = None;
                if let Some(p) = pgid {
                    let _ = killpg(p, Signal::SIGINT);
                }
            },
            _ = sleep_until(deadline), if deadline.is_some() && !out.killed => {
                if let Some(p) = pgid {
                    let _ = killpg(p, Signal::SIGKILL);
                }
                out.killed = true;
            },
            s = child.wait(), if out_done && err_done => break s,
        }
    };
    guard.pgid = None;
    let status = status.map_err(|source| TerraformError::Io {
        what: "waiting for terraform".into(),
        source,
    })?;
    out.exit_code = status.code();
    out.elapsed = started.elapsed();
    Ok(out)
}

/// `text` without ANSI escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL/ST`, and lone
/// two-byte escapes).
pub fn strip_ansi(text: &str) -> String {
    if !text.contains('\u{1b}') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                // Parameters and intermediates, then one final byte in @..~.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' {
                        break;
                    }
                    if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Longest line kept whole; the rest of a longer line is dropped (with a marker), so a runaway
/// provider log cannot exhaust memory. Terraform's `-json` messages are far shorter.
pub const MAX_LINE: usize = 4 * 1024 * 1024;

/// Reads lines as bytes and decodes them lossily.
///
/// Why not `AsyncBufReadExt::lines`: it fails on the first invalid UTF-8 byte, after which the
/// pipe is no longer drained, Terraform blocks writing to it and the run never ends. Provider
/// output may hold any bytes; here an invalid sequence becomes U+FFFD and reading goes on.
pub struct LineReader<R> {
    inner: BufReader<R>,
    buf: Vec<u8>,
}

impl<R: tokio::io::AsyncRead + Unpin> LineReader<R> {
    pub fn new(inner: R) -> Self {
        LineReader {
            inner: BufReader::new(inner),
            buf: Vec::new(),
        }
    }

    /// The next line without its `\n` / `\r\n`; `None` at end of stream.
    pub async fn next_line(&mut self) -> std::io::Result<Option<String>> {
        self.buf.clear();
        let mut truncated = false;
        loop {
            let chunk = self.inner.fill_buf().await?;
            if chunk.is_empty() {
                if self.buf.is_empty() && !truncated {
                    return Ok(None);
                }
                break;
            }
            let (take, done) = match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            let room = MAX_LINE.saturating_sub(self.buf.len());
            if take > room {
                truncated = true;
            }
            self.buf.extend_from_slice(&chunk[..take.min(room)]);
            self.inner.consume(take);
            if done {
                break;
            }
        }
        while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
            self.buf.pop();
        }
        let mut line = String::from_utf8_lossy(&self.buf).into_owned();
        if truncated {
            line.push_str(" …(line truncated)");
        }
        Ok(Some(line))
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Run a command that prints a document or text and return its stdout, failing with the first
/// error diagnostic (or the last stderr line) as a one-line message.
pub async fn run_capture(cmd: &TfCommand, interrupt: &Interrupt) -> Result<String, TerraformError> {
    let mut last = String::new();
    let out = run(cmd, interrupt, DEFAULT_GRACE, &mut |m| {
        if let TfMessage::Text(t) = m {
            if !t.trim().is_empty() {
                last = t.trim().to_string();
            }
        }
    })
    .await?;
    if out.success(cmd) {
        Ok(out.stdout)
    } else {
        Err(TerraformError::Failed {
            argv: cmd.argv_display().join(" "),
            message: out.first_error().map(|d| d.summary.clone()).unwrap_or(last),
        })
    }
}

/// The gap between the two SIGINTs of a [`TfCommand::cancel_outright`] interrupt.
const SECOND_SIGINT_AFTER: Duration = Duration::from_millis(100);

/// How much lower than mobi-tui a background command runs (`nice` increment).
pub const BACKGROUND_NICENESS: i32 = 10;

/// The Go collector's target for background commands. Measured on the sandbox dev env, plan
/// with `-refresh=false`, 10 runs each on 2 cores (2026-12-02): against the default 100, user
/// CPU 2.48 s -> 1.93 s (-23 %), wall time -9 %, peak RSS 117 MB -> 192 MB. 800 saved a little
/// more CPU for another 57 MB; 400 is the knee.
pub const BACKGROUND_GOGC: &str = "400";

/// Is `dir` a directory Terraform has initialised (`.terraform/` and its lock file)?
pub fn is_initialised(dir: &Path) -> bool {
    // Both: a `.terraform` left without its lock file (a tree re-rendered by a newer mobi-tui)
    // makes every plan fail with "Inconsistent dependency lock file" until init runs again.
    dir.join(".terraform").is_dir() && dir.join(".terraform.lock.hcl").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initialised_means_providers_and_their_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_initialised(dir.path()));
        std::fs::create_dir(dir.path().join(".terraform")).unwrap();
        assert!(
            !is_initialised(dir.path()),
            "a .terraform without its lock file needs init again"
        );
        std::fs::write(dir.path().join(".terraform.lock.hcl"), "").unwrap();
        assert!(is_initialised(dir.path()));
    }

    #[tokio::test]
    async fn invalid_utf8_is_decoded_lossily_and_reading_goes_on() {
        let bytes: &[u8] = b"ok\n\xff\xfe bad\r\nafter\nlast";
        let mut r = LineReader::new(bytes);
        assert_eq!(r.next_line().await.unwrap().as_deref(), Some("ok"));
        assert_eq!(
            r.next_line().await.unwrap().as_deref(),
            Some("\u{fffd}\u{fffd} bad")
        );
        assert_eq!(r.next_line().await.unwrap().as_deref(), Some("after"));
        assert_eq!(r.next_line().await.unwrap().as_deref(), Some("last"));
        assert_eq!(r.next_line().await.unwrap(), None);
    }

    #[test]
    fn colour_codes_are_stripped_and_plain_text_kept() {
        assert_eq!(
            strip_ansi("\u{1b}[0m\u{1b}[32m│ \u{1b}[1mInitializing\u{1b}[0m done"),
            "│ Initializing done"
        );
        assert_eq!(
            strip_ansi("\u{1b}]8;;http://x\u{7}link\u{1b}]8;;\u{7}"),
            "link"
        );
        assert_eq!(strip_ansi("plain │ text"), "plain │ text");
    }

    #[tokio::test]
    async fn an_overlong_line_is_capped_and_the_next_one_kept() {
        let mut input = vec![b'x'; MAX_LINE + 10];
        input.extend_from_slice(b"\nnext\n");
        let mut r = LineReader::new(input.as_slice());
        let first = r.next_line().await.unwrap().unwrap();
        assert!(first.ends_with("…(line truncated)"));
        assert!(first.len() < MAX_LINE + 40);
        assert_eq!(r.next_line().await.unwrap().as_deref(), Some("next"));
    }

    /// The trimmed output lines of `sh -c script` run as a command, background or not.
    async fn lines_inside(script: &str, background: bool) -> Vec<String> {
        let cmd = TfCommand {
            program: "sh".into(),
            args: vec!["-c".into(), script.into()],
            cwd: std::env::temp_dir(),
            env: Vec::new(),
            output: OutputKind::Text,
            detailed_exitcode: false,
            background,
            cancel_outright: false,
        };
        let mut lines = Vec::new();
        let mut keep = |m: &TfMessage| {
            if let TfMessage::Text(t) = m {
                lines.push(t.trim().to_string());
            }
        };
        let out = run(&cmd, &Interrupt::new(), Duration::from_secs(1), &mut keep)
            .await
            .unwrap();
        assert_eq!(out.exit_code, Some(0), "{lines:?}");
        lines
    }

    /// The niceness `nice` reports inside a command, background or not.
    async fn niceness_inside(background: bool) -> i32 {
        lines_inside("nice", background)
            .await
            .iter()
            .find_map(|l| l.parse().ok())
            .expect("nice prints a number")
    }

    /// `GOGC` as a command sees it, background or not.
    async fn gogc_inside(background: bool) -> String {
        lines_inside("echo \"gogc=${GOGC:-unset}\"", background)
            .await
            .iter()
            .find_map(|l| l.strip_prefix("gogc=").map(str::to_string))
            .expect("the script prints gogc=")
    }

    #[tokio::test]
    async fn a_background_command_gets_a_lazier_go_collector_unless_gogc_is_set() {
        let inherited = std::env::var("GOGC").ok();
        let foreground = gogc_inside(false).await;
        let background = gogc_inside(true).await;
        match inherited {
            None => {
                assert_eq!(foreground, "unset");
                assert_eq!(background, BACKGROUND_GOGC);
            }
            // The user's own setting is left alone either way.
            Some(v) => assert_eq!((foreground.as_str(), background.as_str()), (&*v, &*v)),
        }
    }

    #[tokio::test]
    async fn a_background_command_runs_niced_and_a_foreground_one_does_not() {
        let here = niceness_inside(false).await;
        let background = niceness_inside(true).await;
        // Capped at 19, the lowest priority there is.
        assert_eq!(background, (here + BACKGROUND_NICENESS).min(19));
        assert!(background > here || here == 19);
    }

    /// A stand-in terraform that prints an invalid byte and then more than a pipe buffer holds:
    /// the run must drain both pipes to the end and keep every line.
    #[tokio::test]
    async fn a_run_with_invalid_bytes_and_a_megabyte_after_completes() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("terraform");
        std::fs::write(
            &script,
            "#!/bin/sh\nprintf 'before\\n\\377\\376\\n'\nhead -c 1048576 /dev/zero | tr '\\0' 'a' | fold -w 1000\necho\necho end\nprintf '\\377 on stderr\\n' >&2\n",
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let cmd = TfCommand {
            program: script,
            args: Vec::new(),
            cwd: dir.path().to_owned(),
            env: Vec::new(),
            output: OutputKind::Text,
            detailed_exitcode: false,
            background: false,
            cancel_outright: false,
        };
        let mut lines = Vec::new();
        let interrupt = Interrupt::new();
        let mut keep = |m: &TfMessage| {
            if let TfMessage::Text(t) = m {
                lines.push(t.clone());
            }
        };
        let out = tokio::time::timeout(
            Duration::from_secs(20),
            run(&cmd, &interrupt, Duration::from_secs(1), &mut keep),
        )
        .await
        .expect("the run ends")
        .unwrap();
        assert_eq!(out.exit_code, Some(0));
        assert_eq!(lines.first().map(String::as_str), Some("before"));
        assert!(lines.iter().any(|l| l == "\u{fffd}\u{fffd}"));
        assert!(lines.iter().any(|l| l == "end"));
        assert!(lines.iter().any(|l| l == "\u{fffd} on stderr"));
        assert!(lines.len() > 1000, "{} lines", lines.len());
    }
}
