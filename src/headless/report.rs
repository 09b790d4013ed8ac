//! Rendering [`RunEvent`]s as lines: JSON lines, plain lines, or coloured progress lines.
//!
//! Why a separate reporter: the engine never prints. This is one of the two renderings of the
//! event stream (the TUI is the other), so it holds no logic beyond formatting and filtering.

use std::io::Write;

use anstyle::{AnsiColor, Style};

use super::advice::is_expected_warning;
use crate::engine::{PhaseStatus, ResourceStatus, RunEvent, RunStatus, StepStatus};
use crate::phases::PHASE_COUNT;

/// The `--json` stream's format, `major.minor`: the first line of every stream says it
/// (`{"type":"version","format":"1.0",...}`). A new event type or field bumps the minor; a
/// removed or changed one, the major. Documented in `docs/headless.md`.
pub const JSON_FORMAT: &str = "1.0";

pub struct Reporter<'a> {
    out: &'a mut (dyn Write + Send),
    json: bool,
    color: bool,
    /// The log file's rendering: every detail line and every expected warning.
    full: bool,
}

impl<'a> Reporter<'a> {
    /// `color`: the caller's decision (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`, a terminal);
    /// never honoured with `json`.
    pub fn new(out: &'a mut (dyn Write + Send), json: bool, color: bool) -> Self {
        Self {
            out,
            json,
            color: color && !json,
            full: false,
        }
    }

    /// The plain rendering for the run's log file.
    pub fn full_log(out: &'a mut (dyn Write + Send)) -> Self {
        Self {
            out,
            json: false,
            color: false,
            full: true,
        }
    }

    /// What goes before the first event: the `version` line of a `--json` stream.
    pub fn begin(&mut self) {
        if self.json {
            let v = serde_json::json!({
                "type": "version",
                "format": JSON_FORMAT,
                "mobi_tui": env!("CARGO_PKG_VERSION"),
            });
            let _ = writeln!(self.out, "{v}");
            let _ = self.out.flush();
        }
    }

    /// Plain lines after the summary (the "before a real run" list, the log file); nothing in
    /// a `--json` stream, which holds events only.
    pub fn trailer(&mut self, lines: &[String]) {
        if self.json {
            return;
        }
        for l in lines {
            let _ = writeln!(self.out, "{l}");
        }
        let _ = self.out.flush();
    }

    /// Write one event. Output errors (a closed pipe) are ignored: the run goes on and its exit
    /// code still tells the outcome.
    pub fn event(&mut self, ev: &RunEvent) {
        if self.json {
            if let Ok(line) = serde_json::to_string(ev) {
                let _ = writeln!(self.out, "{line}");
            }
        } else if let Some(line) = self.human(ev) {
            let _ = writeln!(self.out, "{line}");
        }
        let _ = self.out.flush();
    }

    fn paint(&self, style: Style, s: &str) -> String {
        if self.color {
            format!("{style}{s}{style:#}")
        } else {
            s.to_string()
        }
    }

    fn status_word(&self, s: &str) -> String {
        let color = match s {
            "ok" => Some(AnsiColor::Green),
            "failed" | "errored" | "refused" | "blocked" => Some(AnsiColor::Red),
            "skipped" | "stopped" => Some(AnsiColor::Yellow),
            "interrupted" => Some(AnsiColor::Magenta),
            _ => None,
        };
        match color {
            Some(c) => self.paint(Style::new().fg_color(Some(c.into())), s),
            None => s.to_string(),
        }
    }

    fn human(&self, ev: &RunEvent) -> Option<String> {
        Some(match ev {
            RunEvent::RunStart {
                env,
                dir,
                mode,
                from,
                to,
                terraform,
                ..
            } => format!(
                "mobi-tui: {} env {env} in {dir}, phases {from}-{to} ({terraform})",
                match mode {
                    crate::engine::RunMode::Plan => "plan",
                    crate::engine::RunMode::Apply => "apply",
                }
            ),
            RunEvent::Resume { phase } => format!("resuming at phase {phase}"),
            RunEvent::PhaseStart {
                phase,
                title,
                module,
            } => {
                let m = module
                    .as_ref()
                    .map(|m| format!(" [module.{m}]"))
                    .unwrap_or_default();
                self.paint(Style::new().bold(), &format!("phase {phase}/{PHASE_COUNT} {title}{m}"))
            }
            RunEvent::StepStart { step, argv, .. } => match argv {
                Some(a) => format!("  $ {}", a.join(" ")),
                None => format!("  {step}"),
            },
            RunEvent::StepEnd {
                step,
                status,
                elapsed_s,
                changes,
                message,
                ..
            } => {
                let s = step_status(*status);
                let c = changes.map(|c| format!(" {c}")).unwrap_or_default();
                let m = message
                    .as_ref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default();
                format!("  {step} {}{c} ({elapsed_s:.1}s){m}", self.status_word(s))
            }
            RunEvent::Resource {
                address,
                action,
                status,
                elapsed_s,
                ..
            } => {
                let (sym, word) = match status {
                    ResourceStatus::Planned => (action_symbol(action), "planned"),
                    ResourceStatus::Drifted => ("!", "drifted"),
                    ResourceStatus::InProgress if elapsed_s.unwrap_or(0.0) > 0.0 => {
                        ("…", "still applying")
                    }
                    ResourceStatus::InProgress if self.full => ("…", "started"),
                    ResourceStatus::InProgress => return None,
                    ResourceStatus::Complete => ("✓", "done"),
                    ResourceStatus::Errored => ("✗", "errored"),
                };
                let t = elapsed_s
                    .filter(|_| *status != ResourceStatus::Planned)
                    .map(|e| format!(" {e:.1}s"))
                    .unwrap_or_default();
                format!("    {sym} {address} ({action}) {word}{t}")
            }
            RunEvent::Diagnostic {
                severity,
                summary,
                detail,
                file,
                line,
                ..
            } => {
                if !self.full && is_expected_warning(severity, summary) {
                    return None;
                }
                let at = match (file, line) {
                    (Some(f), Some(l)) => format!(" ({f}:{l})"),
                    _ => String::new(),
                };
                let head = self.paint(
                    Style::new().fg_color(Some(
                        if severity == "error" {
                            AnsiColor::Red
                        } else {
                            AnsiColor::Yellow
                        }
                        .into(),
                    )),
                    severity,
                );
                let cap = if self.full { usize::MAX } else { 12 };
                let mut s = format!("    {head}: {summary}{at}");
                for l in detail.lines().filter(|l| !l.trim().is_empty()).take(cap) {
                    s.push_str("\n      ");
                    s.push_str(l);
                }
                s
            }
            RunEvent::Log { line, .. } => {
                self.paint(Style::new().dimmed(), &format!("    │ {line}"))
            }
            RunEvent::Note { message, .. } => format!("  note: {message}"),
            RunEvent::Impact { .. } => format!("  impact: {}", crate::engine::impact::event_line(ev)?),
            RunEvent::Blocked { phase, addresses } => format!(
                "  {}: {}",
                self.paint(Style::new().fg_color(Some(AnsiColor::Red.into())), "blocked"),
                crate::engine::impact::blocked_line(*phase, addresses)
            ),
            RunEvent::LockLeft {
                lock_id, command, ..
            } => format!(
                "  {}: Terraform left state lock {lock_id}; when no Terraform is running, release it with:\n    {command}",
                self.paint(Style::new().fg_color(Some(AnsiColor::Red.into())), "lock")
            ),
            RunEvent::Check {
                name,
                status,
                elapsed_s,
                message,
                ..
            } => {
                let m = message
                    .as_ref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default();
                format!(
                    "  check {name} {} ({elapsed_s:.1}s){m}",
                    self.status_word(step_status(*status))
                )
            }
            RunEvent::PhaseEnd {
                phase,
                status,
                changes,
                reason,
                elapsed_s,
            } => {
                let r = reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default();
                format!(
                    "phase {phase} {} {changes} ({elapsed_s:.1}s){r}",
                    self.status_word(phase_status(*status))
                )
            }
            RunEvent::Summary {
                status,
                exit_code,
                ok,
                failed,
                skipped,
                interrupted,
                message,
                journal,
            } => {
                let word = match status {
                    RunStatus::Ok => "ok",
                    RunStatus::Failed => "failed",
                    RunStatus::Refused => "refused",
                    RunStatus::Stopped => "stopped",
                    RunStatus::Interrupted => "interrupted",
                };
                let m = message
                    .as_ref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default();
                format!(
                    "{}{m}\n  {ok} ok, {failed} failed, {skipped} skipped, {interrupted} interrupted; exit {exit_code}; journal {journal}",
                    self.status_word(word)
                )
            }
        })
    }
}

fn action_symbol(action: &str) -> &'static str {
    match action {
        "create" => "+",
        "update" => "~",
        "delete" => "-",
        "replace" => "±",
        "read" => "<",
        _ => "·",
    }
}

fn step_status(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Ok => "ok",
        StepStatus::Failed => "failed",
        StepStatus::Skipped => "skipped",
        StepStatus::Interrupted => "interrupted",
    }
}

fn phase_status(s: PhaseStatus) -> &'static str {
    match s {
        PhaseStatus::Ok => "ok",
        PhaseStatus::Failed => "failed",
        PhaseStatus::Skipped => "skipped",
        PhaseStatus::Interrupted => "interrupted",
        PhaseStatus::Blocked => "blocked",
    }
}
