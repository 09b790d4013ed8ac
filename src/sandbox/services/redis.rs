//! A redis-server per `scaleway_redis_cluster`: TLS only (no plaintext port), a self-signed
//! certificate reported as the cluster's `certificate`, the resource's user and password as the
//! only ACL user (`default` is off, as on Scaleway where every client authenticates).
//!
//! The configuration file holds the password, so it is written `0600` in the service's private
//! data folder (never in the repository, a log or a command line, where `ps` would show it).

use std::path::PathBuf;

use super::{Health, Kind, Record, ServiceError, Services};

pub fn tool() -> Result<PathBuf, String> {
    super::find_tool("redis-server", &[], "redis-server")
}

fn conf_path(r: &Record) -> PathBuf {
    r.data_dir.join("redis.conf")
}

fn pid_path(r: &Record) -> PathBuf {
    r.data_dir.join("redis.pid")
}

/// A double-quoted Redis configuration argument.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The configuration of a service: TLS on `r.port`, the one ACL user.
pub fn config_text(r: &Record, user: &str, password: &str) -> String {
    let d = r.data_dir.display();
    format!(
        "# mobi-tui sandbox: redis-server of {id}\n\
         bind 127.0.0.1\nport 0\ntls-port {port}\n\
         tls-cert-file {d}/server.crt\ntls-key-file {d}/server.key\ntls-ca-cert-file {d}/server.crt\n\
         tls-auth-clients no\ndaemonize yes\npidfile {d}/redis.pid\nlogfile {d}/redis.log\n\
         dir {d}\nsave \"\"\nappendonly no\n\
         user default off\nuser {u} on {p} ~* &* +@all\n",
        id = r.resource_id,
        port = r.port,
        u = quoted(user),
        p = quoted(&format!(">{password}")),
    )
}

/// Creates and starts the server of cluster `resource_id`. `Ok(None)`: redis-server is missing
/// (recorded). Returns `(port, certificate PEM)`.
pub fn create(
    services: &Services,
    resource_id: &str,
    user: &str,
    password: &str,
) -> Result<Option<(u16, String)>, ServiceError> {
    let name = super::record_name(Kind::Redis, resource_id);
    let dir = services.data_dir(&name);
    let mut record = Record {
        name,
        kind: Kind::Redis,
        resource_id: resource_id.to_owned(),
        port: 0,
        data_dir: dir.clone(),
        missing: None,
        user: None,
    };
    if let Err(why) = tool() {
        record.missing = Some(why);
        services.save(&record)?;
        return Ok(None);
    }
    if let Some(old) = services.find(Kind::Redis, resource_id) {
        stop(&old);
    }
    let (cert, key) = super::self_signed()?;
    super::write_atomic(&dir.join("server.crt"), cert.as_bytes(), 0o644)?;
    super::write_atomic(&dir.join("server.key"), key.as_bytes(), 0o600)?;
    record.port = super::free_port()?;
    super::write_atomic(
        &conf_path(&record),
        config_text(&record, user, password).as_bytes(),
        0o600,
    )?;
    services.save(&record)?;
    start(&record)?;
    Ok(Some((record.port, cert)))
}

/// Rewrites the ACL user (password or name changed) and restarts on the same port.
pub fn update(r: &Record, user: &str, password: &str) -> Result<(), ServiceError> {
    stop(r);
    super::write_atomic(
        &conf_path(r),
        config_text(r, user, password).as_bytes(),
        0o600,
    )?;
    start(r)
}

pub fn start(r: &Record) -> Result<(), ServiceError> {
    let bin = tool().map_err(|detail| ServiceError::Command {
        what: format!("start of {}", r.name),
        detail,
    })?;
    // A killed server leaves its pidfile; the new one writes its own only after it listens, so
    // a stale file would make a running server look stopped.
    let _ = std::fs::remove_file(pid_path(r));
    let mut c = std::process::Command::new(bin);
    c.arg(conf_path(r));
    super::run(c, &format!("redis-server ({})", r.name))?;
    let start = std::time::Instant::now();
    let limit = std::time::Duration::from_secs(10);
    while start.elapsed() < limit && !matches!(health(r), Health::Running { .. }) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    if super::wait_listening(r.port, limit) && matches!(health(r), Health::Running { .. }) {
        Ok(())
    } else {
        let log = std::fs::read_to_string(r.data_dir.join("redis.log")).unwrap_or_default();
        Err(ServiceError::Command {
            what: format!("redis-server ({})", r.name),
            detail: format!(
                "not listening on 127.0.0.1:{} after 10 s: {}",
                r.port,
                log.lines().last().unwrap_or("no log")
            ),
        })
    }
}

fn pid(r: &Record) -> Option<i32> {
    super::pid_in(&pid_path(r))
}

pub fn health(r: &Record) -> Health {
    super::health_of(pid(r), "redis-server")
}

pub fn stop(r: &Record) {
    if let Some(p) = pid(r) {
        super::terminate(p, nix::sys::signal::Signal::SIGTERM, "redis-server");
    }
    let _ = std::fs::remove_file(pid_path(r));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_quotes_the_password_and_turns_default_off() {
        let r = Record {
            name: "redis-x".into(),
            kind: Kind::Redis,
            resource_id: "fr-par-1/x".into(),
            port: 7000,
            data_dir: "/d".into(),
            missing: None,
            user: None,
        };
        let c = config_text(&r, "mobi", "a\"b#c");
        assert!(
            c.contains("user \"mobi\" on \">a\\\"b#c\" ~* &* +@all\n"),
            "{c}"
        );
        assert!(c.contains("user default off"));
        assert!(c.contains("tls-port 7000") && c.contains("port 0"));
    }
}
