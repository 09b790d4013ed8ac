//! PostgreSQL: `SELECT 1` from this machine (`--direct`), `pg_isready` from a pod, and the
//! end-to-end check's view of the task row.

use std::time::Duration;

use tokio_postgres::config::SslMode;
use tokio_postgres::NoTls;

use super::retry::ProbeError;
use super::tls::{self, PgTls, TlsMode};
use crate::secret::Secret;

/// Where and as whom to connect. `Debug` hides the password (a [`Secret`]).
#[derive(Clone)]
pub struct PgTarget {
    pub host: String,
    pub port: u16,
    pub dbname: String,
    pub user: String,
    pub password: Option<Secret>,
    pub tls: TlsMode,
}

impl std::fmt::Debug for PgTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PgTarget({}@{}:{}/{}, {})",
            self.user,
            self.host,
            self.port,
            self.dbname,
            self.tls.label()
        )
    }
}

/// A connection failure, split by whether retrying can help.
fn classify(e: &tokio_postgres::Error) -> ProbeError {
    if let Some(db) = e.as_db_error() {
        let text = format!("{} ({})", db.message(), db.code().code());
        // 28xxx: authentication; 3D000: no such database — neither heals by waiting.
        let code = db.code().code();
        if code.starts_with("28") || code == "3D000" {
            return ProbeError::fatal(text);
        }
        return ProbeError::retry(text);
    }
    ProbeError::retry(super::http::error_chain(e))
}

/// Opens a client; the connection task runs until the client is dropped.
pub async fn connect(t: &PgTarget) -> Result<tokio_postgres::Client, ProbeError> {
    let mut cfg = tokio_postgres::Config::new();
    cfg.host(&t.host)
        .port(t.port)
        .dbname(&t.dbname)
        .user(&t.user)
        .application_name("mobi-tui-smoke")
        .connect_timeout(Duration::from_secs(10));
    if let Some(p) = &t.password {
        cfg.password(p.expose());
    }
    match tls::client_config(&t.tls).map_err(ProbeError::fatal)? {
        None => {
            cfg.ssl_mode(SslMode::Disable);
            let (client, conn) = cfg.connect(NoTls).await.map_err(|e| classify(&e))?;
            tokio::spawn(conn);
            Ok(client)
        }
        Some(config) => {
            cfg.ssl_mode(SslMode::Require);
            let (client, conn) = cfg.connect(PgTls(config)).await.map_err(|e| classify(&e))?;
            tokio::spawn(conn);
            Ok(client)
        }
    }
}

/// `--direct`: connect and `SELECT 1`.
pub async fn select_one(t: &PgTarget) -> Result<String, ProbeError> {
    let client = connect(t).await?;
    let row = client
        .query_one("SELECT 1", &[])
        .await
        .map_err(|e| classify(&e))?;
    let one: i32 = row
        .try_get(0)
        .map_err(|e| ProbeError::retry(e.to_string()))?;
    if one == 1 {
        Ok(format!(
            "SELECT 1 as {} on {}:{}/{} ({})",
            t.user,
            t.host,
            t.port,
            t.dbname,
            t.tls.label()
        ))
    } else {
        Err(ProbeError::fatal(format!("SELECT 1 returned {one}")))
    }
}

/// The command of the in-cluster probe pod: no credentials needed, `pg_isready` only asks
/// whether the server accepts connections.
pub fn pg_isready_command(host: &str, port: u16) -> Vec<String> {
    vec![
        "pg_isready".into(),
        "-h".into(),
        host.into(),
        "-p".into(),
        port.to_string(),
        "-t".into(),
        "10".into(),
    ]
}

/// Quotes a table or column name, `schema.table` allowed. Names come from the preset, so only
/// plain identifiers are accepted: anything else is refused rather than escaped.
pub fn quote_ident(name: &str) -> Result<String, String> {
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() > 2 {
        return Err(format!("{name:?}: expected `name` or `schema.name`"));
    }
    let mut out = Vec::new();
    for p in parts {
        let mut chars = p.chars();
        let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(format!(
                "{name:?}: expected letters, digits and underscores, not starting with a digit"
            ));
        }
        out.push(format!("\"{p}\""));
    }
    Ok(out.join("."))
}

/// The state of the task row the end-to-end check watches: one query, so the direct client and
/// the pod's `psql` see the same thing. `$1` is the task id as text.
pub fn task_state_sql(table: &str, id_column: &str, result_column: &str) -> Result<String, String> {
    Ok(format!(
        "SELECT CASE WHEN {r} IS NULL THEN 'pending' ELSE 'done' END FROM {t} WHERE {i}::text = $1",
        t = quote_ident(table)?,
        i = quote_ident(id_column)?,
        r = quote_ident(result_column)?,
    ))
}

/// A string as an SQL literal, for the one place a value is inlined (the pod's `psql -c`).
pub fn sql_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_or_refused() {
        assert_eq!(quote_ident("tasks").unwrap(), "\"tasks\"");
        assert_eq!(quote_ident("app.tasks").unwrap(), "\"app\".\"tasks\"");
        assert!(quote_ident("tasks; drop table x").is_err());
        assert!(quote_ident("1abc").is_err());
        assert!(quote_ident("a.b.c").is_err());
    }

    #[test]
    fn task_sql() {
        assert_eq!(
            task_state_sql("tasks", "id", "result").unwrap(),
            "SELECT CASE WHEN \"result\" IS NULL THEN 'pending' ELSE 'done' END FROM \"tasks\" WHERE \"id\"::text = $1"
        );
        assert_eq!(sql_literal("a'b"), "'a''b'");
    }

    #[test]
    fn debug_hides_password() {
        let t = PgTarget {
            host: "h".into(),
            port: 1,
            dbname: "d".into(),
            user: "u".into(),
            password: Some("pw-secret".into()),
            tls: TlsMode::Disable,
        };
        assert!(!format!("{t:?}").contains("pw-secret"));
    }
}
