//! Phase 14: the smoke-check checklist, as real probes with retries.
//!
//! Each check ends `pass`, `fail` with its reason, or `skipped` with its reason, with its duration
//! and number of attempts ([`CheckResult`]). The engine and the TUI call [`run_checks`] and
//! receive each result as it lands; `mobi-tui smoke` ([`cli::run_smoke`]) renders the same
//! results as a table, JSON lines and JUnit XML.
//!
//! Layout: one file per probe (`s3`, `postgres`, `redis`, `http`, `kubectl`, `e2e`), pure logic
//! apart from IO (`retry` schedule, `sigv4` signing, `report` formats, `outputs` parsing), and
//! this file, which decides which checks exist and runs them concurrently: they are independent,
//! and a sequential run would add every check's retry budget together.
//!
//! Secrets come from the environment only ([`env`]), and every reason is masked before it leaves
//! this module, since servers sometimes echo what they were sent.

pub mod cli;
pub mod e2e;
pub mod env;
pub mod http;
pub mod kubectl;
pub mod outputs;
pub mod phase;
pub mod postgres;
pub mod redis;
pub mod report;
pub mod retry;
pub mod s3;
pub mod sigv4;
pub mod tls;

use std::time::{Duration, Instant};

use futures::stream::{FuturesUnordered, StreamExt};

pub use cli::{run_smoke, SmokeArgs};
pub use env::{Settings, SettingsError};
pub use outputs::{Outputs, OutputsError, Targets};

use crate::preset::{Preset, Smoke};
use kubectl::Kube;
use postgres::PgTarget;
use redis::RedisTarget;
use retry::{run_with_retry, Outcome, ProbeError, RetryPolicy};

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    Skipped,
}

impl Status {
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skipped => "skipped",
        }
    }
}

/// One finished check. `reason` says what passed, why it failed, or why it was skipped; it is
/// already masked.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    pub name: String,
    pub status: Status,
    pub reason: String,
    pub duration: Duration,
    pub attempts: u32,
}

/// What the caller asks for beyond the preset and the outputs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also probe PostgreSQL and Redis from this machine.
    pub direct: bool,
    /// Sandbox run: nothing is live, every check is skipped.
    pub sandbox: bool,
}

/// Bad input: exit code 2, a one-line message naming the file, field or variable.
#[derive(Debug, thiserror::Error)]
pub enum SmokeError {
    #[error("{file}: {message}")]
    Preset { file: String, message: String },
    #[error("{origin}: {source}")]
    Outputs {
        origin: String,
        #[source]
        source: OutputsError,
    },
    #[error("terraform output -json in {dir}: {message}")]
    Terraform { dir: String, message: String },
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("preset [smoke].{field}: {message}")]
    SmokeTable {
        field: &'static str,
        message: String,
    },
    #[error("cannot write the kubeconfig to a temp file: {0}")]
    Kubeconfig(std::io::Error),
    #[error("cannot write a certificate output to a temp file: {0}")]
    CaFile(std::io::Error),
}

/// The checks, in the order they are reported.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Check {
    MediaBucket,
    FrontendBucket,
    FrontendWebsite,
    PostgresPod,
    PostgresDirect,
    RedisPod,
    RedisDirect,
    ApiHealth,
    WorkersReady,
    WorkerReach(String),
    EndToEnd,
}

impl Check {
    fn name(&self) -> String {
        match self {
            Check::MediaBucket => "s3.media_bucket".into(),
            Check::FrontendBucket => "s3.frontend_bucket".into(),
            Check::FrontendWebsite => "frontend.website".into(),
            Check::PostgresPod => "postgres.pod".into(),
            Check::PostgresDirect => "postgres.direct".into(),
            Check::RedisPod => "redis.pod".into(),
            Check::RedisDirect => "redis.direct".into(),
            Check::ApiHealth => "api.health".into(),
            Check::WorkersReady => "workers.ready".into(),
            Check::WorkerReach(w) => format!("workers.{w}.reach"),
            Check::EndToEnd => "e2e.flow".into(),
        }
    }
}

/// Everything a run needs, validated up front so a bad setting is bad input, not a failed check.
#[derive(Debug)]
pub struct CheckContext {
    /// `None` in sandbox mode.
    targets: Option<Targets>,
    settings: Settings,
    options: Options,
    smoke: Smoke,
    health_path: String,
    workers: Vec<String>,
    backend_namespace: String,
    workers_namespace: String,
    database_user: String,
    redis_user: String,
    /// kubectl + kubeconfig, or why in-cluster checks cannot run.
    kube: Result<Kube, String>,
    task_sql: String,
    secrets: Vec<String>,
    /// Sandbox with its data plane: the outputs point at real local servers, so the checks that
    /// need no Kubernetes run for real; the others are skipped with [`NO_KUBERNETES`].
    data_plane: bool,
    /// Checks the caller already knows the outcome of (a sandbox service whose binary is
    /// missing, or that is not running): check name, whether it fails, the reason.
    preset_outcomes: Vec<(String, bool, String)>,
    /// CA files written from the certificate outputs (sandbox), kept as long as the context.
    _ca_files: Vec<tempfile::NamedTempFile>,
    /// Extra roots the HTTP probes trust (PEM): the sandbox S3 server's certificate.
    http_roots: Vec<String>,
}

/// Why the checks that need the cluster are skipped in the sandbox.
pub const NO_KUBERNETES: &str = "no Kubernetes in the sandbox";

/// A PEM certificate in a private temp file, for a verified TLS mode.
fn ca_file(pem: &str) -> Result<tempfile::NamedTempFile, SmokeError> {
    use std::io::Write as _;
    let mut f = tempfile::Builder::new()
        .prefix("mobi-ca-")
        .suffix(".pem")
        .tempfile()
        .map_err(SmokeError::CaFile)?;
    f.write_all(pem.as_bytes()).map_err(SmokeError::CaFile)?;
    Ok(f)
}

fn skip(reason: impl Into<String>) -> Outcome {
    Outcome {
        result: Err(ProbeError::skip(reason)),
        attempts: 0,
    }
}

fn fail(reason: impl Into<String>) -> Outcome {
    Outcome {
        result: Err(ProbeError::fatal(reason)),
        attempts: 0,
    }
}

impl CheckContext {
    /// Validates the inputs and, when a kubeconfig is in the outputs and kubectl on PATH, writes
    /// the kubeconfig to a private temp file that lives as long as the context.
    pub fn new(
        preset: &Preset,
        outputs: &Outputs,
        settings: Settings,
        mut options: Options,
    ) -> Result<Self, SmokeError> {
        options.sandbox |= outputs.is_sandbox();
        // The sandbox's data plane reports real endpoints: the outputs then say where.
        let data_plane =
            options.sandbox && outputs.opt_str("database_host").ok().flatten().is_some();
        let mut settings = settings;
        let mut ca_files = Vec::new();
        if data_plane {
            // What a user of the sandbox has: the outputs (secrets included, read from the
            // state); the environment's values are for the real cloud.
            let out = |name: &str| outputs.opt_str(name).ok().flatten();
            let secret = |name: &str| out(name).map(crate::secret::Secret::new);
            settings.database_password = secret("database_password");
            settings.redis_password = secret("redis_password");
            settings.database_user = None;
            settings.redis_user = None;
            settings.s3_credentials = match (out("s3_access_key"), out("s3_secret_key")) {
                (Some(access_key), Some(secret_key)) => Some(sigv4::Credentials {
                    access_key,
                    secret_key: crate::secret::Secret::new(secret_key),
                }),
                _ => None,
            };
            // TLS as the tree configures it, verified against the certificates it reports.
            if let Some(pem) = out("database_certificate") {
                let f = ca_file(&pem)?;
                settings.database_tls = tls::TlsMode::VerifyFull {
                    ca_file: Some(f.path().to_path_buf()),
                };
                ca_files.push(f);
            }
            if let Some(pem) = out("redis_certificate") {
                let f = ca_file(&pem)?;
                settings.redis_tls = tls::TlsMode::VerifyFull {
                    ca_file: Some(f.path().to_path_buf()),
                };
                ca_files.push(f);
            }
        } else {
            // A real run: the environment first, then the secrets the tree outputs.
            let out = |name: &str| outputs.opt_str(name).ok().flatten();
            let secret = |name: &str| out(name).map(crate::secret::Secret::new);
            if settings.database_password.is_none() {
                settings.database_password = secret("database_password");
            }
            if settings.redis_password.is_none() {
                settings.redis_password = secret("redis_password");
            }
        }
        let smoke = preset.smoke.clone();
        let ident = |field: &'static str, v: &str| {
            postgres::quote_ident(v).map_err(|message| SmokeError::SmokeTable { field, message })
        };
        ident("task_table", &smoke.task_table)?;
        ident("id_column", &smoke.id_column)?;
        ident("result_column", &smoke.result_column)?;
        let task_sql =
            postgres::task_state_sql(&smoke.task_table, &smoke.id_column, &smoke.result_column)
                .map_err(|message| SmokeError::SmokeTable {
                    field: "task_table",
                    message,
                })?;
        let targets = if options.sandbox && !data_plane {
            None
        } else {
            Some(
                Targets::from_outputs(outputs).map_err(|source| SmokeError::Outputs {
                    origin: "outputs".into(),
                    source,
                })?,
            )
        };
        let workers = targets
            .as_ref()
            .and_then(|t| t.worker_names.clone())
            .unwrap_or_else(|| preset.workers.keys().cloned().collect());
        let backend_namespace = targets
            .as_ref()
            .and_then(|t| t.backend_namespace.clone())
            .unwrap_or_else(|| "default".into());
        let workers_namespace = targets
            .as_ref()
            .and_then(|t| t.workers_namespace.clone())
            .unwrap_or_else(|| backend_namespace.clone());
        let kube = match targets.as_ref().map(|t| t.kubeconfig.as_deref()) {
            _ if data_plane => Err(NO_KUBERNETES.to_string()),
            None => Err("sandbox".to_string()),
            Some(None) => Err("no kubeconfig in the outputs".to_string()),
            Some(Some(text)) => match settings
                .kubectl
                .clone()
                .map_or_else(|| which::which("kubectl"), which::which)
            {
                Err(_) => Err("kubectl not found (PATH or MOBI_KUBECTL)".to_string()),
                Ok(path) => Ok(Kube::new(path, text).map_err(SmokeError::Kubeconfig)?),
            },
        };
        let database_user = settings
            .database_user
            .clone()
            .or_else(|| targets.as_ref().and_then(|t| t.database_user.clone()))
            .unwrap_or_else(|| preset.postgres.db_user.clone());
        let redis_user = settings
            .redis_user
            .clone()
            .or_else(|| targets.as_ref().and_then(|t| t.redis_user.clone()))
            .unwrap_or_else(|| preset.redis.user_name.clone());
        let mut secrets = settings.secrets();
        secrets.extend(outputs.sensitive_values());
        secrets.retain(|s| s.len() >= 3);
        Ok(Self {
            targets,
            settings,
            options,
            smoke,
            health_path: preset.backend.health_path.clone(),
            workers,
            backend_namespace,
            workers_namespace,
            database_user,
            redis_user,
            kube,
            task_sql,
            secrets,
            data_plane,
            preset_outcomes: Vec::new(),
            _ca_files: ca_files,
            http_roots: Vec::new(),
        })
    }

    /// True when the sandbox's data plane is probed (real local servers behind the outputs).
    pub fn is_data_plane(&self) -> bool {
        self.data_plane
    }

    /// Decides check `name` up front: it fails (`fail`) or is skipped with `reason` (a sandbox
    /// service that is missing or down, found by the caller).
    pub fn preset_outcome(&mut self, name: &str, fail: bool, reason: impl Into<String>) {
        self.preset_outcomes
            .push((name.to_owned(), fail, reason.into()));
    }

    /// Makes the HTTP probes (S3, website) trust `pem` as a root: the sandbox's S3 server's
    /// self-signed certificate, which its caller read from the server's record.
    pub fn trust_http_root(&mut self, pem: String) {
        self.http_roots.push(pem);
    }

    /// True when nothing live is probed.
    pub fn is_sandbox(&self) -> bool {
        self.targets.is_none()
    }

    fn checks(&self) -> Vec<Check> {
        let mut v = vec![
            Check::MediaBucket,
            Check::FrontendBucket,
            Check::FrontendWebsite,
            Check::PostgresPod,
            Check::PostgresDirect,
            Check::RedisPod,
            Check::RedisDirect,
            Check::ApiHealth,
            Check::WorkersReady,
        ];
        v.extend(self.workers.iter().cloned().map(Check::WorkerReach));
        v.push(Check::EndToEnd);
        v
    }

    /// The names of the checks a run will report, in order: the TUI lists them as pending.
    pub fn check_names(&self) -> Vec<String> {
        self.checks().iter().map(Check::name).collect()
    }

    /// Replaces every known secret in `text` with `***`.
    pub fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            out = out.replace(s.as_str(), "***");
        }
        out
    }

    fn policy(&self) -> RetryPolicy {
        RetryPolicy::with_budget(Duration::from_secs(self.smoke.budget_s.max(1)))
    }

    /// Probe pods pull an image and get scheduled before they run: their attempts may take up
    /// to 90 s (within the budget) so a first image pull is not mistaken for a failure.
    fn pod_policy(&self) -> RetryPolicy {
        let p = self.policy();
        RetryPolicy {
            attempt_timeout: Duration::from_secs(90).min(p.budget),
            ..p
        }
    }

    fn pg_target(&self, t: &Targets) -> PgTarget {
        PgTarget {
            host: t.database_host.clone(),
            port: t.database_port,
            dbname: t.database_name.clone(),
            user: self.database_user.clone(),
            password: self.settings.database_password.clone(),
            tls: self.settings.database_tls.clone(),
        }
    }

    fn redis_target(&self, t: &Targets) -> RedisTarget {
        RedisTarget {
            host: t.redis_host.clone(),
            port: t.redis_port,
            user: Some(self.redis_user.clone()).filter(|u| !u.is_empty()),
            password: self.settings.redis_password.clone(),
            tls: self.settings.redis_tls.clone(),
        }
    }

    /// The kubectl hop, or a skip that says why and whether `--direct` covers it.
    fn kube_or_skip(&self, covered_by: Option<&str>) -> Result<&Kube, Outcome> {
        self.kube.as_ref().map_err(|why| {
            let cover = match (covered_by, self.options.direct) {
                (Some(c), true) => format!("; {c} covers it"),
                (Some(_), false) => "; run with --direct to probe from this machine".into(),
                _ => String::new(),
            };
            skip(format!("in-cluster check: {why}{cover}"))
        })
    }

    async fn probe(&self, check: &Check, client: &Result<reqwest::Client, String>) -> Outcome {
        let Some(t) = self.targets.as_ref() else {
            return skip("sandbox");
        };
        if let Some((_, is_fail, reason)) = self
            .preset_outcomes
            .iter()
            .find(|(n, _, _)| *n == check.name())
        {
            return if *is_fail {
                fail(reason.clone())
            } else {
                skip(reason.clone())
            };
        }
        if self.data_plane {
            match check {
                Check::MediaBucket
                | Check::FrontendBucket
                | Check::FrontendWebsite
                | Check::PostgresDirect
                | Check::RedisDirect => {}
                _ => return skip(NO_KUBERNETES),
            }
        }
        let policy = self.policy();
        let client = match client {
            Ok(c) => c,
            Err(e) => return fail(format!("HTTP client: {e}")),
        };
        match check {
            Check::MediaBucket | Check::FrontendBucket => {
                let Some(creds) = self.settings.s3_credentials.as_ref() else {
                    return fail(
                        "SCW_ACCESS_KEY and SCW_SECRET_KEY must be set to sign S3 requests",
                    );
                };
                let bucket = if *check == Check::MediaBucket {
                    t.media_bucket.as_str()
                } else {
                    t.frontend_bucket.as_str()
                };
                let region = self
                    .settings
                    .s3_region
                    .clone()
                    .unwrap_or_else(|| s3::region_from_endpoint(&t.s3_endpoint));
                let (endpoint, region) = (t.s3_endpoint.as_str(), region.as_str());
                run_with_retry(policy, move || {
                    s3::head_bucket(client, endpoint, region, creds, bucket)
                })
                .await
            }
            Check::FrontendWebsite => {
                let url = http::website_url(
                    t.frontend_website_endpoint
                        .as_deref()
                        .unwrap_or(&t.frontend_url),
                );
                let url = url.as_str();
                run_with_retry(policy, move || http::get_2xx(client, url)).await
            }
            Check::ApiHealth => {
                let url = http::join_url(&t.api_url, &self.health_path);
                let url = url.as_str();
                run_with_retry(policy, move || http::get_2xx(client, url)).await
            }
            Check::PostgresDirect => {
                if !self.options.direct && !self.data_plane {
                    return skip("run with --direct to probe from this machine");
                }
                let target = self.pg_target(t);
                let target = &target;
                run_with_retry(policy, move || postgres::select_one(target)).await
            }
            Check::RedisDirect => {
                if !self.options.direct && !self.data_plane {
                    return skip("run with --direct to probe from this machine");
                }
                let target = self.redis_target(t);
                let target = &target;
                run_with_retry(policy, move || redis::ping(target)).await
            }
            Check::PostgresPod => {
                let kube = match self.kube_or_skip(Some("postgres.direct")) {
                    Ok(k) => k,
                    Err(o) => return o,
                };
                let cmd = postgres::pg_isready_command(&t.database_host, t.database_port);
                let (cmd, ns, image) = (
                    &cmd,
                    self.backend_namespace.as_str(),
                    self.settings.pg_image.as_str(),
                );
                run_with_retry(self.pod_policy(), move || async move {
                    let run = kube.run_pod(ns, "pg", image, cmd, None).await?;
                    if run.success {
                        Ok(format!(
                            "pg_isready from a pod in {ns}: {}",
                            run.stdout.trim()
                        ))
                    } else {
                        Err(ProbeError::retry(format!(
                            "pg_isready from a pod in {ns}: {}",
                            run.why()
                        )))
                    }
                })
                .await
            }
            Check::RedisPod => {
                let kube = match self.kube_or_skip(Some("redis.direct")) {
                    Ok(k) => k,
                    Err(o) => return o,
                };
                let (cmd, stdin) = redis::pod_command(&self.redis_target(t));
                let (cmd, stdin) = (&cmd, stdin.as_str());
                let (ns, image) = (
                    self.backend_namespace.as_str(),
                    self.settings.redis_image.as_str(),
                );
                run_with_retry(self.pod_policy(), move || async move {
                    let run = kube.run_pod(ns, "redis", image, cmd, Some(stdin)).await?;
                    let out = format!("{}\n{}", run.stdout, run.stderr);
                    if out.contains("WRONGPASS") || out.contains("NOAUTH") {
                        let line = out
                            .lines()
                            .find(|l| l.contains("WRONGPASS") || l.contains("NOAUTH"))
                            .unwrap_or("authentication refused");
                        return Err(ProbeError::fatal(format!(
                            "redis-cli in a pod: {}",
                            line.trim()
                        )));
                    }
                    if run.success && run.stdout.lines().any(|l| l.trim() == "PONG") {
                        Ok(format!("redis-cli PING -> PONG from a pod in {ns}"))
                    } else {
                        Err(ProbeError::retry(format!(
                            "redis-cli in a pod: {}",
                            run.why()
                        )))
                    }
                })
                .await
            }
            Check::WorkersReady => {
                let kube = match self.kube_or_skip(None) {
                    Ok(k) => k,
                    Err(o) => return o,
                };
                if self.workers.is_empty() {
                    return skip("no workers in the preset");
                }
                let (ns, workers) = (self.workers_namespace.as_str(), self.workers.as_slice());
                run_with_retry(policy, move || async move {
                    let list = kube.deployments(ns).await?;
                    kubectl::readiness(&list, workers)
                        .map_err(|r| ProbeError::retry(format!("in {ns}: {r}")))
                })
                .await
            }
            Check::WorkerReach(worker) => {
                let kube = match self.kube_or_skip(None) {
                    Ok(k) => k,
                    Err(o) => return o,
                };
                let cmd = kubectl::reach_command(
                    &t.database_host,
                    t.database_port,
                    &t.redis_host,
                    t.redis_port,
                );
                let (cmd, ns, worker) = (&cmd, self.workers_namespace.as_str(), worker.as_str());
                run_with_retry(policy, move || async move {
                    let run = kube.exec(ns, worker, cmd).await?;
                    if run.success {
                        Ok(format!("from deploy/{worker}: {}", run.why()))
                    } else {
                        Err(ProbeError::retry(format!(
                            "from deploy/{worker}: {}",
                            run.why()
                        )))
                    }
                })
                .await
            }
            Check::EndToEnd => self.end_to_end(t, client, policy).await,
        }
    }

    async fn end_to_end(
        &self,
        t: &Targets,
        client: &reqwest::Client,
        policy: RetryPolicy,
    ) -> Outcome {
        let target = self.pg_target(t);
        let db = if self.options.direct {
            e2e::TaskDb::Direct(&target)
        } else {
            match &self.kube {
                Ok(kube) => e2e::TaskDb::Pod {
                    kube,
                    namespace: &self.backend_namespace,
                    image: &self.settings.pg_image,
                    target: &target,
                },
                Err(why) => {
                    return skip(format!(
                        "reading the task row needs --direct or the in-cluster hop ({why})"
                    ))
                }
            }
        };
        let (upload_url, events_url) =
            e2e::urls(&t.api_url, &self.smoke.upload_path, &self.smoke.events_path);
        let flow = e2e::Flow {
            upload_url,
            events_url,
            upload_field: self.smoke.upload_field.clone(),
            id_field: self.smoke.id_field.clone(),
            task_sql: self.task_sql.clone(),
        };
        // One attempt may use the whole budget (the worker needs time); only a flow that could
        // not start (upload or SSE refused) is retried, within what is left.
        let policy = RetryPolicy {
            attempt_timeout: policy.budget,
            ..policy
        };
        let start = Instant::now();
        let (flow, db) = (&flow, &db);
        run_with_retry(policy, move || async move {
            let left = policy.budget.saturating_sub(start.elapsed());
            e2e::run(
                client,
                flow,
                db,
                left.mul_f64(0.9).max(Duration::from_secs(1)),
            )
            .await
        })
        .await
    }

    async fn run_one(
        &self,
        check: &Check,
        client: &Result<reqwest::Client, String>,
    ) -> CheckResult {
        let start = Instant::now();
        let outcome = self.probe(check, client).await;
        let (status, reason) = match outcome.result {
            Ok(detail) => (Status::Pass, detail),
            Err(ProbeError::Skip(r)) => (Status::Skipped, r),
            Err(ProbeError::Fatal(r)) | Err(ProbeError::Retry(r)) => (Status::Fail, r),
        };
        CheckResult {
            name: check.name(),
            status,
            reason: self.mask(&reason),
            duration: start.elapsed(),
            attempts: outcome.attempts,
        }
    }
}

/// Runs every check concurrently; `on_result` sees each result as soon as it lands (the TUI and
/// the engine turn these into events). Returns all results in the report order of
/// [`CheckContext::check_names`].
pub async fn run_checks(
    ctx: &CheckContext,
    mut on_result: impl FnMut(CheckResult),
) -> Vec<CheckResult> {
    let checks = ctx.checks();
    let client = http::client_trusting(&ctx.http_roots);
    let client = &client;
    let mut pending: FuturesUnordered<_> = checks
        .iter()
        .enumerate()
        .map(|(i, c)| async move { (i, ctx.run_one(c, client).await) })
        .collect();
    let mut results: Vec<Option<CheckResult>> = vec![None; checks.len()];
    while let Some((i, r)) = pending.next().await {
        on_result(r.clone());
        if let Some(slot) = results.get_mut(i) {
            *slot = Some(r);
        }
    }
    results.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev_preset() -> Preset {
        toml::from_str(include_str!("../../presets/dev.toml")).expect("dev preset")
    }

    fn sandbox_ctx(env: &[(&str, &str)]) -> CheckContext {
        let settings = Settings::from_lookup(|k| {
            env.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        })
        .expect("settings");
        CheckContext::new(
            &dev_preset(),
            &Outputs::default(),
            settings,
            Options {
                direct: true,
                sandbox: true,
            },
        )
        .expect("context")
    }

    #[test]
    fn reasons_are_masked() {
        let ctx = sandbox_ctx(&[
            ("MOBI_REDIS_PASSWORD", "hunter2-pw"),
            ("PGPASSWORD", "pg-pw"),
        ]);
        assert_eq!(
            ctx.mask("AUTH mobi hunter2-pw refused; pg-pw"),
            "AUTH mobi *** refused; ***"
        );
    }

    #[test]
    fn sandbox_lists_every_check_and_skips_them() {
        let ctx = sandbox_ctx(&[]);
        assert!(ctx.is_sandbox());
        let names = ctx.check_names();
        assert_eq!(names.first().map(String::as_str), Some("s3.media_bucket"));
        assert!(names.contains(&"workers.ppod.reach".to_string()));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let mut seen = 0;
        let results = rt.block_on(run_checks(&ctx, |_| seen += 1));
        assert_eq!(seen, names.len());
        assert!(results
            .iter()
            .all(|r| r.status == Status::Skipped && r.reason == "sandbox"));
        assert_eq!(
            results.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
            names
        );
    }

    #[test]
    fn bad_smoke_identifiers_are_bad_input() {
        let mut preset = dev_preset();
        preset.smoke.result_column = "result; --".into();
        let err = CheckContext::new(
            &preset,
            &Outputs::default(),
            Settings::from_lookup(|_| None).expect("settings"),
            Options {
                direct: false,
                sandbox: true,
            },
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("preset [smoke].result_column: "),
            "{err}"
        );
    }
}
