//! `mobi-tui smoke`: the checklist from the command line.
//!
//! Exit codes: 0 when every check that was not skipped passed, 1 when any failed, 2 for bad input
//! (a one-line message naming the file, output, field or variable).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{report, run_checks, CheckContext, Options, Outputs, Settings, SmokeError, Status};
use crate::preset::Preset;

/// The variables `mobi-tui smoke --help` lists: secrets are read from the environment only.
const ENV_HELP: &str = "\
Environment (secrets are never read from files or flags):
  SCW_ACCESS_KEY, SCW_SECRET_KEY   sign the S3 HeadBucket probes (SigV4)
  MOBI_S3_REGION                   signing region (default: from s3_endpoint, else fr-par)
  MOBI_DATABASE_USER               PostgreSQL user (default: output database_user, preset postgres.db_user)
  MOBI_DATABASE_PASSWORD           PostgreSQL password (or PGPASSWORD; default: output database_password)
  MOBI_DATABASE_SSLMODE            disable | require | verify-full (or PGSSLMODE; default require)
  MOBI_DATABASE_CA_FILE            PEM CA for verify-full
  MOBI_REDIS_USER                  Redis ACL user (default: output redis_user, preset redis.user_name)
  MOBI_REDIS_PASSWORD              Redis password (default: output redis_password; no AUTH without either)
  MOBI_REDIS_TLS                   0 plain | 1 TLS, unverified (default) | verify
  MOBI_REDIS_CA_FILE               PEM CA for MOBI_REDIS_TLS=verify
  MOBI_KUBECTL                     kubectl binary (default: kubectl on PATH)
  MOBI_SMOKE_PG_IMAGE              probe pod image (default postgres:16-alpine)
  MOBI_SMOKE_REDIS_IMAGE           probe pod image (default redis:7-alpine)

Exit status: 0 when every check that ran passed, 1 when any failed, 2 for bad input.";

/// Arguments of `mobi-tui smoke`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_long_help = ENV_HELP)]
pub struct SmokeArgs {
    /// Preset file of the environment to check.
    #[arg(long, value_name = "FILE")]
    pub preset: PathBuf,
    /// Folder the Terraform tree was generated into; outputs are read with
    /// `terraform output -json` in DIR/infra/terraform/envs/<env>.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Read the outputs from FILE (the JSON of `terraform output -json`) instead.
    #[arg(long, value_name = "FILE")]
    pub outputs: Option<PathBuf>,
    /// Also probe PostgreSQL and Redis from this machine (needs network access to them).
    #[arg(long)]
    pub direct: bool,
    /// Write a JUnit XML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Print one JSON object per line instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Sandbox run: the outputs are the sandbox state's; the data plane's direct checks run
    /// against its local servers, the cluster checks are skipped.
    #[arg(long)]
    pub sandbox: bool,
    /// The terraform (or tofu) binary that reads the outputs; default: terraform, then tofu,
    /// on PATH.
    #[arg(long, value_name = "PATH", env = crate::terraform::TERRAFORM_BIN_ENV)]
    pub terraform_bin: Option<PathBuf>,
}

/// Reads, parses and validates the preset with the one strict loader; the message names the
/// file and the key path.
pub fn load_preset(path: &Path) -> Result<Preset, SmokeError> {
    crate::preset::load(path).map_err(|e| match e {
        crate::preset::PresetError::Invalid { file, key, message } => SmokeError::Preset {
            file,
            message: format!("{key}: {message}"),
        },
        crate::preset::PresetError::Read { file, reason } => SmokeError::Preset {
            file,
            message: reason,
        },
    })
}

/// The outputs, from `--outputs FILE` or from `terraform output -json` in the env's folder.
pub fn load_outputs(args: &SmokeArgs, preset: &Preset) -> Result<Outputs, SmokeError> {
    if let Some(path) = &args.outputs {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SmokeError::Outputs {
            origin: origin.clone(),
            source: super::OutputsError::Unreadable(e.to_string()),
        })?;
        return Outputs::from_json(&text).map_err(|source| SmokeError::Outputs { origin, source });
    }
    let dir = args
        .out
        .join("infra/terraform/envs")
        .join(&preset.project.env);
    let shown = dir.display().to_string();
    if !dir.is_dir() {
        return Err(SmokeError::Terraform {
            dir: shown,
            message: "no such directory (generate the tree first, or pass --outputs FILE)".into(),
        });
    }
    let terraform = crate::terraform::find_binary(args.terraform_bin.as_deref()).map_err(|e| {
        SmokeError::Terraform {
            dir: shown.clone(),
            message: e.to_string(),
        }
    })?;
    let out = duct::cmd(&terraform, ["output", "-json"])
        .dir(&dir)
        .stdout_capture()
        .stderr_capture()
        .unchecked()
        .run()
        .map_err(|e| SmokeError::Terraform {
            dir: shown.clone(),
            message: e.to_string(),
        })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let line = stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && l.chars().any(char::is_alphanumeric))
            .unwrap_or("failed");
        return Err(SmokeError::Terraform {
            dir: shown,
            message: line.to_string(),
        });
    }
    Outputs::from_json(&String::from_utf8_lossy(&out.stdout)).map_err(|source| {
        SmokeError::Outputs {
            origin: format!("terraform output -json in {shown}"),
            source,
        }
    })
}

fn context(args: &SmokeArgs) -> Result<CheckContext, SmokeError> {
    let preset = load_preset(&args.preset)?;
    let settings = Settings::from_env()?;
    let options = Options {
        direct: args.direct,
        sandbox: args.sandbox,
    };
    // In sandbox mode the outputs are the sandbox state's (what `terraform output -json` in the
    // sandbox copy prints); without a sandbox state nothing is live.
    let sandbox_root = args.out.join(".mobi/sandbox").join(&preset.project.env);
    let outputs = if args.sandbox && args.outputs.is_none() {
        sandbox_outputs(&sandbox_root.join("terraform.tfstate"))?
    } else {
        load_outputs(args, &preset)?
    };
    let mut ctx = CheckContext::new(&preset, &outputs, settings, options)?;
    if args.sandbox && ctx.is_data_plane() {
        // No restart here: smoke reports the services as they are.
        let services = crate::sandbox::services::Services::at(&sandbox_root);
        let records = services
            .list()
            .map(|l| l.into_iter().map(|r| (r, Ok(()))).collect())
            .map_err(|e| e.to_string());
        super::phase::sandbox_services(&mut ctx, &sandbox_root, records);
    }
    Ok(ctx)
}

/// The `outputs` of a sandbox state file, in the shape of `terraform output -json`; none when
/// the sandbox never applied.
fn sandbox_outputs(state: &Path) -> Result<Outputs, SmokeError> {
    let origin = state.display().to_string();
    let text = match std::fs::read_to_string(state) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Outputs::default()),
        Err(e) => {
            return Err(SmokeError::Outputs {
                origin,
                source: super::OutputsError::Unreadable(e.to_string()),
            })
        }
    };
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| SmokeError::Outputs {
        origin: origin.clone(),
        source: super::OutputsError::Json(e.to_string()),
    })?;
    let outputs = json
        .get("outputs")
        .cloned()
        .unwrap_or_else(|| serde_json::json!({}));
    Outputs::from_json(&outputs.to_string())
        .map_err(|source| SmokeError::Outputs { origin, source })
}

/// Runs `mobi-tui smoke`. Bad input prints one line and returns exit code 2.
pub fn run_smoke(args: SmokeArgs) -> anyhow::Result<u8> {
    let ctx = match context(&args) {
        Ok(c) => c,
        Err(e) => {
            crate::cli::print_error(&e);
            return Ok(2);
        }
    };
    let runtime = crate::terraform::runtime()?;
    let json = args.json;
    let results = runtime.block_on(run_checks(&ctx, |r| {
        if json {
            println!("{}", report::json_line(&r));
        } else {
            let mark = match r.status {
                Status::Pass => "ok  ",
                Status::Fail => "FAIL",
                Status::Skipped => "skip",
            };
            eprintln!("{mark} {} ({:.1}s)", r.name, r.duration.as_secs_f64());
        }
        let _ = std::io::stdout().flush();
    }));
    if json {
        println!("{}", report::json_summary(&results));
    } else {
        print!("{}", report::table(&results));
    }
    if let Some(path) = &args.junit {
        if let Err(e) = std::fs::write(path, report::junit("mobi-tui smoke", &results)) {
            crate::cli::print_error(format_args!(
                "cannot write JUnit report {}: {e}",
                path.display()
            ));
            return Ok(2);
        }
    }
    Ok(if report::Summary::of(&results).ok() {
        0
    } else {
        1
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variable `Settings::from_env` reads is listed in `--help`.
    #[test]
    fn help_lists_every_variable() {
        let source = include_str!("env.rs");
        let mut names: Vec<&str> = source
            .split("var(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        names.dedup();
        assert!(names.len() >= 13, "{names:?}");
        for name in names {
            assert!(ENV_HELP.contains(name), "{name} missing from --help");
        }
    }
}
