//! Applies the vendored behaviour facts ([`super::behaviour`]) to configurations and plans:
//! validators and argument constraints at validate time, forced replacement at plan time.
//!
//! Pure functions over msgpack values; the gRPC service in [`super::provider`] turns the
//! [`Finding`]s into diagnostics. Unknown values are never judged (the real SDKs defer them), and
//! a null is "not set", which is how SDKv2 reads a raw configuration.

use std::net::IpAddr;

use rmpv::Value;

use super::behaviour::{AttrFacts, Check, ForceNew, TypeFacts, Validator};
use super::value::{get, is_unknown};

/// One step of an attribute path, as the protocol's `AttributePath` has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Attr(String),
    Index(i64),
    Key(String),
}

/// `spec.0.template` — SDKv2's flatmap key, which is how the providers name attributes in
/// their messages.
pub fn flat_key(path: &[Step]) -> String {
    path.iter()
        .map(|s| match s {
            Step::Attr(a) | Step::Key(a) => a.clone(),
            Step::Index(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// A problem the real provider (or API) would report, at an attribute path when it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub path: Vec<Step>,
    pub summary: String,
    /// Names where the rule comes from (provider file and function, or "API rule").
    pub detail: String,
    pub warning: bool,
}

impl Finding {
    pub fn error(path: Vec<Step>, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Finding {
            path,
            summary: summary.into(),
            detail: detail.into(),
            warning: false,
        }
    }
}

/// Every value found at `path` (list and set elements expanded), with its concrete path.
pub fn values_at<'a>(root: &'a Value, path: &[String]) -> Vec<(Vec<Step>, &'a Value)> {
    let mut out = Vec::new();
    walk(root, path, Vec::new(), &mut out);
    out
}

fn walk<'a>(v: &'a Value, rest: &[String], at: Vec<Step>, out: &mut Vec<(Vec<Step>, &'a Value)>) {
    if is_unknown(v) || v.is_nil() {
        return;
    }
    let Some((head, tail)) = rest.split_first() else {
        match v {
            // A list or set of scalars: element validators (SDKv2 `Elem`) judge each element.
            Value::Array(items) if items.iter().all(|i| !matches!(i, Value::Map(_))) => {
                for (i, item) in items.iter().enumerate() {
                    let mut p = at.clone();
                    p.push(Step::Index(i as i64));
                    if !is_unknown(item) && !item.is_nil() {
                        out.push((p, item));
                    }
                }
            }
            _ => out.push((at, v)),
        }
        return;
    };
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let mut p = at.clone();
                p.push(Step::Index(i as i64));
                walk(item, rest, p, out);
            }
        }
        Value::Map(_) => {
            if let Some(child) = get(v, head) {
                let mut p = at;
                p.push(Step::Attr(head.clone()));
                walk(child, tail, p, out);
            }
        }
        _ => {}
    }
}

/// Whether an attribute counts as set in a raw configuration: present and not an empty block
/// list. `None` when it is unknown (the check is deferred).
fn is_set(obj: &Value, name: &str) -> Option<bool> {
    match get(obj, name) {
        None | Some(Value::Nil) => Some(false),
        Some(v) if is_unknown(v) => None,
        Some(Value::Array(a)) => Some(!a.is_empty()),
        Some(_) => Some(true),
    }
}

/// The object that holds the last segment of `path` (the configuration root for top-level
/// attributes). Constraints between siblings are judged inside each such object.
fn holders<'a>(root: &'a Value, path: &[String]) -> Vec<(Vec<Step>, &'a Value)> {
    match path.split_last() {
        Some((_, [])) | None => vec![(Vec::new(), root)],
        Some((_, parent)) => {
            let mut out = Vec::new();
            walk_objects(root, parent, Vec::new(), &mut out);
            out
        }
    }
}

fn walk_objects<'a>(
    v: &'a Value,
    rest: &[String],
    at: Vec<Step>,
    out: &mut Vec<(Vec<Step>, &'a Value)>,
) {
    match (v, rest.split_first()) {
        (Value::Array(items), _) => {
            for (i, item) in items.iter().enumerate() {
                let mut p = at.clone();
                p.push(Step::Index(i as i64));
                walk_objects(item, rest, p, out);
            }
        }
        (Value::Map(_), None) => out.push((at, v)),
        (Value::Map(_), Some((head, tail))) => {
            if let Some(child) = get(v, head) {
                let mut p = at;
                p.push(Step::Attr(head.clone()));
                walk_objects(child, tail, p, out);
            }
        }
        _ => {}
    }
}

/// What judging one configuration found, and how many checks it evaluated.
#[derive(Debug, Default)]
pub struct Judgement {
    pub findings: Vec<Finding>,
    pub checks: usize,
}

/// Validate-time judgement of `config` against the facts of its type: validators, and the
/// conflicts / exactly-one-of / at-least-one-of / required-with constraints.
pub fn validate(facts: &TypeFacts, config: &Value, provider: &str) -> Judgement {
    let mut j = Judgement::default();
    let mut groups_done: Vec<Vec<String>> = Vec::new();
    for a in &facts.attrs {
        for v in &a.validators {
            for (path, value) in values_at(config, &a.path) {
                j.checks += 1;
                if let Some(f) = judge_value(a, v, &path, value, provider) {
                    j.findings.push(f);
                }
            }
        }
        constraints(a, config, &mut groups_done, &mut j);
    }
    j
}

fn sdk_detail(a: &AttrFacts, what: &str) -> String {
    format!("Sandbox: {what} from {}.", a.source)
}

fn constraints(a: &AttrFacts, config: &Value, done: &mut Vec<Vec<String>>, j: &mut Judgement) {
    let Some(name) = a.path.last() else { return };
    for (at, obj) in holders(config, &a.path) {
        let key = |n: &str| {
            let mut p = at.clone();
            p.push(Step::Attr(n.to_owned()));
            p
        };
        let me = is_set(obj, name);
        // conflicts_with: both set and known.
        for other in &a.conflicts_with {
            let other_name = other.rsplit('.').next().unwrap_or(other);
            j.checks += 1;
            if me == Some(true) && is_set(obj, other_name) == Some(true) {
                j.findings.push(Finding::error(
                    key(name),
                    "Conflicting configuration arguments",
                    format!(
                        "\"{}\": conflicts with {}\n\n{}",
                        flat_key(&key(name)),
                        flat_key(&key(other_name)),
                        sdk_detail(a, "ConflictsWith")
                    ),
                ));
            }
        }
        // required_with: set, and some of the others not set.
        if me == Some(true) && !a.required_with.is_empty() {
            j.checks += 1;
            let missing = a
                .required_with
                .iter()
                .any(|o| is_set(obj, o.rsplit('.').next().unwrap_or(o)) == Some(false));
            if missing {
                let mut all: Vec<String> = a.required_with.clone();
                all.push(name.clone());
                all.sort();
                all.dedup();
                j.findings.push(Finding::error(
                    key(name),
                    "Missing required argument",
                    format!(
                        "\"{}\": all of `{}` must be specified\n\n{}",
                        flat_key(&key(name)),
                        all.join(","),
                        sdk_detail(a, "RequiredWith")
                    ),
                ));
            }
        }
        for (group, exactly) in [(&a.exactly_one_of, true), (&a.at_least_one_of, false)] {
            if group.is_empty() {
                continue;
            }
            let mut sorted = group.clone();
            sorted.sort();
            let mut tag = sorted.clone();
            tag.push(format!("{exactly}{}", flat_key(&at)));
            if done.contains(&tag) {
                continue;
            }
            done.push(tag);
            j.checks += 1;
            let states: Vec<Option<bool>> = sorted
                .iter()
                .map(|o| is_set(obj, o.rsplit('.').next().unwrap_or(o)))
                .collect();
            let unknown = states.contains(&None);
            let set: Vec<&String> = sorted
                .iter()
                .zip(&states)
                .filter(|(_, s)| **s == Some(true))
                .map(|(k, _)| k)
                .collect();
            let which = if exactly {
                "ExactlyOneOf"
            } else {
                "AtLeastOneOf"
            };
            // As SDKv2 does: "none set" waits for unknowns, "several set" does not.
            if set.is_empty() && !unknown {
                j.findings.push(Finding::error(
                    key(name),
                    "Invalid combination of arguments",
                    format!(
                        "\"{}\": one of `{}` must be specified\n\n{}",
                        flat_key(&key(name)),
                        sorted.join(","),
                        sdk_detail(a, which)
                    ),
                ));
            } else if exactly && set.len() > 1 {
                let first = set[0].clone();
                j.findings.push(Finding::error(
                    key(&first),
                    "Invalid combination of arguments",
                    format!(
                        "\"{}\": only one of `{}` can be specified, but `{}` were specified.\n\n{}",
                        flat_key(&key(&first)),
                        sorted.join(","),
                        set.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(","),
                        sdk_detail(a, which)
                    ),
                ));
            }
        }
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => s.as_str().map(str::to_owned),
        _ => None,
    }
}

fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(i) => i.as_i64(),
        Value::F64(f) if f.fract() == 0.0 => Some(*f as i64),
        Value::F32(f) if f.fract() == 0.0 => Some(*f as i64),
        _ => None,
    }
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Fills the placeholders of a provider message.
fn fill(template: &str, k: &str, v: &str) -> String {
    template
        .replace("<k>", k)
        .replace("<key>", k)
        .replace("<value>", v)
        .replace("<v>", v)
}

/// One validator on one value: the finding, in the provider's wording, or `None` if it passes.
fn judge_value(
    a: &AttrFacts,
    v: &Validator,
    path: &[Step],
    value: &Value,
    provider: &str,
) -> Option<Finding> {
    let k = flat_key(path);
    let text = as_text(value);
    let shown = text.clone().unwrap_or_else(|| value.to_string());
    let provided = |fallback: String| -> String {
        match &v.error {
            // Alternatives ("a | b") name several cases: the stand-in words its own.
            Some(e) if !e.contains(" | ") && !e.contains("[...]") => fill(e, &k, &shown),
            _ => fallback,
        }
    };
    let message = match &v.check {
        Check::Enum {
            values,
            ignore_case,
        } => {
            let s = text?;
            let ok = values
                .iter()
                .any(|x| x == &s || (*ignore_case && x.eq_ignore_ascii_case(&s)));
            if ok {
                return None;
            }
            let quoted: Vec<String> = values.iter().map(|x| format!("{x:?}")).collect();
            provided(format!(
                "expected {k} to be one of [{}], got {s}",
                quoted.join(" ")
            ))
        }
        Check::IntBetween { min, max } => {
            let n = as_int(value)?;
            match max {
                Some(max) if n < *min || n > *max => provided(format!(
                    "expected {k} to be in the range ({min} - {max}), got {n}"
                )),
                None if n < *min => {
                    provided(format!("expected {k} to be at least ({min}), got {n}"))
                }
                _ => return None,
            }
        }
        Check::IntDivisibleBy(d) => {
            let n = as_int(value)?;
            if n % d == 0 {
                return None;
            }
            format!("expected {k} to be divisible by {d}, got: {n}")
        }
        Check::Regex {
            re,
            message,
            max_len,
        } => {
            let s = text?;
            let too_long = max_len.is_some_and(|m| s.len() > m);
            if re.is_match(&s) && !too_long {
                return None;
            }
            let m = message
                .clone()
                .unwrap_or_else(|| format!("must match {}", re.as_str()));
            if provider == "kubernetes" {
                // The kubernetes provider's message starts with the key itself.
                let m = fill(&m, &k, &s);
                if m.starts_with(&k) {
                    m
                } else {
                    format!("{k} {m}")
                }
            } else {
                format!("invalid value for {k} ({})", fill(&m, &k, &s))
            }
        }
        Check::StringLen { min, max } => {
            let s = text?;
            let n = s.chars().count();
            if n >= *min && n <= *max {
                return None;
            }
            match &v.error {
                Some(e) if e.contains("<n>") => fill(e, &k, &s).replace("<n>", &n.to_string()),
                _ => format!("expected length of {k} to be in the range ({min} - {max}), got {s}"),
            }
        }
        Check::Cidr {
            ipv4_only,
            network_only,
        } => {
            let s = text?;
            match s.parse::<ipnet::IpNet>() {
                Err(e) => format!("expected \"{k}\" to be a valid CIDR Value, got {s}: {e}"),
                Ok(net) if *ipv4_only && !matches!(net, ipnet::IpNet::V4(_)) => format!(
                    "expected {k} to be an IPv4 address or range in CIDR notation (IPv6 is not supported by the Scaleway API), got {s}"
                ),
                Ok(net) if *network_only && net.trunc() != net => format!(
                    "expected {k} to contain a valid network Value, expected {}, got {s}",
                    net.trunc()
                ),
                Ok(_) => return None,
            }
        }
        Check::Ip => {
            let s = text?;
            if s.parse::<IpAddr>().is_ok() {
                return None;
            }
            format!("expected {k} to contain a valid IP, got: {s}")
        }
        Check::Uuid => {
            let s = text?;
            if is_uuid(&s) {
                return None;
            }
            format!("invalid UUID: {s}")
        }
        Check::UuidOrZonedUuid => {
            let s = text?;
            let id = s.rsplit_once('/').map_or(s.as_str(), |(_, id)| id);
            if is_uuid(id) {
                return None;
            }
            format!("invalid UUID: {id}")
        }
        Check::UuidWithLocality => {
            let s = text?;
            match s.split_once('/') {
                Some((loc, id)) if !loc.is_empty() && is_uuid(id) => return None,
                _ => format!("invalid UUID with locality: {s}"),
            }
        }
        Check::NotIn(values) => {
            let s = text?;
            if !values.contains(&s) {
                return None;
            }
            format!(
                "expected {k} to not be any of [{}], got {s}",
                values.join(" ")
            )
        }
        Check::Rfc3339 { date_only } => {
            let s = text?;
            let full = if *date_only {
                format!("{s}T00:00:00Z")
            } else {
                s.clone()
            };
            if time::OffsetDateTime::parse(&full, &time::format_description::well_known::Rfc3339)
                .is_ok()
            {
                return None;
            }
            format!("\"{s}\" cannot be parsed as RFC3339 Timestamp Format")
        }
    };
    let mut detail = sdk_detail(a, "validator");
    if let Some(d) = &v.detail {
        detail = format!("{d}\n\n{detail}");
    }
    Some(Finding {
        path: path.to_vec(),
        summary: message,
        detail,
        warning: v.warning,
    })
}

/// Plan-time: the force-new attributes whose value differs between the prior state and the
/// proposed new state, as the paths Terraform needs in `requires_replace`.
pub fn requires_replace(facts: &TypeFacts, prior: &Value, proposed: &Value) -> Vec<Vec<Step>> {
    let mut out = Vec::new();
    for a in facts.attrs.iter().filter(|a| a.force_new == ForceNew::Yes) {
        diff_paths(a, prior, proposed, &a.path, Vec::new(), &mut out);
    }
    out
}

fn diff_paths(
    a: &AttrFacts,
    prior: &Value,
    proposed: &Value,
    rest: &[String],
    at: Vec<Step>,
    out: &mut Vec<Vec<Step>>,
) {
    if is_unknown(proposed) {
        // Unknown in the plan: the real SDK marks it as changing and forcing a new resource.
        if !prior.is_nil() {
            out.push(at);
        }
        return;
    }
    let Some((head, tail)) = rest.split_first() else {
        if leaf_differs(a, prior, proposed) {
            out.push(at);
        }
        return;
    };
    match (prior, proposed) {
        (Value::Array(p), Value::Array(n)) => {
            for (i, item) in n.iter().enumerate() {
                let mut step = at.clone();
                step.push(Step::Index(i as i64));
                diff_paths(a, p.get(i).unwrap_or(&Value::Nil), item, rest, step, out);
            }
        }
        (_, Value::Map(_)) => {
            let n = get(proposed, head).unwrap_or(&Value::Nil);
            let p = get(prior, head).unwrap_or(&Value::Nil);
            let mut step = at;
            step.push(Step::Attr(head.clone()));
            diff_paths(a, p, n, tail, step, out);
        }
        _ => {}
    }
}

fn leaf_differs(a: &AttrFacts, prior: &Value, proposed: &Value) -> bool {
    if a.suppress_null_assignment && (prior.is_nil() || proposed.is_nil()) {
        return false;
    }
    if let (Some(p), Some(n)) = (as_text(prior), as_text(proposed)) {
        if a.ignore_case_diff {
            let norm = |s: &str| s.to_ascii_lowercase().replace('_', "-");
            return norm(&p) != norm(&n);
        }
        return p != n;
    }
    prior != proposed
}

#[cfg(test)]
mod tests {
    use super::super::behaviour::{load, Kind};
    use super::*;

    fn obj(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (Value::from(k), v))
                .collect(),
        )
    }

    fn rdb() -> TypeFacts {
        load("scaleway")
            .unwrap()
            .get(Kind::Resource, "scaleway_rdb_instance")
            .unwrap()
            .clone()
    }

    #[test]
    fn divisible_by_five_is_judged_and_unknowns_are_not() {
        let bad = obj(vec![("volume_size_in_gb", Value::from(12))]);
        let j = validate(&rdb(), &bad, "scaleway");
        assert_eq!(j.findings.len(), 1, "{:?}", j.findings);
        assert_eq!(
            j.findings[0].summary,
            "expected volume_size_in_gb to be divisible by 5, got: 12"
        );
        assert!(j.findings[0].detail.contains("internal/services/rdb"));
        let good = obj(vec![("volume_size_in_gb", Value::from(15))]);
        assert!(validate(&rdb(), &good, "scaleway").findings.is_empty());
        let unknown = obj(vec![("volume_size_in_gb", super::super::value::unknown())]);
        assert!(validate(&rdb(), &unknown, "scaleway").findings.is_empty());
    }

    #[test]
    fn required_with_names_the_sorted_group() {
        let c = obj(vec![("password_wo", Value::from("x"))]);
        let j = validate(&rdb(), &c, "scaleway");
        let f = j
            .findings
            .iter()
            .find(|f| f.summary == "Missing required argument")
            .expect("required_with finding");
        assert!(f.detail.starts_with(
            "\"password_wo\": all of `password_wo,password_wo_version` must be specified"
        ));
    }

    #[test]
    fn nested_list_paths_carry_indices() {
        let facts = rdb();
        let c = obj(vec![(
            "private_network",
            Value::Array(vec![obj(vec![("ip_net", Value::from("10.0.0.300/24"))])]),
        )]);
        let j = validate(&facts, &c, "scaleway");
        let f = j
            .findings
            .iter()
            .find(|f| !f.warning)
            .expect("cidr finding");
        assert_eq!(flat_key(&f.path), "private_network.0.ip_net");
        assert!(
            f.summary.contains("to be a valid CIDR Value"),
            "{}",
            f.summary
        );
    }

    #[test]
    fn force_new_change_is_a_replacement_and_case_suppressed_node_type_is_not() {
        let pool = load("scaleway")
            .unwrap()
            .get(Kind::Resource, "scaleway_k8s_pool")
            .unwrap()
            .clone();
        let prior = obj(vec![
            ("node_type", Value::from("DEV1-M")),
            ("size", Value::from(1)),
        ]);
        let same = obj(vec![
            ("node_type", Value::from("dev1_m")),
            ("size", Value::from(3)),
        ]);
        assert!(requires_replace(&pool, &prior, &same).is_empty());
        let other = obj(vec![("node_type", Value::from("PRO2-S"))]);
        assert_eq!(
            requires_replace(&pool, &prior, &other),
            vec![vec![Step::Attr("node_type".into())]]
        );
    }
}
