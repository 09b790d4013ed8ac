//! `mobi-tui doctor`: is this machine ready to run the phases?
//!
//! Each check prints one line `ok|fail|skip  what: detail`. Secrets are never printed: the
//! credential check names the variables, not their values. Exit 0 when nothing failed, 1 otherwise.

use std::path::PathBuf;
use std::time::Duration;

use crate::checks::retry::ProbeError;
use crate::engine::{missing_credentials, CREDENTIAL_VARS};
use crate::terraform::{self, TERRAFORM_BIN_ENV};

#[derive(Debug, Clone, clap::Args)]
pub struct DoctorArgs {
    /// The terraform (or tofu) binary; default: terraform, then tofu, on PATH.
    #[arg(long, value_name = "PATH", env = TERRAFORM_BIN_ENV)]
    pub terraform_bin: Option<PathBuf>,
    /// A preset, to check its state bucket.
    #[arg(long, value_name = "FILE")]
    pub preset: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Fail,
    Skip,
}

#[derive(Debug, Clone)]
pub struct CheckLine {
    pub outcome: Outcome,
    pub what: &'static str,
    pub detail: String,
}

impl std::fmt::Display for CheckLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = match self.outcome {
            Outcome::Ok => "ok  ",
            Outcome::Fail => "fail",
            Outcome::Skip => "skip",
        };
        write!(f, "{w}  {}: {}", self.what, self.detail)
    }
}

fn line(outcome: Outcome, what: &'static str, detail: impl Into<String>) -> CheckLine {
    CheckLine {
        outcome,
        what,
        detail: detail.into(),
    }
}

/// The sandbox is ready when this binary can serve every stand-in provider: each vendored schema
/// decompresses and converts, and the executable the mirror links to exists.
fn sandbox_ready() -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot locate this executable: {e}"))?;
    let mut served = Vec::new();
    for info in crate::sandbox::catalog::PROVIDERS {
        let schema =
            crate::sandbox::schema::ProviderSchema::load(info).map_err(|e| e.to_string())?;
        served.push(format!(
            "{} {} ({} resources)",
            info.type_name,
            info.version,
            schema.resources.len()
        ));
    }
    Ok(format!("{} served by {}", served.join(", "), exe.display()))
}

/// `sandbox_ready`: the sandbox's own readiness check, once wired in (`None`: not in this build).
pub fn checks(
    args: &DoctorArgs,
    sandbox_ready: Option<&dyn Fn() -> Result<String, String>>,
) -> Vec<CheckLine> {
    let mut out = Vec::new();
    out.push(
        match terraform::find_binary(args.terraform_bin.as_deref()) {
            Ok(bin) => match terraform::binary_version(&bin) {
                Ok(v) => match terraform::check_min_version(&v) {
                    Ok(()) => line(Outcome::Ok, "terraform", format!("{v} ({})", bin.display())),
                    Err(why) => line(
                        Outcome::Fail,
                        "terraform",
                        format!("{why} ({})", bin.display()),
                    ),
                },
                Err(e) => line(Outcome::Fail, "terraform", e.to_string()),
            },
            Err(e) => line(Outcome::Fail, "terraform", e.to_string()),
        },
    );
    out.push(kubectl());
    let missing = missing_credentials();
    out.push(if missing.is_empty() {
        line(
            Outcome::Ok,
            "credentials",
            format!("{} set", CREDENTIAL_VARS.join(", ")),
        )
    } else {
        line(
            Outcome::Fail,
            "credentials",
            format!("missing {} (or use --sandbox)", missing.join(", ")),
        )
    });
    out.push(state_bucket(args, missing.is_empty()));
    out.push(match sandbox_ready {
        Some(f) => match f() {
            Ok(d) => line(Outcome::Ok, "sandbox", d),
            Err(e) => line(Outcome::Fail, "sandbox", e),
        },
        None => line(
            Outcome::Skip,
            "sandbox",
            "not available in this build (not wired in yet)",
        ),
    });
    out
}

fn kubectl() -> CheckLine {
    let Ok(bin) = which::which("kubectl") else {
        return line(
            Outcome::Fail,
            "kubectl",
            "not found on PATH (needed by the phase-14 checks)",
        );
    };
    let out = duct::cmd(&bin, ["version", "--client", "-o", "json"])
        .stderr_null()
        .stdout_capture()
        .unchecked()
        .run();
    let version = out.ok().and_then(|o| {
        serde_json::from_slice::<serde_json::Value>(&o.stdout)
            .ok()
            .and_then(|v| {
                v["clientVersion"]["gitVersion"]
                    .as_str()
                    .map(str::to_string)
            })
    });
    match version {
        Some(v) => line(Outcome::Ok, "kubectl", format!("{v} ({})", bin.display())),
        None => line(
            Outcome::Fail,
            "kubectl",
            format!("{} does not report a version", bin.display()),
        ),
    }
}

/// Where the state bucket is asked: `AWS_ENDPOINT_URL_S3` when set (the variable Terraform's s3
/// backend reads too, so both talk to the same server), else the region's Scaleway endpoint.
pub const S3_ENDPOINT_ENV: &str = "AWS_ENDPOINT_URL_S3";

/// The state bucket, asked the way `terraform init` will: a HEAD signed (SigV4) with
/// SCW_ACCESS_KEY/SCW_SECRET_KEY. 200 proves the key exists, its secret matches and it may read
/// the bucket; 403 says the key or its policy is wrong, 404 that the bucket does not exist. An
/// unsigned HEAD would answer 403 for every existing bucket and prove nothing about the key.
fn state_bucket(args: &DoctorArgs, have_creds: bool) -> CheckLine {
    const WHAT: &str = "state bucket";
    let Some(path) = &args.preset else {
        return line(Outcome::Skip, WHAT, "no --preset given");
    };
    let preset = match super::load_preset(path) {
        Ok(p) => p,
        Err(e) => return line(Outcome::Fail, WHAT, e.to_string()),
    };
    if preset.state.backend != "s3" {
        return line(
            Outcome::Skip,
            WHAT,
            format!("state backend is {}", preset.state.backend),
        );
    }
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let (Some(access_key), Some(secret_key), true) =
        (var("SCW_ACCESS_KEY"), var("SCW_SECRET_KEY"), have_creds)
    else {
        return line(Outcome::Skip, WHAT, "no credentials");
    };
    let Some(bucket) = preset.state.bucket else {
        return line(Outcome::Fail, WHAT, "state.bucket is not set");
    };
    let region = preset.project.region.clone();
    let endpoint = var(S3_ENDPOINT_ENV).unwrap_or_else(|| format!("https://s3.{region}.scw.cloud"));
    let creds = crate::checks::sigv4::Credentials {
        access_key,
        secret_key: crate::secret::Secret::from(secret_key),
    };
    let rt = match crate::terraform::runtime() {
        Ok(rt) => rt,
        Err(e) => return line(Outcome::Fail, WHAT, e.to_string()),
    };
    let res = rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| e.to_string())?;
        crate::checks::s3::head_bucket(&client, &endpoint, &region, &creds, &bucket)
            .await
            .map_err(|e| match e {
                ProbeError::Retry(m) | ProbeError::Fatal(m) | ProbeError::Skip(m) => m,
            })
    });
    match res {
        Ok(detail) => line(
            Outcome::Ok,
            WHAT,
            format!("{detail}, signed with SCW_ACCESS_KEY ({endpoint})"),
        ),
        Err(e) => line(Outcome::Fail, WHAT, format!("{e} ({endpoint})")),
    }
}

/// Print the checks; exit code 0 if none failed.
pub fn main(args: DoctorArgs) -> u8 {
    let lines = checks(&args, Some(&sandbox_ready));
    for l in &lines {
        println!("{l}");
    }
    u8::from(lines.iter().any(|l| l.outcome == Outcome::Fail))
}
