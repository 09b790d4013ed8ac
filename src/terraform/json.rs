//! Terraform's machine-readable UI (`-json`), parsed leniently.
//!
//! Why lenient: Terraform adds message types and fields in minor releases (ui 1.0 → 1.2 so far),
//! and a run must not fail because a newer Terraform says more. So every line parses into a
//! [`TfMessage`]: the types we act on are typed, any other `type` is kept whole as
//! [`TfMessage::Unknown`], and a line that is not JSON (stderr is merged into the same stream, and
//! Terraform prints some things outside the JSON UI) is kept as [`TfMessage::Text`]. The one thing
//! checked strictly is the major version of the `ui` field in the first `version` message.
//!
//! Parsing goes through one borrowed, flat struct ([`RawLine`]) whose fields are all optional and
//! which ignores what it does not name: a single pass over the bytes, no intermediate
//! `serde_json::Value` for the common messages (see `benches/tf_json.rs`).
//!
//! Sensitive output values never leave this module: [`OutputValue::value`] is `None` whenever
//! Terraform marks the output sensitive, even if a value was present in the stream.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The major version of Terraform's JSON UI this parser understands.
pub const SUPPORTED_UI_MAJOR: u64 = 1;

/// One line of a `terraform <cmd> -json` stream.
#[derive(Debug, Clone, PartialEq)]
pub enum TfMessage {
    /// First line of every stream: the Terraform version and the UI version.
    Version {
        terraform: String,
        ui: String,
    },
    /// A plain log message (`type: log`) or an `init_output` message.
    Log {
        level: String,
        message: String,
    },
    Diagnostic(Diagnostic),
    PlannedChange(ResourceChange),
    ResourceDrift(ResourceChange),
    ChangeSummary(ChangeSummary),
    Outputs(BTreeMap<String, OutputValue>),
    ApplyStart(Hook),
    ApplyProgress(Hook),
    ApplyComplete(Hook),
    ApplyErrored(Hook),
    RefreshStart(Hook),
    RefreshComplete(Hook),
    ProvisionStart(Hook),
    ProvisionProgress(Hook),
    ProvisionComplete(Hook),
    ProvisionErrored(Hook),
    /// A JSON message whose `type` this build does not know (or a known type whose shape did not
    /// match): kept whole so nothing Terraform said is lost.
    Unknown(serde_json::Value),
    /// A line that is not a JSON object: stderr, or text printed outside the JSON UI.
    Text(String),
}

/// A Terraform diagnostic, with the file and line it points at when it has a source range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Diagnostic {
    pub severity: String,
    pub summary: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<DiagRange>,
}

impl Diagnostic {
    /// ` (file:line)` when Terraform says where, else empty: appended to one-line messages.
    pub fn at(&self) -> String {
        self.range
            .as_ref()
            .map(|r| format!(" ({}:{})", r.filename, r.start.line))
            .unwrap_or_default()
    }

    pub fn is_error(&self) -> bool {
        self.severity == "error"
    }

    /// The state lock ID, when this diagnostic reports a lock left behind (Terraform writes the
    /// lock's description into the detail as `Lock Info:` followed by `ID: <id>`).
    pub fn lock_id(&self) -> Option<String> {
        let info = self.detail.split("Lock Info:").nth(1)?;
        info.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix("ID:"))
            .map(|id| id.trim().to_string())
            .filter(|id| !id.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DiagRange {
    pub filename: String,
    pub start: DiagPos,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DiagPos {
    pub line: u64,
    #[serde(default)]
    pub column: u64,
}

/// The resource a hook or a change is about.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
pub struct ResourceAddr {
    pub addr: String,
    #[serde(default)]
    pub module: String,
    /// `scaleway_redis_cluster`: whether a replace loses data depends on it.
    #[serde(default)]
    pub resource_type: String,
}

/// `planned_change` / `resource_drift`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ResourceChange {
    pub resource: ResourceAddr,
    pub action: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// `change_summary`: the counts Terraform prints as "Plan: 1 to add, ...".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ChangeSummary {
    #[serde(default)]
    pub add: u64,
    #[serde(default)]
    pub change: u64,
    #[serde(default)]
    pub remove: u64,
    #[serde(default, skip_serializing)]
    pub import: u64,
}

impl ChangeSummary {
    pub fn is_empty(&self) -> bool {
        self.add == 0 && self.change == 0 && self.remove == 0 && self.import == 0
    }
}

/// The `hook` object of apply/refresh/provision messages.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
pub struct Hook {
    pub resource: ResourceAddr,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub elapsed_seconds: Option<f64>,
    #[serde(default)]
    pub id_value: Option<String>,
    #[serde(default)]
    pub output: Option<String>,
}

/// One entry of an `outputs` message. `value` is dropped for sensitive outputs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutputValue {
    pub sensitive: bool,
    pub action: Option<String>,
    pub value: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawOutput {
    #[serde(default)]
    sensitive: bool,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    value: Option<serde_json::Value>,
}

/// Every field any typed message needs, all optional; unknown fields are skipped unread.
#[derive(Deserialize)]
struct RawLine<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "@level", default, borrow)]
    level: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "@message", default, borrow)]
    message: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    terraform: Option<String>,
    #[serde(default)]
    ui: Option<String>,
    #[serde(default)]
    diagnostic: Option<Diagnostic>,
    #[serde(default)]
    change: Option<ResourceChange>,
    #[serde(default)]
    changes: Option<ChangeSummary>,
    #[serde(default)]
    hook: Option<Hook>,
    #[serde(default)]
    outputs: Option<BTreeMap<String, RawOutput>>,
}

/// Parse one line of a `-json` stream. Never fails: see the module docs.
pub fn parse_line(line: &str) -> TfMessage {
    let trimmed = line.trim_end_matches(['\r', '\n']);
    if !trimmed.trim_start().starts_with('{') {
        return TfMessage::Text(trimmed.to_string());
    }
    match serde_json::from_str::<RawLine<'_>>(trimmed) {
        Ok(raw) => match typed(raw) {
            Some(msg) => msg,
            None => unknown(trimmed),
        },
        Err(_) => unknown(trimmed),
    }
}

fn unknown(line: &str) -> TfMessage {
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(v) if v.is_object() => TfMessage::Unknown(v),
        _ => TfMessage::Text(line.to_string()),
    }
}

/// Map the flat struct onto the typed message, or `None` when the type is unknown or a field the
/// type needs is missing (then the caller keeps the whole line as `Unknown`).
fn typed(raw: RawLine<'_>) -> Option<TfMessage> {
    let kind = raw.kind?;
    Some(match kind.as_ref() {
        "version" => TfMessage::Version {
            terraform: raw.terraform.unwrap_or_default(),
            ui: raw.ui?,
        },
        "log" | "init_output" => TfMessage::Log {
            level: raw.level.map(|l| l.into_owned()).unwrap_or_default(),
            message: raw.message.map(|m| m.into_owned()).unwrap_or_default(),
        },
        "diagnostic" => TfMessage::Diagnostic(raw.diagnostic?),
        "planned_change" => TfMessage::PlannedChange(raw.change?),
        "resource_drift" => TfMessage::ResourceDrift(raw.change?),
        "change_summary" => TfMessage::ChangeSummary(raw.changes?),
        "outputs" => TfMessage::Outputs(
            raw.outputs?
                .into_iter()
                .map(|(k, o)| {
                    let value = if o.sensitive { None } else { o.value };
                    (
                        k,
                        OutputValue {
                            sensitive: o.sensitive,
                            action: o.action,
                            value,
                        },
                    )
                })
                .collect(),
        ),
        "apply_start" => TfMessage::ApplyStart(raw.hook?),
        "apply_progress" => TfMessage::ApplyProgress(raw.hook?),
        "apply_complete" => TfMessage::ApplyComplete(raw.hook?),
        "apply_errored" => TfMessage::ApplyErrored(raw.hook?),
        "refresh_start" => TfMessage::RefreshStart(raw.hook?),
        "refresh_complete" => TfMessage::RefreshComplete(raw.hook?),
        "provision_start" => TfMessage::ProvisionStart(raw.hook?),
        "provision_progress" => TfMessage::ProvisionProgress(raw.hook?),
        "provision_complete" => TfMessage::ProvisionComplete(raw.hook?),
        "provision_errored" => TfMessage::ProvisionErrored(raw.hook?),
        _ => return None,
    })
}

/// Check the `ui` version of a `version` message: `Err` carries the version seen when its major
/// differs from [`SUPPORTED_UI_MAJOR`].
pub fn check_ui_version(ui: &str) -> Result<(), String> {
    let major = ui.split('.').next().and_then(|m| m.parse::<u64>().ok());
    match major {
        Some(SUPPORTED_UI_MAJOR) => Ok(()),
        _ => Err(ui.to_string()),
    }
}

/// The document printed by `terraform validate -json` (not a stream).
#[derive(Debug, Clone, Deserialize)]
pub struct ValidateReport {
    pub valid: bool,
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_json_is_text() {
        assert_eq!(parse_line("hello\n"), TfMessage::Text("hello".into()));
    }

    #[test]
    fn unknown_type_is_kept() {
        let m = parse_line(r#"{"type":"future_thing","x":1}"#);
        assert!(matches!(m, TfMessage::Unknown(v) if v["x"] == 1));
    }

    #[test]
    fn known_type_with_wrong_shape_is_kept_as_unknown() {
        let m = parse_line(r#"{"type":"apply_start","hook":"nope"}"#);
        assert!(matches!(m, TfMessage::Unknown(_)));
    }

    #[test]
    fn ui_major_is_checked() {
        assert!(check_ui_version("1.2").is_ok());
        assert_eq!(check_ui_version("2.0"), Err("2.0".to_string()));
    }

    #[test]
    fn sensitive_output_value_is_dropped() {
        let m = parse_line(
            r#"{"type":"outputs","outputs":{"p":{"sensitive":true,"value":"hunter2"},"r":{"sensitive":false,"value":"x"}}}"#,
        );
        let TfMessage::Outputs(o) = m else {
            panic!("not outputs")
        };
        assert_eq!(o["p"].value, None);
        assert_eq!(o["r"].value, Some(serde_json::json!("x")));
    }

    #[test]
    fn lock_id_is_read_from_detail() {
        let d = Diagnostic {
            detail: "Error message: x\nLock Info:\n  ID:        abc-123\n  Path: p".into(),
            ..Default::default()
        };
        assert_eq!(d.lock_id().as_deref(), Some("abc-123"));
    }
}
