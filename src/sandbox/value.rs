//! Values on the wire (cty msgpack) and what the stand-in does with them: plan, fill unknowns with
//! fakes, upgrade JSON state.
//!
//! The one goal here is that `apply` followed by `plan` shows no changes. That dictates the rules:
//! - plan turns every computed attribute left null into *unknown*, keeps prior values Terraform
//!   already carried over, and nulls write-only attributes (Terraform demands it);
//! - apply replaces every unknown with a typed value that is never null at any depth, because a
//!   null inside a computed object would be planned as unknown again next time;
//! - fakes are a pure function of (resource type, configuration, attribute path), because data
//!   sources are read again at every plan and their ids feed resources.
//!
//! Values are kept as [`rmpv::Value`] trees: objects are msgpack maps keyed by attribute name, an
//! unknown is extension type 0 (`d4 00 00`), and a `dynamic` value is `[type JSON, value]`.

use base64::Engine as _;
use rmpv::Value;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use super::schema::{Attr, AttrKind, Block, BlockNesting, BlockType, ObjNesting, Ty};

/// The unknown value, as Terraform encodes it (msgpack fixext1, type 0, payload 0).
pub fn unknown() -> Value {
    Value::Ext(0, vec![0])
}

/// Any msgpack extension is an unknown: type 0 is the plain one, and newer Terraform versions
/// may send refined unknowns under another extension code.
pub fn is_unknown(v: &Value) -> bool {
    matches!(v, Value::Ext(..))
}

/// Decodes a msgpack `DynamicValue` payload; an empty payload is null.
pub fn decode(bytes: &[u8]) -> Result<Value, String> {
    if bytes.is_empty() {
        return Ok(Value::Nil);
    }
    rmpv::decode::read_value(&mut &bytes[..]).map_err(|e| format!("invalid msgpack value: {e}"))
}

pub fn encode(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = rmpv::encode::write_value(&mut out, v);
    out
}

/// The value of attribute `name` in a msgpack object, if present.
pub fn get<'a>(obj: &'a Value, name: &str) -> Option<&'a Value> {
    match obj {
        Value::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(name))
            .map(|(_, v)| v),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Plan

/// The planned state for a resource: Terraform's proposed new state, with computed nulls made
/// unknown (or kept from the prior state) and write-only attributes nulled.
pub fn plan(block: &Block, proposed: Value, prior: Option<&Value>) -> Value {
    plan_object(&block.attrs, &block.blocks, proposed, prior)
}

fn plan_object(
    attrs: &[Attr],
    blocks: &[BlockType],
    proposed: Value,
    prior: Option<&Value>,
) -> Value {
    let Value::Map(entries) = proposed else {
        return proposed;
    };
    let prior = prior.filter(|p| matches!(p, Value::Map(_)));
    let out = entries
        .into_iter()
        .map(|(k, v)| {
            let name = k.as_str().unwrap_or_default().to_owned();
            let prior_v = prior.and_then(|p| get(p, &name));
            let v = if let Some(a) = attrs.iter().find(|a| a.name == name) {
                plan_attr(a, v, prior_v)
            } else if let Some(b) = blocks.iter().find(|b| b.name == name) {
                plan_block(b, v, prior_v)
            } else {
                v
            };
            (k, v)
        })
        .collect();
    Value::Map(out)
}

fn plan_attr(a: &Attr, v: Value, prior: Option<&Value>) -> Value {
    if a.write_only {
        return Value::Nil;
    }
    if v.is_nil() && a.computed {
        return match prior {
            Some(p) if !p.is_nil() => p.clone(),
            _ => unknown(),
        };
    }
    match &a.kind {
        AttrKind::Nested { nesting, attrs } => plan_nested(
            *nesting == ObjNesting::Map,
            *nesting == ObjNesting::Single,
            v,
            // Set elements have no stable position to pair with prior ones; Terraform's proposed
            // state already carries prior computed values for matching elements.
            if *nesting == ObjNesting::Set {
                None
            } else {
                prior
            },
            &|v, p| plan_object(attrs, &[], v, p),
        ),
        AttrKind::Typed(_) => v,
    }
}

fn plan_block(b: &BlockType, v: Value, prior: Option<&Value>) -> Value {
    let single = matches!(b.nesting, BlockNesting::Single | BlockNesting::Group);
    let prior = if b.nesting == BlockNesting::Set {
        None
    } else {
        prior
    };
    plan_nested(b.nesting == BlockNesting::Map, single, v, prior, &|v, p| {
        plan_object(&b.block.attrs, &b.block.blocks, v, p)
    })
}

/// Applies `f` to each object of a nested value (single object, list/set elements, map values),
/// pairing list elements with prior ones by index and map values by key.
fn plan_nested(
    is_map: bool,
    single: bool,
    v: Value,
    prior: Option<&Value>,
    f: &dyn Fn(Value, Option<&Value>) -> Value,
) -> Value {
    match v {
        Value::Map(_) if single => f(v, prior),
        Value::Map(entries) if is_map => Value::Map(
            entries
                .into_iter()
                .map(|(k, e)| {
                    let p = k.as_str().and_then(|key| prior.and_then(|p| get(p, key)));
                    (k, f(e, p))
                })
                .collect(),
        ),
        Value::Array(elems) => Value::Array(
            elems
                .into_iter()
                .enumerate()
                .map(|(i, e)| {
                    let p = match prior {
                        Some(Value::Array(ps)) => ps.get(i),
                        _ => None,
                    };
                    f(e, p)
                })
                .collect(),
        ),
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// Fakes

/// Seed and context of the fakes for one object (a resource, data source or ephemeral result).
pub struct Faker {
    seed: [u8; 32],
    /// Zone or region prefix for ids (`fr-par-1`), taken from the object when it says.
    location: String,
}

impl Faker {
    /// A faker for an object of type `type_name` whose configuration is `config` (msgpack).
    /// `obj` is the object being filled, used only to find its zone or region.
    pub fn new(type_name: &str, config: &[u8], obj: &Value) -> Faker {
        let mut h = Sha256::new();
        h.update(type_name.as_bytes());
        h.update([0]);
        h.update(config);
        let known_str = |n: &str| get(obj, n).and_then(Value::as_str).map(str::to_owned);
        let location = if get(obj, "zone").is_some() {
            known_str("zone").unwrap_or_else(|| "fr-par-1".into())
        } else if get(obj, "region").is_some() {
            known_str("region").unwrap_or_else(|| "fr-par".into())
        } else {
            // Global objects (projects, IAM applications, policies) have plain UUID ids.
            String::new()
        };
        Faker {
            seed: h.finalize().into(),
            location,
        }
    }

    fn hash(&self, path: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.seed);
        h.update(path.as_bytes());
        h.finalize().into()
    }

    /// A fake of type `ty` for the attribute `name` at `path`: typed, plausible, never null.
    pub fn fake(&self, ty: &Ty, name: &str, path: &str) -> Value {
        let h = self.hash(path);
        match ty {
            Ty::String => Value::from(fake_string(name, &h, &self.location)),
            Ty::Number => Value::from(fake_number(name, &h)),
            Ty::Bool => Value::Boolean(h[0] & 1 == 1),
            Ty::Dynamic => Value::Array(vec![
                Value::Binary(br#""string""#.to_vec()),
                Value::from(fake_string(name, &h, &self.location)),
            ]),
            // One element, so `x[0]` in the configuration works (kubeconfig[0]...).
            Ty::List(e) | Ty::Set(e) => {
                Value::Array(vec![self.fake(e, name, &format!("{path}[0]"))])
            }
            Ty::Map(_) => Value::Map(Vec::new()),
            Ty::Object(attrs) => Value::Map(
                attrs
                    .iter()
                    .map(|(k, t)| {
                        (
                            Value::from(k.as_str()),
                            self.fake(t, k, &format!("{path}.{k}")),
                        )
                    })
                    .collect(),
            ),
            Ty::Tuple(elems) => Value::Array(
                elems
                    .iter()
                    .enumerate()
                    .map(|(i, t)| self.fake(t, name, &format!("{path}[{i}]")))
                    .collect(),
            ),
        }
    }

    fn fake_attr(&self, a: &Attr, path: &str) -> Value {
        match &a.kind {
            AttrKind::Typed(t) => self.fake(t, &a.name, path),
            AttrKind::Nested { nesting, attrs } => {
                let obj = |p: &str| self.fake_object(attrs, &[], p);
                match nesting {
                    ObjNesting::Single => obj(path),
                    ObjNesting::List | ObjNesting::Set => {
                        Value::Array(vec![obj(&format!("{path}[0]"))])
                    }
                    ObjNesting::Map => Value::Map(Vec::new()),
                }
            }
        }
    }

    /// A whole object with every attribute faked and each nested block filled to `min_items`.
    fn fake_object(&self, attrs: &[Attr], blocks: &[BlockType], path: &str) -> Value {
        let mut out: Vec<(Value, Value)> = attrs
            .iter()
            .map(|a| {
                let v = if a.write_only {
                    Value::Nil
                } else {
                    self.fake_attr(a, &format!("{path}.{}", a.name))
                };
                (Value::from(a.name.as_str()), v)
            })
            .collect();
        for b in blocks {
            out.push((
                Value::from(b.name.as_str()),
                self.fake_block(b, &format!("{path}.{}", b.name)),
            ));
        }
        Value::Map(out)
    }

    fn fake_block(&self, b: &BlockType, path: &str) -> Value {
        let obj = |p: &str| self.fake_object(&b.block.attrs, &b.block.blocks, p);
        match b.nesting {
            BlockNesting::Single | BlockNesting::Group => obj(path),
            BlockNesting::List | BlockNesting::Set => Value::Array(
                (0..b.min_items.max(0))
                    .map(|i| obj(&format!("{path}[{i}]")))
                    .collect(),
            ),
            BlockNesting::Map => Value::Map(Vec::new()),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A deterministic UUID (v4 layout) derived from `seed`, for values an API would assign.
pub fn uuid_from_seed(seed: &str) -> String {
    uuid(&Sha256::digest(seed.as_bytes()).into())
}

fn uuid(h: &[u8; 32]) -> String {
    let x = hex(&h[..16]);
    format!(
        "{}-{}-4{}-a{}-{}",
        &x[0..8],
        &x[8..12],
        &x[13..16],
        &x[17..20],
        &x[20..32]
    )
}

fn fake_string(name: &str, h: &[u8; 32], location: &str) -> String {
    let lname = name.to_ascii_lowercase();
    let tokens: Vec<&str> = lname.split(['_', '-']).collect();
    let has = |t: &str| tokens.contains(&t);
    if matches!(
        lname.as_str(),
        "project_id" | "organization_id" | "owner_id"
    ) {
        return uuid(h);
    }
    if lname == "id" || lname.ends_with("_id") || lname.ends_with("_ids") {
        if location.is_empty() {
            return uuid(h);
        }
        return format!("{location}/{}", uuid(h));
    }
    match lname.as_str() {
        "region" => return "fr-par".into(),
        "zone" => return "fr-par-1".into(),
        _ => {}
    }
    let is_ca = lname == "ca" || has("ca") || lname.contains("certificate");
    if is_ca {
        let body = base64::engine::general_purpose::STANDARD.encode(&h[..]);
        let pem =
            format!("-----BEGIN CERTIFICATE-----\nSANDBOX{body}\n-----END CERTIFICATE-----\n");
        return base64::engine::general_purpose::STANDARD.encode(pem);
    }
    let v6 = has("ipv6");
    if has("cidr") || has("subnet") || has("prefix") || has("subnets") {
        return if v6 {
            "2001:db8::/64".into()
        } else {
            "192.0.2.0/24".into()
        };
    }
    if has("ip") || has("ipv4") || v6 || has("address") || has("addr") || has("ips") {
        let last = 1 + h[1] % 254;
        return if v6 {
            format!("2001:db8::{last:x}")
        } else {
            format!("192.0.2.{last}")
        };
    }
    if has("hostname") || has("fqdn") || has("dns") || has("domain") {
        return format!("sandbox-{}.example", lname.replace('_', "-"));
    }
    if has("url") || has("endpoint") || has("host") || has("uri") || has("api") {
        return format!("https://sandbox-{}.example", lname.replace('_', "-"));
    }
    if lname.ends_with("_at") || has("date") || has("time") || has("timestamp") {
        return "2026-01-01T00:00:00Z".into();
    }
    if has("password") || has("secret") || has("token") || has("key") || has("result") {
        return format!("sandbox-{lname}-{}", hex(&h[..8]));
    }
    if has("status") || has("state") {
        return "ready".into();
    }
    if lname == "kubeconfig" || lname == "config_file" {
        return "apiVersion: v1\nkind: Config\nclusters: []\n# sandbox kubeconfig\n".into();
    }
    format!("sandbox-{lname}")
}

fn fake_number(name: &str, h: &[u8; 32]) -> i64 {
    let n = u64::from_le_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
    if name.to_ascii_lowercase().split('_').any(|t| t == "port") {
        1024 + (n % (65535 - 1024)) as i64
    } else {
        1 + (n % 100) as i64
    }
}

// ---------------------------------------------------------------------------------------------
// Fill (apply, data source read, ephemeral open)

/// Which values [`fill`] replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Apply: only unknowns (everything else was planned and must come back as planned).
    Unknowns,
    /// Reads: unknowns and computed attributes left null by the configuration.
    UnknownsAndComputedNulls,
}

/// Replaces unknowns (and, for reads, computed nulls) in an object of `block` with fakes.
pub fn fill(block: &Block, v: Value, faker: &Faker, mode: Fill) -> Value {
    fill_object(&block.attrs, &block.blocks, v, faker, mode, "")
}

fn fill_object(
    attrs: &[Attr],
    blocks: &[BlockType],
    v: Value,
    faker: &Faker,
    mode: Fill,
    path: &str,
) -> Value {
    if is_unknown(&v) {
        return faker.fake_object(attrs, blocks, path);
    }
    let Value::Map(entries) = v else {
        return v;
    };
    let out = entries
        .into_iter()
        .map(|(k, v)| {
            let name = k.as_str().unwrap_or_default().to_owned();
            let p = format!("{path}.{name}");
            let v = if let Some(a) = attrs.iter().find(|a| a.name == name) {
                fill_attr(a, v, faker, mode, &p)
            } else if let Some(b) = blocks.iter().find(|b| b.name == name) {
                if is_unknown(&v) {
                    faker.fake_block(b, &p)
                } else {
                    let single = matches!(b.nesting, BlockNesting::Single | BlockNesting::Group);
                    map_nested(single, v, &p, &|e, ep| {
                        fill_object(&b.block.attrs, &b.block.blocks, e, faker, mode, ep)
                    })
                }
            } else {
                v
            };
            (k, v)
        })
        .collect();
    Value::Map(out)
}

fn fill_attr(a: &Attr, v: Value, faker: &Faker, mode: Fill, path: &str) -> Value {
    if a.write_only {
        return v;
    }
    if is_unknown(&v) || (v.is_nil() && a.computed && mode == Fill::UnknownsAndComputedNulls) {
        return faker.fake_attr(a, path);
    }
    match &a.kind {
        AttrKind::Nested { nesting, attrs } => {
            map_nested(*nesting == ObjNesting::Single, v, path, &|e, ep| {
                fill_object(attrs, &[], e, faker, mode, ep)
            })
        }
        AttrKind::Typed(t) => fill_typed(t, &a.name, v, faker, path),
    }
}

/// Replaces unknowns nested inside a known value of type `ty`.
fn fill_typed(ty: &Ty, name: &str, v: Value, faker: &Faker, path: &str) -> Value {
    if is_unknown(&v) {
        return faker.fake(ty, name, path);
    }
    match (ty, v) {
        (Ty::List(e) | Ty::Set(e), Value::Array(items)) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, x)| fill_typed(e, name, x, faker, &format!("{path}[{i}]")))
                .collect(),
        ),
        (Ty::Tuple(ts), Value::Array(items)) => Value::Array(
            items
                .into_iter()
                .zip(ts)
                .enumerate()
                .map(|(i, (x, t))| fill_typed(t, name, x, faker, &format!("{path}[{i}]")))
                .collect(),
        ),
        (Ty::Map(e), Value::Map(entries)) => Value::Map(
            entries
                .into_iter()
                .map(|(k, x)| {
                    let p = format!("{path}[{}]", k.as_str().unwrap_or_default());
                    (k, fill_typed(e, name, x, faker, &p))
                })
                .collect(),
        ),
        (Ty::Object(attrs), Value::Map(entries)) => Value::Map(
            entries
                .into_iter()
                .map(|(k, x)| {
                    let key = k.as_str().unwrap_or_default().to_owned();
                    let x = match attrs.get(&key) {
                        Some(t) => fill_typed(t, &key, x, faker, &format!("{path}.{key}")),
                        None => x,
                    };
                    (k, x)
                })
                .collect(),
        ),
        // A known dynamic value is `[type JSON, value]`; unknowns may hide inside the value.
        (Ty::Dynamic, Value::Array(mut pair)) if pair.len() == 2 => {
            let inner = match &pair[0] {
                Value::Binary(b) => serde_json::from_slice(b).ok(),
                Value::String(s) => s.as_str().and_then(|s| serde_json::from_str(s).ok()),
                _ => None,
            }
            .and_then(|j: Json| Ty::from_json(&j).ok());
            if let Some(t) = inner {
                let v = pair.pop().unwrap_or(Value::Nil);
                pair.push(fill_typed(&t, name, v, faker, path));
            }
            Value::Array(pair)
        }
        (_, v) => v,
    }
}

/// Applies `f` to each object of a nested value, with the element's path.
fn map_nested(single: bool, v: Value, path: &str, f: &dyn Fn(Value, &str) -> Value) -> Value {
    match v {
        Value::Map(_) if single => f(v, path),
        Value::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, e)| {
                    let p = format!("{path}[{}]", k.as_str().unwrap_or_default());
                    (k, f(e, &p))
                })
                .collect(),
        ),
        Value::Array(elems) => Value::Array(
            elems
                .into_iter()
                .enumerate()
                .map(|(i, e)| f(e, &format!("{path}[{i}]")))
                .collect(),
        ),
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// JSON state -> msgpack (UpgradeResourceState)

/// Converts a resource's JSON state (as stored in the state file) to a msgpack object of the
/// current schema: every attribute present, absent ones null, unknown ones dropped.
pub fn json_to_block(block: &Block, j: &Json) -> Value {
    if j.is_null() {
        return Value::Nil;
    }
    let mut out = Vec::new();
    for a in &block.attrs {
        let v = j
            .get(&a.name)
            .map_or(Value::Nil, |x| json_to_ty(&a.value_type(), x));
        out.push((Value::from(a.name.as_str()), v));
    }
    for b in &block.blocks {
        let x = j.get(&b.name).unwrap_or(&Json::Null);
        let obj = |e: &Json| json_to_block(&b.block, e);
        let v = match b.nesting {
            BlockNesting::Single => obj(x),
            BlockNesting::Group => {
                if x.is_null() {
                    json_to_block(&b.block, &Json::Object(Default::default()))
                } else {
                    obj(x)
                }
            }
            BlockNesting::List | BlockNesting::Set => {
                Value::Array(x.as_array().into_iter().flatten().map(obj).collect())
            }
            BlockNesting::Map => Value::Map(
                x.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, e)| (Value::from(k.as_str()), obj(e)))
                    .collect(),
            ),
        };
        out.push((Value::from(b.name.as_str()), v));
    }
    Value::Map(out)
}

/// Converts a JSON value to msgpack following the cty type (as ctyjson would read it).
pub fn json_to_ty(ty: &Ty, j: &Json) -> Value {
    if j.is_null() {
        return Value::Nil;
    }
    match ty {
        Ty::String => match j {
            Json::String(s) => Value::from(s.as_str()),
            other => Value::from(other.to_string()),
        },
        Ty::Number => match j {
            Json::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Value::from(i)
                } else if let Some(u) = n.as_u64() {
                    Value::from(u)
                } else {
                    Value::F64(n.as_f64().unwrap_or(0.0))
                }
            }
            Json::String(s) => s
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| s.parse::<f64>().map(Value::F64))
                .unwrap_or(Value::Nil),
            _ => Value::Nil,
        },
        Ty::Bool => match j {
            Json::Bool(b) => Value::Boolean(*b),
            Json::String(s) => Value::Boolean(s == "true"),
            _ => Value::Nil,
        },
        Ty::List(e) | Ty::Set(e) => Value::Array(
            j.as_array()
                .into_iter()
                .flatten()
                .map(|x| json_to_ty(e, x))
                .collect(),
        ),
        Ty::Tuple(ts) => Value::Array(
            j.as_array()
                .into_iter()
                .flatten()
                .zip(ts)
                .map(|(x, t)| json_to_ty(t, x))
                .collect(),
        ),
        Ty::Map(e) => Value::Map(
            j.as_object()
                .into_iter()
                .flatten()
                .map(|(k, x)| (Value::from(k.as_str()), json_to_ty(e, x)))
                .collect(),
        ),
        Ty::Object(attrs) => Value::Map(
            attrs
                .iter()
                .map(|(k, t)| {
                    let v = j.get(k).map_or(Value::Nil, |x| json_to_ty(t, x));
                    (Value::from(k.as_str()), v)
                })
                .collect(),
        ),
        // ctyjson stores dynamic values as {"value": ..., "type": ...}.
        Ty::Dynamic => match (j.get("type"), j.get("value")) {
            (Some(t), Some(v)) => match Ty::from_json(t) {
                Ok(inner) => Value::Array(vec![
                    Value::Binary(t.to_string().into_bytes()),
                    json_to_ty(&inner, v),
                ]),
                Err(_) => Value::Nil,
            },
            _ => Value::Nil,
        },
    }
}

/// The value type of attribute `name` of `block` (dynamic when it is a block or unknown name).
pub fn attr_type(block: &Block, name: &str) -> Ty {
    match block.attrs.iter().find(|a| a.name == name).map(|a| &a.kind) {
        Some(AttrKind::Typed(t)) => t.clone(),
        _ => Ty::Dynamic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::catalog;
    use crate::sandbox::schema::ProviderSchema;

    fn has_unknown_or_nil_deep(v: &Value) -> bool {
        match v {
            Value::Nil => true,
            Value::Ext(..) => true,
            Value::Array(a) => a.iter().any(has_unknown_or_nil_deep),
            Value::Map(m) => m.iter().any(|(_, x)| has_unknown_or_nil_deep(x)),
            _ => false,
        }
    }

    #[test]
    fn unknown_encodes_as_terraform_expects() {
        assert_eq!(encode(&unknown()), vec![0xd4, 0x00, 0x00]);
        assert!(is_unknown(&decode(&[0xd4, 0x00, 0x00]).unwrap()));
        assert_eq!(decode(&[]).unwrap(), Value::Nil);
        assert!(decode(&[0x92, 0x01]).is_err());
    }

    #[test]
    fn fakes_are_deterministic_and_never_null() {
        for info in catalog::PROVIDERS {
            let s = ProviderSchema::load(info).unwrap();
            for (name, def) in s.resources.iter().chain(&s.data_sources) {
                let a = Faker::new(name, b"cfg", &Value::Nil);
                let b = Faker::new(name, b"cfg", &Value::Nil);
                let va = fill(&def.block, unknown(), &a, Fill::Unknowns);
                let vb = fill(&def.block, unknown(), &b, Fill::Unknowns);
                assert_eq!(va, vb, "{name} deterministic");
                // Write-only attributes stay null by design; check the others.
                let Value::Map(entries) = &va else {
                    panic!("{name} not an object")
                };
                for (k, v) in entries {
                    let key = k.as_str().unwrap();
                    let wo = def
                        .block
                        .attrs
                        .iter()
                        .any(|a| a.name == key && a.write_only);
                    if !wo {
                        assert!(
                            !has_unknown_or_nil_deep(v),
                            "{name}.{key} has a null or unknown"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn plausible_fakes() {
        let h = [7u8; 32];
        assert!(fake_string("id", &h, "fr-par-1").starts_with("fr-par-1/"));
        assert_eq!(
            fake_string("ip", &h, "x").rsplit_once('.').unwrap().0,
            "192.0.2"
        );
        assert!(fake_string("host", &h, "x").starts_with("https://"));
        let ca = fake_string("cluster_ca_certificate", &h, "x");
        let pem = base64::engine::general_purpose::STANDARD
            .decode(ca)
            .unwrap();
        assert!(String::from_utf8(pem)
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----"));
        let port = fake_number("port", &h);
        assert!((1..=65535).contains(&port));
    }

    #[test]
    fn plan_marks_computed_nulls_unknown_and_keeps_prior() {
        let s = ProviderSchema::load(catalog::find("random").unwrap()).unwrap();
        let block = &s.resources["random_password"].block;
        let proposed = Value::Map(
            block
                .attrs
                .iter()
                .map(|a| {
                    let v = if a.name == "length" {
                        Value::from(16)
                    } else {
                        Value::Nil
                    };
                    (Value::from(a.name.as_str()), v)
                })
                .collect(),
        );
        let planned = plan(block, proposed.clone(), None);
        assert!(is_unknown(get(&planned, "result").unwrap()));
        assert_eq!(get(&planned, "length"), Some(&Value::from(16)));
        let applied = fill(
            block,
            planned,
            &Faker::new("random_password", b"", &Value::Nil),
            Fill::Unknowns,
        );
        let replanned = plan(block, proposed, Some(&applied));
        assert_eq!(replanned, applied);
    }

    #[test]
    fn unknowns_inside_dynamic_values_are_filled() {
        let ty = Ty::Dynamic;
        let v = Value::Array(vec![
            Value::Binary(br#"["object",{"a":"string"}]"#.to_vec()),
            Value::Map(vec![(Value::from("a"), unknown())]),
        ]);
        let faker = Faker::new("t", b"", &Value::Nil);
        let filled = fill_typed(&ty, "manifest", v, &faker, "");
        let Value::Array(pair) = filled else { panic!() };
        assert_eq!(
            get(&pair[1], "a").and_then(Value::as_str),
            Some("sandbox-a")
        );
    }

    #[test]
    fn upgrade_reads_json_state_into_the_schema_type() {
        let s = ProviderSchema::load(catalog::find("scaleway").unwrap()).unwrap();
        let block = &s.resources["scaleway_vpc_private_network"].block;
        let j: Json = serde_json::json!({"id": "fr-par/x", "name": "n", "ipv4_subnet": [{"subnet": "10.0.0.0/22"}], "bogus": 1});
        let v = json_to_block(block, &j);
        assert_eq!(get(&v, "id").and_then(Value::as_str), Some("fr-par/x"));
        assert!(get(&v, "bogus").is_none());
        assert!(get(&v, "tags").is_some());
        let Some(Value::Array(subnets)) = get(&v, "ipv4_subnet") else {
            panic!()
        };
        assert_eq!(
            get(&subnets[0], "subnet").and_then(Value::as_str),
            Some("10.0.0.0/22")
        );
    }
}
