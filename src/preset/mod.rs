//! Presets: the answers file of the wizard, parsed strictly and validated in one place.
//!
//! [`load`] is the only way a preset enters the program: TOML → typed [`Preset`] (unknown keys and
//! wrong types refused with their key path) → [`validate::violations`] (Scaleway's rules). The
//! error names the file, the key path and what is expected, on one line.

mod model;
pub mod rules;
pub mod validate;

use std::path::Path;

pub use model::*;

/// Why a preset cannot be used. Displayed as one line: `FILE: KEY: expected …`.
#[derive(Debug, thiserror::Error)]
pub enum PresetError {
    #[error("{file}: cannot read the preset: {reason}")]
    Read { file: String, reason: String },
    #[error("{file}: {key}: {message}")]
    Invalid {
        file: String,
        key: String,
        message: String,
    },
}

impl PresetError {
    /// The key path the error is about (`workers.vpod.tag`), when there is one.
    pub fn key(&self) -> Option<&str> {
        match self {
            PresetError::Invalid { key, .. } => Some(key),
            PresetError::Read { .. } => None,
        }
    }
}

/// Reads, parses and validates a preset file.
pub fn load(path: &Path) -> Result<Preset, PresetError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| PresetError::Read {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    parse(&text, &file)
}

/// Parses and validates preset text; `file` only labels the messages.
pub fn parse(text: &str, file: &str) -> Result<Preset, PresetError> {
    let preset = parse_unvalidated(text, file)?;
    if let Some(v) = validate::violations(&preset).into_iter().next() {
        return Err(PresetError::Invalid {
            file: file.into(),
            key: v.key,
            message: v.message,
        });
    }
    Ok(preset)
}

/// Parses without Scaleway's rules (the wizard loads half-edited presets this way).
pub fn parse_unvalidated(text: &str, file: &str) -> Result<Preset, PresetError> {
    let de = toml::Deserializer::new(text);
    serde_path_to_error::deserialize::<_, Preset>(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let line = inner
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let (key, message) = describe_toml_error(&path, inner.message());
        let message = match line {
            Some(l) => format!("{message} (line {l})"),
            None => message,
        };
        PresetError::Invalid {
            file: file.into(),
            key,
            message,
        }
    })
}

/// Turns serde's wording into the key path plus "expected …" the rest of the program uses.
fn describe_toml_error(path: &str, message: &str) -> (String, String) {
    let base = if path == "." {
        String::new()
    } else {
        path.to_string()
    };
    let join = |field: &str| {
        if base.is_empty() {
            field.to_string()
        } else {
            format!("{base}.{field}")
        }
    };
    let first_line = message.lines().next().unwrap_or(message).trim();
    if let Some(rest) = first_line.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        let what = if is_table(field) { "table" } else { "key" };
        return (
            join(field),
            format!(
                "missing required {what}: expected `{}` to be set",
                join(field)
            ),
        );
    }
    if let Some(rest) = first_line.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        let expected = rest
            .split_once("expected ")
            .map(|x| x.1)
            .unwrap_or("a documented key");
        let key = if base == field || base.ends_with(&format!(".{field}")) {
            base.clone()
        } else {
            join(field)
        };
        return (key, format!("unknown key; expected {expected}"));
    }
    if first_line.starts_with("invalid type") {
        return (
            base_or_root(&base),
            first_line.replace("invalid type: ", "wrong type: found "),
        );
    }
    (base_or_root(&base), first_line.to_string())
}

fn base_or_root(base: &str) -> String {
    if base.is_empty() {
        "(top level)".into()
    } else {
        base.into()
    }
}

fn is_table(field: &str) -> bool {
    matches!(
        field,
        "project"
            | "state"
            | "network"
            | "object_storage"
            | "postgres"
            | "redis"
            | "kubernetes"
            | "backend"
            | "frontend"
            | "workers"
    )
}

/// Serialises a preset as the wizard saves it: the format version first, tables in contract order.
pub fn to_toml(p: &Preset) -> String {
    let body = toml::to_string_pretty(p).unwrap_or_default();
    format!("# mobi-tui preset, format version {PRESET_VERSION}. Secrets never go here: see README \"Secrets\".\n{body}")
}
