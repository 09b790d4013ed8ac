//! The run journal: what each phase did, with which inputs, so `--resume` knows where to start
//! and a changed preset re-runs what it affects.
//!
//! One file per environment at `DIR/.mobi/journal/<env>.json`, written atomically (temp file in
//! the same directory, then rename) so an interrupted run never leaves half a journal. The
//! `.mobi/` directory carries its own `.gitignore` (`*`), so the journal stays out of git even
//! when `DIR` is not this repository.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::events::{Changes, PhaseStatus};

pub const JOURNAL_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("cannot read journal {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("journal {path} is not valid ({source}); move it away to start afresh")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
    #[error(
        "{path}: the applied preset is not readable ({message}); delete it to compare with nothing"
    )]
    Applied { path: String, message: String },
    #[error("cannot write journal {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Journal {
    pub version: u32,
    pub env: String,
    /// By phase number.
    #[serde(default)]
    pub phases: BTreeMap<u8, PhaseRecord>,
    /// A state lock the last run left behind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<LockRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhaseRecord {
    pub status: PhaseStatus,
    /// The phase's changes are in the state (applied, or the plan showed nothing to do).
    #[serde(default)]
    pub applied: bool,
    /// An upstream phase was applied after this one: run it again.
    #[serde(default)]
    pub stale: bool,
    /// Hash of the preset sections the phase depends on and of its part of the tree.
    pub inputs_hash: String,
    /// Hash of every `.tf` file of the env and the modules when the phase ran.
    pub tree_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_hash: Option<String>,
    /// Every Terraform command line the phase ran.
    #[serde(default)]
    pub commands: Vec<Vec<String>>,
    #[serde(default)]
    pub changes: Changes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub started_at: String,
    pub ended_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LockRecord {
    pub id: String,
    pub command: String,
    pub phase: u8,
}

impl Journal {
    pub fn path(out_dir: &Path, env: &str) -> PathBuf {
        out_dir
            .join(".mobi")
            .join("journal")
            .join(format!("{env}.json"))
    }

    /// Load the journal, or a fresh one when the file does not exist.
    pub fn load(out_dir: &Path, env: &str) -> Result<Self, JournalError> {
        let path = Self::path(out_dir, env);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self {
                    version: JOURNAL_VERSION,
                    env: env.to_string(),
                    ..Self::default()
                })
            }
            Err(source) => {
                return Err(JournalError::Read {
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        serde_json::from_str(&text).map_err(|source| JournalError::Parse {
            path: path.display().to_string(),
            source,
        })
    }

    /// Write atomically: temp file beside the journal, fsync, rename.
    pub fn save(&self, out_dir: &Path) -> Result<(), JournalError> {
        let path = Self::path(out_dir, &self.env);
        let werr = |source| JournalError::Write {
            path: path.display().to_string(),
            source,
        };
        let dir = path.parent().unwrap_or(out_dir);
        std::fs::create_dir_all(dir).map_err(werr)?;
        let ignore = out_dir.join(".mobi").join(".gitignore");
        if !ignore.exists() {
            std::fs::write(&ignore, "# run state of mobi-tui: never committed\n*\n")
                .map_err(werr)?;
        }
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| werr(std::io::Error::other(e.to_string())))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(werr)?;
        tmp.write_all(text.as_bytes()).map_err(werr)?;
        tmp.as_file().sync_all().map_err(werr)?;
        tmp.persist(&path).map_err(|e| werr(e.error))?;
        Ok(())
    }

    /// Is phase `n` done for this run's purpose, with the same inputs as now?
    pub fn is_done(&self, n: u8, inputs_hash: &str, need_applied: bool) -> bool {
        self.phases.get(&n).is_some_and(|r| {
            r.status == PhaseStatus::Ok
                && !r.stale
                && r.inputs_hash == inputs_hash
                && (!need_applied || r.applied)
        })
    }

    /// An apply in phase `n` changed the state that later phases planned against.
    pub fn invalidate_after(&mut self, n: u8) {
        for (_, r) in self.phases.range_mut(n.saturating_add(1)..) {
            r.stale = true;
        }
    }
}

/// `DIR/.mobi/journal/<env>.applied.toml`: the preset the env was last applied with, the
/// baseline of `mobi-tui impact`. A preset holds no secrets (they come from the environment),
/// and the file sits in the git-ignored `.mobi/` anyway.
pub fn applied_path(out_dir: &Path, env: &str) -> PathBuf {
    out_dir
        .join(".mobi")
        .join("journal")
        .join(format!("{env}.applied.toml"))
}

/// The preset the env was last applied with; `None` when nothing was applied yet.
pub fn load_applied(
    out_dir: &Path,
    env: &str,
) -> Result<Option<crate::preset::Preset>, JournalError> {
    let path = applied_path(out_dir, env);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(JournalError::Read {
                path: path.display().to_string(),
                source,
            })
        }
    };
    crate::preset::parse_unvalidated(&text, &path.display().to_string())
        .map(Some)
        .map_err(|e| JournalError::Applied {
            path: path.display().to_string(),
            message: e.to_string(),
        })
}

/// Records `preset` as the env's applied preset, atomically (temp file, fsync, rename).
pub fn save_applied(out_dir: &Path, preset: &crate::preset::Preset) -> Result<(), JournalError> {
    let path = applied_path(out_dir, &preset.project.env);
    let werr = |source| JournalError::Write {
        path: path.display().to_string(),
        source,
    };
    let dir = path.parent().unwrap_or(out_dir);
    std::fs::create_dir_all(dir).map_err(werr)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(werr)?;
    tmp.write_all(crate::preset::to_toml(preset).as_bytes())
        .map_err(werr)?;
    tmp.as_file().sync_all().map_err(werr)?;
    tmp.persist(&path).map_err(|e| werr(e.error))?;
    Ok(())
}

/// RFC 3339 UTC timestamp for the journal.
pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
