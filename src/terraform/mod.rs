//! The `terraform` (or `tofu`) child process: finding the binary, building commands, running them
//! in their own process group, and reading the `-json` stream as typed messages.
//!
//! This module executes; it never decides. Which command runs next, and whether a saved plan may
//! still be applied, is the engine's business (`crate::engine`).

pub mod command;
pub mod json;
pub mod process;

use std::path::{Path, PathBuf};

pub use command::{force_unlock_hint, OutputKind, Terraform, TfCommand};
pub use json::{parse_line, ChangeSummary, Diagnostic, TfMessage};
pub use process::{
    interrupted_exit_code, run, run_capture, Interrupt, RunOutcome, StopSignals, DEFAULT_GRACE,
};

/// Environment variable naming the Terraform binary (same as `--terraform-bin`).
pub const TERRAFORM_BIN_ENV: &str = "MOBI_TERRAFORM";

#[derive(Debug, thiserror::Error)]
pub enum TerraformError {
    #[error("neither `terraform` nor `tofu` was found on PATH; install Terraform >= 1.5 or pass --terraform-bin (env {TERRAFORM_BIN_ENV})")]
    NotFound,
    #[error("terraform binary {path} does not exist or is not executable")]
    BadPath { path: String },
    #[error("could not start {program}: {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error("`{argv}` failed: {message}")]
    Failed { argv: String, message: String },
}

/// Find the binary: an explicit path (flag or `MOBI_TERRAFORM`) wins, then `terraform`, then
/// `tofu` on PATH. An explicit name without a slash is looked up on PATH too.
pub fn find_binary(explicit: Option<&Path>) -> Result<PathBuf, TerraformError> {
    if let Some(p) = explicit {
        return which::which(p).map_err(|_| TerraformError::BadPath {
            path: p.display().to_string(),
        });
    }
    which::which("terraform")
        .or_else(|_| which::which("tofu"))
        .map_err(|_| TerraformError::NotFound)
}

/// `terraform version -json` through duct (blocking, short): the version string.
pub fn binary_version(bin: &Path) -> Result<String, TerraformError> {
    let out = duct::cmd(bin, ["version", "-json"])
        .env("CHECKPOINT_DISABLE", "1")
        .stderr_null()
        .stdout_capture()
        .unchecked()
        .run()
        .map_err(|source| TerraformError::Spawn {
            program: bin.display().to_string(),
            source,
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| TerraformError::Failed {
        argv: format!("{} version -json", bin.display()),
        message: e.to_string(),
    })?;
    Ok(v.get("terraform_version")
        .and_then(|v| v.as_str())
        .unwrap_or("unknown")
        .to_string())
}
