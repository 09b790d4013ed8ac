//! One run per environment: an advisory lock under `DIR/.mobi/lock/<env>.lock`.
//!
//! Two mobi-tui processes on the same output directory and env would race on the journal, the
//! saved plans and the sandbox copy. The second one refuses to start and says which process holds
//! the env. The lock is `flock(2)`: the kernel releases it when the holder exits, however it
//! exits, so a crash never leaves a stale lock behind (the file's text is only information).

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, Write as _};
use std::os::fd::AsRawFd as _;
use std::path::{Path, PathBuf};

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum RunLockError {
    #[error("env {env} in {dir} is in use by another mobi-tui ({holder}): wait for it to finish or stop it, then start again")]
    Held {
        env: String,
        dir: String,
        holder: String,
    },
    #[error("cannot lock {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Held for as long as the run lasts; dropping it (or exiting) releases the env.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
    path: PathBuf,
}

impl RunLock {
    /// Takes the lock of `env` under `out_dir`, or says who holds it.
    pub fn acquire(out_dir: &Path, env: &str) -> Result<RunLock, RunLockError> {
        let dir = out_dir.join(".mobi").join("lock");
        let path = dir.join(format!("{env}.lock"));
        let io = |source| RunLockError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        // SAFETY: flock on a file descriptor this function owns; no memory is involved.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
                let mut text = String::new();
                let _ = file.read_to_string(&mut text);
                let holder = text.trim();
                return Err(RunLockError::Held {
                    env: env.to_owned(),
                    dir: out_dir.display().to_string(),
                    holder: if holder.is_empty() {
                        "pid unknown".to_owned()
                    } else {
                        holder.to_owned()
                    },
                });
            }
            return Err(io(err));
        }
        let started = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let info = format!("pid {}, started {started}", std::process::id());
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        file.write_all(info.as_bytes()).map_err(io)?;
        Ok(RunLock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_env_names_the_holder_and_other_envs_are_free() {
        let d = tempfile::tempdir().unwrap();
        let first = RunLock::acquire(d.path(), "dev").unwrap();
        let err = RunLock::acquire(d.path(), "dev").unwrap_err().to_string();
        assert!(err.contains("env dev"), "{err}");
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        assert!(err.contains("started 20"), "{err}");
        let other = RunLock::acquire(d.path(), "prod").unwrap();
        drop(first);
        let again = RunLock::acquire(d.path(), "dev").unwrap();
        assert!(again.path().ends_with(".mobi/lock/dev.lock"));
        drop(other);
    }
}
