//! Phase 13: the whole tree converges. `fmt -check`, `validate` in every env, then one untargeted
//! plan that must show no change once every phase is applied (output values alone are stored).

use std::path::PathBuf;
use std::time::Instant;

use super::run::{PhaseResult, Run};
use super::translate::diag_event;
use super::{Changes, PhaseStatus, StepStatus};
use crate::phases::{Phase, StepKind};
use crate::terraform;

impl Run<'_> {
    pub(super) async fn phase_converge(&mut self, p: &Phase) -> PhaseResult {
        // fmt -check over the whole tree.
        let root = match self.ws() {
            Ok(ws) => ws.root.clone(),
            Err(r) => return r,
        };
        let cmd = match self.tf() {
            Ok(tf) => tf.fmt_check(&root),
            Err(r) => return r,
        };
        let started = Instant::now();
        self.step_start(p.number, StepKind::FmtCheck, Some(&cmd));
        match terraform::run(&cmd, self.interrupt, self.cfg().grace, &mut |_| {}).await {
            Ok(o) if o.interrupted => return PhaseResult::interrupted(),
            Ok(o) if o.exit_code == Some(0) => self.step_end(
                p.number,
                StepKind::FmtCheck,
                StepStatus::Ok,
                started,
                None,
                None,
            ),
            Ok(o) => {
                let files: Vec<&str> = o.stdout.lines().filter(|l| !l.trim().is_empty()).collect();
                let msg = if files.is_empty() {
                    "terraform fmt -check failed".to_string()
                } else {
                    format!(
                        "not formatted (run terraform fmt -recursive): {}",
                        files.join(", ")
                    )
                };
                self.step_end(
                    p.number,
                    StepKind::FmtCheck,
                    StepStatus::Failed,
                    started,
                    None,
                    Some(msg.clone()),
                );
                return PhaseResult::failed(msg);
            }
            Err(e) => return PhaseResult::failed(e.to_string()),
        }

        // validate every env present (init without backend where not initialised yet).
        let mut envs: Vec<PathBuf> = std::fs::read_dir(root.join("envs"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|d| d.is_dir())
            .collect();
        envs.sort();
        for dir in envs {
            let ws_env = match self.ws() {
                Ok(ws) => ws.env.clone(),
                Err(r) => return r,
            };
            let tf = terraform::Terraform::new(&self.cfg().terraform_bin, &dir).with_env(ws_env);
            if !terraform::process::is_initialised(&dir) {
                if let Err(r) = self.exec(p.number, StepKind::Init, &tf.init(false)).await {
                    return r;
                }
            }
            let cmd = tf.validate();
            let started = Instant::now();
            self.step_start(p.number, StepKind::ValidateAll, Some(&cmd));
            let out =
                match terraform::run(&cmd, self.interrupt, self.cfg().grace, &mut |_| {}).await {
                    Ok(o) if o.interrupted => return PhaseResult::interrupted(),
                    Ok(o) => o,
                    Err(e) => return PhaseResult::failed(e.to_string()),
                };
            let report: Option<terraform::json::ValidateReport> =
                serde_json::from_str(&out.stdout).ok();
            let valid = report.as_ref().is_some_and(|r| r.valid);
            for d in report.iter().flat_map(|r| r.diagnostics.iter()) {
                (self.emit)(diag_event(p.number, d));
            }
            let env_name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !valid {
                let msg = format!("envs/{env_name} is not valid");
                self.step_end(
                    p.number,
                    StepKind::ValidateAll,
                    StepStatus::Failed,
                    started,
                    None,
                    Some(msg.clone()),
                );
                return PhaseResult::failed(msg);
            }
            self.step_end(
                p.number,
                StepKind::ValidateAll,
                StepStatus::Ok,
                started,
                None,
                Some(format!("envs/{env_name}")),
            );
        }

        // The final untargeted plan.
        let (out, file, tree, state) = match self.plan_saved(p, StepKind::FinalPlan, None).await {
            Ok(x) => x,
            Err(r) if r.status == PhaseStatus::Failed && !self.cfg().apply => {
                return match self.upstream_not_applied(p) {
                    Some(up) => PhaseResult::skipped(format!(
                        "upstream phase {up} is not applied yet, so the final plan could not be made: {}",
                        r.reason.unwrap_or_default()
                    )),
                    None => r,
                };
            }
            Err(r) => return r,
        };
        let changes = out.summary.map(Changes::from).unwrap_or_default();
        if !self.cfg().apply {
            let mut r = PhaseResult::ok(changes, changes.is_zero());
            r.plan_file = Some(file);
            return r;
        }
        if !changes.is_zero() {
            return PhaseResult::failed(format!(
                "the final plan does not converge: {changes} after applying every phase (resources outside the phase modules?)"
            ));
        }
        if out.exit_code == Some(2) && tree == self.current_tree_hash() {
            // Only output values differ: store them (no infrastructure change, no question).
            if matches!(self.state_hash().await, Ok(s) if s == state) {
                let cmd = match self.tf() {
                    Ok(tf) => tf.apply_saved(&file),
                    Err(r) => return r,
                };
                if let Err(r) = self.exec(p.number, StepKind::Apply, &cmd).await {
                    return r;
                }
            }
        }
        let mut r = PhaseResult::ok(changes, true);
        r.plan_file = Some(file);
        r
    }
}
