//! Reading the resource changes of a saved plan (`terraform plan -out FILE`) without starting
//! Terraform again.
//!
//! Why: `terraform show -json FILE` is what a replacement's forcing attributes are read from,
//! and it costs a whole Terraform start (configuration, the provider lock check, every
//! provider's schema) — a sixth of the wizard's keystroke → impact time. The saved plan is a
//! zip whose `tfplan` member is a protocol-buffers message; Terraform versions that message
//! (`version`, "programs reading serialized plans should verify that version is set to the
//! expected value and abort processing if not") and this reader does exactly that: any other
//! version, or anything it cannot read, is an error and the caller falls back to `show -json`.
//! Only the addresses, actions, replace paths and the prior `name` are decoded; the rest of the
//! plan (variables and values, secrets among them) is skipped unread.

use std::io::Read as _;

use prost::Message as _;

/// The one `tfplan` format version this reader knows (Terraform 1.x).
pub const PLAN_FORMAT_VERSION: u64 = 3;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanFileError {
    #[error("not a saved plan: {0}")]
    NotAPlan(String),
    #[error("saved plan format version {found}, this reader knows {PLAN_FORMAT_VERSION}")]
    Version { found: u64 },
}

/// One resource instance change of a saved plan, as `terraform show -json` would list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceChange {
    pub address: String,
    /// `data` for data sources, `managed` otherwise.
    pub mode: &'static str,
    pub resource_type: String,
    /// `["delete","create"]` and friends, the spelling of `show -json`'s `change.actions`.
    pub actions: Vec<String>,
    /// Each path as its steps: attribute names, and element keys as `show -json` prints them.
    pub replace_paths: Vec<Vec<String>>,
    /// The `name` attribute of the object before the change, when it is a known string.
    pub prior_name: Option<String>,
}

// The subset of Terraform's `planfile.proto` read here (field numbers as published there).
#[derive(Clone, PartialEq, prost::Message)]
struct Plan {
    #[prost(uint64, tag = "1")]
    version: u64,
    #[prost(message, repeated, tag = "3")]
    resource_changes: Vec<InstanceChange>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct InstanceChange {
    #[prost(string, tag = "13")]
    addr: String,
    #[prost(message, optional, tag = "9")]
    change: Option<Change>,
    #[prost(message, repeated, tag = "11")]
    required_replace: Vec<Path>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Change {
    #[prost(int32, tag = "1")]
    action: i32,
    #[prost(message, repeated, tag = "2")]
    values: Vec<DynamicValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct DynamicValue {
    #[prost(bytes = "vec", tag = "1")]
    msgpack: Vec<u8>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Path {
    #[prost(message, repeated, tag = "1")]
    steps: Vec<Step>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Step {
    #[prost(string, optional, tag = "1")]
    attribute_name: Option<String>,
    #[prost(message, optional, tag = "2")]
    element_key: Option<DynamicValue>,
}

/// `Action` of `planfile.proto` in `show -json`'s words; `None` for a no-op.
fn actions(code: i32) -> Option<&'static [&'static str]> {
    Some(match code {
        1 => &["create"],
        2 => &["read"],
        3 => &["update"],
        5 => &["delete"],
        6 => &["delete", "create"],
        7 => &["create", "delete"],
        8 => &["forget"],
        9 => &["create", "forget"],
        _ => return None,
    })
}

/// The resource changes of the saved plan `bytes` (the file `plan -out` wrote), no-ops left out.
pub fn resource_changes(bytes: &[u8]) -> Result<Vec<ResourceChange>, PlanFileError> {
    let member = zip_member(bytes, "tfplan")?;
    let plan = Plan::decode(member.as_slice())
        .map_err(|e| PlanFileError::NotAPlan(format!("tfplan: {e}")))?;
    if plan.version != PLAN_FORMAT_VERSION {
        return Err(PlanFileError::Version {
            found: plan.version,
        });
    }
    let mut out = Vec::new();
    for c in plan.resource_changes {
        let change = c.change.unwrap_or_default();
        let Some(actions) = actions(change.action) else {
            continue;
        };
        let (mode, resource_type) = kind_of(&c.addr)
            .ok_or_else(|| PlanFileError::NotAPlan(format!("resource address {:?}", c.addr)))?;
        let replace_paths = c
            .required_replace
            .iter()
            .map(|p| p.steps.iter().map(step_text).collect())
            .collect();
        // The prior object comes first for every action that has one (update, replace, delete).
        let prior_name = match actions {
            ["create"] | ["read"] => None,
            _ => change.values.first().and_then(|v| name_in(&v.msgpack)),
        };
        out.push(ResourceChange {
            address: c.addr,
            mode,
            resource_type,
            actions: actions.iter().map(|a| a.to_string()).collect(),
            replace_paths,
            prior_name,
        });
    }
    Ok(out)
}

/// A path step as `show -json` writes it: the attribute name, or the element key's value.
fn step_text(s: &Step) -> String {
    if let Some(name) = &s.attribute_name {
        return name.clone();
    }
    let Some(key) = &s.element_key else {
        return String::new();
    };
    match rmpv::decode::read_value(&mut key.msgpack.as_slice()) {
        Ok(rmpv::Value::String(s)) => s.into_str().unwrap_or_default(),
        Ok(rmpv::Value::Integer(i)) => i.to_string(),
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The string `name` attribute of an object value (cty's msgpack: a map keyed by attribute).
fn name_in(msgpack: &[u8]) -> Option<String> {
    let value = rmpv::decode::read_value(&mut &msgpack[..]).ok()?;
    let rmpv::Value::Map(entries) = value else {
        return None;
    };
    entries.into_iter().find_map(|(k, v)| match (k, v) {
        (rmpv::Value::String(k), rmpv::Value::String(v)) if k.as_str() == Some("name") => {
            v.into_str().filter(|s| !s.is_empty())
        }
        _ => None,
    })
}

/// `("managed"|"data", type)` of a resource instance address such as
/// `module.app["a.b"].data.scaleway_x.y[0]`.
pub fn kind_of(address: &str) -> Option<(&'static str, String)> {
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let name_end = after.find(['.', '['])?;
        let mut tail = &after[name_end..];
        if tail.starts_with('[') {
            tail = &tail[bracket_end(tail)?..];
        }
        rest = tail.strip_prefix('.')?;
    }
    let (mode, rest) = match rest.strip_prefix("data.") {
        Some(r) => ("data", r),
        None => ("managed", rest),
    };
    let (ty, _) = rest.split_once('.')?;
    (!ty.is_empty()).then(|| (mode, ty.to_string()))
}

/// The length of the leading `[...]` of `s`, string keys (with escapes) included.
fn bracket_end(s: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, ch) in s.char_indices().skip(1) {
        match (in_string, escaped, ch) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => in_string = false,
            (false, _, '"') => in_string = true,
            (false, _, ']') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The uncompressed bytes of the member `name` of the zip archive `zip` (stored or deflated,
/// as Go's `archive/zip` writes them; read through the central directory, so the data
/// descriptors of a streamed archive need not be parsed).
fn zip_member(zip: &[u8], name: &str) -> Result<Vec<u8>, PlanFileError> {
    let bad = |what: &str| PlanFileError::NotAPlan(what.to_string());
    let u16_at = |at: usize| -> Result<usize, PlanFileError> {
        zip.get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
            .ok_or_else(|| bad("zip truncated"))
    };
    let u32_at = |at: usize| -> Result<usize, PlanFileError> {
        zip.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or_else(|| bad("zip truncated"))
    };
    // The end-of-central-directory record: 22 bytes plus a comment of at most 64 KiB.
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    let floor = zip.len().saturating_sub(22 + 0xffff);
    let eocd = (floor..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| zip[i..i + 4] == EOCD)
        .ok_or_else(|| bad("no zip directory"))?;
    let entries = u16_at(eocd + 10)?;
    let mut at = u32_at(eocd + 16)?;
    for _ in 0..entries {
        if zip.get(at..at + 4) != Some(&[0x50, 0x4b, 0x01, 0x02]) {
            return Err(bad("zip directory entry"));
        }
        let method = u16_at(at + 10)?;
        let compressed = u32_at(at + 20)?;
        let size = u32_at(at + 24)?;
        let (name_len, extra_len, comment_len) =
            (u16_at(at + 28)?, u16_at(at + 30)?, u16_at(at + 32)?);
        let local = u32_at(at + 42)?;
        let entry_name = zip
            .get(at + 46..at + 46 + name_len)
            .ok_or_else(|| bad("zip name"))?;
        at += 46 + name_len + extra_len + comment_len;
        if entry_name != name.as_bytes() {
            continue;
        }
        if zip.get(local..local + 4) != Some(&[0x50, 0x4b, 0x03, 0x04]) {
            return Err(bad("zip member header"));
        }
        let data = local + 30 + u16_at(local + 26)? + u16_at(local + 28)?;
        let raw = zip
            .get(data..data + compressed)
            .ok_or_else(|| bad("zip member truncated"))?;
        return match method {
            0 => Ok(raw.to_vec()),
            8 => {
                let mut out = Vec::with_capacity(size);
                flate2::read::DeflateDecoder::new(raw)
                    .read_to_end(&mut out)
                    .map_err(|e| bad(&format!("zip member {name}: {e}")))?;
                Ok(out)
            }
            m => Err(bad(&format!("zip compression method {m}"))),
        };
    }
    Err(bad(&format!("no {name} in the archive")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_kinds_are_read_past_module_keys_with_dots_and_brackets() {
        assert_eq!(
            kind_of("module.redis.scaleway_redis_cluster.this"),
            Some(("managed", "scaleway_redis_cluster".into()))
        );
        assert_eq!(
            kind_of(r#"module.a["x.y]\"z"].module.b[0].data.scaleway_k8s_version.v"#),
            Some(("data", "scaleway_k8s_version".into()))
        );
        assert_eq!(
            kind_of(r#"random_password.p["k.e.y"]"#),
            Some(("managed", "random_password".into()))
        );
        assert_eq!(kind_of("module.broken"), None);
    }

    #[test]
    fn anything_but_a_plan_archive_is_refused() {
        assert!(matches!(
            resource_changes(b"not a zip"),
            Err(PlanFileError::NotAPlan(_))
        ));
        assert!(matches!(
            resource_changes(&[]),
            Err(PlanFileError::NotAPlan(_))
        ));
    }

    /// A zip with one stored member, as a minimal writer lays it out.
    fn stored_zip(name: &str, data: &[u8]) -> Vec<u8> {
        let mut z = Vec::new();
        let n = name.len() as u16;
        let len = data.len() as u32;
        z.extend([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        z.extend([0u8; 4]); // crc (not checked)
        z.extend(len.to_le_bytes());
        z.extend(len.to_le_bytes());
        z.extend(n.to_le_bytes());
        z.extend(0u16.to_le_bytes());
        z.extend(name.as_bytes());
        z.extend(data);
        let cd = z.len() as u32;
        z.extend([0x50, 0x4b, 0x01, 0x02, 20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        z.extend([0u8; 4]);
        z.extend(len.to_le_bytes());
        z.extend(len.to_le_bytes());
        z.extend(n.to_le_bytes());
        z.extend([0u8; 12]); // extra, comment, disk, internal and external attributes
        z.extend(0u32.to_le_bytes()); // local header offset
        z.extend(name.as_bytes());
        let cd_len = z.len() as u32 - cd;
        z.extend([0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]);
        z.extend(cd_len.to_le_bytes());
        z.extend(cd.to_le_bytes());
        z.extend(0u16.to_le_bytes());
        z
    }

    #[test]
    fn another_format_version_is_refused_so_the_caller_asks_terraform() {
        let plan = Plan {
            version: 4,
            resource_changes: Vec::new(),
        };
        let zip = stored_zip("tfplan", &plan.encode_to_vec());
        assert_eq!(
            resource_changes(&zip),
            Err(PlanFileError::Version { found: 4 })
        );
    }

    #[test]
    fn a_replacement_is_read_with_its_paths_and_prior_name_and_no_ops_are_left_out() {
        let mut prior = Vec::new();
        rmpv::encode::write_value(
            &mut prior,
            &rmpv::Value::Map(vec![
                ("cluster_size".into(), 1.into()),
                ("name".into(), "mobi-dev-redis".into()),
            ]),
        )
        .unwrap();
        let mut key = Vec::new();
        rmpv::encode::write_value(&mut key, &rmpv::Value::from(0)).unwrap();
        let plan = Plan {
            version: PLAN_FORMAT_VERSION,
            resource_changes: vec![
                InstanceChange {
                    addr: "module.redis.scaleway_redis_cluster.this".into(),
                    change: Some(Change {
                        action: 6,
                        values: vec![DynamicValue { msgpack: prior }],
                    }),
                    required_replace: vec![Path {
                        steps: vec![
                            Step {
                                attribute_name: Some("acl".into()),
                                element_key: None,
                            },
                            Step {
                                attribute_name: None,
                                element_key: Some(DynamicValue { msgpack: key }),
                            },
                        ],
                    }],
                },
                InstanceChange {
                    addr: "module.project.scaleway_account_project.this".into(),
                    change: Some(Change::default()),
                    required_replace: Vec::new(),
                },
            ],
        };
        let zip = stored_zip("tfplan", &plan.encode_to_vec());
        let got = resource_changes(&zip).unwrap();
        assert_eq!(
            got,
            vec![ResourceChange {
                address: "module.redis.scaleway_redis_cluster.this".into(),
                mode: "managed",
                resource_type: "scaleway_redis_cluster".into(),
                actions: vec!["delete".into(), "create".into()],
                replace_paths: vec![vec!["acl".into(), "0".into()]],
                prior_name: Some("mobi-dev-redis".into()),
            }]
        );
    }
}
