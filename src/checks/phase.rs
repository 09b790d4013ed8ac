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
            let mut ctx = CheckContext::new(preset, &outputs, settings, options)?;
            let sandbox_dir = ws
                .env
                .iter()
                .find(|(k, v)| k == crate::sandbox::cluster::SANDBOX_DIR_ENV && !v.is_empty())
                .map(|(_, v)| PathBuf::from(v));
            if let (true, Some(dir)) = (ctx.is_data_plane(), sandbox_dir) {
                // A run restarts what a reboot or a kill stopped, before probing it.
                let dir2 = dir.clone();
                let revived = tokio::task::spawn_blocking(move || {
                    crate::sandbox::services::Services::at(&dir2).revive()
                })
                .await?;
                sandbox_services(&mut ctx, &dir, revived.map_err(|e| e.to_string()));
            }
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

/// Decides the direct checks of the sandbox's data plane from its service records: a missing
/// server binary skips the check naming it, a service that is not running fails it at once
/// (instead of after the retry budget), an instance without a service (applied before the data
/// plane existed) skips it saying how to get one.
pub fn sandbox_services(
    ctx: &mut CheckContext,
    env_root: &std::path::Path,
    records: Result<crate::sandbox::services::Revived, String>,
) {
    use crate::sandbox::services::{Health, Kind, Services};
    let services = Services::at(env_root);
    let records = match records {
        Ok(r) => r,
        Err(e) => {
            for name in ["postgres.direct", "redis.direct"]
                .into_iter()
                .chain(S3_CHECKS)
            {
                ctx.preset_outcome(name, true, format!("sandbox services unreadable: {e}"));
            }
            return;
        }
    };
    s3_server(ctx, &services, &records);
    for (kind, check, what) in [
        (Kind::Postgres, "postgres.direct", "PostgreSQL"),
        (Kind::Redis, "redis.direct", "Redis"),
    ] {
        let Some((r, started)) = records.iter().find(|(r, _)| r.kind == kind) else {
            ctx.preset_outcome(
                check,
                false,
                format!("no sandbox {what} service recorded (the resource was applied before the data plane existed: run with --sandbox-reset to create it afresh)"),
            );
            continue;
        };
        match services.health(r) {
            Health::Running { .. } => {}
            Health::Missing(why) => {
                ctx.preset_outcome(check, false, format!("sandbox {what} not available: {why}"))
            }
            Health::Stopped => {
                let why = match started {
                    Err(e) => format!(": restart failed: {e}"),
                    Ok(()) => String::new(),
                };
                ctx.preset_outcome(
                    check,
                    true,
                    format!(
                        "sandbox {what} service {} (127.0.0.1:{}) is not running{why}; a sandbox run (or `mobi-tui sandbox start`) restarts it",
                        r.name, r.port
                    ),
                );
            }
        }
    }
}

/// The checks the sandbox's S3 server answers.
const S3_CHECKS: [&str; 3] = ["s3.media_bucket", "s3.frontend_bucket", "frontend.website"];

/// The S3 part of [`sandbox_services`]: a running server's certificate becomes a root the HTTP
/// probes trust (what the public roots are to a real run); a stopped one fails its checks at
/// once; a website no one may read is skipped saying why, as the tree's own check block warned.
fn s3_server(
    ctx: &mut CheckContext,
    services: &crate::sandbox::services::Services,
    records: &crate::sandbox::services::Revived,
) {
    use crate::sandbox::services::{s3, Health, Kind};
    let Some((r, started)) = records.iter().find(|(r, _)| r.kind == Kind::S3) else {
        for check in S3_CHECKS {
            ctx.preset_outcome(
                check,
                false,
                "no sandbox S3 server recorded (the buckets were applied before the data plane served them: run with --sandbox-reset to create them afresh)",
            );
        }
        return;
    };
    match services.health(r) {
        Health::Running { .. } => {
            if let Some(pem) = s3::certificate(r) {
                ctx.trust_http_root(pem);
            }
            let websites = s3::websites(r);
            if !websites.is_empty() && websites.iter().all(|(_, public)| !public) {
                let names: Vec<&str> = websites.iter().map(|(b, _)| b.as_str()).collect();
                ctx.preset_outcome(
                    "frontend.website",
                    false,
                    format!(
                        "the website of bucket {} is not publicly readable: no public-read bucket policy, so it answers 403 here as on Scaleway (set TF_VAR_scw_access_key_id=$SCW_ACCESS_KEY or bucket_admin_principals so the tree creates the policy)",
                        names.join(", ")
                    ),
                );
            }
        }
        Health::Missing(why) => {
            for check in S3_CHECKS {
                ctx.preset_outcome(check, false, format!("sandbox S3 not available: {why}"));
            }
        }
        Health::Stopped => {
            let why = match started {
                Err(e) => format!(": restart failed: {e}"),
                Ok(()) => String::new(),
            };
            for check in S3_CHECKS {
                ctx.preset_outcome(
                    check,
                    true,
                    format!(
                        "sandbox S3 server {} (127.0.0.1:{}) is not running{why}; a sandbox run (or `mobi-tui sandbox start`) restarts it",
                        r.name, r.port
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::services::{Kind, Record, Services};

    fn dev_preset() -> Preset {
        toml::from_str(include_str!("../../presets/dev.toml")).expect("dev preset")
    }

    /// Outputs of an applied sandbox with its data plane (endpoints on loopback).
    fn outputs() -> Outputs {
        let mut v = std::collections::BTreeMap::new();
        for (k, val) in [
            ("media_bucket_name", "m"),
            ("frontend_bucket_name", "f"),
            ("s3_endpoint", "https://s3.fr-par.scw.cloud"),
            ("database_host", "127.0.0.1"),
            ("database_name", "mobi"),
            ("redis_host", "127.0.0.1"),
            ("api_url", "https://api.example.com"),
            ("frontend_url", "https://app.example.com"),
            ("cluster_id", "fr-par/1"),
        ] {
            v.insert(k.to_owned(), serde_json::json!(val));
        }
        v.insert("database_port".into(), serde_json::json!(1));
        v.insert("redis_port".into(), serde_json::json!(1));
        Outputs::from_values(v)
    }

    /// A missing server binary skips its check naming the binary; a recorded service that is
    /// not running fails at once, without waiting out the retry budget.
    #[test]
    fn missing_binaries_skip_and_stopped_services_fail_at_once() {
        let d = tempfile::tempdir().unwrap();
        let services = Services::at(d.path());
        let pg = Record {
            name: "pg-x".into(),
            kind: Kind::Postgres,
            resource_id: "fr-par/x".into(),
            port: 1,
            data_dir: d.path().join("pg"),
            missing: Some("initdb not found on PATH (apt-get install postgresql)".into()),
            user: None,
        };
        let redis = Record {
            name: "redis-y".into(),
            kind: Kind::Redis,
            resource_id: "fr-par-1/y".into(),
            port: 1,
            data_dir: d.path().join("redis"),
            missing: None,
            user: None,
        };
        services.save(&pg).unwrap();
        services.save(&redis).unwrap();
        let settings = Settings::from_lookup(|_| None).unwrap();
        let options = Options {
            direct: false,
            sandbox: true,
        };
        let mut ctx = CheckContext::new(&dev_preset(), &outputs(), settings, options).unwrap();
        assert!(ctx.is_data_plane());
        let records = services
            .list()
            .map(|l| l.into_iter().map(|r| (r, Ok(()))).collect())
            .map_err(|e| e.to_string());
        sandbox_services(&mut ctx, d.path(), records);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let results = rt.block_on(run_checks(&ctx, |_| {}));
        let get = |n: &str| results.iter().find(|r| r.name == n).unwrap().clone();
        let pg = get("postgres.direct");
        assert_eq!(pg.status, Status::Skipped);
        assert!(pg.reason.contains("initdb not found"), "{}", pg.reason);
        let redis = get("redis.direct");
        assert_eq!(redis.status, Status::Fail);
        assert!(
            redis
                .reason
                .contains("redis-y (127.0.0.1:1) is not running"),
            "{}",
            redis.reason
        );
        assert_eq!(redis.attempts, 0, "decided without probing");
        let kube = get("workers.ready");
        assert_eq!(
            (kube.status, kube.reason.as_str()),
            (Status::Skipped, super::super::NO_KUBERNETES)
        );
    }
}
