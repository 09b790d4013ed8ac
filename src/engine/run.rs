//! The run itself: which phases run and in what order (`--from`/`--to`, `--resume`), the
//! credentials gate, and what the journal records after each phase. The phases' own steps live
//! in [`super::phase_exec`] and [`super::converge`]; running one Terraform command in
//! [`super::step`].

use std::path::PathBuf;
use std::time::Instant;

use super::journal::{self, Journal, PhaseRecord};
use super::translate::secs;
use super::{
    hash, impact, missing_credentials_with, Changes, Engine, PhaseStatus, RunConfig, RunEvent,
    RunMode, RunStatus, WorkspaceDirs, TREE_SUBDIR,
};
use crate::phases::{Phase, PHASES, PHASE_COUNT};
use crate::preset::Preset;
use crate::terraform::{self, Interrupt};

/// Ends the run early with a status and a one-line message.
pub(super) struct Stop {
    pub(super) status: RunStatus,
    pub(super) message: String,
}

pub(super) fn stop(status: RunStatus, message: impl Into<String>) -> Stop {
    Stop {
        status,
        message: message.into(),
    }
}

/// How one phase ended.
pub(super) struct PhaseResult {
    pub(super) status: PhaseStatus,
    pub(super) changes: Changes,
    pub(super) reason: Option<String>,
    pub(super) applied: bool,
    pub(super) plan_file: Option<PathBuf>,
    pub(super) state_hash: Option<String>,
    /// Stop the run after this phase with this status.
    pub(super) halt: Option<RunStatus>,
}

impl PhaseResult {
    pub(super) fn ok(changes: Changes, applied: bool) -> Self {
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
    pub(super) fn skipped(reason: impl Into<String>) -> Self {
        Self {
            status: PhaseStatus::Skipped,
            reason: Some(reason.into()),
            ..Self::ok(Changes::default(), false)
        }
    }
    pub(super) fn failed(reason: impl Into<String>) -> Self {
        Self {
            status: PhaseStatus::Failed,
            reason: Some(reason.into()),
            halt: Some(RunStatus::Failed),
            ..Self::ok(Changes::default(), false)
        }
    }
    pub(super) fn interrupted() -> Self {
        Self {
            status: PhaseStatus::Interrupted,
            reason: Some("interrupted".into()),
            halt: Some(RunStatus::Interrupted),
            ..Self::ok(Changes::default(), false)
        }
    }
}

/// The state of one run in progress.
pub(super) struct Run<'a> {
    pub(super) engine: &'a Engine,
    pub(super) interrupt: &'a Interrupt,
    pub(super) emit: &'a mut (dyn FnMut(RunEvent) + Send),
    /// ok, failed, skipped, interrupted
    pub(super) counts: [u32; 4],
    pub(super) journal: Journal,
    pub(super) ws: Option<WorkspaceDirs>,
    /// Command lines of the phase in progress (for the journal).
    pub(super) commands: Vec<Vec<String>>,
    /// The resource changes of the last plan (from its `planned_change` messages).
    pub(super) planned: Vec<impact::PlannedChange>,
    /// The preset the env was last applied with, as it was when this run started.
    pub(super) baseline: Option<Preset>,
}

impl Run<'_> {
    pub(super) fn cfg(&self) -> &RunConfig {
        &self.engine.cfg
    }

    pub(super) fn env(&self) -> &str {
        &self.engine.cfg.preset.project.env
    }

    fn tree_root(&self) -> PathBuf {
        self.cfg().out_dir.join(TREE_SUBDIR)
    }

    pub(super) async fn run_phases(&mut self) -> Result<RunStatus, Stop> {
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

    pub(super) fn ws(&self) -> Result<&WorkspaceDirs, PhaseResult> {
        self.ws
            .as_ref()
            .ok_or_else(|| PhaseResult::failed("workspace not prepared"))
    }

    pub(super) fn tf(&self) -> Result<terraform::Terraform, PhaseResult> {
        let ws = self.ws()?;
        Ok(
            terraform::Terraform::new(&self.cfg().terraform_bin, &ws.env_dir)
                .with_env(ws.env.clone()),
        )
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
}
