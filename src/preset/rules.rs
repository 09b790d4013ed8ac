//! Field validators: pure functions from a value to "ok" or "what is expected".
//!
//! Each rule is defined once and used twice: by [`super::validate`] for a whole preset and by the
//! wizard's questions as the user types. The messages say what is expected, never only what is
//! wrong, and carry the facts from Scaleway's API (notes §5) so a refusal is explained here rather
//! than twenty minutes into an apply.

use std::net::Ipv4Addr;
use std::sync::LazyLock;

use ipnet::Ipv4Net;
use regex::Regex;

/// The outcome of a rule: `Err` holds the "expected …" sentence.
pub type RuleResult = Result<(), String>;

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pat).expect("static regex is valid"));
    };
}

re!(PROJECT_NAME, r"^[a-z][a-z0-9-]{1,20}$");
re!(ENV_NAME, r"^[a-z][a-z0-9]{1,9}$");
re!(BUCKET, r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$");
re!(RDB_NODE, r"(?i)^db-[a-z0-9]+(-[a-z0-9]+)+$");
re!(INSTANCE_NODE, r"^[A-Z0-9]+(-[A-Z0-9]+)+$");
re!(PG_IDENT, r"^[a-z_][a-z0-9_]{0,62}$");
re!(REDIS_USER, r"^[A-Za-z][A-Za-z0-9$_-]{0,62}$");
re!(K8S_MINOR, r"^1\.[0-9]{2}$");
re!(DOCKER_TAG, r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");
re!(
    IMAGE_REF,
    r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]+)?/)?[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$"
);
re!(DNS_LABEL, r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
re!(WORKER_NAME, r"^[a-z][a-z0-9]{1,15}$");
re!(STREAM, r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$");
re!(CPU, r"^([0-9]+m|[0-9]+(\.[0-9]{1,3})?)$");
re!(MEMORY, r"^[0-9]+(Ki|Mi|Gi|Ti|K|M|G|T)?$");
re!(
    EMAIL,
    r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
);
re!(
    URL_HTTPS,
    r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$"
);
re!(URL_PATH, r"^/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*$");
// An exact chart version: helm provider v3 errors when the version it resolves differs from the
// configured one ("Planned version is different from configured version"), so no range, and no
// pre-release either (the modules' variables.tf validate the same pattern). The optional `v` is
// cert-manager's own spelling; helm trims it before comparing.
re!(CHART_VERSION, r"^v?[0-9]+\.[0-9]+\.[0-9]+$");

/// Regions this stack deploys to: RDB, Redis and Object Storage all exist in each.
pub const REGIONS: &[&str] = &["fr-par", "nl-ams", "pl-waw"];
pub const PG_ENGINES: &[&str] = &["PostgreSQL-15", "PostgreSQL-16", "PostgreSQL-17"];
pub const REDIS_VERSIONS: &[&str] = &["8.4.0", "7.2.11"];
pub const REDIS_NODE_TYPES: &[&str] = &[
    "RED1-MICRO",
    "RED1-XS",
    "RED1-S",
    "RED1-M",
    "RED1-L",
    "RED1-XL",
];
pub const K8S_MINORS: &[&str] = &["1.33", "1.34", "1.35"];
pub const K8S_INELIGIBLE_NODES: &[&str] = &["DEV1-S", "PLAY2-PICO", "STARDUST1-S"];
/// The CNIs the kubernetes_cluster module accepts (the provider only warns on others, and `none`
/// would leave the cluster without pod networking).
pub const CNIS: &[&str] = &["cilium", "cilium_native", "calico"];
/// Redis sizes the apps' single `rediss://` URL works with: cluster mode (3+) needs a
/// cluster-aware client fed with every node.
pub const REDIS_CLUSTER_SIZES: &[u32] = &[1, 2];
pub const RDB_VOLUME_TYPES: &[&str] = &["sbs_5k", "sbs_15k", "lssd"];
pub const STATE_BACKENDS: &[&str] = &["s3", "local"];
/// Kapsule's default service CIDR: a Private Network overlapping it breaks in-cluster routing.
pub const KAPSULE_SERVICE_CIDR: &str = "10.32.0.0/20";

fn one_of(value: &str, allowed: &[&str], what: &str) -> RuleResult {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "expected {what}: one of {}, got {value:?}",
            allowed.join(" | ")
        ))
    }
}

fn matches(re: &Regex, value: &str, expected: &str) -> RuleResult {
    if re.is_match(value) {
        Ok(())
    } else {
        Err(format!("expected {expected}, got {value:?}"))
    }
}

pub fn project_name(v: &str) -> RuleResult {
    matches(
        &PROJECT_NAME,
        v,
        "a lowercase name of 2-21 characters (^[a-z][a-z0-9-]{1,20}$)",
    )
}

pub fn env_name(v: &str) -> RuleResult {
    matches(
        &ENV_NAME,
        v,
        "an environment name of 2-10 lowercase letters/digits (^[a-z][a-z0-9]{1,9}$)",
    )
}

pub fn region(v: &str) -> RuleResult {
    one_of(v, REGIONS, "a Scaleway region")
}

pub fn state_backend(v: &str) -> RuleResult {
    one_of(v, STATE_BACKENDS, "a state backend")
}

pub fn state_key(v: &str) -> RuleResult {
    if v.is_empty() || v.starts_with('/') || v.contains("//") || v.chars().any(char::is_whitespace)
    {
        Err(format!("expected an object key like \"mobi/dev/terraform.tfstate\" (no leading /, no spaces), got {v:?}"))
    } else {
        Ok(())
    }
}

/// Bucket names are global across Scaleway, DNS-safe, and never IP-shaped; dots are refused
/// because they break the `*.s3.<region>.scw.cloud` TLS wildcard.
pub fn bucket_name(v: &str) -> RuleResult {
    let expected = "a bucket name of 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit";
    if v.parse::<Ipv4Addr>().is_ok() {
        return Err(format!("expected {expected}, not an IP address, got {v:?}"));
    }
    if v.contains('.') {
        return Err(format!(
            "expected {expected} (no dots: they break the S3 TLS wildcard), got {v:?}"
        ));
    }
    if v.contains("--") {
        return Err(format!(
            "expected {expected} (no consecutive hyphens), got {v:?}"
        ));
    }
    matches(&BUCKET, v, expected)
}

/// Media and frontend bucket names are prefixes: the tree appends `-` and 6 hex digits (a random
/// suffix kept in the state) so the name is unique across Scaleway, leaving 56 characters.
pub fn bucket_prefix(v: &str) -> RuleResult {
    bucket_name(v)?;
    if v.len() > 56 {
        return Err(format!(
            "expected a bucket name prefix of at most 56 characters (a 7-character suffix makes it unique), got {} characters",
            v.len()
        ));
    }
    Ok(())
}

/// The environment's Private Network prefix (notes §5): RFC1918, /20 to /28, the network address
/// itself, clear of Kapsule's service CIDR.
pub fn private_cidr(v: &str) -> RuleResult {
    let net: Ipv4Net = v
        .parse()
        .map_err(|_| format!("expected an IPv4 CIDR such as \"172.16.0.0/22\", got {v:?}"))?;
    if net.network() != net.addr() {
        return Err(format!(
            "expected the network address of the prefix ({}/{}), got {v:?}",
            net.network(),
            net.prefix_len()
        ));
    }
    let reserved = [
        ("0.0.0.0/8", "reserved (this network)"),
        ("127.0.0.0/8", "reserved (loopback)"),
        (
            "100.64.0.0/10",
            "reserved (carrier-grade NAT, used by Kapsule pods)",
        ),
        ("169.254.0.0/16", "reserved (link-local)"),
        ("224.0.0.0/4", "reserved (multicast)"),
        ("240.0.0.0/4", "reserved"),
    ];
    for (cidr, why) in reserved {
        let r: Ipv4Net = cidr.parse().expect("static CIDR");
        if r.contains(&net) || net.contains(&r) {
            return Err(format!("expected an RFC1918 prefix; {v} is {why}"));
        }
    }
    let rfc1918: [Ipv4Net; 3] = [
        "10.0.0.0/8".parse().expect("static CIDR"),
        "172.16.0.0/12".parse().expect("static CIDR"),
        "192.168.0.0/16".parse().expect("static CIDR"),
    ];
    if !rfc1918.iter().any(|r| r.contains(&net)) {
        return Err(format!(
            "expected an RFC1918 prefix (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16), got {v:?}"
        ));
    }
    if !(20..=28).contains(&net.prefix_len()) {
        return Err(format!(
            "expected a prefix length from /20 to /28 (Private Network sizes), got /{}",
            net.prefix_len()
        ));
    }
    let svc: Ipv4Net = KAPSULE_SERVICE_CIDR.parse().expect("static CIDR");
    if svc.contains(&net.network()) || net.contains(&svc.network()) {
        return Err(format!(
            "expected a prefix that does not overlap Kapsule's service CIDR {KAPSULE_SERVICE_CIDR}, got {v:?}"
        ));
    }
    Ok(())
}

/// An IPv4 network in CIDR notation with no host bits set (`203.0.113.0/24`, `198.51.100.7/32`).
pub fn ipv4_cidr(v: &str) -> RuleResult {
    match v.parse::<Ipv4Net>() {
        Ok(n) if n.network() == n.addr() => Ok(()),
        Ok(n) => Err(format!(
            "expected a network address (host bits clear, e.g. {}), got {v:?}",
            n.trunc()
        )),
        Err(_) => Err(format!(
            "expected an IPv4 CIDR such as 203.0.113.0/24, got {v:?}"
        )),
    }
}

pub fn pg_engine(v: &str) -> RuleResult {
    one_of(v, PG_ENGINES, "a supported PostgreSQL engine")
}

pub fn rdb_node_type(v: &str) -> RuleResult {
    matches(
        &RDB_NODE,
        v,
        "a Managed Database node type such as \"DB-DEV-S\" or \"DB-PRO2-XXS\"",
    )
}

pub fn rdb_volume_type(v: &str) -> RuleResult {
    one_of(v, RDB_VOLUME_TYPES, "a database volume type")
}

pub fn pg_identifier(v: &str) -> RuleResult {
    matches(
        &PG_IDENT,
        v,
        "a PostgreSQL identifier (^[a-z_][a-z0-9_]{0,62}$)",
    )?;
    if ["postgres", "rdb_admin", "root", "admin", "_rdb"].contains(&v) {
        return Err(format!(
            "expected a name that Scaleway does not reserve, got {v:?}"
        ));
    }
    Ok(())
}

pub fn redis_version(v: &str) -> RuleResult {
    if v.starts_with("6.") || v.starts_with("7.0") {
        return Err(format!(
            "expected a supported Redis version: one of {} ({v} is end-of-life)",
            REDIS_VERSIONS.join(" | ")
        ));
    }
    one_of(v, REDIS_VERSIONS, "a supported Redis version")
}

pub fn redis_node_type(v: &str) -> RuleResult {
    one_of(v, REDIS_NODE_TYPES, "a Redis node type")
}

pub fn redis_user(v: &str) -> RuleResult {
    matches(
        &REDIS_USER,
        v,
        "a Redis user name of 1-63 letters, digits, -, $ or _ starting with a letter",
    )?;
    if v.starts_with("_rkv") || v == "scalewayadmin" || v == "metrics" {
        return Err(format!(
            "expected a user name Scaleway does not reserve, got {v:?}"
        ));
    }
    Ok(())
}

/// Kapsule runs with auto-upgrade on, which requires a minor version (`1.35`), never a patch.
pub fn k8s_version(v: &str) -> RuleResult {
    if !K8S_MINOR.is_match(v) {
        return Err(format!(
            "expected a Kubernetes minor version such as \"1.35\" (auto-upgrade needs x.y, not a patch), got {v:?}"
        ));
    }
    one_of(v, K8S_MINORS, "a Kapsule version")
}

pub fn k8s_node_type(v: &str) -> RuleResult {
    matches(
        &INSTANCE_NODE,
        v,
        "a Kapsule node type such as \"DEV1-M\" or \"PRO2-XS\"",
    )?;
    if K8S_INELIGIBLE_NODES.contains(&v) {
        return Err(format!(
            "expected a node type Kapsule accepts ({} are not eligible), got {v:?}",
            K8S_INELIGIBLE_NODES.join(", ")
        ));
    }
    Ok(())
}

pub fn cni(v: &str) -> RuleResult {
    one_of(v, CNIS, "a Kapsule CNI")
}

/// A repository reference as Docker parses it: lowercase path components, optional registry host.
pub fn image(v: &str) -> RuleResult {
    if v.contains('@') || v.rsplit('/').next().is_some_and(|last| last.contains(':')) {
        return Err(format!(
            "expected an image repository without tag or digest (the tag has its own field), got {v:?}"
        ));
    }
    matches(
        &IMAGE_REF,
        v,
        "an image repository such as \"rg.fr-par.scw.cloud/mobi/backend\"",
    )
}

pub fn docker_tag(v: &str) -> RuleResult {
    matches(
        &DOCKER_TAG,
        v,
        "a Docker tag of 1-128 characters [A-Za-z0-9_.-], not starting with . or -",
    )
}

/// A fully qualified DNS name: labels of 1-63 `[a-z0-9-]`, 253 characters in all, at least two labels.
pub fn hostname(v: &str) -> RuleResult {
    let expected = "a DNS name such as \"api.dev.mobi.example.com\" (lowercase labels of 1-63 [a-z0-9-], not starting or ending with -)";
    if v.is_empty() || v.len() > 253 || v.ends_with('.') {
        return Err(format!("expected {expected}, got {v:?}"));
    }
    let labels: Vec<&str> = v.split('.').collect();
    if labels.len() < 2 || !labels.iter().all(|l| DNS_LABEL.is_match(l)) {
        return Err(format!("expected {expected}, got {v:?}"));
    }
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(format!("expected {expected}, not an IP address, got {v:?}"));
    }
    Ok(())
}

pub fn worker_name(v: &str) -> RuleResult {
    matches(
        &WORKER_NAME,
        v,
        "a worker name of 2-16 lowercase letters/digits (^[a-z][a-z0-9]{1,15}$)",
    )
}

pub fn stream_name(v: &str) -> RuleResult {
    matches(&STREAM, v, "a Redis stream name of 1-64 [A-Za-z0-9._:-]")
}

pub fn cpu(v: &str) -> RuleResult {
    matches(
        &CPU,
        v,
        "a Kubernetes CPU quantity such as \"250m\" or \"1\"",
    )
}

pub fn memory(v: &str) -> RuleResult {
    matches(
        &MEMORY,
        v,
        "a Kubernetes memory quantity such as \"512Mi\" or \"1Gi\"",
    )
}

pub fn email(v: &str) -> RuleResult {
    matches(&EMAIL, v, "an e-mail address")
}

pub fn https_url(v: &str) -> RuleResult {
    matches(&URL_HTTPS, v, "an https:// URL")
}

pub fn url_path(v: &str) -> RuleResult {
    matches(&URL_PATH, v, "an absolute URL path such as \"/healthz\"")
}

pub fn chart_version(v: &str) -> RuleResult {
    matches(
        &CHART_VERSION,
        v,
        "an exact chart version x.y.z such as \"37.1.1\" (no range: helm refuses a resolved version that differs)",
    )
}

/// The provider validates `volume_size_in_gb` with `IntDivisibleBy(5)`.
pub fn rdb_volume_size(v: u64) -> RuleResult {
    in_range(v, 5, 10_000, "a volume size in GB")?;
    if !v.is_multiple_of(5) {
        return Err(format!(
            "expected a volume size in GB that is a multiple of 5 (the provider refuses others), got {v}"
        ));
    }
    Ok(())
}

pub fn redis_cluster_size(v: u64) -> RuleResult {
    if REDIS_CLUSTER_SIZES.iter().any(|&s| u64::from(s) == v) {
        Ok(())
    } else {
        Err(format!(
            "expected a cluster size of 1 (standalone) or 2 (high availability), got {v}: cluster mode (3+) needs a cluster-aware client the apps do not have"
        ))
    }
}

pub fn in_range(v: u64, min: u64, max: u64, what: &str) -> RuleResult {
    if (min..=max).contains(&v) {
        Ok(())
    } else {
        Err(format!("expected {what} from {min} to {max}, got {v}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_rules() {
        assert!(private_cidr("172.16.0.0/22").is_ok());
        assert!(private_cidr("192.168.10.0/24").is_ok());
        assert!(private_cidr("10.32.0.0/22")
            .unwrap_err()
            .contains("10.32.0.0/20"));
        assert!(private_cidr("10.0.0.0/16")
            .unwrap_err()
            .contains("/20 to /28"));
        assert!(private_cidr("100.64.0.0/22")
            .unwrap_err()
            .contains("carrier-grade"));
        assert!(private_cidr("8.8.8.0/24").unwrap_err().contains("RFC1918"));
        assert!(private_cidr("172.16.0.1/22")
            .unwrap_err()
            .contains("network address"));
    }

    #[test]
    fn docker_rules() {
        assert!(docker_tag("0.1.0").is_ok());
        assert!(docker_tag("v1_rc-2").is_ok());
        assert!(docker_tag(".hidden").is_err());
        assert!(docker_tag("-x").is_err());
        assert!(docker_tag(&"a".repeat(129)).is_err());
        assert!(image("rg.fr-par.scw.cloud/mobi/backend").is_ok());
        assert!(image("localhost:5000/a/b").is_ok());
        assert!(image("Mobi/Backend").is_err());
        assert!(image("mobi/backend:1.0").is_err());
    }

    #[test]
    fn dns_rules() {
        assert!(hostname("api.dev.mobi.example.com").is_ok());
        assert!(hostname("api_x.example.com").is_err());
        assert!(hostname("-a.example.com").is_err());
        assert!(hostname("localhost").is_err());
        assert!(hostname("10.0.0.1").is_err());
    }

    #[test]
    fn versions() {
        assert!(k8s_version("1.35").is_ok());
        assert!(k8s_version("1.35.3").is_err());
        assert!(redis_version("6.2.7").unwrap_err().contains("end-of-life"));
        assert!(pg_engine("PostgreSQL-14").is_err());
    }
}
