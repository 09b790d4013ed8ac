//! One Terraform command as one step of a phase: its start and end events, its command line in
//! the journal, its messages translated into events (see [`super::translate`]), the state lock
//! it may leave behind, and the one-line reason when it fails.

use std::collections::HashMap;
use std::time::Instant;

use super::run::{PhaseResult, Run};
use super::translate::{failure_message, is_sandbox_noise, secs, translate};
use super::{impact, Changes, LockRecord, RunEvent, StepStatus};
use crate::phases::StepKind;
use crate::terraform::{self, force_unlock_hint, RunOutcome, TfCommand, TfMessage};

impl Run<'_> {
    pub(super) fn step_start(&mut self, phase: u8, step: StepKind, cmd: Option<&TfCommand>) {
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

    pub(super) fn step_end(
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
    pub(super) async fn exec(
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
                planned.extend(impact::PlannedChange::from_stream(c));
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

    pub(super) async fn step_init(&mut self, phase: u8) -> Result<(), PhaseResult> {
        let cmd = self.tf()?.init(true);
        self.exec(phase, StepKind::Init, &cmd).await.map(|_| ())
    }
}
