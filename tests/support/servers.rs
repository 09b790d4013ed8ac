//! Real servers the tests start and stop themselves: PostgreSQL (initdb + pg_ctl), Redis
//! (redis-server) and an S3 API (moto's server). Each lives in a temp dir on a free port and is
//! stopped on drop.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not listen on port {port} within 30s");
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The newest PostgreSQL server binaries (`/usr/lib/postgresql/<v>/bin`).
fn pg_bin() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server installed (scripts/install-test-deps.sh)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    dirs.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop()
        .expect("an initdb under /usr/lib/postgresql/*/bin")
}

/// Runs a PostgreSQL tool as the `postgres` user when we are root (initdb refuses root).
fn pg_cmd(tool: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(tool);
        c
    } else {
        Command::new(tool)
    }
}

pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub dbname: String,
    running: bool,
    extra_opts: String,
}

impl Postgres {
    /// initdb with a password-protected superuser, then start on a free port (TCP on 127.0.0.1).
    pub fn start() -> Self {
        let bin = pg_bin();
        let dir = tempfile::Builder::new()
            .prefix("mobi-pg-")
            .tempdir()
            .expect("temp dir");
        let user = "mobi".to_string();
        let password = "pg-s3cret-'\"pw".to_string();
        std::fs::write(dir.path().join("pwfile"), &password).expect("pwfile");
        if is_root() {
            run(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(dir.path()),
                "chown",
            );
        }
        run(
            pg_cmd(&bin.join("initdb"))
                .arg("-D")
                .arg(dir.path().join("data"))
                .args([
                    "-U",
                    &user,
                    "-E",
                    "UTF8",
                    "--auth=scram-sha-256",
                    "--no-sync",
                ])
                .arg(format!("--pwfile={}", dir.path().join("pwfile").display())),
            "initdb",
        );
        let mut pg = Self {
            dir,
            bin,
            port: free_port(),
            user,
            password,
            dbname: "postgres".into(),
            running: false,
            extra_opts: String::new(),
        };
        pg.start_again();
        pg
    }

    /// Restarts with TLS on (`ssl=on`), serving `cert`/`key`.
    pub fn enable_tls(&mut self, cert: &Path, key: &Path) {
        self.stop();
        let data = self.dir.path().join("data");
        std::fs::copy(cert, data.join("server.crt")).expect("copy cert");
        std::fs::copy(key, data.join("server.key")).expect("copy key");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            data.join("server.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .expect("chmod key");
        if is_root() {
            run(
                Command::new("chown")
                    .arg("postgres:postgres")
                    .arg(data.join("server.crt"))
                    .arg(data.join("server.key")),
                "chown",
            );
        }
        self.extra_opts = " -c ssl=on".into();
        self.start_again();
    }

    pub fn start_again(&mut self) {
        run(
            pg_cmd(&self.bin.join("pg_ctl"))
                .arg("-D")
                .arg(self.dir.path().join("data"))
                .arg("-l")
                .arg(self.dir.path().join("log"))
                .arg("-o")
                .arg(format!(
                    "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off{}",
                    self.port,
                    self.dir.path().display(),
                    self.extra_opts
                ))
                .args(["-w", "-t", "30", "start"])
                .stdout(Stdio::null()),
            "pg_ctl start",
        );
        self.running = true;
    }

    pub fn stop(&mut self) {
        if self.running {
            let _ = pg_cmd(&self.bin.join("pg_ctl"))
                .arg("-D")
                .arg(self.dir.path().join("data"))
                .args(["-m", "immediate", "-w", "stop"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            self.running = false;
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}

pub struct Redis {
    child: Option<Child>,
    pub port: u16,
    pub user: String,
    pub password: String,
    tls: Option<(PathBuf, PathBuf)>,
}

impl Redis {
    /// redis-server with an ACL user and the default user disabled, like Scaleway's.
    pub fn start() -> Self {
        let mut r = Self {
            child: None,
            port: free_port(),
            user: "mobi".into(),
            password: "redis-s3cret pw".into(),
            tls: None,
        };
        r.start_again();
        r
    }

    /// redis-server speaking TLS only (like Scaleway's), with `cert`/`key`.
    pub fn start_tls(cert: &Path, key: &Path) -> Self {
        let mut r = Self {
            child: None,
            port: free_port(),
            user: "mobi".into(),
            password: "redis-s3cret pw".into(),
            tls: Some((cert.to_path_buf(), key.to_path_buf())),
        };
        r.start_again();
        r
    }

    pub fn start_again(&mut self) {
        let mut cmd = Command::new("redis-server");
        match &self.tls {
            None => cmd.args(["--bind", "127.0.0.1", "--port", &self.port.to_string()]),
            Some((cert, key)) => cmd
                .args(["--bind", "127.0.0.1", "--port", "0"])
                .args(["--tls-port", &self.port.to_string()])
                .arg("--tls-cert-file")
                .arg(cert)
                .arg("--tls-key-file")
                .arg(key)
                .arg("--tls-ca-cert-file")
                .arg(cert)
                .args(["--tls-auth-clients", "no"]),
        };
        let child = cmd
            .args(["--save", "", "--appendonly", "no"])
            .args(["--user", "default", "off"])
            .args(["--user", &self.user, "on"])
            .arg(format!(">{}", self.password))
            .args(["~*", "&*", "+@all"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server installed (scripts/install-test-deps.sh)");
        self.child = Some(child);
        wait_for_port(self.port, "redis-server");
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

pub struct S3 {
    child: Option<Child>,
    pub port: u16,
    /// The key moto issued; it verifies every signature made with it.
    pub access_key: String,
    pub secret_key: String,
}

impl S3 {
    /// moto's S3-compatible server, enforcing SigV4 signatures, with the given buckets created.
    pub fn start(buckets: &[&str]) -> Self {
        let port = free_port();
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .env("INITIAL_NO_AUTH_ACTION_COUNT", "3")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with moto[server] (scripts/install-test-deps.sh)");
        wait_for_port(port, "moto server");
        let mut s3 = Self {
            child: Some(child),
            port,
            access_key: String::new(),
            secret_key: String::new(),
        };
        let out = Command::new("python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/support/moto_setup.py"
            ))
            .arg(s3.endpoint())
            .args(buckets)
            .output()
            .expect("python3");
        assert!(
            out.status.success(),
            "moto setup: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let key: serde_json::Value = serde_json::from_slice(&out.stdout).expect("moto key JSON");
        s3.access_key = key["access_key"].as_str().unwrap_or_default().to_string();
        s3.secret_key = key["secret_key"].as_str().unwrap_or_default().to_string();
        s3
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A self-signed certificate for 127.0.0.1 and localhost, and its key, as PEM files.
pub struct SelfSigned {
    pub dir: tempfile::TempDir,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl SelfSigned {
    pub fn generate() -> Self {
        let ck = mobi_tui::tls::self_signed(&["127.0.0.1", "localhost"])
            .expect("self-signed certificate");
        let dir = tempfile::Builder::new()
            .prefix("mobi-tls-")
            .tempdir()
            .expect("temp dir");
        let cert = dir.path().join("cert.pem");
        let key = dir.path().join("key.pem");
        std::fs::write(&cert, ck.cert.pem()).expect("cert");
        std::fs::write(&key, ck.key_pair.serialize_pem()).expect("key");
        // redis-server and the test PostgreSQL read these as other users in some setups.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
        Self { dir, cert, key }
    }
}
