//! The steps of the ordinary phases: phase 1 writes the tree, each targeted phase plans its
//! module into a saved plan, passes the impact guard and the approver, and applies that plan
//! only if nothing it was made from has moved; phase 14 runs the smoke checks.

use std::path::PathBuf;
use std::time::Instant;

use super::run::{PhaseResult, Run};
use super::{impact, Approval, Changes, PhaseStatus, RunEvent, RunStatus, StepStatus};
use crate::phases::{Phase, StepKind, PHASES};
use crate::terraform::RunOutcome;

impl Run<'_> {
    pub(super) async fn phase_write_tree(&mut self, p: &Phase) -> PhaseResult {
        let started = Instant::now();
        self.step_start(p.number, StepKind::WriteTree, None);
        let cfg = self.cfg().clone();
        match self
            .engine
            .tree
            .write_tree(&cfg.preset, &cfg.preset_path, &cfg.out_dir)
        {
            Ok(summary) => {
                self.step_end(
                    p.number,
                    StepKind::WriteTree,
                    StepStatus::Ok,
                    started,
                    None,
                    Some(summary),
                );
                PhaseResult::ok(Changes::default(), true)
            }
            Err(e) => {
                let msg = e.to_string();
                self.step_end(
                    p.number,
                    StepKind::WriteTree,
                    StepStatus::Failed,
                    started,
                    None,
                    Some(msg.clone()),
                );
                PhaseResult::failed(msg)
            }
        }
    }

    /// Is `module "<m>"` declared in the env's root configuration?
    fn module_present(&self, m: &str) -> bool {
        let Some(ws) = &self.ws else { return false };
        let Ok(re) =
            regex::Regex::new(&format!(r#"(?m)^\s*module\s+"{}"\s*\{{"#, regex::escape(m)))
        else {
            return false;
        };
        std::fs::read_dir(&ws.env_dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "tf"))
            .any(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| re.is_match(&t)))
    }

    /// Plan with `-out`, recording the tree and state hashes the plan was made from.
    pub(super) async fn plan_saved(
        &mut self,
        p: &Phase,
        step: StepKind,
        target: Option<&str>,
    ) -> Result<(RunOutcome, PathBuf, String, String), PhaseResult> {
        let file = self.plan_path(p);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| PhaseResult::failed(format!("{}: {e}", dir.display())))?;
        }
        let tree = self.current_tree_hash();
        let state = self.state_hash().await?;
        let cmd = self.tf()?.plan(target, Some(&file));
        let out = self.exec(p.number, step, &cmd).await?;
        Ok((out, file, tree, state))
    }

    pub(super) async fn phase_targeted(&mut self, p: &Phase) -> PhaseResult {
        let (Some(module), Some(target)) = (p.module, p.target()) else {
            return PhaseResult::skipped("no module");
        };
        if !self.module_present(module) {
            return PhaseResult::skipped(format!(
                "{target} is not in the tree (no module \"{module}\" in envs/{})",
                self.env()
            ));
        }
        let apply = self.cfg().apply;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (out, file, tree, state) = match self
                .plan_saved(p, StepKind::Plan, Some(&target))
                .await
            {
                Ok(x) => x,
                Err(r) if r.status == PhaseStatus::Failed && !apply => {
                    return match self.upstream_not_applied(p) {
                            Some(up) => PhaseResult::skipped(format!(
                                "upstream phase {up} is not applied yet, so this plan could not be made: {}",
                                r.reason.unwrap_or_default()
                            )),
                            None => r,
                        };
                }
                Err(r) => return r,
            };
            let changes = out.summary.map(Changes::from).unwrap_or_default();
            // `-detailed-exitcode`: 0 = the state already matches this target's configuration.
            let has_changes = out.exit_code == Some(2);
            let unconfirmed = if has_changes {
                match self.phase_impact(p, &file).await {
                    Ok(u) => u,
                    Err(r) => return r,
                }
            } else {
                Vec::new()
            };
            let mut unconfirmed = unconfirmed;
            if apply && !unconfirmed.is_empty() {
                let confirmed = self
                    .engine
                    .approver
                    .confirm_destructive(p, &unconfirmed)
                    .await;
                if self.interrupt.is_requested() {
                    return PhaseResult::interrupted();
                }
                unconfirmed.retain(|r| !confirmed.contains(&r.address));
            }
            if apply && !unconfirmed.is_empty() {
                let addresses: Vec<String> =
                    unconfirmed.iter().map(|r| r.address.clone()).collect();
                (self.emit)(RunEvent::Blocked {
                    phase: p.number,
                    addresses: addresses.clone(),
                });
                return PhaseResult {
                    status: PhaseStatus::Blocked,
                    reason: Some(impact::blocked_line(p.number, &addresses)),
                    halt: Some(RunStatus::Failed),
                    plan_file: Some(file),
                    state_hash: Some(state),
                    ..PhaseResult::ok(changes, false)
                };
            }
            if !apply || !has_changes {
                let mut r = PhaseResult::ok(changes, !has_changes);
                r.plan_file = Some(file);
                r.state_hash = Some(state);
                return r;
            }
            match self.engine.approver.approve(p, changes).await {
                Approval::Apply => {}
                Approval::Stop if self.interrupt.is_requested() => {
                    return PhaseResult::interrupted()
                }
                Approval::Stop => {
                    let mut r = PhaseResult::skipped("not approved");
                    r.halt = Some(RunStatus::Stopped);
                    return r;
                }
            }
            if self.interrupt.is_requested() {
                return PhaseResult::interrupted();
            }
            // The plan is applied only if nothing it was made from has moved.
            let tree_now = self.current_tree_hash();
            let state_now = match self.state_hash().await {
                Ok(s) => s,
                Err(r) => return r,
            };
            if tree_now != tree || state_now != state {
                let what = if tree_now != tree {
                    "the tree"
                } else {
                    "the state"
                };
                if attempts >= 3 {
                    return PhaseResult::failed(format!(
                        "{what} keeps changing while planning; is another Terraform running?"
                    ));
                }
                (self.emit)(RunEvent::Note {
                    phase: p.number,
                    message: format!("{what} changed since the plan was made: planning again"),
                });
                continue;
            }
            let cmd = match self.tf() {
                Ok(tf) => tf.apply_saved(&file),
                Err(r) => return r,
            };
            let out = match self.exec(p.number, StepKind::Apply, &cmd).await {
                Ok(o) => o,
                Err(r) => return r,
            };
            let mut r = PhaseResult::ok(out.summary.map(Changes::from).unwrap_or(changes), true);
            r.plan_file = Some(file);
            r.state_hash = self.state_hash().await.ok();
            return r;
        }
    }

    /// The first earlier targeted phase whose changes are not in the state yet.
    pub(super) fn upstream_not_applied(&self, p: &Phase) -> Option<u8> {
        PHASES[2..usize::from(p.number - 1)]
            .iter()
            .filter(|u| u.module.is_some_and(|m| self.module_present(m)))
            .find(|u| {
                !self
                    .journal
                    .phases
                    .get(&u.number)
                    .is_some_and(|r| r.applied && !r.stale)
            })
            .map(|u| u.number)
    }

    pub(super) async fn phase_checks(&mut self, p: &Phase) -> PhaseResult {
        let Some(checks) = &self.engine.checks else {
            return PhaseResult::skipped("smoke checks are not available in this build");
        };
        if !self.cfg().apply {
            // Nothing is deployed by a plan-only run: probing would only report absent things.
            return PhaseResult::skipped("smoke checks run after an apply (--apply)");
        }
        let ws = match self.ws() {
            Ok(ws) => ws.clone(),
            Err(r) => return r,
        };
        let started = Instant::now();
        self.step_start(p.number, StepKind::SmokeChecks, None);
        let preset = self.cfg().preset.clone();
        let res = checks
            .run(&preset, &ws, self.interrupt, &mut *self.emit)
            .await;
        if self.interrupt.is_requested() {
            self.step_end(
                p.number,
                StepKind::SmokeChecks,
                StepStatus::Interrupted,
                started,
                None,
                None,
            );
            return PhaseResult::interrupted();
        }
        match res {
            Ok(()) => {
                self.step_end(
                    p.number,
                    StepKind::SmokeChecks,
                    StepStatus::Ok,
                    started,
                    None,
                    None,
                );
                PhaseResult::ok(Changes::default(), true)
            }
            Err(e) => {
                let msg = e.to_string();
                self.step_end(
                    p.number,
                    StepKind::SmokeChecks,
                    StepStatus::Failed,
                    started,
                    None,
                    Some(msg.clone()),
                );
                PhaseResult::failed(msg)
            }
        }
    }
}
