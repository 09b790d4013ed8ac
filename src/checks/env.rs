//! Settings that come from the environment only: credentials never live in a preset, the
//! generated tree or a command line (where `ps` and shell history would keep them).
//!
//! | variable | used for | default |
//! |---|---|---|
//! | `SCW_ACCESS_KEY`, `SCW_SECRET_KEY` | SigV4 signature of the S3 HeadBucket probes | none: the bucket checks fail without them |
//! | `MOBI_S3_REGION` | SigV4 signing region | the region in `s3_endpoint` (`s3.<region>.scw.cloud`), else `fr-par` |
//! | `MOBI_DATABASE_USER` | PostgreSQL user | output `database_user`, else preset `postgres.db_user` |
//! | `MOBI_DATABASE_PASSWORD`, else `PGPASSWORD` | PostgreSQL password | none |
//! | `MOBI_DATABASE_SSLMODE`, else `PGSSLMODE` | `disable`, `require`, `verify-full` | `require` |
//! | `MOBI_DATABASE_CA_FILE` | PEM CA for `verify-full` (Scaleway's instance certificate) | public web roots |
//! | `MOBI_REDIS_USER` | Redis ACL user | output `redis_user`, else preset `redis.user_name` |
//! | `MOBI_REDIS_PASSWORD` | Redis password | none (no AUTH) |
//! | `MOBI_REDIS_TLS` | `0`/`off` plain, `1`/`require` TLS unverified, `verify` | `1` (Scaleway Redis is TLS) |
//! | `MOBI_REDIS_CA_FILE` | PEM CA for `MOBI_REDIS_TLS=verify` | public web roots |
//! | `MOBI_KUBECTL` | the kubectl binary of the in-cluster checks | `kubectl` on `PATH` |
//! | `MOBI_SMOKE_PG_IMAGE` | image of the in-cluster PostgreSQL probe pod | `postgres:16-alpine` |
//! | `MOBI_SMOKE_REDIS_IMAGE` | image of the in-cluster Redis probe pod | `redis:7-alpine` |

use std::path::PathBuf;

use super::sigv4::Credentials;
use super::tls::TlsMode;
use crate::secret::Secret;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("environment variable {var}={value:?}: expected {expected}")]
pub struct SettingsError {
    pub var: &'static str,
    pub value: String,
    pub expected: &'static str,
}

/// Everything the probes read from the environment, read once so a run is consistent and tests
/// can build it from a map instead of mutating the process environment. The passwords and the
/// secret key are [`Secret`]s, so the derived `Debug` cannot print them.
#[derive(Debug, Clone)]
pub struct Settings {
    pub s3_credentials: Option<Credentials>,
    pub s3_region: Option<String>,
    pub database_user: Option<String>,
    pub database_password: Option<Secret>,
    pub database_tls: TlsMode,
    pub redis_user: Option<String>,
    pub redis_password: Option<Secret>,
    pub redis_tls: TlsMode,
    pub kubectl: Option<PathBuf>,
    pub pg_image: String,
    pub redis_image: String,
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let var = |k: &str| get(k).filter(|v| !v.is_empty());
        let s3_credentials = match (var("SCW_ACCESS_KEY"), var("SCW_SECRET_KEY")) {
            (Some(access_key), Some(secret_key)) => Some(Credentials {
                access_key,
                secret_key: Secret::from(secret_key),
            }),
            _ => None,
        };
        let (sslmode_var, sslmode) = match var("MOBI_DATABASE_SSLMODE") {
            Some(v) => ("MOBI_DATABASE_SSLMODE", v),
            None => (
                "PGSSLMODE",
                var("PGSSLMODE").unwrap_or_else(|| "require".into()),
            ),
        };
        let database_tls =
            TlsMode::parse(&sslmode, var("MOBI_DATABASE_CA_FILE").map(PathBuf::from)).ok_or(
                SettingsError {
                    var: sslmode_var,
                    value: sslmode.clone(),
                    expected: "disable, require or verify-full",
                },
            )?;
        let redis_tls_word = var("MOBI_REDIS_TLS").unwrap_or_else(|| "1".into());
        let redis_tls = TlsMode::parse(
            &redis_tls_word,
            var("MOBI_REDIS_CA_FILE").map(PathBuf::from),
        )
        .ok_or(SettingsError {
            var: "MOBI_REDIS_TLS",
            value: redis_tls_word.clone(),
            expected: "0, 1 or verify",
        })?;
        Ok(Self {
            s3_credentials,
            s3_region: var("MOBI_S3_REGION"),
            database_user: var("MOBI_DATABASE_USER"),
            database_password: var("MOBI_DATABASE_PASSWORD")
                .or_else(|| var("PGPASSWORD"))
                .map(Secret::from),
            database_tls,
            redis_user: var("MOBI_REDIS_USER"),
            redis_password: var("MOBI_REDIS_PASSWORD").map(Secret::from),
            redis_tls,
            kubectl: var("MOBI_KUBECTL").map(PathBuf::from),
            pg_image: var("MOBI_SMOKE_PG_IMAGE").unwrap_or_else(|| "postgres:16-alpine".into()),
            redis_image: var("MOBI_SMOKE_REDIS_IMAGE").unwrap_or_else(|| "redis:7-alpine".into()),
        })
    }

    /// Every secret value, so reports can mask them wherever a server echoed one back.
    pub fn secrets(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(c) = &self.s3_credentials {
            v.push(c.secret_key.expose().to_string());
        }
        v.extend(
            self.database_password
                .iter()
                .map(|s| s.expose().to_string()),
        );
        v.extend(self.redis_password.iter().map(|s| s.expose().to_string()));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_secure() {
        let s = from(&[]).unwrap();
        assert_eq!(s.database_tls, TlsMode::Require);
        assert_eq!(s.redis_tls, TlsMode::Require);
        assert!(s.s3_credentials.is_none());
    }

    #[test]
    fn pgpassword_is_a_fallback() {
        let s = from(&[("PGPASSWORD", "a"), ("PGSSLMODE", "disable")]).unwrap();
        assert_eq!(s.database_password.as_ref().map(Secret::expose), Some("a"));
        assert_eq!(s.database_tls, TlsMode::Disable);
        let s = from(&[("PGPASSWORD", "a"), ("MOBI_DATABASE_PASSWORD", "b")]).unwrap();
        assert_eq!(s.database_password.as_ref().map(Secret::expose), Some("b"));
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = from(&[("MOBI_REDIS_TLS", "maybe")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "environment variable MOBI_REDIS_TLS=\"maybe\": expected 0, 1 or verify"
        );
    }

    #[test]
    fn debug_masks_passwords() {
        let s = from(&[
            ("MOBI_REDIS_PASSWORD", "hunter2"),
            ("SCW_ACCESS_KEY", "AK"),
            ("SCW_SECRET_KEY", "sk-9"),
        ])
        .unwrap();
        let d = format!("{s:?}");
        assert!(!d.contains("hunter2") && !d.contains("sk-9"), "{d}");
        assert_eq!(s.secrets().len(), 2);
    }
}
