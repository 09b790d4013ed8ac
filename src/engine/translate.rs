//! Terraform's `-json` messages as run events: the one mapping both the TUI and the headless
//! reporter see, the sandbox's own noise filtered out, and the one-line reason a command failed.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::{diagnose, ResourceStatus, RunEvent};
use crate::terraform::{self, RunOutcome, TfCommand, TfMessage};

pub(super) fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}

/// One line saying why a command failed: the first error diagnostic with its file and line, and
/// for a rollout that never finished, the image it waited for (see [`diagnose`]).
pub(super) fn failure_message(
    cmd: &TfCommand,
    out: &RunOutcome,
    preset: &crate::preset::Preset,
) -> String {
    match out.first_error() {
        Some(d) => {
            let at = d.at();
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

pub(super) fn diag_event(phase: u8, d: &terraform::Diagnostic) -> RunEvent {
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
