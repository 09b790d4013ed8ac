//! The `terraform` (or `tofu`) child process: finding the binary, building commands, running them
//! in their own process group, and reading the `-json` stream as typed messages.
//!
//! This module executes; it never decides. Which command runs next, and whether a saved plan may
//! still be applied, is the engine's business (`crate::engine`).

pub mod command;
pub mod json;
pub mod planfile;
pub mod process;

use std::path::{Path, PathBuf};

pub use command::{force_unlock_hint, OutputKind, Terraform, TfCommand};
pub use json::{parse_line, ChangeSummary, Diagnostic, TfMessage};
pub use process::{
    interrupted_exit_code, run, run_capture, runtime, Interrupt, RunOutcome, StopSignals,
    DEFAULT_GRACE,
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

/// The oldest Terraform the generated tree and the runner are known to work with (`-json`
/// streams of plan/apply with `ui` 1.2, `ephemeral` resources and write-only arguments the vendored
/// schemas use): 1.11.
pub const MIN_VERSION: (u64, u64) = (1, 11);

/// Whether a `terraform_version` string (`1.11.4`, `1.12.0-beta1`) is at least [`MIN_VERSION`];
/// `Err` says why not, naming both versions.
pub fn check_min_version(version: &str) -> Result<(), String> {
    let mut parts = version
        .trim_start_matches('v')
        .split(|c: char| !c.is_ascii_digit())
        .map(str::parse::<u64>);
    let (Some(Ok(major)), Some(Ok(minor))) = (parts.next(), parts.next()) else {
        return Err(format!("cannot read the version {version:?}"));
    };
    if (major, minor) >= MIN_VERSION {
        Ok(())
    } else {
        Err(format!(
            "{version} is older than the minimum {}.{} (upgrade terraform)",
            MIN_VERSION.0, MIN_VERSION.1
        ))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_version() {
        assert!(check_min_version("1.11.0").is_ok());
        assert!(check_min_version("1.12.0-beta1").is_ok());
        assert!(check_min_version("2.0.0").is_ok());
        let e = check_min_version("1.5.7").unwrap_err();
        assert!(e.contains("1.5.7") && e.contains("1.11"), "{e}");
        assert!(check_min_version("unknown").is_err());
    }
}
