//! The environment's Terraform outputs, as `terraform output -json` prints them.
//!
//! The names are a contract with the generated tree (`envs/<env>/outputs.tf`). Parsing is lenient
//! about shape (a port may arrive as a number or a string) and strict about presence: a missing
//! required output is bad input that names the output, not a failed check.

use std::collections::BTreeMap;

use serde_json::Value;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OutputsError {
    #[error("cannot read: {0}")]
    Unreadable(String),
    #[error("not the JSON of `terraform output -json`: {0}")]
    Json(String),
    #[error("expected a JSON object of outputs")]
    NotAnObject,
    #[error("output `{0}` is missing")]
    Missing(String),
    #[error("output `{name}`: expected {expected}")]
    WrongType {
        name: String,
        expected: &'static str,
    },
}

/// All outputs by name: the `value` of each, and which are sensitive.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    values: BTreeMap<String, Value>,
    sensitive: Vec<String>,
}

impl Outputs {
    /// Parses `{"name": {"sensitive": bool, "type": ..., "value": ...}}`.
    pub fn from_json(text: &str) -> Result<Self, OutputsError> {
        let root: Value =
            serde_json::from_str(text).map_err(|e| OutputsError::Json(e.to_string()))?;
        let Value::Object(map) = root else {
            return Err(OutputsError::NotAnObject);
        };
        let mut out = Outputs::default();
        for (name, entry) in map {
            let (value, sensitive) = match entry {
                Value::Object(mut o) => (
                    o.remove("value").unwrap_or(Value::Null),
                    o.get("sensitive").and_then(Value::as_bool).unwrap_or(false),
                ),
                other => (other, false),
            };
            if sensitive {
                out.sensitive.push(name.clone());
            }
            out.values.insert(name, value);
        }
        Ok(out)
    }

    /// Builds outputs from plain values (tests, the engine's in-memory state).
    pub fn from_values(values: BTreeMap<String, Value>) -> Self {
        Self {
            values,
            sensitive: Vec::new(),
        }
    }

    /// The sandbox's stand-in providers mark their outputs with `sandbox = true`: nothing is live.
    pub fn is_sandbox(&self) -> bool {
        matches!(self.values.get("sandbox"), Some(Value::Bool(true)))
            || matches!(self.values.get("sandbox"), Some(Value::String(s)) if s == "true")
    }

    /// String values of the sensitive outputs, so reports can mask them: each whole value, and
    /// each long word in it (a kubeconfig's token or key would otherwise leak if an error quoted
    /// one line of it).
    pub fn sensitive_values(&self) -> Vec<String> {
        let mut out = Vec::new();
        for v in self.sensitive.iter().filter_map(|n| self.values.get(n)) {
            let Some(text) = v.as_str() else { continue };
            out.push(text.to_string());
            out.extend(
                text.split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                    .filter(|w| w.len() >= 16)
                    .map(str::to_string),
            );
        }
        out
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name).filter(|v| !v.is_null())
    }

    pub fn opt_str(&self, name: &str) -> Result<Option<String>, OutputsError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(_) => Err(OutputsError::WrongType {
                name: name.into(),
                expected: "a string",
            }),
        }
    }

    pub fn str(&self, name: &str) -> Result<String, OutputsError> {
        self.opt_str(name)?
            .ok_or_else(|| OutputsError::Missing(name.into()))
    }

    pub fn port(&self, name: &str) -> Result<u16, OutputsError> {
        let bad = || OutputsError::WrongType {
            name: name.into(),
            expected: "a port number (1-65535)",
        };
        let n = match self.get(name) {
            None => return Err(OutputsError::Missing(name.into())),
            Some(Value::Number(n)) => n.as_u64().ok_or_else(bad)?,
            Some(Value::String(s)) => s.trim().parse::<u64>().map_err(|_| bad())?,
            Some(_) => return Err(bad()),
        };
        u16::try_from(n).ok().filter(|p| *p > 0).ok_or_else(bad)
    }

    pub fn opt_list(&self, name: &str) -> Result<Option<Vec<String>>, OutputsError> {
        let bad = || OutputsError::WrongType {
            name: name.into(),
            expected: "a list of strings",
        };
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_string).ok_or_else(bad))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            // A map output (`{ name => ... }`) lists its keys.
            Some(Value::Object(map)) => Ok(Some(map.keys().cloned().collect())),
            Some(_) => Err(bad()),
        }
    }
}

/// What the live checks aim at, validated from the outputs.
#[derive(Debug, Clone)]
pub struct Targets {
    pub media_bucket: String,
    pub frontend_bucket: String,
    pub s3_endpoint: String,
    pub database_host: String,
    pub database_port: u16,
    pub database_name: String,
    pub database_user: Option<String>,
    pub redis_host: String,
    pub redis_port: u16,
    pub redis_user: Option<String>,
    pub api_url: String,
    pub frontend_url: String,
    pub frontend_website_endpoint: Option<String>,
    pub cluster_id: String,
    /// The kubeconfig's text (sensitive); empty means no in-cluster checks.
    pub kubeconfig: Option<String>,
    pub backend_namespace: Option<String>,
    pub workers_namespace: Option<String>,
    pub worker_names: Option<Vec<String>>,
}

impl Targets {
    pub fn from_outputs(o: &Outputs) -> Result<Self, OutputsError> {
        Ok(Self {
            media_bucket: o.str("media_bucket_name")?,
            frontend_bucket: o.str("frontend_bucket_name")?,
            s3_endpoint: o.str("s3_endpoint")?,
            database_host: o.str("database_host")?,
            database_port: o.port("database_port")?,
            database_name: o.str("database_name")?,
            database_user: o.opt_str("database_user")?,
            redis_host: o.str("redis_host")?,
            redis_port: o.port("redis_port")?,
            redis_user: o.opt_str("redis_user")?,
            api_url: o.str("api_url")?,
            frontend_url: o.str("frontend_url")?,
            frontend_website_endpoint: o.opt_str("frontend_website_endpoint")?,
            cluster_id: o.str("cluster_id")?,
            kubeconfig: o.opt_str("kubeconfig")?,
            backend_namespace: o.opt_str("backend_namespace")?,
            workers_namespace: o.opt_str("workers_namespace")?,
            worker_names: o.opt_list("worker_names")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"{
      "media_bucket_name": {"sensitive": false, "type": "string", "value": "m"},
      "frontend_bucket_name": {"sensitive": false, "type": "string", "value": "f"},
      "s3_endpoint": {"sensitive": false, "type": "string", "value": "https://s3.fr-par.scw.cloud"},
      "database_host": {"sensitive": false, "type": "string", "value": "10.0.0.2"},
      "database_port": {"sensitive": false, "type": "number", "value": 5432},
      "database_name": {"sensitive": false, "type": "string", "value": "mobi"},
      "redis_host": {"sensitive": false, "type": "string", "value": "10.0.0.3"},
      "redis_port": {"sensitive": false, "type": "string", "value": "6379"},
      "api_url": {"sensitive": false, "type": "string", "value": "https://api.example.com"},
      "frontend_url": {"sensitive": false, "type": "string", "value": "https://app.example.com"},
      "cluster_id": {"sensitive": false, "type": "string", "value": "fr-par/123"},
      "kubeconfig": {"sensitive": true, "type": "string", "value": "apiVersion: v1"},
      "worker_names": {"sensitive": false, "type": ["list","string"], "value": ["a","b"]}
    }"#;

    #[test]
    fn parses_the_contract() {
        let o = Outputs::from_json(FULL).unwrap();
        let t = Targets::from_outputs(&o).unwrap();
        assert_eq!(t.database_port, 5432);
        assert_eq!(t.redis_port, 6379);
        assert_eq!(t.worker_names.unwrap(), vec!["a", "b"]);
        assert_eq!(o.sensitive_values(), vec!["apiVersion: v1"]);
        let o = Outputs::from_json(
            r#"{"kubeconfig": {"sensitive": true, "value": "users:\n- token: \"abcdefghijklmnopqrstuvwxyz\"\n"}}"#,
        )
        .unwrap();
        assert!(o
            .sensitive_values()
            .contains(&"abcdefghijklmnopqrstuvwxyz".to_string()));
        assert!(!o.is_sandbox());
    }

    #[test]
    fn missing_and_wrong_outputs_are_named() {
        let o = Outputs::from_json(r#"{"media_bucket_name": {"value": "m"}}"#).unwrap();
        assert_eq!(
            Targets::from_outputs(&o).unwrap_err().to_string(),
            "output `frontend_bucket_name` is missing"
        );
        let o = Outputs::from_json(r#"{"database_port": {"value": 70000}}"#).unwrap();
        assert_eq!(
            o.port("database_port").unwrap_err().to_string(),
            "output `database_port`: expected a port number (1-65535)"
        );
        assert!(matches!(
            Outputs::from_json("[1]"),
            Err(OutputsError::NotAnObject)
        ));
    }

    #[test]
    fn sandbox_marker() {
        let o = Outputs::from_json(r#"{"sandbox": {"value": true}}"#).unwrap();
        assert!(o.is_sandbox());
    }
}
