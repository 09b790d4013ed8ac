//! The provider and API rules that need code: CustomizeDiff / ModifyPlan decisions at plan time,
//! and what the Create/Update functions and Scaleway's or Kubernetes' APIs refuse at apply time.
//!
//! Each rule names its source in the finding's detail (provider file@tag:function, or "API
//! rule" with where the fact comes from), so a sandbox error says why a real run would fail.
//! Pure functions over msgpack values; IO (the cluster's namespaces) stays in
//! [`super::provider`], which acts on the returned [`ApplyVerdict`].

use rmpv::Value;

use super::api::{self, catalog, Listing, Verdict};
use super::judge::{Finding, Step};
use super::value::{get, is_unknown};

/// The provider block and the `SCW_*` environment, merged as the Scaleway provider does
/// (environment over provider block over built-in defaults).
#[derive(Debug, Clone, Default)]
pub struct ProviderConfig {
    pub organization_id: Option<String>,
    pub project_id: Option<String>,
    pub region: Option<String>,
    pub zone: Option<String>,
}

impl ProviderConfig {
    /// From the decoded `ConfigureProvider` configuration and this process's environment.
    pub fn from_config(config: &Value) -> ProviderConfig {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let cfg = |k: &str| text(get(config, k));
        ProviderConfig {
            organization_id: env("SCW_DEFAULT_ORGANIZATION_ID").or_else(|| cfg("organization_id")),
            project_id: env("SCW_DEFAULT_PROJECT_ID").or_else(|| cfg("project_id")),
            region: env("SCW_DEFAULT_REGION").or_else(|| cfg("region")),
            zone: env("SCW_DEFAULT_ZONE").or_else(|| cfg("zone")),
        }
    }

    /// The default region: configured, else derived from the zone, else `fr-par`.
    pub fn region(&self) -> String {
        self.region.clone().unwrap_or_else(|| {
            self.zone
                .as_deref()
                .and_then(|z| z.rsplit_once('-').map(|(r, _)| r.to_owned()))
                .unwrap_or_else(|| "fr-par".into())
        })
    }

    pub fn zone(&self) -> String {
        self.zone
            .clone()
            .unwrap_or_else(|| format!("{}-1", self.region()))
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Integer(i) => i.as_i64(),
        Value::F64(f) => Some(*f as i64),
        _ => None,
    }
}

fn boolean(v: Option<&Value>) -> Option<bool> {
    v.and_then(Value::as_bool)
}

/// The first element of a list block (`metadata[0]`, `auto_upgrade[0]`).
fn first<'a>(obj: &'a Value, block: &str) -> Option<&'a Value> {
    match get(obj, block)? {
        Value::Array(a) => a.first(),
        m @ Value::Map(_) => Some(m),
        _ => None,
    }
}

fn attr(name: &str) -> Vec<Step> {
    vec![Step::Attr(name.to_owned())]
}

fn nested(block: &str, name: &str) -> Vec<Step> {
    vec![
        Step::Attr(block.to_owned()),
        Step::Index(0),
        Step::Attr(name.to_owned()),
    ]
}

const SCW: &str = "terraform-provider-scaleway@v2.79.0";

// ---------------------------------------------------------------------------------------------
// Plan

/// What the plan-time rules decided for one resource.
#[derive(Debug, Default)]
pub struct PlanVerdict {
    pub findings: Vec<Finding>,
    /// Paths the CustomizeDiff forces a replacement on (beyond plain `ForceNew`).
    pub replace: Vec<Vec<Step>>,
    pub checks: usize,
}

/// CustomizeDiff / ModifyPlan rules of `type_name`. `prior` is `None` on create; `config` is
/// what the configuration says (the planned value of a computed attribute may come from state).
pub fn plan(
    type_name: &str,
    prior: Option<&Value>,
    proposed: &Value,
    config: &Value,
) -> PlanVerdict {
    let mut v = PlanVerdict::default();
    match type_name {
        "helm_release" => helm_version(config, &mut v),
        "scaleway_k8s_cluster" => k8s_cluster_version(proposed, &mut v),
        "scaleway_redis_cluster" => redis_cluster_size(prior, proposed, &mut v),
        _ => {}
    }
    v
}

/// helm v3 resolves the chart during plan and sets `version` to the chart's own version; a
/// configured version that differs (only a leading `v` is forgiven) fails the plan. Ranges such
/// as `^2.1.0` therefore never plan.
fn helm_version(proposed: &Value, v: &mut PlanVerdict) {
    let Some(cfg) = text(get(proposed, "version")) else {
        return;
    };
    v.checks += 1;
    let source =
        "terraform-provider-helm@v3.1.2 helm/resource_helm_release.go:ModifyPlan, versionsEqual";
    let chart = text(get(proposed, "chart")).unwrap_or_default();
    let local = std::path::Path::new(&chart).join("Chart.yaml");
    let resolved = if local.is_file() {
        // A local chart: its Chart.yaml is what helm loads.
        std::fs::read_to_string(&local).ok().and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("version:"))
                .map(|s| s.trim().trim_matches(['"', '\'']).to_owned())
        })
    } else {
        None
    };
    let trim = |s: &str| s.trim_start_matches('v').to_owned();
    let bad = match &resolved {
        Some(r) => trim(r) != trim(&cfg),
        None => !is_exact_semver(&trim(&cfg)),
    };
    if bad {
        let planned = resolved
            .clone()
            .unwrap_or_else(|| "the exact version the chart repository resolves it to".into());
        v.findings.push(Finding::error(
            attr("version"),
            "Planned version is different from configured version",
            format!(
                "The version in the configuration is {cfg:?} but the planned version is {planned}. \
                 You should update the version in your configuration to an exact chart version \
                 (helm compares the two literally).\n\nSandbox: {source}."
            ),
        ));
    }
}

fn is_exact_semver(s: &str) -> bool {
    let core = s.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Kapsule's CustomizeDiff: auto-upgrade takes a minor version `x.y`, a pinned cluster `x.y.z`.
fn k8s_cluster_version(proposed: &Value, v: &mut PlanVerdict) {
    let Some(version) = text(get(proposed, "version")) else {
        return;
    };
    v.checks += 1;
    let auto = first(proposed, "auto_upgrade")
        .and_then(|a| boolean(get(a, "enable")))
        .unwrap_or(false);
    let parts = version.split('.').count();
    let source = format!("{SCW} internal/services/k8s/cluster.go:CustomizeDiff");
    if auto && parts != 2 {
        v.findings.push(Finding::error(
            attr("version"),
            "only minor version x.y can be used with auto upgrade enabled",
            format!("version = {version:?} with auto_upgrade.enable = true.\n\nSandbox: {source}."),
        ));
    } else if !auto && parts == 2 {
        v.findings.push(Finding::error(
            attr("version"),
            "minor version x.y must only be used with auto upgrade enabled",
            format!(
                "version = {version:?} without auto_upgrade.enable = true (an absent auto_upgrade block counts as false).\n\nSandbox: {source}."
            ),
        ));
    }
}

/// Redis `cluster_size`: standalone → HA/cluster, or any shrink, replaces the cluster.
fn redis_cluster_size(prior: Option<&Value>, proposed: &Value, v: &mut PlanVerdict) {
    let Some(prior) = prior else { return };
    let (Some(old), Some(new)) = (
        int(get(prior, "cluster_size")),
        int(get(proposed, "cluster_size")),
    ) else {
        return;
    };
    v.checks += 1;
    if (old == 1 && new != 1) || new < old {
        v.replace.push(attr("cluster_size"));
    }
}

// ---------------------------------------------------------------------------------------------
// Apply

/// What the apply-time rules decided for one resource change.
#[derive(Debug, Default)]
pub struct ApplyVerdict {
    /// Errors stop the apply of this resource; warnings are passed on.
    pub findings: Vec<Finding>,
    /// Values the API sets instead of the planned ones (attribute path, value).
    pub state_fixes: Vec<(Vec<String>, Value)>,
    /// The object lives in this namespace, which must exist (message prefix for the error).
    pub needs_namespace: Option<(String, String)>,
    /// The apply creates this namespace.
    pub creates_namespace: Option<String>,
    /// The apply deletes this namespace.
    pub deletes_namespace: Option<String>,
    pub checks: usize,
}

impl ApplyVerdict {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| !f.warning)
    }
    fn error(&mut self, path: Vec<Step>, summary: impl Into<String>, detail: impl Into<String>) {
        self.findings.push(Finding::error(path, summary, detail));
    }
    fn warn(&mut self, path: Vec<Step>, summary: impl Into<String>, detail: impl Into<String>) {
        let mut f = Finding::error(path, summary, detail);
        f.warning = true;
        self.findings.push(f);
    }
    /// A catalogue verdict: refused → error, unverified → warning.
    fn catalogue(&mut self, path: Vec<Step>, what: &str, value: &str, l: &Listing) {
        self.checks += 1;
        match l.judge(value) {
            Verdict::Listed => {}
            Verdict::Refused { known, source } => self.error(
                path,
                format!("scaleway-sdk-go: invalid argument(s): {what} {value:?} is not available"),
                format!(
                    "Available: {}.\n\nSandbox: API rule, from {source}.",
                    known.join(", ")
                ),
            ),
            Verdict::Unverified { why } => self.warn(
                path,
                format!("Sandbox cannot confirm {what} {value:?}"),
                format!(
                    "{why}. A real run will tell; check the value against Scaleway's current offer.\n\nSandbox: API rule, catalogue incomplete."
                ),
            ),
        }
    }
}

/// The rules of `type_name` for an apply: `prior` is `None` on create, `planned` is `Nil` on
/// delete.
pub fn apply(
    type_name: &str,
    prior: Option<&Value>,
    planned: &Value,
    provider: &ProviderConfig,
) -> ApplyVerdict {
    let mut v = ApplyVerdict::default();
    let create = prior.is_none();
    if planned.is_nil() {
        if type_name == "kubernetes_namespace_v1" || type_name == "kubernetes_namespace" {
            v.deletes_namespace = prior
                .and_then(|p| first(p, "metadata"))
                .and_then(|m| text(get(m, "name")));
        }
        return v;
    }
    let region = text(get(planned, "region")).unwrap_or_else(|| provider.region());
    let zone = text(get(planned, "zone")).unwrap_or_else(|| provider.zone());
    // Locality the provider fills from its configuration when the resource does not say.
    for (name, value) in [("region", &region), ("zone", &zone)] {
        if get(planned, name).is_some_and(is_unknown) {
            v.state_fixes
                .push((vec![name.to_owned()], Value::from(value.as_str())));
        }
    }
    if type_name.starts_with("kubernetes_") {
        kubernetes_namespace(type_name, planned, create, &mut v);
    }
    match type_name {
        "helm_release" if create => {
            v.checks += 1;
            let ns = text(get(planned, "namespace")).unwrap_or_else(|| "default".into());
            if boolean(get(planned, "create_namespace")) == Some(true) {
                v.creates_namespace = Some(ns);
            } else {
                v.needs_namespace =
                    Some((ns, "installation failed: create: failed to create: ".into()));
            }
        }
        "scaleway_iam_application" | "scaleway_iam_policy" | "scaleway_account_project"
            if create =>
        {
            organization(type_name, planned, provider, &mut v)
        }
        "scaleway_rdb_instance" => rdb_instance(prior, planned, &region, create, &mut v),
        "scaleway_rdb_user" => {
            if let Some(p) = text(get(planned, "password")) {
                password_policy(&p, "scaleway_rdb_user", &mut v);
            }
        }
        "scaleway_redis_cluster" if create => redis_cluster(planned, &region, &mut v),
        "scaleway_k8s_cluster" if create => k8s_cluster(planned, &region, &mut v),
        "scaleway_k8s_pool" if create => k8s_pool(planned, &zone, &mut v),
        "scaleway_object_bucket" if create => {
            v.checks += 1;
            if let Some(name) = text(get(planned, "name")) {
                if let Some(why) = api::bucket_name_problem(&name) {
                    v.error(
                        attr("name"),
                        format!("InvalidBucketName: The specified bucket is not valid: {name:?}"),
                        format!(
                            "{why}.\n\nSandbox: API rule (Object Storage bucket naming, Scaleway FAQ; the provider does not check names)."
                        ),
                    );
                }
            }
        }
        _ => {}
    }
    v
}

fn kubernetes_namespace(type_name: &str, planned: &Value, create: bool, v: &mut ApplyVerdict) {
    let Some(meta) = first(planned, "metadata") else {
        return;
    };
    if type_name == "kubernetes_namespace_v1" || type_name == "kubernetes_namespace" {
        if create {
            v.creates_namespace = text(get(meta, "name"));
        }
        return;
    }
    if !create || get(meta, "namespace").is_none() {
        return;
    }
    v.checks += 1;
    let ns = text(get(meta, "namespace")).unwrap_or_else(|| "default".into());
    let name = text(get(meta, "name")).unwrap_or_default();
    let prefix = match type_name {
        "kubernetes_deployment_v1" | "kubernetes_deployment" => {
            "Failed to create deployment: ".into()
        }
        "kubernetes_ingress_v1" => format!("Failed to create Ingress '{ns}/{name}' because: "),
        _ => String::new(),
    };
    v.needs_namespace = Some((ns, prefix));
}

/// IAM creates: the provider sends `organization_id` as configured on the resource; the SDK
/// fills an empty one from the client's default organization (`SCW_DEFAULT_ORGANIZATION_ID`,
/// then the provider block), never from the project or the key. Empty after that, the API
/// refuses the request.
fn organization(type_name: &str, planned: &Value, provider: &ProviderConfig, v: &mut ApplyVerdict) {
    v.checks += 1;
    let own = get(planned, "organization_id");
    // An unknown here is the provider's own Computed fill-in: the request carried nothing.
    let configured = own.filter(|o| !is_unknown(o)).and_then(|o| text(Some(o)));
    if configured.is_some() || provider.organization_id.is_some() {
        return;
    }
    let file = match type_name {
        "scaleway_iam_application" => {
            "internal/services/iam/application.go:resourceIamApplicationCreate"
        }
        "scaleway_iam_policy" => "internal/services/iam/policy.go:resourceIamPolicyCreate",
        _ => "internal/services/account/project.go:resourceAccountProjectCreate",
    };
    v.error(
        attr("organization_id"),
        "scaleway-sdk-go: invalid argument(s): organization_id is required",
        format!(
            "{type_name} was sent with an empty organization_id: the resource sets none, \
             SCW_DEFAULT_ORGANIZATION_ID is not set and the provider block has no organization_id \
             (the provider never derives it from the project or the API key). Pass the project's \
             organization_id to the resource, or export SCW_DEFAULT_ORGANIZATION_ID.\n\n\
             Sandbox: API rule; the empty value comes from {SCW} {file} and scaleway-sdk-go \
             api/iam/v1alpha1 (default-organization fallback). The API's exact text is not recorded."
        ),
    );
}

/// Scaleway's database password policy (SDK doc of CreateInstance / CreateUser).
fn password_policy(p: &str, type_name: &str, v: &mut ApplyVerdict) {
    v.checks += 1;
    let n = p.chars().count();
    let ok = (8..=128).contains(&n)
        && p.chars().any(|c| c.is_ascii_digit())
        && p.chars().any(|c| c.is_ascii_uppercase())
        && p.chars().any(|c| c.is_ascii_lowercase())
        && p.chars().any(|c| !c.is_ascii_alphanumeric());
    if !ok {
        v.error(
            attr("password"),
            "scaleway-sdk-go: invalid argument(s): password does not respect constraint",
            format!(
                "{type_name}: a password has 8 to 128 characters with at least one digit, one \
                 uppercase letter, one lowercase letter and one special character (got {n} \
                 characters that miss a class).\n\nSandbox: API rule, scaleway-sdk-go api/rdb/v1 \
                 CreateInstanceRequest doc comment."
            ),
        );
    }
}

fn rdb_instance(
    prior: Option<&Value>,
    planned: &Value,
    region: &str,
    create: bool,
    v: &mut ApplyVerdict,
) {
    let c = catalog();
    let volume_type = text(get(planned, "volume_type")).unwrap_or_else(|| "lssd".into());
    let size = int(get(planned, "volume_size_in_gb"));
    if create {
        if let Some(p) = text(get(planned, "password")) {
            password_policy(&p, "scaleway_rdb_instance", v);
        }
        v.checks += 1;
        if volume_type == "lssd" && size.is_some_and(|s| s > 0) {
            v.error(
                attr("volume_size_in_gb"),
                "volume_size_in_gb should not be used with volume_type lssd",
                format!(
                    "Sandbox: {SCW} internal/services/rdb/instance.go:ResourceRdbInstanceCreate."
                ),
            );
        }
        if let Some(engine) = text(get(planned, "engine")) {
            match c.rdb_engines(region) {
                Some(l) => v.catalogue(attr("engine"), "engine", &engine, &l),
                None => v.warn(
                    attr("engine"),
                    format!("Sandbox cannot confirm engine {engine:?}"),
                    format!("No database-engines answer is recorded for region {region}.\n\nSandbox: API rule, catalogue incomplete."),
                ),
            }
        }
        if let Some(nt) = text(get(planned, "node_type")) {
            v.catalogue(
                attr("node_type"),
                "node_type",
                &nt,
                &c.rdb_node_types(region),
            );
        }
        return;
    }
    let Some(prior) = prior else { return };
    // Engine change: a major-upgrade workflow to one of the instance's upgradable versions.
    if let (Some(old), Some(new)) = (text(get(prior, "engine")), text(get(planned, "engine"))) {
        v.checks += 1;
        if !old.eq_ignore_ascii_case(&new) {
            if let Some(targets) = c.rdb_upgradable(&old) {
                if !targets.iter().any(|t| t.eq_ignore_ascii_case(&new)) {
                    v.error(
                        attr("engine"),
                        format!("engine version {new} is not available for upgrade from {old}. Available versions: [{}]", targets.join(" ")),
                        format!("Sandbox: {SCW} internal/services/rdb/instance.go:ResourceRdbInstanceUpdate (major upgrade workflow; targets from the recorded upgradable_version list)."),
                    );
                }
            }
        }
    }
    if let (Some(old), Some(new)) = (int(get(prior, "volume_size_in_gb")), size) {
        v.checks += 1;
        if new < old && volume_type != "lssd" {
            v.error(
                attr("volume_size_in_gb"),
                "volume_size_in_gb cannot be decreased",
                format!(
                    "Sandbox: {SCW} internal/services/rdb/instance.go:ResourceRdbInstanceUpdate."
                ),
            );
        }
    }
}

fn redis_cluster(planned: &Value, region: &str, v: &mut ApplyVerdict) {
    let c = catalog();
    if let Some(version) = text(get(planned, "version")) {
        v.catalogue(
            attr("version"),
            "version",
            &version,
            &c.redis_versions(region),
        );
    }
    if let Some(nt) = text(get(planned, "node_type")) {
        v.catalogue(
            attr("node_type"),
            "node_type",
            &nt,
            &c.redis_node_types(region),
        );
    }
    if let Some(p) = text(get(planned, "password")) {
        password_policy(&p, "scaleway_redis_cluster", v);
    }
}

fn k8s_cluster(planned: &Value, region: &str, v: &mut ApplyVerdict) {
    let Some(version) = text(get(planned, "version")) else {
        return;
    };
    v.checks += 1;
    let Some((versions, source)) = catalog().kapsule_versions(region) else {
        v.warn(
            attr("version"),
            format!("Sandbox cannot confirm Kubernetes version {version:?}"),
            format!("No Kapsule version list is recorded for region {region}.\n\nSandbox: API rule, catalogue incomplete."),
        );
        return;
    };
    let minor = version.split('.').count() == 2;
    let found = versions.iter().find(|kv| {
        if minor {
            kv.name.starts_with(&format!("{version}."))
        } else {
            kv.name == version
        }
    });
    let names: Vec<&str> = versions.iter().map(|kv| kv.name.as_str()).collect();
    let Some(found) = found else {
        v.error(
            attr("version"),
            if minor {
                format!("no available upstream version found for {version}")
            } else {
                format!("scaleway-sdk-go: invalid argument(s): version {version:?} is not available")
            },
            format!(
                "Kapsule offers {} in {region}.\n\nSandbox: {SCW} internal/services/k8s/helpers_k8s.go:k8sGetLatestVersionFromMinor; versions from the recorded API answer {source}.",
                names.join(", ")
            ),
        );
        return;
    };
    if let Some(cni) = text(get(planned, "cni")) {
        v.checks += 1;
        if !found.cnis.iter().any(|c| c == &cni) {
            v.error(
                attr("cni"),
                format!("scaleway-sdk-go: invalid argument(s): cni {cni:?} is not available for version {}", found.name),
                format!("Available CNIs: {}.\n\nSandbox: API rule, recorded version list {source}.", found.cnis.join(", ")),
            );
        }
    }
}

fn k8s_pool(planned: &Value, zone: &str, v: &mut ApplyVerdict) {
    let c = catalog();
    let node_type = text(get(planned, "node_type"));
    if let Some(nt) = &node_type {
        v.catalogue(
            attr("node_type"),
            "node_type",
            nt,
            &c.kapsule_node_types(zone),
        );
    }
    // validateRootVolumeSpecs: only when the node type is in the zone's Instance catalogue.
    let size = int(get(planned, "root_volume_size_in_gb"));
    if let (Some(nt), Some(size)) = (&node_type, size) {
        v.checks += 1;
        let known = c
            .instance_type(zone, nt)
            .is_some_and(|t| t.get("volumes_constraint").is_some());
        if known && size < 20 {
            v.error(
                attr("root_volume_size_in_gb"),
                format!(
                    "Invalid root volume size: requested size must be at least 20GB, got: {size},"
                ),
                format!("Sandbox: {SCW} internal/services/k8s/pool.go:validateRootVolumeSpecs."),
            );
        }
    }
    // upgrade_policy: zero values are read with GetOk and not sent; the API's defaults apply.
    if let Some(up) = first(planned, "upgrade_policy") {
        v.checks += 1;
        if int(get(up, "max_unavailable")) == Some(0) {
            v.state_fixes.push((
                vec!["upgrade_policy".into(), "max_unavailable".into()],
                Value::from(1),
            ));
        }
    }
    let _ = nested; // kept for rules on nested blocks
}

// ---------------------------------------------------------------------------------------------
// Data sources

/// What a data-source read decided: errors, and attributes the API answers with.
#[derive(Debug, Default)]
pub struct ReadVerdict {
    pub findings: Vec<Finding>,
    pub values: Vec<(String, Value)>,
    pub checks: usize,
}

/// API answers for the data sources whose values the tree derives things from.
pub fn read_data(type_name: &str, config: &Value, provider: &ProviderConfig) -> ReadVerdict {
    let mut v = ReadVerdict::default();
    match type_name {
        "scaleway_k8s_version" => k8s_version(config, provider, &mut v),
        "scaleway_account_project" => {
            v.checks += 1;
            let by_name =
                text(get(config, "name")).is_some() && text(get(config, "project_id")).is_none();
            // The API answers with the project's own organization and name (setProjectState),
            // even though the schema leaves both Optional: what the tree derives from them must
            // be realistic.
            // The project's own organization: the API knows it whatever the environment says,
            // so the sandbox derives a stable one from the project rather than echo a setting.
            let org = text(get(config, "organization_id")).unwrap_or_else(|| {
                let seed = text(get(config, "project_id"))
                    .or_else(|| provider.project_id.clone())
                    .unwrap_or_default();
                super::value::uuid_from_seed(&format!("organization of {seed}"))
            });
            v.values.push(("organization_id".into(), Value::from(org)));
            if text(get(config, "name")).is_none() {
                v.values.push(("name".into(), Value::from("default")));
            }
            if by_name
                && text(get(config, "organization_id")).is_none()
                && provider.organization_id.is_none()
            {
                v.findings.push(Finding::error(
                    attr("organization_id"),
                    "organization_id is required with name",
                    format!("Sandbox: {SCW} internal/services/account/project_data_source.go:DataSourceAccountProjectRead."),
                ));
            }
        }
        "scaleway_cockpit_grafana" => {
            let project = text(get(config, "project_id"))
                .or_else(|| provider.project_id.clone())
                .unwrap_or_else(|| "00000000-0000-4000-8000-000000000000".into());
            v.values.push((
                "grafana_url".into(),
                Value::from(format!(
                    "https://{project}.dashboard.cockpit.{}.scw.cloud",
                    provider.region()
                )),
            ));
        }
        _ => {}
    }
    v
}

fn k8s_version(config: &Value, provider: &ProviderConfig, v: &mut ReadVerdict) {
    let Some(name) = text(get(config, "name")) else {
        return;
    };
    v.checks += 1;
    let region = text(get(config, "region")).unwrap_or_else(|| provider.region());
    let source =
        format!("{SCW} internal/services/k8s/k8s_version_data_source.go:DataSourceK8SVersionRead");
    let Some((versions, recorded)) = catalog().kapsule_versions(&region) else {
        if name.split('.').count() != 3 && name != "latest" {
            v.findings.push(Finding::error(
                attr("name"),
                format!("version name must contain 3 parts, got {name:?}"),
                format!("The data source asks the API for the version by its full name x.y.z.\n\nSandbox: {source}."),
            ));
        }
        return;
    };
    let found = if name == "latest" {
        versions.first()
    } else {
        versions.iter().find(|kv| kv.name == name)
    };
    let Some(kv) = found else {
        let names: Vec<&str> = versions.iter().map(|k| k.name.as_str()).collect();
        v.findings.push(Finding::error(
            attr("name"),
            format!("scaleway-sdk-go: http error 404 Not Found: version {name:?} not found in region {region}"),
            format!(
                "GET /k8s/v1/regions/{region}/versions/{name} answers only full names (x.y.z): {}. \
                 For a minor version, give it to scaleway_k8s_cluster.version directly (with \
                 auto_upgrade) — the cluster resolves it.\n\nSandbox: {source}; versions from {recorded}.",
                names.join(", ")
            ),
        ));
        return;
    };
    let minor: Vec<&str> = kv.name.split('.').take(2).collect();
    let list = |xs: &[String]| Value::Array(xs.iter().map(|x| Value::from(x.as_str())).collect());
    v.values = vec![
        ("id".into(), Value::from(format!("{region}/{}", kv.name))),
        ("name".into(), Value::from(kv.name.as_str())),
        ("major_minor_only".into(), Value::from(minor.join("."))),
        ("region".into(), Value::from(region.as_str())),
        ("available_cnis".into(), list(&kv.cnis)),
        ("available_container_runtimes".into(), list(&kv.runtimes)),
        ("available_feature_gates".into(), list(&kv.feature_gates)),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (Value::from(k), v))
                .collect(),
        )
    }

    #[test]
    fn helm_ranges_fail_the_plan_and_exact_versions_pass() {
        let cfg = obj(vec![
            ("chart", Value::from("k8s-monitoring")),
            ("version", Value::from("^2.1.0")),
        ]);
        let bad = plan("helm_release", None, &cfg, &cfg);
        assert_eq!(
            bad.findings[0].summary,
            "Planned version is different from configured version"
        );
        let cfg = obj(vec![
            ("chart", Value::from("k8s-monitoring")),
            ("version", Value::from("v2.1.4")),
        ]);
        let good = plan("helm_release", None, &cfg, &cfg);
        assert!(good.findings.is_empty());
    }

    #[test]
    fn minor_k8s_version_name_is_not_found_and_full_one_answers_catalogue_values() {
        let p = ProviderConfig::default();
        let bad = read_data(
            "scaleway_k8s_version",
            &obj(vec![("name", Value::from("1.35"))]),
            &p,
        );
        assert!(
            bad.findings[0].summary.contains("404"),
            "{:?}",
            bad.findings
        );
        let good = read_data(
            "scaleway_k8s_version",
            &obj(vec![("name", Value::from("latest"))]),
            &p,
        );
        assert!(good.findings.is_empty());
        let mm = good
            .values
            .iter()
            .find(|(k, _)| k == "major_minor_only")
            .unwrap();
        assert_eq!(mm.1.as_str(), Some("1.35"));
    }

    #[test]
    fn iam_without_any_organization_fails_and_with_one_passes() {
        let p = ProviderConfig::default();
        let planned = obj(vec![("organization_id", super::super::value::unknown())]);
        let v = apply("scaleway_iam_application", None, &planned, &p);
        assert!(v.has_errors());
        let with = obj(vec![(
            "organization_id",
            Value::from("11111111-1111-4111-8111-111111111111"),
        )]);
        assert!(!apply("scaleway_iam_application", None, &with, &p).has_errors());
        let env = ProviderConfig {
            organization_id: Some("x".into()),
            ..Default::default()
        };
        assert!(!apply("scaleway_iam_policy", None, &planned, &env).has_errors());
    }

    #[test]
    fn redis_standalone_to_ha_replaces_and_growing_ha_does_not() {
        let one = obj(vec![("cluster_size", Value::from(1))]);
        let two = obj(vec![("cluster_size", Value::from(2))]);
        let three = obj(vec![("cluster_size", Value::from(3))]);
        assert_eq!(
            plan("scaleway_redis_cluster", Some(&one), &two, &two)
                .replace
                .len(),
            1
        );
        assert!(plan("scaleway_redis_cluster", Some(&two), &three, &three)
            .replace
            .is_empty());
        assert_eq!(
            plan("scaleway_redis_cluster", Some(&three), &two, &two)
                .replace
                .len(),
            1
        );
    }

    #[test]
    fn password_policy_and_pool_root_volume() {
        let p = ProviderConfig::default();
        let weak = obj(vec![("password", Value::from("aaaaaaaaaaaa"))]);
        assert!(apply("scaleway_rdb_user", None, &weak, &p).has_errors());
        let strong = obj(vec![("password", Value::from("Aa1!aaaaaaaa"))]);
        assert!(!apply("scaleway_rdb_user", None, &strong, &p).has_errors());
        let pool = obj(vec![
            ("node_type", Value::from("DEV1-M")),
            ("zone", Value::from("fr-par-1")),
            ("root_volume_size_in_gb", Value::from(10)),
        ]);
        let v = apply("scaleway_k8s_pool", None, &pool, &p);
        assert!(v
            .findings
            .iter()
            .any(|f| f.summary.contains("at least 20GB")));
    }
}
