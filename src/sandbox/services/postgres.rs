//! A PostgreSQL cluster per `scaleway_rdb_instance`: initdb + pg_ctl (as `postgres` when we are
//! root, since initdb refuses root), TLS on with a self-signed certificate (reported as the
//! instance's `certificate`), password (SCRAM) authentication over TCP on 127.0.0.1.
//!
//! The sandbox administers it over the cluster's Unix socket, which sits in the cluster's own
//! private folder and trusts local connections: the admin password then never has to be
//! written anywhere, and the TCP listener (what the checks and a user reach) still demands it.
//! `scaleway_rdb_database`, `_user` and `_privilege` become CREATE DATABASE, CREATE/ALTER/DROP
//! ROLE and GRANT/REVOKE on it.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{io, run, Health, Kind, Record, ServiceError, Services};

/// The newest `/usr/lib/postgresql/<v>/bin` (Debian's layout), if any.
fn debian_bin_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((v, e.path().join("bin")))
        })
        .collect();
    dirs.sort();
    dirs.into_iter().rev().map(|(_, p)| p).collect()
}

/// `initdb`, `pg_ctl` (PATH first, then Debian's versioned folders), or what to install.
pub fn tools() -> Result<(PathBuf, PathBuf), String> {
    let extra = debian_bin_dirs();
    let initdb = super::find_tool("initdb", &extra, "postgresql")?;
    // pg_ctl from the same installation as initdb when it is there.
    let pg_ctl = initdb
        .parent()
        .map(|d| d.join("pg_ctl"))
        .filter(|p| p.is_file())
        .map_or_else(|| super::find_tool("pg_ctl", &extra, "postgresql"), Ok)?;
    Ok((initdb, pg_ctl))
}

fn tool_cmd(tool: &Path) -> Command {
    if super::is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(tool);
        c
    } else {
        Command::new(tool)
    }
}

fn chown_postgres(path: &Path) -> Result<(), ServiceError> {
    if !super::is_root() {
        return Ok(());
    }
    let mut c = Command::new("chown");
    c.args(["-R", "postgres:postgres"]).arg(path);
    run(c, "chown postgres")
}

fn data(r: &Record) -> PathBuf {
    r.data_dir.join("data")
}

/// What a created instance reports.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub port: u16,
    pub certificate: String,
}

/// Creates and starts the cluster of instance `resource_id`, whose bootstrap superuser is
/// `user` with `password`. `Ok(None)`: the PostgreSQL binaries are missing (recorded).
pub fn create(
    services: &Services,
    resource_id: &str,
    user: &str,
    password: &str,
) -> Result<Option<Endpoint>, ServiceError> {
    let name = super::record_name(Kind::Postgres, resource_id);
    let dir = services.data_dir(&name);
    let mut record = Record {
        name,
        kind: Kind::Postgres,
        resource_id: resource_id.to_owned(),
        port: 0,
        data_dir: dir.clone(),
        missing: None,
        user: Some(user.to_owned()),
    };
    let (initdb, pg_ctl) = match tools() {
        Ok(t) => t,
        Err(why) => {
            record.missing = Some(why);
            services.save(&record)?;
            return Ok(None);
        }
    };
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(io("remove", &dir))?;
    }
    std::fs::create_dir_all(&dir).map_err(io("create", &dir))?;
    let pwfile = dir.join("pwfile");
    super::write_atomic(&pwfile, password.as_bytes(), 0o600)?;
    chown_postgres(&dir)?;
    let mut c = tool_cmd(&initdb);
    c.arg("-D")
        .arg(data(&record))
        .args([
            "-U",
            user,
            "-E",
            "UTF8",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--no-sync",
        ])
        .arg(format!("--pwfile={}", pwfile.display()));
    let res = run(c, "initdb");
    let _ = std::fs::remove_file(&pwfile);
    res?;
    let (cert, key) = super::self_signed()?;
    let d = data(&record);
    super::write_atomic(&d.join("server.crt"), cert.as_bytes(), 0o644)?;
    super::write_atomic(&d.join("server.key"), key.as_bytes(), 0o600)?;
    record.port = super::free_port()?;
    let conf = format!(
        "\n# mobi-tui sandbox\nlisten_addresses = '127.0.0.1'\nport = {}\nssl = on\n\
         unix_socket_directories = '{}'\nfsync = off\nsynchronous_commit = off\n\
         full_page_writes = off\nshared_buffers = 16MB\nmax_connections = 40\n",
        record.port,
        dir.display()
    );
    use std::io::Write as _;
    let conf_path = d.join("postgresql.conf");
    std::fs::OpenOptions::new()
        .append(true)
        .open(&conf_path)
        .and_then(|mut f| f.write_all(conf.as_bytes()))
        .map_err(io("write", &conf_path))?;
    chown_postgres(&dir)?;
    services.save(&record)?;
    start_with(&pg_ctl, &record)?;
    Ok(Some(Endpoint {
        port: record.port,
        certificate: cert,
    }))
}

fn start_with(pg_ctl: &Path, r: &Record) -> Result<(), ServiceError> {
    let mut c = tool_cmd(pg_ctl);
    c.arg("start")
        .arg("-D")
        .arg(data(r))
        .arg("-l")
        .arg(r.data_dir.join("postgres.log"))
        .args(["-w", "-t", "60"]);
    run(c, &format!("pg_ctl start ({})", r.name))
}

pub fn start(r: &Record) -> Result<(), ServiceError> {
    let (_, pg_ctl) = tools().map_err(|detail| ServiceError::Command {
        what: format!("restart of {}", r.name),
        detail,
    })?;
    // A crash leaves postmaster.pid behind; pg_ctl removes a stale one itself.
    start_with(&pg_ctl, r)
}

fn pid(r: &Record) -> Option<i32> {
    super::pid_in(&data(r).join("postmaster.pid"))
}

pub fn health(r: &Record) -> Health {
    super::health_of(pid(r), "postgres")
}

pub fn stop(r: &Record) {
    if let Some(p) = pid(r) {
        // SIGINT is PostgreSQL's fast shutdown: sessions are ended, nothing waits on clients.
        super::terminate(p, nix::sys::signal::Signal::SIGINT, "postgres");
    }
}

/// `"name"` with embedded quotes doubled.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'` with embedded quotes doubled (standard_conforming_strings is on).
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Runs `sql` (one or more statements) in database `db` as the bootstrap superuser, over the
/// cluster's Unix socket.
pub async fn exec(r: &Record, db: &str, sql: &str) -> Result<(), ServiceError> {
    let mut cfg = tokio_postgres::Config::new();
    cfg.host_path(&r.data_dir)
        .port(r.port)
        .dbname(db)
        .user(r.user.as_deref().unwrap_or("postgres"))
        .application_name("mobi-tui-sandbox")
        .connect_timeout(std::time::Duration::from_secs(10));
    let (client, conn) = cfg
        .connect(tokio_postgres::NoTls)
        .await
        .map_err(|e| ServiceError::Sql(format!("{} ({db}): {}", r.name, sql_error(&e))))?;
    let task = tokio::spawn(conn);
    let res = client
        .batch_execute(sql)
        .await
        .map_err(|e| ServiceError::Sql(format!("{} ({db}): {}", r.name, sql_error(&e))));
    drop(client);
    let _ = task.await;
    res
}

fn sql_error(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => crate::checks::http::error_chain(e),
    }
}

/// The databases that accept connections (DROP OWNED must run in each).
async fn databases(r: &Record) -> Vec<String> {
    let mut cfg = tokio_postgres::Config::new();
    cfg.host_path(&r.data_dir)
        .port(r.port)
        .dbname("postgres")
        .user(r.user.as_deref().unwrap_or("postgres"));
    let Ok((client, conn)) = cfg.connect(tokio_postgres::NoTls).await else {
        return vec!["postgres".into()];
    };
    let task = tokio::spawn(conn);
    let rows = client
        .query(
            "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate",
            &[],
        )
        .await
        .map(|rows| rows.iter().map(|r| r.get::<_, String>(0)).collect())
        .unwrap_or_else(|_| vec!["postgres".into()]);
    drop(client);
    let _ = task.await;
    rows
}

/// `CREATE ROLE` with LOGIN and the password (admin users may create databases and roles, as
/// Scaleway's admin users may).
pub async fn create_user(
    r: &Record,
    name: &str,
    password: &str,
    admin: bool,
) -> Result<(), ServiceError> {
    let extra = if admin { " CREATEDB CREATEROLE" } else { "" };
    exec(
        r,
        "postgres",
        &format!(
            "CREATE ROLE {} LOGIN{extra} PASSWORD {}",
            ident(name),
            literal(password)
        ),
    )
    .await
}

/// Renames (when `old` differs) and sets the password: the old name stops existing.
pub async fn update_user(
    r: &Record,
    old: &str,
    name: &str,
    password: &str,
) -> Result<(), ServiceError> {
    if old != name {
        exec(
            r,
            "postgres",
            &format!("ALTER ROLE {} RENAME TO {}", ident(old), ident(name)),
        )
        .await?;
    }
    exec(
        r,
        "postgres",
        &format!("ALTER ROLE {} PASSWORD {}", ident(name), literal(password)),
    )
    .await
}

/// Drops a role after dropping what it owns and its grants in every database.
pub async fn drop_user(r: &Record, name: &str) -> Result<(), ServiceError> {
    for db in databases(r).await {
        let _ = exec(r, &db, &format!("DROP OWNED BY {}", ident(name))).await;
    }
    exec(
        r,
        "postgres",
        &format!("DROP ROLE IF EXISTS {}", ident(name)),
    )
    .await
}

pub async fn create_database(r: &Record, name: &str) -> Result<(), ServiceError> {
    exec(r, "postgres", &format!("CREATE DATABASE {}", ident(name))).await
}

pub async fn drop_database(r: &Record, name: &str) -> Result<(), ServiceError> {
    exec(
        r,
        "postgres",
        &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", ident(name)),
    )
    .await
}

/// Sets `user`'s permission on `db` to one of Scaleway's levels (`all`, `readwrite`,
/// `readonly`, `custom`, `none`): database and `public` schema grants.
pub async fn set_privilege(
    r: &Record,
    db: &str,
    user: &str,
    permission: &str,
) -> Result<(), ServiceError> {
    let (u, d) = (ident(user), ident(db));
    exec(
        r,
        "postgres",
        &format!("REVOKE ALL ON DATABASE {d} FROM {u}"),
    )
    .await?;
    let _ = exec(r, db, &format!("REVOKE ALL ON SCHEMA public FROM {u}")).await;
    let (on_db, on_schema) = match permission {
        "all" => ("ALL PRIVILEGES", "GRANT ALL ON SCHEMA public TO {u}; GRANT ALL ON ALL TABLES IN SCHEMA public TO {u}"),
        "readwrite" => ("CONNECT, TEMPORARY", "GRANT USAGE ON SCHEMA public TO {u}; GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {u}"),
        "readonly" => ("CONNECT", "GRANT USAGE ON SCHEMA public TO {u}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {u}"),
        _ => return Ok(()),
    };
    exec(
        r,
        "postgres",
        &format!("GRANT {on_db} ON DATABASE {d} TO {u}"),
    )
    .await?;
    exec(r, db, &on_schema.replace("{u}", &u)).await
}

/// Removes `user`'s grants on `db` (the privilege resource destroyed).
pub async fn revoke(r: &Record, db: &str, user: &str) -> Result<(), ServiceError> {
    set_privilege(r, db, user, "none").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_doubles_quotes() {
        assert_eq!(ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(literal("it's"), "'it''s'");
    }
}
