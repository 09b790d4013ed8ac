//! Scaleway's API catalogues, as recorded: Kapsule versions, Instance types per zone, RDB
//! engines and node types, Redis versions and node types.
//!
//! Two vendored sources (`schemas/behaviour/`): `scaleway-catalog.json`, point-in-time answers
//! of the API recorded in the provider's test cassettes, and `scaleway-docs-catalog.json`, the
//! lists Scaleway's documentation publishes. A list is *complete* only when its source is a full
//! listing (an API `List*` answer, or a docs table presented as the whole offer). The sandbox
//! fails a value only against a complete list; against a partial one, or a region nobody
//! recorded, it warns naming the value, so a valid preset never fails and an odd one never
//! passes silently.

use std::sync::OnceLock;

use serde_json::Value as Json;

use super::behaviour::gunzip;

const RECORDED: &[u8] = include_bytes!("../../schemas/behaviour/scaleway-catalog.json.gz");
const DOCS: &[u8] = include_bytes!("../../schemas/behaviour/scaleway-docs-catalog.json.gz");

/// Both catalogues, parsed on first use.
pub struct Catalog {
    recorded: Json,
    docs: Json,
}

/// The process-wide catalogue (the embedded files are known to parse; a broken one reads as
/// empty, which only turns failures into warnings).
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog {
        recorded: gunzip(RECORDED).unwrap_or(Json::Null),
        docs: gunzip(DOCS).unwrap_or(Json::Null),
    })
}

/// How a value stands against a catalogue list.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The list has it.
    Listed,
    /// A complete list lacks it: the API would refuse it.
    Refused { known: Vec<String>, source: String },
    /// Only a partial list (or none) exists: cannot be confirmed offline.
    Unverified { why: String },
}

/// A list of values with where it comes from and whether it is the whole offer.
#[derive(Debug, Clone)]
pub struct Listing {
    pub values: Vec<String>,
    pub complete: bool,
    pub source: String,
    pub case_insensitive: bool,
}

impl Listing {
    pub fn judge(&self, value: &str) -> Verdict {
        let norm = |s: &str| {
            if self.case_insensitive {
                s.to_ascii_uppercase().replace('_', "-")
            } else {
                s.to_owned()
            }
        };
        if self.values.iter().any(|v| norm(v) == norm(value)) {
            Verdict::Listed
        } else if self.complete {
            Verdict::Refused {
                known: self.values.clone(),
                source: self.source.clone(),
            }
        } else {
            Verdict::Unverified {
                why: format!(
                    "{value:?} is not in the partial list of {} ({})",
                    self.values.join(", "),
                    self.source
                ),
            }
        }
    }
}

/// The strings of a JSON array (none when absent).
fn strs(j: Option<&Json>) -> Vec<String> {
    j.map(super::behaviour::string_list).unwrap_or_default()
}

/// The Kubernetes version entry Kapsule lists under `name` in `region`.
#[derive(Debug, Clone)]
pub struct KapsuleVersion {
    pub name: String,
    pub cnis: Vec<String>,
    pub runtimes: Vec<String>,
    pub feature_gates: Vec<String>,
}

impl Catalog {
    /// Kapsule versions of `region`, newest first as the API lists them; `None` if unrecorded.
    pub fn kapsule_versions(&self, region: &str) -> Option<(Vec<KapsuleVersion>, String)> {
        let r = self.recorded.get("kapsule_versions")?.get(region)?;
        let source = r
            .get("cassette")
            .and_then(Json::as_str)
            .unwrap_or("scaleway-catalog.json")
            .to_owned();
        let versions = r
            .get("versions")?
            .as_array()?
            .iter()
            .filter_map(|v| {
                Some(KapsuleVersion {
                    name: v.get("name")?.as_str()?.to_owned(),
                    cnis: strs(v.get("available_cnis")),
                    runtimes: strs(v.get("available_container_runtimes")),
                    feature_gates: strs(v.get("available_feature_gates")),
                })
            })
            .collect();
        Some((versions, source))
    }

    /// A list from the docs catalogue, for `region` when it is split by region.
    fn docs_list(&self, key: &str, region: &str) -> Option<Listing> {
        let l = self.docs.get("lists")?.get(key)?;
        let values = match l.get("values_by_region").and_then(|m| m.get(region)) {
            Some(v) => strs(Some(v)),
            None => {
                if let Some(regions) = l.get("regions").and_then(Json::as_array) {
                    if !regions.iter().any(|r| r.as_str() == Some(region)) {
                        return None;
                    }
                }
                strs(l.get("values"))
            }
        };
        if values.is_empty() {
            return None;
        }
        Some(Listing {
            values,
            complete: l.get("complete").and_then(Json::as_bool).unwrap_or(false),
            source: format!(
                "Scaleway documentation, {}",
                l.get("source")
                    .and_then(Json::as_str)
                    .unwrap_or("docs-content")
            ),
            case_insensitive: l
                .get("case_insensitive")
                .and_then(Json::as_bool)
                .unwrap_or(true),
        })
    }

    /// Node types a Kapsule pool accepts in `zone`: the zone's Instance product list (a full
    /// recorded `products/servers` answer, so complete) — a pool node is an Instance of one
    /// commercial type, and no page lists a narrower Kapsule subset. Zones nobody recorded fall
    /// back to the docs' examples and the recorded pool creates (partial).
    pub fn kapsule_node_types(&self, zone: &str) -> Listing {
        let zones = self
            .recorded
            .get("instance_server_types")
            .and_then(|i| i.get("zones"));
        if let Some(z) = zones.and_then(|z| z.get(zone)) {
            if let Some(types) = z.get("server_types").and_then(Json::as_object) {
                return Listing {
                    values: types.keys().cloned().collect(),
                    complete: true,
                    source: format!(
                        "the recorded Instance product list of {zone} ({})",
                        z.get("cassette")
                            .and_then(Json::as_str)
                            .unwrap_or("scaleway-catalog.json")
                    ),
                    case_insensitive: true,
                };
            }
        }
        let region = zone.rsplit_once('-').map_or(zone, |(r, _)| r);
        let mut values = strs(
            self.recorded
                .get("kapsule_node_types_accepted")
                .and_then(|k| k.get("distinct")),
        );
        if let Some(d) = self.docs_list("kapsule_node_types", region) {
            values.extend(d.values);
        }
        Listing {
            values,
            complete: false,
            source: "docs examples and recorded pool creates".into(),
            case_insensitive: true,
        }
    }

    /// Terraform engine names (`PostgreSQL-16`) RDB offers in `region`; disabled ones excluded.
    pub fn rdb_engines(&self, region: &str) -> Option<Listing> {
        let e = self.recorded.get("rdb")?.get("engines")?;
        let source = e
            .get("request")
            .and_then(Json::as_str)
            .unwrap_or("database-engines")
            .to_owned();
        let mut values = Vec::new();
        let mut any = false;
        for eng in e.get("engines")?.as_array()? {
            if eng.get("region").and_then(Json::as_str) != Some(region) {
                continue;
            }
            any = true;
            for v in eng
                .get("versions")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                let disabled = v.get("disabled").and_then(Json::as_bool).unwrap_or(false);
                if let (false, Some(name)) = (
                    disabled,
                    v.get("engine_name_for_terraform").and_then(Json::as_str),
                ) {
                    values.push(name.to_owned());
                }
            }
        }
        if !any {
            return self.docs_list("rdb_engines", region);
        }
        Some(Listing {
            values,
            complete: true,
            source: format!("recorded API answer GET {source}"),
            case_insensitive: false,
        })
    }

    /// RDB node types in `region`.
    pub fn rdb_node_types(&self, region: &str) -> Listing {
        self.docs_list("rdb_node_types", region)
            .unwrap_or_else(|| self.accepted_node_types("rdb", "instance_creates_accepted"))
    }

    /// The node types of the creates the recordings hold (`<service>.<list>[].node_type`): proven
    /// to work, but only a partial list of the offer.
    fn accepted_node_types(&self, service: &str, list: &str) -> Listing {
        let values = self
            .recorded
            .get(service)
            .and_then(|r| r.get(list))
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.get("node_type")?.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        Listing {
            values,
            complete: false,
            source: format!("node types of the recorded {service} creates (scaleway-catalog.json)"),
            case_insensitive: true,
        }
    }

    /// Redis versions offered for new clusters (the newest recorded `cluster-versions` answer,
    /// which excludes deprecated versions: partial), completed by the docs list.
    pub fn redis_versions(&self, region: &str) -> Listing {
        if let Some(l) = self.docs_list("redis_versions", region) {
            return l;
        }
        let snapshots = self
            .recorded
            .get("redis")
            .and_then(|r| r.get("cluster_versions_snapshots"))
            .and_then(Json::as_array);
        let mut values: Vec<String> = Vec::new();
        for s in snapshots.into_iter().flatten() {
            for v in s
                .get("versions")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(name) = v.get("version").and_then(Json::as_str) {
                    if !values.iter().any(|x| x == name) {
                        values.push(name.to_owned());
                    }
                }
            }
        }
        Listing {
            values,
            complete: false,
            source: "recorded cluster-versions answers (scaleway-catalog.json)".into(),
            case_insensitive: false,
        }
    }

    /// Redis node types in `region`.
    pub fn redis_node_types(&self, region: &str) -> Listing {
        self.docs_list("redis_node_types", region)
            .unwrap_or_else(|| self.accepted_node_types("redis", "cluster_creates_accepted"))
    }

    /// The Instance product entry of `node_type` in `zone` (volume constraints), if recorded.
    pub fn instance_type(&self, zone: &str, node_type: &str) -> Option<&Json> {
        let key = node_type.to_ascii_uppercase().replace('_', "-");
        self.recorded
            .get("instance_server_types")?
            .get("zones")?
            .get(zone)?
            .get("server_types")?
            .get(&key)
    }

    /// Upgrade targets the API offered from an RDB engine (`PostgreSQL-15` → 16, 17).
    pub fn rdb_upgradable(&self, engine: &str) -> Option<Vec<String>> {
        let u = self
            .recorded
            .get("rdb")?
            .get("upgradable_versions_latest_seen")?
            .get(engine)?;
        Some(strs(u.get("upgradable")))
    }
}

/// Scaleway's bucket naming rules (Object Storage FAQ; the API answers `InvalidBucketName`).
/// `Some(reason)` when `name` breaks one.
pub fn bucket_name_problem(name: &str) -> Option<&'static str> {
    let n = name.len();
    if !(3..=63).contains(&n) {
        return Some("a bucket name has 3 to 63 characters");
    }
    if !name
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.')
    {
        return Some("a bucket name has only lowercase letters, digits, hyphens and dots");
    }
    let first = name.as_bytes()[0];
    let last = name.as_bytes()[n - 1];
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return Some("a bucket name starts and ends with a letter or a digit");
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some("a bucket name is not formatted as an IP address");
    }
    if name.contains("..") {
        return Some("a bucket name has no two adjacent dots");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_fr_par_lists_are_complete_where_the_api_listed_them() {
        let c = catalog();
        let engines = c.rdb_engines("fr-par").unwrap();
        assert_eq!(engines.judge("PostgreSQL-16"), Verdict::Listed);
        assert!(matches!(
            engines.judge("PostgreSQL-12"),
            Verdict::Refused { .. }
        ));
        // Unrecorded region: the docs' list, which is partial (warn, never refuse).
        let docs = c.rdb_engines("nl-ams").unwrap();
        assert!(!docs.complete);
        assert!(matches!(
            docs.judge("PostgreSQL-99"),
            Verdict::Unverified { .. }
        ));
        let (versions, _) = c.kapsule_versions("fr-par").unwrap();
        assert!(versions.iter().any(|v| v.name.starts_with("1.35.")));
        assert!(c.kapsule_versions("it-mil").is_none());
    }

    #[test]
    fn partial_lists_never_refuse() {
        let l = Listing {
            values: vec!["DEV1-M".into()],
            complete: false,
            source: "x".into(),
            case_insensitive: true,
        };
        assert_eq!(l.judge("dev1_m"), Verdict::Listed);
        assert!(matches!(l.judge("PRO2-M"), Verdict::Unverified { .. }));
    }

    #[test]
    fn bucket_names_follow_scaleway_rules() {
        assert_eq!(bucket_name_problem("mobi-media-dev"), None);
        assert!(bucket_name_problem("Mobi_Media").is_some());
        assert!(bucket_name_problem("ab").is_some());
        assert!(bucket_name_problem("-abc").is_some());
        assert!(bucket_name_problem("192.168.1.1").is_some());
    }
}
