//! Phase 14 inside a run: the engine's [`SmokeChecks`] hook served by [`run_checks`].
//!
//! The outputs come from `terraform output -json` in the env the engine just applied (the sandbox
//! copy in sandbox mode, where every check ends `skipped (sandbox)`); each result becomes a
//! [`RunEvent::Check`], so the TUI and the headless reporter show the same checklist.

use std::path::PathBuf;

use futures::future::BoxFuture;

use super::{run_checks, CheckContext, Options, Outputs, Settings, Status};
use crate::engine::{BoxError, RunEvent, SmokeChecks, StepStatus, WorkspaceDirs};
use crate::preset::Preset;
use crate::terraform::Interrupt;

/// The smoke checks as the engine runs them.
pub struct EngineChecks {
    pub terraform_bin: PathBuf,
}

impl SmokeChecks for EngineChecks {
    fn run<'a>(
        &'a self,
        preset: &'a Preset,
        ws: &'a WorkspaceDirs,
        _interrupt: &'a Interrupt,
        emit: &'a mut (dyn FnMut(RunEvent) + Send),
    ) -> BoxFuture<'a, Result<(), BoxError>> {
        Box::pin(async move {
            let mut cmd = duct::cmd(&self.terraform_bin, ["output", "-json"])
                .dir(&ws.env_dir)
                .stdout_capture()
                .stderr_capture()
                .unchecked();
            for (k, v) in &ws.env {
                cmd = cmd.env(k, v);
            }
            let out = tokio::task::spawn_blocking(move || cmd.run()).await??;
            if !out.status.success() {
                let err = String::from_utf8_lossy(&out.stderr);
                return Err(format!(
                    "terraform output -json failed: {}",
                    err.lines()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or("no message")
                )
                .into());
            }
            let outputs = Outputs::from_json(&String::from_utf8_lossy(&out.stdout))?;
            let settings = Settings::from_env()?;
            let options = Options {
                direct: false,
                sandbox: ws.sandbox,
            };
            let ctx = CheckContext::new(preset, &outputs, settings, options)?;
            let results = run_checks(&ctx, |r| {
                emit(RunEvent::Check {
                    phase: 14,
                    name: r.name.clone(),
                    status: match r.status {
                        Status::Pass => StepStatus::Ok,
                        Status::Fail => StepStatus::Failed,
                        Status::Skipped => StepStatus::Skipped,
                    },
                    elapsed_s: (r.duration.as_secs_f64() * 1000.0).round() / 1000.0,
                    message: (!r.reason.is_empty()).then(|| r.reason.clone()),
                })
            })
            .await;
            let failed: Vec<&str> = results
                .iter()
                .filter(|r| r.status == Status::Fail)
                .map(|r| r.name.as_str())
                .collect();
            if failed.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "{} smoke check(s) failed: {}",
                    failed.len(),
                    failed.join(", ")
                )
                .into())
            }
        })
    }
}
