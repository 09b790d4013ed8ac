//! Object Storage in the data plane: one S3 server per env ([`super::s3_server`], this binary
//! run as `mobi-tui sandbox serve-s3`), holding every bucket the sandbox applies.
//!
//! One server per env rather than per bucket, as on Scaleway where a region has one S3 endpoint:
//! the bucket's `api_endpoint` (the tree's `s3_endpoint` output) is the same for every bucket.
//! It is created by the first apply that needs it (a bucket or an API key) and removed with the
//! last bucket and key, so a destroy leaves nothing behind. The provider writes what the server
//! reads (`keys.json`, `buckets/<name>/meta.json`) into its data folder, and the server re-reads
//! them on each request: a changed key, ACL, policy or website takes effect at once.
//!
//! A website configuration also puts a placeholder index document (and error document) into
//! the bucket when it has none, standing in for the CI upload of the built site that a real
//! environment gets after the apply: otherwise `frontend.website` could only answer 404.

use std::path::{Path, PathBuf};

use super::s3_server::{self, BucketMeta, Website};
use super::{Health, Kind, Record, ServiceError, Services};

/// The resource id of an env's one S3 server (there is no Terraform resource for it).
pub const SERVER_ID: &str = "object-storage";

/// What `/proc/<pid>/cmdline` of the server contains.
const NEEDLE: &str = "serve-s3";

fn pid_path(r: &Record) -> PathBuf {
    r.data_dir.join("s3.pid")
}

/// Where the record file sits (written at creation: the server watches it).
fn record_link_path(r: &Record) -> PathBuf {
    r.data_dir.join("record.path")
}

fn website_port_path(r: &Record) -> PathBuf {
    r.data_dir.join("website.port")
}

/// The port of the website endpoint (the record's `port` is the S3 API's).
pub fn website_port(r: &Record) -> Option<u16> {
    std::fs::read_to_string(website_port_path(r))
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// The server's certificate (PEM): what a client of the sandbox trusts, as a real client trusts
/// the public roots that sign `*.scw.cloud`.
pub fn certificate(r: &Record) -> Option<String> {
    std::fs::read_to_string(r.data_dir.join("server.crt")).ok()
}

/// `https://127.0.0.1:PORT`, the S3 API endpoint of every bucket.
pub fn api_endpoint(r: &Record) -> String {
    format!("https://127.0.0.1:{}", r.port)
}

/// `127.0.0.1:WPORT/<bucket>`: the bucket's website endpoint, host-less like Scaleway's
/// `<bucket>.s3-website.<region>.scw.cloud` (the tree prefixes `https://`). Path-style, since
/// a per-bucket host name would need DNS the sandbox does not have.
pub fn website_endpoint(r: &Record, bucket: &str) -> String {
    format!(
        "127.0.0.1:{}/{}",
        website_port(r).unwrap_or(0),
        super::super::super::checks::sigv4::uri_encode(bucket, false)
    )
}

/// Runs `f` holding the env's S3 lock. Terraform applies resources in parallel through one
/// provider process: without it two buckets would each start a server, and two API keys would
/// each rewrite `keys.json` without the other's key.
pub fn locked<T>(
    services: &Services,
    f: impl FnOnce() -> Result<T, ServiceError>,
) -> Result<T, ServiceError> {
    use std::os::fd::AsRawFd;
    let path = services.lock_file("s3");
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(super::io("create", dir))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(super::io("open", &path))?;
    // SAFETY: flock on a descriptor this function owns; released when `file` is closed.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
        return Err(super::io("lock", &path)(std::io::Error::last_os_error()));
    }
    let out = f();
    drop(file);
    out
}

/// The env's server record, if any.
pub fn server(services: &Services) -> Option<Record> {
    services.find(Kind::S3, SERVER_ID)
}

/// The env's server, created and started when there is none, started when it is stopped.
pub fn ensure(services: &Services) -> Result<Record, ServiceError> {
    if let Some(r) = server(services) {
        if health(&r) == Health::Stopped {
            start(&r)?;
        }
        return Ok(r);
    }
    let name = super::record_name(Kind::S3, SERVER_ID);
    let dir = services.data_dir(&name);
    std::fs::create_dir_all(s3_server::buckets_dir(&dir)).map_err(super::io("create", &dir))?;
    let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
        .map_err(|e| ServiceError::Command {
            what: "certificate generation".into(),
            detail: e.to_string(),
        })?;
    super::write_atomic(&dir.join("server.crt"), ck.cert.pem().as_bytes(), 0o644)?;
    super::write_atomic(&dir.join("server.crt.der"), ck.cert.der(), 0o644)?;
    super::write_atomic(
        &dir.join("server.key.der"),
        &ck.key_pair.serialize_der(),
        0o600,
    )?;
    let record = Record {
        name,
        kind: Kind::S3,
        resource_id: SERVER_ID.to_owned(),
        port: super::free_port()?,
        data_dir: dir,
        missing: None,
        user: None,
    };
    let mut wport = super::free_port()?;
    while wport == record.port {
        wport = super::free_port()?;
    }
    super::write_atomic(
        &website_port_path(&record),
        wport.to_string().as_bytes(),
        0o644,
    )?;
    super::write_atomic(
        &record_link_path(&record),
        services
            .record_file(&record.name)
            .as_os_str()
            .as_encoded_bytes(),
        0o644,
    )?;
    services.save(&record)?;
    start(&record)?;
    Ok(record)
}

/// Starts the server detached (its own session, stdio closed, log in its data folder) and waits
/// until both ports listen.
pub fn start(r: &Record) -> Result<(), ServiceError> {
    use std::os::unix::process::CommandExt;
    let what = || format!("S3 server ({})", r.name);
    let exe = std::env::current_exe().map_err(|e| ServiceError::Command {
        what: what(),
        detail: format!("cannot find this binary: {e}"),
    })?;
    let wport = website_port(r).ok_or_else(|| ServiceError::Command {
        what: what(),
        detail: format!("{} is missing", website_port_path(r).display()),
    })?;
    let log_path = r.data_dir.join("s3.log");
    let log = std::fs::File::create(&log_path).map_err(super::io("create", &log_path))?;
    let mut c = std::process::Command::new(exe);
    c.args(["sandbox", NEEDLE, "--dir"])
        .arg(&r.data_dir)
        .args(["--port", &r.port.to_string()])
        .args(["--website-port", &wport.to_string()]);
    if let Ok(record) = std::fs::read_to_string(record_link_path(r)) {
        c.arg("--record")
            .arg(std::path::absolute(record.trim()).unwrap_or_default());
    }
    c
        // Launched from a provider process: the child is a plain command, not a plugin.
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .env_remove(super::super::plugin::PROVIDER_ENV)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log);
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        c.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let child = c.spawn().map_err(|e| ServiceError::Command {
        what: what(),
        detail: e.to_string(),
    })?;
    super::write_atomic(&pid_path(r), child.id().to_string().as_bytes(), 0o644)?;
    let limit = std::time::Duration::from_secs(10);
    if super::wait_listening(r.port, limit) && super::wait_listening(wport, limit) {
        Ok(())
    } else {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        Err(ServiceError::Command {
            what: what(),
            detail: format!(
                "not listening on 127.0.0.1:{} and :{wport} after 10 s: {}",
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
    super::health_of(pid(r), NEEDLE)
}

pub fn stop(r: &Record) {
    if let Some(p) = pid(r) {
        super::terminate(p, nix::sys::signal::Signal::SIGTERM, NEEDLE);
    }
    let _ = std::fs::remove_file(pid_path(r));
}

fn keys(dir: &Path) -> std::collections::BTreeMap<String, String> {
    std::fs::read_to_string(s3_server::keys_path(dir))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

fn save_keys(
    dir: &Path,
    keys: &std::collections::BTreeMap<String, String>,
) -> Result<(), ServiceError> {
    let text = serde_json::to_string_pretty(keys).unwrap_or_default();
    super::write_atomic(&s3_server::keys_path(dir), text.as_bytes(), 0o600)
}

/// Issues (or replaces) an API key's S3 credentials.
pub fn put_key(services: &Services, access: &str, secret: &str) -> Result<Record, ServiceError> {
    let r = ensure(services)?;
    let mut k = keys(&r.data_dir);
    k.insert(access.to_owned(), secret.to_owned());
    save_keys(&r.data_dir, &k)?;
    Ok(r)
}

/// Revokes an API key; the server goes when neither a bucket nor a key is left.
pub fn remove_key(services: &Services, access: &str) -> Result<(), ServiceError> {
    let Some(r) = server(services) else {
        return Ok(());
    };
    let mut k = keys(&r.data_dir);
    k.remove(access);
    save_keys(&r.data_dir, &k)?;
    remove_if_unused(services, &r)
}

fn remove_if_unused(services: &Services, r: &Record) -> Result<(), ServiceError> {
    let buckets = std::fs::read_dir(s3_server::buckets_dir(&r.data_dir))
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if !buckets && keys(&r.data_dir).is_empty() {
        services.remove(r)?;
    }
    Ok(())
}

fn save_meta(dir: &Path, bucket: &str, meta: &BucketMeta) -> Result<(), ServiceError> {
    let text = serde_json::to_string_pretty(meta).unwrap_or_default();
    super::write_atomic(&s3_server::meta_path(dir, bucket), text.as_bytes(), 0o644)
}

/// Creates a bucket (private, as a new Scaleway bucket is). Returns the server's record.
pub fn create_bucket(services: &Services, bucket: &str) -> Result<Record, ServiceError> {
    let r = ensure(services)?;
    let objects = s3_server::bucket_dir(&r.data_dir, bucket).join("objects");
    std::fs::create_dir_all(&objects).map_err(super::io("create", &objects))?;
    if s3_server::read_meta(&r.data_dir, bucket).is_none() {
        save_meta(
            &r.data_dir,
            bucket,
            &BucketMeta {
                acl: "private".into(),
                ..Default::default()
            },
        )?;
    }
    Ok(r)
}

/// Deletes a bucket and its objects (Terraform empties it first with `force_destroy`).
pub fn delete_bucket(services: &Services, bucket: &str) -> Result<(), ServiceError> {
    let Some(r) = server(services) else {
        return Ok(());
    };
    let dir = s3_server::bucket_dir(&r.data_dir, bucket);
    match std::fs::remove_dir_all(&dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(super::io("remove", &dir)(e))
        }
        _ => {}
    }
    remove_if_unused(services, &r)
}

/// Changes a bucket's settings (ACL, policy, website); `None` when the bucket has no server.
pub fn update_meta(
    services: &Services,
    bucket: &str,
    f: impl FnOnce(&mut BucketMeta),
) -> Result<Option<Record>, ServiceError> {
    let Some(r) = server(services) else {
        return Ok(None);
    };
    let Some(mut meta) = s3_server::read_meta(&r.data_dir, bucket) else {
        return Ok(None);
    };
    if health(&r) == Health::Stopped {
        start(&r)?;
    }
    f(&mut meta);
    save_meta(&r.data_dir, bucket, &meta)?;
    Ok(Some(r))
}

/// Sets (or, with `None`, removes) a bucket's website configuration, and puts placeholder
/// documents where the bucket has none (see the module doc).
pub fn set_website(
    services: &Services,
    bucket: &str,
    site: Option<Website>,
) -> Result<Option<Record>, ServiceError> {
    let placeholder = site.clone();
    let Some(r) = update_meta(services, bucket, |m| m.website = site)? else {
        return Ok(None);
    };
    if let Some(site) = placeholder {
        let page = |title: &str| {
            format!(
                "<!doctype html>\n<title>{title}</title>\n<p>mobi-tui sandbox: placeholder for the built site that CI uploads to {bucket}.</p>\n"
            )
        };
        let docs = [
            Some((site.index.clone(), page("sandbox"))),
            site.error.clone().map(|e| (e, page("not found"))),
        ];
        for (key, body) in docs.into_iter().flatten() {
            let p = s3_server::object_path(&r.data_dir, bucket, &key);
            if !p.exists() {
                super::write_atomic(&p, body.as_bytes(), 0o644)?;
            }
        }
    }
    Ok(Some(r))
}

/// The buckets with a website configuration, and whether anonymous reads are allowed on each.
pub fn websites(r: &Record) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = std::fs::read_dir(s3_server::buckets_dir(&r.data_dir))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            let meta = s3_server::read_meta(&r.data_dir, &name)?;
            meta.website.as_ref()?;
            let public = s3_server::public_read(&meta, &name);
            Some((name, public))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_name_the_local_ports() {
        let d = tempfile::tempdir().unwrap();
        let r = Record {
            name: "s3-x".into(),
            kind: Kind::S3,
            resource_id: SERVER_ID.into(),
            port: 9000,
            data_dir: d.path().to_path_buf(),
            missing: None,
            user: None,
        };
        std::fs::write(website_port_path(&r), "9001\n").unwrap();
        assert_eq!(api_endpoint(&r), "https://127.0.0.1:9000");
        assert_eq!(
            website_endpoint(&r, "mobi-front-ab12"),
            "127.0.0.1:9001/mobi-front-ab12"
        );
        assert_eq!(health(&r), Health::Stopped);
    }

    /// Concurrent applies take turns: no two hold the lock at once.
    #[test]
    fn the_lock_serialises_concurrent_applies() {
        let d = tempfile::tempdir().unwrap();
        let services = Services::at(d.path());
        let inside = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (s, inside) = (services.clone(), inside.clone());
                std::thread::spawn(move || {
                    locked(&s, || {
                        let n = inside.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        inside.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                        Ok(n)
                    })
                    .unwrap()
                })
            })
            .collect();
        for t in threads {
            assert_eq!(t.join().unwrap(), 0, "another apply held the lock");
        }
        assert!(
            services.list().unwrap().is_empty(),
            "the lock is not a record"
        );
    }
}
