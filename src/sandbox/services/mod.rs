//! The sandbox's data plane: real local servers behind the data resources, so phase 14's direct
//! checks connect to something (a PostgreSQL cluster per `scaleway_rdb_instance`, a redis-server
//! per `scaleway_redis_cluster`, one S3 server per env for the `scaleway_object_bucket`s: see
//! [`s3`]).
//!
//! Why daemons with records on disk: Terraform starts a provider process for each command and
//! stops it when the command ends, so nothing the provider spawns can be a child it waits for.
//! Each service detaches (pg_ctl and redis-server both `setsid`), and its record
//! (`DIR/.mobi/sandbox/<env>/services/<name>.json`: kind, resource id, pid, port, data dir) lets
//! the next provider process, phase 14, `mobi-tui sandbox status|stop` and `--sandbox-reset`
//! find it again. A record exists exactly while the sandbox state holds the resource: apply
//! creates it, destroy and reset remove it; a service found dead (reboot, killed) is restarted
//! from its record by [`Services::revive`] on the same port and data.
//!
//! Data directories live under `/var/tmp/mobi-tui-sandbox/<hash of the env folder>/`, not in the
//! env folder: initdb runs as `postgres` when we are root, and that user cannot traverse a
//! private temporary or home directory the output folder may sit in; the short path also keeps
//! PostgreSQL's Unix socket under the 107-byte limit. Everything listens on 127.0.0.1 only.
//!
//! A missing server binary is not an apply error: the resource gets the stand-in's fake values
//! and a record naming the missing binary, which phase 14 reports instead of a connect failure.

pub mod cli;
pub mod postgres;
pub mod redis;
pub mod resources;
pub mod s3;
pub mod s3_server;
pub mod s3_upload;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::Digest;

/// What a data-plane operation can fail with; each message names the service and the cause.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{what} failed: {detail}")]
    Command { what: String, detail: String },
    #[error("{0}")]
    Sql(String),
    #[error("service record {0}: {1}")]
    Record(PathBuf, String),
}

pub(crate) fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ServiceError {
    let path = path.to_path_buf();
    move |source| ServiceError::Io {
        action,
        path,
        source,
    }
}

/// Which server backs a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Postgres,
    Redis,
    S3,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Postgres => "postgres",
            Kind::Redis => "redis",
            Kind::S3 => "s3",
        }
    }
}

/// One service as recorded on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// File stem of the record (`pg-1a2b3c4d`), derived from the resource id.
    pub name: String,
    pub kind: Kind,
    /// The Terraform resource's id (`fr-par/<uuid>`), what dependent resources reference.
    pub resource_id: String,
    pub port: u16,
    pub data_dir: PathBuf,
    /// Set when the server binary was not found: the resource has fake endpoints only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
    /// The bootstrap user the sandbox administers the server as (PostgreSQL), not a secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// Whether a recorded service answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    Running { pid: i32 },
    Stopped,
    Missing(String),
}

/// `1` in the provider processes' environment when the data plane is on. Runs turn it on
/// unless the user's environment sets it to `0` ([`enabled_by_user`]).
pub const DATA_PLANE_ENV: &str = "MOBI_SANDBOX_DATA_PLANE";

/// Whether a CLI or wizard run uses the data plane: yes unless `MOBI_SANDBOX_DATA_PLANE=0`
/// (scripts/bench-data-plane.sh compares the two).
pub fn enabled_by_user() -> bool {
    !std::env::var(DATA_PLANE_ENV).is_ok_and(|v| matches!(v.as_str(), "0" | "off" | "false"))
}

/// What [`Services::revive`] found: each record and whether it runs now (else why not).
pub type Revived = Vec<(Record, Result<(), String>)>;

/// The services of one env.
#[derive(Debug, Clone)]
pub struct Services {
    records: PathBuf,
    runtime: PathBuf,
}

/// The record name of a resource: kind prefix and a short hash of its id.
pub fn record_name(kind: Kind, resource_id: &str) -> String {
    let h = sha2::Sha256::digest(resource_id.as_bytes());
    let prefix = match kind {
        Kind::Postgres => "pg",
        Kind::Redis => "redis",
        Kind::S3 => "s3",
    };
    format!("{prefix}-{}", &hex::encode(h)[..8])
}

/// The pid on the first line of a daemon's pid file (redis-server's, the S3 server's,
/// PostgreSQL's `postmaster.pid`).
pub(crate) fn pid_in(path: &Path) -> Option<i32> {
    std::fs::read_to_string(path)
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

/// Running when `pid` is a live process whose command line holds `needle` (a recycled pid is
/// not the service).
pub(crate) fn health_of(pid: Option<i32>, needle: &str) -> Health {
    match pid {
        Some(p) if alive(p, needle) => Health::Running { pid: p },
        _ => Health::Stopped,
    }
}

/// A free TCP port on 127.0.0.1 (bound then released; the server binds it right after).
pub fn free_port() -> Result<u16, ServiceError> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(io("bind", Path::new("127.0.0.1:0")))
}

/// True when `port` accepts TCP connections on 127.0.0.1.
pub fn listening(port: u16) -> bool {
    std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_millis(200),
    )
    .is_ok()
}

/// Waits until `port` listens, up to `limit`.
pub fn wait_listening(port: u16, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if listening(port) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// True when `pid` is alive and its command line mentions `needle` (a recycled pid is not ours).
pub fn alive(pid: i32, needle: &str) -> bool {
    if pid <= 0 {
        return false;
    }
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // A zombie (state Z) has exited; only its parent has not reaped it yet.
    let zombie = stat
        .rsplit_once(')')
        .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'));
    !zombie && String::from_utf8_lossy(&cmdline).contains(needle)
}

/// True when this process runs as root (PostgreSQL's tools then run as `postgres`).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Sends `sig` to `pid` and waits up to 10 s for it to exit, then kills it.
pub fn terminate(pid: i32, sig: nix::sys::signal::Signal, needle: &str) {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    if !alive(pid, needle) {
        return;
    }
    let _ = kill(Pid::from_raw(pid), sig);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if !alive(pid, needle) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
}

/// Writes `bytes` to `path` atomically (temp file in the same folder, then rename).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<(), ServiceError> {
    use std::io::Write as _;
    use std::os::unix::fs::PermissionsExt;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io("create", dir))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io("create a temp file in", dir))?;
    tmp.write_all(bytes).map_err(io("write", path))?;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))
        .map_err(io("chmod", path))?;
    tmp.persist(path)
        .map_err(|e| io("rename into", path)(e.error))?;
    Ok(())
}

/// A self-signed certificate for 127.0.0.1 and localhost: `(cert PEM, key PEM)`.
pub fn self_signed() -> Result<(String, String), ServiceError> {
    let ck = crate::tls::self_signed(&["127.0.0.1", "localhost"]).map_err(|e| {
        ServiceError::Command {
            what: "certificate generation".into(),
            detail: e.to_string(),
        }
    })?;
    Ok((ck.cert.pem(), ck.key_pair.serialize_pem()))
}

impl Services {
    /// The services of the env whose sandbox folder is `env_root` (`DIR/.mobi/sandbox/<env>`).
    pub fn at(env_root: &Path) -> Services {
        let abs = std::path::absolute(env_root).unwrap_or_else(|_| env_root.to_path_buf());
        let h = sha2::Sha256::digest(abs.to_string_lossy().as_bytes());
        Services {
            records: env_root.join("services"),
            runtime: PathBuf::from("/var/tmp/mobi-tui-sandbox").join(&hex::encode(h)[..12]),
        }
    }

    /// The env's services when the workspace named its sandbox folder and turned the data
    /// plane on (`MOBI_SANDBOX_DATA_PLANE=1`, provider processes); otherwise the stand-ins report
    /// fake endpoints, as before the data plane existed.
    pub fn from_env() -> Option<Services> {
        if std::env::var(DATA_PLANE_ENV).ok().as_deref() != Some("1") {
            return None;
        }
        Some(Services::at(&super::cluster::sandbox_dir_from_env()?))
    }

    /// Where the data directory of `name` goes.
    pub fn data_dir(&self, name: &str) -> PathBuf {
        self.runtime.join(name)
    }

    fn record_path(&self, name: &str) -> PathBuf {
        self.records.join(format!("{name}.json"))
    }

    /// A lock file beside the records (`.<name>.lock`, ignored by [`Services::list`]).
    pub fn lock_file(&self, name: &str) -> PathBuf {
        self.records.join(format!(".{name}.lock"))
    }

    /// The absolute path of record `name`'s file (a server that watches its own record).
    pub fn record_file(&self, name: &str) -> PathBuf {
        let p = self.record_path(name);
        std::path::absolute(&p).unwrap_or(p)
    }

    pub fn save(&self, r: &Record) -> Result<(), ServiceError> {
        let text = serde_json::to_string_pretty(r)
            .map_err(|e| ServiceError::Record(self.record_path(&r.name), e.to_string()))?;
        write_atomic(&self.record_path(&r.name), text.as_bytes(), 0o600)
    }

    /// Every record, sorted by name; unreadable ones are errors naming the file.
    pub fn list(&self) -> Result<Vec<Record>, ServiceError> {
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&self.records) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(io("list", &self.records)(e)),
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().and_then(|x| x.to_str()) != Some("json") {
                continue;
            }
            let text = std::fs::read_to_string(&p).map_err(io("read", &p))?;
            let r: Record = serde_json::from_str(&text)
                .map_err(|err| ServiceError::Record(p.clone(), err.to_string()))?;
            out.push(r);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// The record of the service backing resource `resource_id`, if any.
    pub fn find(&self, kind: Kind, resource_id: &str) -> Option<Record> {
        let p = self.record_path(&record_name(kind, resource_id));
        let text = std::fs::read_to_string(p).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn health(&self, r: &Record) -> Health {
        if let Some(m) = &r.missing {
            return Health::Missing(m.clone());
        }
        match r.kind {
            Kind::Postgres => postgres::health(r),
            Kind::Redis => redis::health(r),
            Kind::S3 => s3::health(r),
        }
    }

    /// Starts a stopped service again from its record (same port, same data).
    pub fn start(&self, r: &Record) -> Result<(), ServiceError> {
        match self.health(r) {
            Health::Running { .. } | Health::Missing(_) => Ok(()),
            Health::Stopped => match r.kind {
                Kind::Postgres => postgres::start(r),
                Kind::Redis => redis::start(r),
                Kind::S3 => s3::start(r),
            },
        }
    }

    /// Stops a service, keeping its record and data (it can be started again).
    pub fn stop(&self, r: &Record) {
        match r.kind {
            Kind::Postgres => postgres::stop(r),
            Kind::Redis => redis::stop(r),
            Kind::S3 => s3::stop(r),
        }
    }

    /// Stops a service and forgets it: data and record removed (destroy, reset).
    pub fn remove(&self, r: &Record) -> Result<(), ServiceError> {
        self.stop(r);
        match std::fs::remove_dir_all(&r.data_dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(io("remove", &r.data_dir)(e))
            }
            _ => {}
        }
        let p = self.record_path(&r.name);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io("remove", &p)(e)),
            _ => Ok(()),
        }
    }

    /// Stops every service of the env.
    pub fn stop_all(&self) -> Result<Vec<Record>, ServiceError> {
        let all = self.list()?;
        for r in &all {
            self.stop(r);
        }
        Ok(all)
    }

    /// Stops and forgets every service of the env (`--sandbox-reset`).
    pub fn remove_all(&self) -> Result<(), ServiceError> {
        for r in self.list()? {
            self.remove(&r)?;
        }
        let _ = std::fs::remove_dir_all(&self.runtime);
        Ok(())
    }

    /// Restarts every recorded service that is not running. Returns, per record, `Ok` when it
    /// runs (or was never started for a missing binary) and the reason otherwise.
    pub fn revive(&self) -> Result<Revived, ServiceError> {
        Ok(self
            .list()?
            .into_iter()
            .map(|r| {
                let res = self.start(&r).map_err(|e| e.to_string());
                (r, res)
            })
            .collect())
    }
}

/// Looks `tool` up on `PATH`, then in `extra` folders; the error says what to install.
pub fn find_tool(tool: &str, extra: &[PathBuf], package: &str) -> Result<PathBuf, String> {
    if let Ok(p) = which::which(tool) {
        return Ok(p);
    }
    extra
        .iter()
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
        .ok_or_else(|| format!("{tool} not found on PATH (apt-get install {package})"))
}

/// Runs a command to completion with stdin/stdout closed (a provider's stdout is Terraform's
/// handshake channel) and its stderr captured for the error message.
pub(crate) fn run(mut cmd: std::process::Command, what: &str) -> Result<(), ServiceError> {
    use std::process::Stdio;
    let out = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| ServiceError::Command {
            what: what.into(),
            detail: e.to_string(),
        })?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(ServiceError::Command {
            what: what.into(),
            detail: err
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no message")
                .trim()
                .to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_names_are_stable() {
        let d = tempfile::tempdir().unwrap();
        let s = Services::at(d.path());
        assert!(s.list().unwrap().is_empty());
        let name = record_name(Kind::Redis, "fr-par-1/abc");
        assert_eq!(name, record_name(Kind::Redis, "fr-par-1/abc"));
        assert_ne!(name, record_name(Kind::Postgres, "fr-par-1/abc"));
        let r = Record {
            name: name.clone(),
            kind: Kind::Redis,
            resource_id: "fr-par-1/abc".into(),
            port: 1,
            data_dir: s.data_dir(&name),
            missing: Some("redis-server not found".into()),
            user: None,
        };
        s.save(&r).unwrap();
        assert_eq!(s.list().unwrap(), vec![r.clone()]);
        assert_eq!(s.find(Kind::Redis, "fr-par-1/abc"), Some(r.clone()));
        assert_eq!(
            s.health(&r),
            Health::Missing("redis-server not found".into())
        );
        s.remove(&r).unwrap();
        assert!(s.list().unwrap().is_empty());
        std::fs::write(d.path().join("services/bad.json"), "{").unwrap();
        let e = s.list().unwrap_err().to_string();
        assert!(e.contains("bad.json"), "{e}");
    }

    #[test]
    fn a_dead_pid_is_not_alive() {
        assert!(!alive(0, "redis"));
        assert!(!alive(i32::MAX, ""));
        assert!(alive(std::process::id() as i32, ""));
        assert!(!alive(
            std::process::id() as i32,
            "no-such-command-line-word"
        ));
    }
}
