//! Test support: a whole healthy stack on this machine (PostgreSQL, Redis, an S3 API, the backend
//! and its worker, a fake kubectl), and the preset, outputs and environment that point at it.

#![allow(dead_code)]

pub mod backend;
pub mod kubectl;
pub mod servers;

use std::collections::BTreeMap;
use std::path::PathBuf;

use backend::{Backend, Wiring};
use kubectl::FakeKubectl;
use servers::{Postgres, Redis, S3};

pub const MEDIA: &str = "mobi-media-test";
pub const FRONTEND: &str = "mobi-frontend-test";
pub const KUBECONFIG: &str = "apiVersion: v1\nkind: Config\n# test kubeconfig\n";

pub struct Stack {
    pub pg: Postgres,
    pub redis: Redis,
    pub s3: S3,
    pub backend: Backend,
    pub kubectl: FakeKubectl,
    pub files: tempfile::TempDir,
}

impl Stack {
    pub fn start() -> Self {
        let pg = Postgres::start();
        let redis = Redis::start();
        let s3 = S3::start(&[MEDIA, FRONTEND]);
        let backend = Backend::start(Wiring {
            pg_port: pg.port,
            pg_user: pg.user.clone(),
            pg_password: pg.password.clone(),
            pg_db: pg.dbname.clone(),
            redis_port: redis.port,
            redis_user: redis.user.clone(),
            redis_password: redis.password.clone(),
        });
        let kubectl = FakeKubectl::install();
        let files = tempfile::Builder::new()
            .prefix("mobi-smoke-test-")
            .tempdir()
            .expect("temp dir");
        Self {
            pg,
            redis,
            s3,
            backend,
            kubectl,
            files,
        }
    }

    /// The dev preset with a short check budget, so failures come back quickly.
    pub fn preset(&self, budget_s: u64) -> PathBuf {
        let dev = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/presets/dev.toml"))
            .expect("presets/dev.toml");
        let path = self.files.path().join(format!("preset-{budget_s}.toml"));
        std::fs::write(&path, format!("{dev}\n[smoke]\nbudget_s = {budget_s}\n"))
            .expect("write preset");
        path
    }

    /// The outputs as `terraform output -json` would print them for this stack.
    pub fn outputs_json(&self) -> serde_json::Value {
        let mut m = BTreeMap::new();
        let mut put = |k: &str, v: serde_json::Value, sensitive: bool| {
            m.insert(
                k.to_string(),
                serde_json::json!({"sensitive": sensitive, "type": "string", "value": v}),
            );
        };
        put("media_bucket_name", MEDIA.into(), false);
        put("frontend_bucket_name", FRONTEND.into(), false);
        put("s3_endpoint", self.s3.endpoint().into(), false);
        put("database_host", "127.0.0.1".into(), false);
        put("database_port", self.pg.port.into(), false);
        put("database_name", self.pg.dbname.clone().into(), false);
        put("database_user", self.pg.user.clone().into(), false);
        put("redis_host", "127.0.0.1".into(), false);
        put("redis_port", self.redis.port.into(), false);
        put("redis_user", self.redis.user.clone().into(), false);
        put("api_url", self.backend.url().into(), false);
        put("frontend_url", self.backend.url().into(), false);
        put(
            "frontend_website_endpoint",
            self.backend.url().into(),
            false,
        );
        put("cluster_id", "fr-par/00000000-test".into(), false);
        put("kubeconfig", KUBECONFIG.into(), true);
        put("backend_namespace", "mobi".into(), false);
        put("workers_namespace", "mobi-workers".into(), false);
        serde_json::Value::Object(m.into_iter().collect())
    }

    pub fn write_outputs(&self, value: &serde_json::Value) -> PathBuf {
        let path = self.files.path().join("outputs.json");
        std::fs::write(&path, value.to_string()).expect("write outputs");
        path
    }

    /// The variables a user would export, pointing at this stack.
    pub fn env(&self) -> Vec<(String, String)> {
        let path = format!(
            "{}:{}",
            self.kubectl.bin_dir().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        [
            ("SCW_ACCESS_KEY", self.s3.access_key.as_str()),
            ("SCW_SECRET_KEY", self.s3.secret_key.as_str()),
            ("MOBI_S3_REGION", "fr-par"),
            ("MOBI_DATABASE_PASSWORD", self.pg.password.as_str()),
            ("MOBI_DATABASE_SSLMODE", "disable"),
            ("MOBI_REDIS_PASSWORD", self.redis.password.as_str()),
            ("MOBI_REDIS_TLS", "0"),
            ("PATH", &path),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }
}
