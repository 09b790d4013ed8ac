//! The one event stream of a run. The TUI renders it into panes, the headless runner into
//! progress lines or JSON lines; neither runs anything itself.
//!
//! Why one enum serialized as-is: `--json` output *is* `serde_json::to_string(&event)`, so the
//! documented JSON lines and what the TUI sees can never drift apart. The `type` field is the
//! variant name in snake_case.

use serde::{Deserialize, Serialize};

use crate::exit::{EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE};

/// Plan/apply counts as users read them: `+add ~change -remove`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Changes {
    pub add: u64,
    pub change: u64,
    pub remove: u64,
}

impl Changes {
    pub fn is_zero(&self) -> bool {
        self.add == 0 && self.change == 0 && self.remove == 0
    }
}

impl From<crate::terraform::ChangeSummary> for Changes {
    fn from(s: crate::terraform::ChangeSummary) -> Self {
        Self {
            add: s.add + s.import,
            change: s.change,
            remove: s.remove,
        }
    }
}

impl std::fmt::Display for Changes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "+{} ~{} -{}", self.add, self.change, self.remove)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseStatus {
    Ok,
    Failed,
    Skipped,
    Interrupted,
    /// Stopped before its apply: the plan destroys data and was not confirmed (resumable).
    Blocked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Ok,
    Failed,
    Skipped,
    Interrupted,
}

/// Where a resource is in its life within one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceStatus {
    /// In the plan (`planned_change`).
    Planned,
    /// Changed outside Terraform (`resource_drift`).
    Drifted,
    /// Apply started or still running (`apply_start`, `apply_progress`).
    InProgress,
    Complete,
    Errored,
}

/// How the whole run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Ok,
    Failed,
    /// Stopped before running anything: bad input, missing credentials, usage.
    Refused,
    /// The user declined a phase's apply.
    Stopped,
    Interrupted,
}

impl RunStatus {
    /// The documented exit code: 0 ok, 1 failed or stopped, 2 usage or bad input, 130 interrupted.
    pub fn exit_code(self) -> u8 {
        match self {
            RunStatus::Ok => EXIT_OK,
            RunStatus::Failed | RunStatus::Stopped => EXIT_FAILED,
            RunStatus::Refused => EXIT_USAGE,
            RunStatus::Interrupted => EXIT_INTERRUPTED,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunMode {
    Plan,
    Apply,
}

/// Everything a run reports, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RunEvent {
    RunStart {
        env: String,
        dir: String,
        mode: RunMode,
        from: u8,
        to: u8,
        terraform: String,
        sandbox: bool,
    },
    /// `--resume` picked this phase as the first one not done.
    Resume { phase: u8 },
    PhaseStart {
        phase: u8,
        title: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        module: Option<String>,
    },
    StepStart {
        phase: u8,
        step: String,
        /// The exact command line, when the step runs Terraform.
        #[serde(skip_serializing_if = "Option::is_none")]
        argv: Option<Vec<String>>,
    },
    StepEnd {
        phase: u8,
        step: String,
        status: StepStatus,
        elapsed_s: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        changes: Option<Changes>,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    Resource {
        phase: u8,
        address: String,
        action: String,
        status: ResourceStatus,
        #[serde(skip_serializing_if = "Option::is_none")]
        elapsed_s: Option<f64>,
    },
    Diagnostic {
        phase: u8,
        severity: String,
        summary: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        detail: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        file: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        line: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// A line Terraform printed outside its JSON UI (stderr, provisioner output, init logs).
    Log { phase: u8, line: String },
    /// Something the user should know that is not an error (a re-plan, an upstream not applied).
    Note { phase: u8, message: String },
    /// Terraform left a state lock behind: the exact command that releases it.
    LockLeft {
        phase: u8,
        lock_id: String,
        command: String,
    },
    /// One smoke check of phase 14 (emitted by the injected checks runner).
    Check {
        phase: u8,
        name: String,
        status: StepStatus,
        elapsed_s: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    PhaseEnd {
        phase: u8,
        status: PhaseStatus,
        changes: Changes,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        elapsed_s: f64,
    },
    /// One resource change a changed answer causes (`mobi-tui impact`, and before a phase's
    /// apply): the key and its values (none when no changed answer explains the change), the
    /// action, the attributes forcing a replacement, and whether data is lost.
    Impact {
        #[serde(skip_serializing_if = "Option::is_none")]
        phase: Option<u8>,
        key: Option<String>,
        from: Option<serde_json::Value>,
        to: Option<serde_json::Value>,
        address: String,
        action: super::impact::Action,
        forced_by: Option<String>,
        destructive: bool,
        /// The key reaches this resource through the outputs of this module.
        #[serde(skip_serializing_if = "Option::is_none")]
        via: Option<String>,
    },
    /// A phase stopped before its apply because the plan replaces or deletes resources that hold
    /// data, not confirmed by `--allow-replace ADDRESS` or `--allow-destroy-data`.
    Blocked { phase: u8, addresses: Vec<String> },
    Summary {
        status: RunStatus,
        exit_code: u8,
        ok: u32,
        failed: u32,
        skipped: u32,
        interrupted: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        journal: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_end_serializes_to_documented_shape() {
        let e = RunEvent::PhaseEnd {
            phase: 3,
            status: PhaseStatus::Ok,
            changes: Changes {
                add: 2,
                change: 0,
                remove: 0,
            },
            reason: None,
            elapsed_s: 1.5,
        };
        let v = serde_json::to_value(&e).unwrap_or_default();
        assert_eq!(
            v,
            serde_json::json!({"type":"phase_end","phase":3,"status":"ok",
                "changes":{"add":2,"change":0,"remove":0},"elapsed_s":1.5})
        );
    }
}
