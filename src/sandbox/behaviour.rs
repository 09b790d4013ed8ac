//! What the real providers decide beyond their schemas, as data: per resource and data-source
//! type, per attribute path, validators, `ForceNew`, conflicts and plan-time defaults.
//!
//! The facts are vendored under `schemas/behaviour/` (gzip-compressed JSON with provenance, see
//! its `PROVENANCE.md`), each one read from a provider's source at its pinned tag. This module
//! only turns them into typed values; [`super::judge`] applies them to configurations and
//! [`super::rules`] holds the rules that need code (CustomizeDiff, ModifyPlan, API semantics).
//!
//! Why data and not code per resource: the same validator kinds recur across hundreds of
//! attributes, and keeping the facts in the form they were extracted in lets them be refreshed
//! from a newer provider tag without touching the logic.

use std::collections::BTreeMap;
use std::io::Read as _;

use regex::Regex;
use serde_json::Value as Json;

/// Whether a fact describes a managed resource or a data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Resource,
    Data,
}

/// Whether changing an attribute replaces the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForceNew {
    No,
    Yes,
    /// Decided by a CustomizeDiff or plan modifier (see the type's rules in [`super::rules`]).
    Conditional,
}

/// One validator check, with the attribute it guards left to the caller.
#[derive(Debug, Clone)]
pub enum Check {
    Enum {
        values: Vec<String>,
        ignore_case: bool,
    },
    IntBetween {
        min: i64,
        max: Option<i64>,
    },
    IntDivisibleBy(i64),
    Regex {
        re: Regex,
        message: Option<String>,
        max_len: Option<usize>,
    },
    StringLen {
        min: usize,
        max: usize,
    },
    Cidr {
        ipv4_only: bool,
        network_only: bool,
    },
    Ip,
    Uuid,
    UuidOrZonedUuid,
    UuidWithLocality,
    /// `StringNotInSlice` (reserved names).
    NotIn(Vec<String>),
    /// RFC 3339 timestamp (`date_only`: the `YYYY-MM-DD` part).
    Rfc3339 {
        date_only: bool,
    },
}

/// A validator as the provider declares it.
#[derive(Debug, Clone)]
pub struct Validator {
    pub check: Check,
    /// Warning-only validators (Scaleway regions and zones, Kapsule `cni`).
    pub warning: bool,
    /// The provider's own error text, when the facts quote one (placeholders `<k>`, `<v>` …).
    pub error: Option<String>,
    pub detail: Option<String>,
}

/// Everything known about one attribute path (`private_network.enable_ipam`).
#[derive(Debug, Clone)]
pub struct AttrFacts {
    pub path: Vec<String>,
    pub force_new: ForceNew,
    pub validators: Vec<Validator>,
    pub conflicts_with: Vec<String>,
    pub exactly_one_of: Vec<String>,
    pub at_least_one_of: Vec<String>,
    pub required_with: Vec<String>,
    /// Plan-time default (SDKv2 `Default`), applied by the stand-in to computed nulls only.
    pub default: Option<Json>,
    /// Diff suppressed when exactly one side is empty (`SuppressSDKNullAssignment`).
    pub suppress_null_assignment: bool,
    /// Diff compares case-insensitively (and `-` == `_` for node types).
    pub ignore_case_diff: bool,
    /// `<file>@<tag>[:<function>]` of the fact.
    pub source: String,
}

/// The facts of one resource or data-source type.
#[derive(Debug, Clone)]
pub struct TypeFacts {
    pub type_name: String,
    pub kind: Kind,
    pub source: String,
    pub attrs: Vec<AttrFacts>,
}

impl TypeFacts {
    /// The facts of attribute `path` (dot-separated, no indices).
    pub fn attr(&self, path: &str) -> Option<&AttrFacts> {
        self.attrs.iter().find(|a| a.path.join(".") == path)
    }
}

/// The facts of one provider.
#[derive(Debug, Clone, Default)]
pub struct ProviderFacts {
    pub types: BTreeMap<(Kind, String), TypeFacts>,
}

impl ProviderFacts {
    pub fn get(&self, kind: Kind, type_name: &str) -> Option<&TypeFacts> {
        self.types.get(&(kind, type_name.to_owned()))
    }
}

const SCALEWAY: &[u8] = include_bytes!("../../schemas/behaviour/scaleway-2.79.0-behaviour.json.gz");
const KUBERNETES: &[u8] =
    include_bytes!("../../schemas/behaviour/kubernetes-3.4.0-behaviour.json.gz");
const HELM: &[u8] = include_bytes!("../../schemas/behaviour/helm-3.2.0-behaviour.json.gz");
const RANDOM: &[u8] = include_bytes!("../../schemas/behaviour/random-3.9.1-behaviour.json.gz");

/// Decompresses an embedded gzip file (the embedded files are known to be valid).
pub(crate) fn gunzip(bytes: &[u8]) -> Result<Json, String> {
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut text)
        .map_err(|e| format!("behaviour facts unreadable: {e}"))?;
    serde_json::from_slice(&text).map_err(|e| format!("behaviour facts unreadable: {e}"))
}

/// The facts of the provider with this type name (`scaleway`); empty for one with none.
pub fn load(provider_type: &str) -> Result<ProviderFacts, String> {
    let bytes = match provider_type {
        "scaleway" => SCALEWAY,
        "kubernetes" => KUBERNETES,
        "helm" => HELM,
        "random" => RANDOM,
        _ => return Ok(ProviderFacts::default()),
    };
    from_json(&gunzip(bytes)?)
}

/// Parses one behaviour file.
pub fn from_json(j: &Json) -> Result<ProviderFacts, String> {
    let mut out = ProviderFacts::default();
    let entries = j
        .get("resources")
        .and_then(Json::as_array)
        .ok_or("behaviour facts: no `resources` list")?;
    for e in entries {
        let type_name = e
            .get("type")
            .and_then(Json::as_str)
            .ok_or("behaviour facts: entry without `type`")?
            .to_owned();
        let kind = match e.get("kind").and_then(Json::as_str) {
            Some("data") => Kind::Data,
            _ => Kind::Resource,
        };
        let source = str_of(e, "source").unwrap_or_default();
        let mut attrs = Vec::new();
        if let Some(m) = e.get("attributes").and_then(Json::as_object) {
            for (path, a) in m {
                // `*` stands for "every sub-attribute": a note, not a path a value sits at.
                if path.contains('*') {
                    continue;
                }
                attrs.push(attr_facts(path, a, &source));
            }
        }
        out.types.insert(
            (kind, type_name.clone()),
            TypeFacts {
                type_name,
                kind,
                source,
                attrs,
            },
        );
    }
    Ok(out)
}

fn str_of(j: &Json, key: &str) -> Option<String> {
    j.get(key).and_then(Json::as_str).map(str::to_owned)
}

fn strings(j: &Json, key: &str) -> Vec<String> {
    j.get(key).map(string_list).unwrap_or_default()
}

/// The strings of a JSON array (non-strings skipped; not an array: none).
pub(crate) fn string_list(j: &Json) -> Vec<String> {
    j.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Json::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn attr_facts(path: &str, a: &Json, type_source: &str) -> AttrFacts {
    let force_new = match a.get("force_new") {
        Some(Json::Bool(true)) => ForceNew::Yes,
        Some(Json::String(s)) if s == "conditional" => ForceNew::Conditional,
        _ => ForceNew::No,
    };
    let diff_suppress = str_of(a, "diff_suppress").unwrap_or_default();
    let validators = a
        .get("validate")
        .and_then(Json::as_array)
        .map(|vs| vs.iter().filter_map(validator).collect())
        .unwrap_or_default();
    AttrFacts {
        path: path.split('.').map(str::to_owned).collect(),
        force_new,
        validators,
        conflicts_with: strings(a, "conflicts_with"),
        exactly_one_of: strings(a, "exactly_one_of"),
        at_least_one_of: strings(a, "at_least_one_of"),
        required_with: strings(a, "required_with"),
        default: a
            .get("default")
            .filter(|d| !d.is_string() || !looks_like_prose(d))
            .cloned(),
        suppress_null_assignment: diff_suppress.contains("SuppressSDKNullAssignment"),
        ignore_case_diff: diff_suppress.contains("IgnoreCase"),
        source: str_of(a, "source").unwrap_or_else(|| type_source.to_owned()),
    }
}

/// Some defaults are described rather than given (`"$HELM_NAMESPACE or 'default' (…)"`).
fn looks_like_prose(d: &Json) -> bool {
    d.as_str()
        .is_some_and(|s| s.contains(' ') || s.starts_with('$'))
}

/// A validator entry, or `None` for the kinds that only carry a description.
fn validator(v: &Json) -> Option<Validator> {
    let kind = v.get("kind")?.as_str()?;
    let text = str_of(v, "text").unwrap_or_default();
    let int = |k: &str| v.get(k).and_then(Json::as_i64);
    let check = match kind {
        "enum" => Check::Enum {
            values: strings(v, "values"),
            ignore_case: v
                .get("ignore_case")
                .and_then(Json::as_bool)
                .unwrap_or(false),
        },
        "int_between" => Check::IntBetween {
            min: int("min").unwrap_or(i64::MIN),
            max: int("max"),
        },
        "int_divisible_by" => Check::IntDivisibleBy(int("n")?),
        "regex" => {
            let pattern = str_of(v, "pattern")?;
            // A few patterns carry a remark after the expression: "^…$ (after replacing …)".
            let pattern = pattern
                .split_once(" (")
                .map_or(pattern.as_str(), |(p, _)| p);
            Check::Regex {
                re: Regex::new(pattern).ok()?,
                message: str_of(v, "message"),
                max_len: int("max_len").map(|n| n as usize),
            }
        }
        "string_len" => Check::StringLen {
            min: int("min").unwrap_or(0) as usize,
            max: int("max").unwrap_or(i64::MAX) as usize,
        },
        "cidr" => Check::Cidr {
            ipv4_only: v.get("ipv4_only").and_then(Json::as_bool).unwrap_or(false),
            network_only: text.contains("IsCIDRNetwork"),
        },
        "ip" => Check::Ip,
        "uuid" => Check::Uuid,
        "uuid_or_zoned_uuid" => Check::UuidOrZonedUuid,
        "uuid_with_locality" => Check::UuidWithLocality,
        "other" if v.get("values").is_some() && text.contains("reserved") => {
            Check::NotIn(strings(v, "values"))
        }
        "other" if text.contains("RFC3339") => Check::Rfc3339 {
            date_only: text.contains("YYYY-MM-DD"),
        },
        _ => return None,
    };
    Some(Validator {
        check,
        warning: v.get("severity").and_then(Json::as_str) == Some("warning"),
        error: str_of(v, "error"),
        detail: str_of(v, "detail"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vendored_file_loads_with_the_types_the_tree_uses() {
        let scw = load("scaleway").unwrap();
        let rdb = scw.get(Kind::Resource, "scaleway_rdb_instance").unwrap();
        let vol = rdb.attr("volume_size_in_gb").unwrap();
        assert!(matches!(vol.validators[0].check, Check::IntDivisibleBy(5)));
        assert!(scw.get(Kind::Data, "scaleway_k8s_version").is_some());
        let k8s = load("kubernetes").unwrap();
        let ns = k8s
            .get(Kind::Resource, "kubernetes_namespace_v1")
            .unwrap()
            .attr("metadata.name")
            .unwrap();
        assert!(matches!(ns.validators[0].check, Check::Regex { .. }));
        let helm = load("helm").unwrap();
        assert_eq!(
            helm.get(Kind::Resource, "helm_release")
                .unwrap()
                .attr("name")
                .unwrap()
                .force_new,
            ForceNew::Yes
        );
        assert!(!load("random").unwrap().types.is_empty());
        assert!(load("nope").unwrap().types.is_empty());
    }

    #[test]
    fn prose_defaults_are_not_values() {
        let helm = load("helm").unwrap();
        let rel = helm.get(Kind::Resource, "helm_release").unwrap();
        assert!(rel.attr("namespace").unwrap().default.is_none());
        assert_eq!(rel.attr("timeout").unwrap().default, Some(Json::from(300)));
    }
}
