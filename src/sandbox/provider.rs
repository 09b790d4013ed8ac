//! The stand-in provider: the tfplugin6 `Provider` service over the embedded schema.
//!
//! Terraform core does every check the schema allows (unknown or missing arguments, types,
//! nesting). What the real provider decides beyond it is applied here from the vendored
//! behaviour facts and rules: validators and argument constraints at validate time
//! ([`super::judge`]), forced replacement, plan-time defaults and CustomizeDiff/ModifyPlan rules
//! at plan time, and the API's answers at apply and read time ([`super::rules`],
//! [`super::api`], [`super::cluster`]).

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use magma_protocol::tfplugin6 as pb;
use pb::provider_server::Provider;
use rmpv::Value;
use tonic::{Request, Response, Status};

use super::behaviour::{self, Kind, ProviderFacts};
use super::catalog::ProviderInfo;
use super::cluster::{Cluster, NAMESPACE_CREATE_TIME};
use super::judge::{self, Finding, Step};
use super::rules::{self, ProviderConfig};
use super::schema::{ProviderSchema, SchemaDef, Ty};
use super::services;
use super::value::{self, Faker, Fill};

/// One provider served by this process.
pub struct SandboxProvider {
    info: &'static ProviderInfo,
    /// The JSON schema parsed, for provider functions only (rarely called).
    schema: OnceLock<Result<Arc<ProviderSchema>, String>>,
    /// The schema answer, decoded from the on-disk cache or built once (see `schema_cache`).
    proto: OnceLock<Result<Arc<pb::get_provider_schema::Response>, String>>,
    /// Definitions converted from the answer so far.
    defs: Mutex<std::collections::HashMap<(String, String), SchemaDef>>,
    /// Simulated latency of an apply (a quarter of it for a plan), so progress displays and
    /// interrupts can be exercised.
    latency: Duration,
    /// Fired by `StopProvider`, so long simulated applies end early like real ones would.
    stop: Arc<tokio::sync::Notify>,
    /// The provider's behaviour facts, parsed on first use.
    facts: OnceLock<ProviderFacts>,
    /// The provider block merged with the `SCW_*` environment (set by `ConfigureProvider`).
    config: Mutex<ProviderConfig>,
    /// The env's cluster (namespaces), when the workspace named the env's sandbox folder.
    cluster: Option<Cluster>,
}

/// A finding as a protocol diagnostic, at its attribute path.
fn diagnostic(f: &Finding) -> pb::Diagnostic {
    use pb::attribute_path::step::Selector;
    let steps = f
        .path
        .iter()
        .map(|s| pb::attribute_path::Step {
            selector: Some(match s {
                Step::Attr(a) => Selector::AttributeName(a.clone()),
                Step::Index(i) => Selector::ElementKeyInt(*i),
                Step::Key(k) => Selector::ElementKeyString(k.clone()),
            }),
        })
        .collect::<Vec<_>>();
    pb::Diagnostic {
        severity: if f.warning {
            pb::diagnostic::Severity::Warning
        } else {
            pb::diagnostic::Severity::Error
        } as i32,
        summary: f.summary.clone(),
        detail: f.detail.clone(),
        attribute: (!steps.is_empty()).then_some(pb::AttributePath { steps }),
    }
}

fn has_error(d: &[pb::Diagnostic]) -> bool {
    d.iter()
        .any(|d| d.severity == pb::diagnostic::Severity::Error as i32)
}

/// Sets `path` in an object value (only through maps and the first element of lists); a missing
/// key is left alone. Shared with the data plane, which puts real endpoints into state.
pub(crate) fn set_path<S: AsRef<str>>(v: &mut Value, path: &[S], new: Value) {
    let Some((head, tail)) = path.split_first() else {
        *v = new;
        return;
    };
    let target = match v {
        Value::Array(items) => match items.first_mut() {
            Some(first) => first,
            None => return,
        },
        other => other,
    };
    if let Value::Map(entries) = target {
        if let Some((_, child)) = entries
            .iter_mut()
            .find(|(k, _)| k.as_str() == Some(head.as_ref()))
        {
            set_path(child, tail, new);
        }
    }
}

/// File in the env's sandbox folder where provider processes count the checks they applied.
pub const CHECKS_FILE: &str = "checks.log";

fn error(summary: impl Into<String>, detail: impl Into<String>) -> pb::Diagnostic {
    pb::Diagnostic {
        severity: pb::diagnostic::Severity::Error as i32,
        summary: summary.into(),
        detail: detail.into(),
        attribute: None,
    }
}

fn dv(v: &Value) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: value::encode(v),
        json: Vec::new(),
    })
}

/// Decodes a `DynamicValue` (msgpack, or JSON for the odd client that sends it).
fn decode_dv(d: Option<&pb::DynamicValue>, ty_block: Option<&SchemaDef>) -> Result<Value, String> {
    match d {
        None => Ok(Value::Nil),
        Some(d) if !d.msgpack.is_empty() => value::decode(&d.msgpack),
        Some(d) if !d.json.is_empty() => {
            let j: serde_json::Value =
                serde_json::from_slice(&d.json).map_err(|e| format!("invalid JSON value: {e}"))?;
            Ok(ty_block.map_or(Value::Nil, |s| value::json_to_block(&s.block, &j)))
        }
        Some(_) => Ok(Value::Nil),
    }
}

/// A response that carries diagnostics. Every per-type handler answers through it: the shared
/// first half ([`SandboxProvider::decode`]) fails into [`Diagnosed::with`], and the operations
/// the sandbox refuses answer with [`refuse`].
trait Diagnosed: Default {
    fn diagnostics(&mut self) -> &mut Vec<pb::Diagnostic>;

    /// This answer, with one more diagnostic.
    fn with(mut self, d: pb::Diagnostic) -> Response<Self> {
        self.diagnostics().push(d);
        Response::new(self)
    }
}

macro_rules! diagnosed {
    ($($op:ident),* $(,)?) => {$(
        impl Diagnosed for pb::$op::Response {
            fn diagnostics(&mut self) -> &mut Vec<pb::Diagnostic> {
                &mut self.diagnostics
            }
        }
    )*};
}

diagnosed!(
    validate_resource_config,
    validate_data_resource_config,
    upgrade_resource_state,
    upgrade_resource_identity,
    plan_resource_change,
    apply_resource_change,
    import_resource_state,
    move_resource_state,
    read_data_source,
    generate_resource_config,
    open_ephemeral_resource,
);

type Res<T> = Result<Response<T>, Status>;

/// An operation the sandbox does not do: one error diagnostic, the rest of the answer empty.
fn refuse<R: Diagnosed>(summary: impl Into<String>, detail: impl Into<String>) -> Response<R> {
    R::default().with(error(summary, detail))
}

/// The raw msgpack of a value (the fakers seed on it), empty when there is none.
fn msgpack(d: Option<&pb::DynamicValue>) -> &[u8] {
    d.map(|c| c.msgpack.as_slice()).unwrap_or_default()
}

/// The names of a schema map, sorted (`GetMetadata` lists them in a stable order).
fn sorted<'a>(names: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut v: Vec<String> = names.cloned().collect();
    v.sort();
    v
}

/// The operations whose answer never depends on the request: the `unimplemented` ones (state
/// stores, actions) and those accepted with an empty answer. tonic's generated trait has no
/// default methods, so each would otherwise be the same six lines. This writes the signature
/// `#[tonic::async_trait]` gives an `async fn` (the attribute passes macro calls through).
macro_rules! fixed_answers {
    ($($op:ident($req:ty) -> $resp:ty => $answer:expr;)*) => {$(
        fn $op<'life0, 'async_trait>(
            &'life0 self,
            _: Request<$req>,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Res<$resp>> + Send + 'async_trait>,
        >
        where
            'life0: 'async_trait,
            Self: 'async_trait,
        {
            Box::pin(async { $answer })
        }
    )*};
}

impl SandboxProvider {
    pub fn new(info: &'static ProviderInfo, latency: Duration) -> SandboxProvider {
        SandboxProvider {
            info,
            schema: OnceLock::new(),
            proto: OnceLock::new(),
            defs: Mutex::new(Default::default()),
            latency,
            stop: Arc::new(tokio::sync::Notify::new()),
            facts: OnceLock::new(),
            config: Mutex::new(ProviderConfig::from_config(&Value::Nil)),
            cluster: Cluster::from_env(),
        }
    }

    fn facts(&self) -> &ProviderFacts {
        self.facts.get_or_init(|| {
            behaviour::load(self.info.type_name).unwrap_or_else(|e| {
                eprintln!("mobi-tui sandbox: {e}");
                ProviderFacts::default()
            })
        })
    }

    fn provider_config(&self) -> ProviderConfig {
        self.config.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Counts the checks a request evaluated, for `mobi-tui validate`'s closing line. Providers
    /// are separate short-lived processes, so they append to one file in the env's folder.
    fn record_checks(&self, stage: &str, n: usize) {
        if n == 0 {
            return;
        }
        if let Some(dir) = super::cluster::sandbox_dir_from_env() {
            use std::io::Write as _;
            let path = dir.join(CHECKS_FILE);
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
            {
                let _ = writeln!(f, "{stage} {n}");
            }
        }
    }

    /// The shared first half of every per-type handler: the type's definition, and the request's
    /// values decoded against it (in order; the first that does not decode is the error, with
    /// `invalid` as its summary). The handler answers the error with [`Diagnosed::with`].
    fn decode<const N: usize>(
        &self,
        kind: &str,
        type_name: &str,
        values: [Option<&pb::DynamicValue>; N],
        invalid: &str,
    ) -> Result<(SchemaDef, [Value; N]), pb::Diagnostic> {
        let def = self.resource(kind, type_name)?;
        let decoded = values.map(|v| decode_dv(v, Some(&def)));
        if let Some(e) = decoded.iter().find_map(|d| d.as_ref().err()) {
            return Err(error(invalid, e.clone()));
        }
        Ok((def, decoded.map(|d| d.unwrap_or(Value::Nil))))
    }

    /// Validate-time judgement of one configuration (resource or data source). A type or value
    /// the sandbox cannot read is left to Terraform core: no diagnostics.
    fn validate_config<R: Diagnosed>(
        &self,
        kind: Kind,
        type_name: &str,
        config: Option<&pb::DynamicValue>,
    ) -> Response<R> {
        let kind_name = if kind == Kind::Data {
            "data source"
        } else {
            "resource"
        };
        let mut resp = R::default();
        let Ok((_, [config])) = self.decode(kind_name, type_name, [config], "") else {
            return Response::new(resp);
        };
        let out = resp.diagnostics();
        let mut checks = 0;
        if let Some(facts) = self.facts().get(kind, type_name) {
            let j = judge::validate(facts, &config, self.info.type_name);
            checks += j.checks;
            out.extend(j.findings.iter().map(diagnostic));
        }
        if self.info.type_name == "random" && kind == Kind::Resource {
            for (path, summary, detail) in super::random::validate(type_name, &config) {
                let f = Finding::error(
                    path.split('.').map(|s| Step::Attr(s.to_owned())).collect(),
                    summary,
                    detail,
                );
                out.push(diagnostic(&f));
            }
            checks += 1;
        }
        self.record_checks("validate", checks);
        Response::new(resp)
    }

    /// The parsed schema (an error message if the embedded file is unreadable).
    fn schema(&self) -> Result<Arc<ProviderSchema>, String> {
        self.schema
            .get_or_init(|| {
                ProviderSchema::load(self.info)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
    }

    /// The `GetProviderSchema` answer, from the on-disk cache when it has one.
    fn proto(&self) -> Result<Arc<pb::get_provider_schema::Response>, String> {
        self.proto
            .get_or_init(|| super::schema_cache::response(self.info).map(Arc::new))
            .clone()
    }

    /// The definition of one resource, data source or ephemeral resource, converted from the
    /// protocol answer on first use (a launch needs a handful, never all of them).
    fn resource(&self, kind: &str, type_name: &str) -> Result<SchemaDef, pb::Diagnostic> {
        let key = (kind.to_owned(), type_name.to_owned());
        if let Some(def) = self.defs.lock().ok().and_then(|d| d.get(&key).cloned()) {
            return Ok(def);
        }
        let proto = self
            .proto()
            .map_err(|s| error("Sandbox schema unavailable", s))?;
        let map = match kind {
            "data source" => &proto.data_source_schemas,
            "ephemeral resource" => &proto.ephemeral_resource_schemas,
            _ => &proto.resource_schemas,
        };
        let unknown = || {
            error(
                format!("Unknown {kind} type"),
                format!(
                    "The sandbox {} provider has no {kind} named {type_name:?}.",
                    self.info.type_name
                ),
            )
        };
        let def = SchemaDef::from_proto(map.get(type_name).ok_or_else(unknown)?)
            .map_err(|e| error("Sandbox schema unreadable", e))?;
        if let Ok(mut d) = self.defs.lock() {
            d.insert(key, def.clone());
        }
        Ok(def)
    }

    /// The data plane's part of an apply (see [`super::services`]): the real service is
    /// created, changed or removed, and its endpoint written into `state`. `Ok(true)` when the
    /// state now differs from the plan; an error is the service's refusal, as a diagnostic.
    async fn data_plane(
        &self,
        type_name: &str,
        prior: &Value,
        state: &mut Value,
    ) -> Result<bool, pb::Diagnostic> {
        if self.info.type_name != "scaleway" || !services::resources::backs(type_name) {
            return Ok(false);
        }
        let Some(services) = services::Services::from_env() else {
            return Ok(false);
        };
        services::resources::apply(&services, type_name, prior, state)
            .await
            .map_err(|e| {
                error(
                    format!("sandbox data plane: {e}"),
                    format!("The local service backing this {type_name} refused the change (see DIR/.mobi/sandbox/<env>/services/ and `mobi-tui sandbox status`)."),
                )
            })
    }

    async fn simulate(&self, fraction: u32) {
        let d = self.latency / fraction;
        if !d.is_zero() {
            tokio::select! {
                _ = tokio::time::sleep(d) => {}
                _ = self.stop.notified() => {}
            }
        }
    }
}

/// `region/id` -> `id`, as the real `id_from_*` functions do.
fn strip_location(id: &str) -> &str {
    id.split_once('/').map_or(id, |(_, rest)| rest)
}

/// `fr-par-1/id` -> `fr-par`, `fr-par/id` -> `fr-par`.
fn region_of(id: &str) -> String {
    let loc = id.split_once('/').map_or(id, |(l, _)| l);
    match loc.rsplit_once('-') {
        Some((region, n)) if n.chars().all(|c| c.is_ascii_digit()) && region.contains('-') => {
            region.to_owned()
        }
        _ => loc.to_owned(),
    }
}

#[tonic::async_trait]
impl Provider for SandboxProvider {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Res<pb::get_metadata::Response> {
        use pb::get_metadata as m;
        let s = self.proto().map_err(Status::internal)?;
        Ok(Response::new(m::Response {
            server_capabilities: Some(super::schema::server_capabilities()),
            resources: sorted(s.resource_schemas.keys())
                .into_iter()
                .map(|type_name| m::ResourceMetadata { type_name })
                .collect(),
            data_sources: sorted(s.data_source_schemas.keys())
                .into_iter()
                .map(|type_name| m::DataSourceMetadata { type_name })
                .collect(),
            ephemeral_resources: sorted(s.ephemeral_resource_schemas.keys())
                .into_iter()
                .map(|type_name| m::EphemeralMetadata { type_name })
                .collect(),
            functions: sorted(s.functions.keys())
                .into_iter()
                .map(|name| m::FunctionMetadata { name })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Res<pb::get_provider_schema::Response> {
        Ok(Response::new(
            self.proto().map_err(Status::internal)?.as_ref().clone(),
        ))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Res<pb::validate_resource_config::Response> {
        let req = req.into_inner();
        Ok(self.validate_config(Kind::Resource, &req.type_name, req.config.as_ref()))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Res<pb::validate_data_resource_config::Response> {
        let req = req.into_inner();
        Ok(self.validate_config(Kind::Data, &req.type_name, req.config.as_ref()))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Res<pb::upgrade_resource_state::Response> {
        let req = req.into_inner();
        let mut resp = pb::upgrade_resource_state::Response::default();
        let (def, []) = match self.decode("resource", &req.type_name, [], "") {
            Ok(x) => x,
            Err(d) => return Ok(resp.with(d)),
        };
        let raw = req.raw_state.unwrap_or_default();
        if raw.json.is_empty() {
            if !raw.flatmap.is_empty() {
                return Ok(resp.with(error(
                    "Legacy state not supported",
                    "The sandbox reads only JSON resource state; delete the sandbox state and apply again.",
                )));
            }
            return Ok(Response::new(resp));
        }
        match serde_json::from_slice::<serde_json::Value>(&raw.json) {
            Ok(j) => resp.upgraded_state = dv(&value::json_to_block(&def.block, &j)),
            Err(e) => resp.diagnostics.push(error(
                "Unreadable resource state",
                format!("{}: {e}", req.type_name),
            )),
        }
        Ok(Response::new(resp))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Res<pb::configure_provider::Response> {
        let req = req.into_inner();
        let provider = self.proto().ok().and_then(|p| {
            p.provider
                .as_ref()
                .and_then(|s| SchemaDef::from_proto(s).ok())
        });
        if let Some(provider) = provider {
            if let Ok(config) = decode_dv(req.config.as_ref(), Some(&provider)) {
                if let Ok(mut c) = self.config.lock() {
                    *c = ProviderConfig::from_config(&config);
                }
            }
        }
        Ok(Response::new(Default::default()))
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Res<pb::read_resource::Response> {
        // Nothing drifts in the sandbox: the state is what was applied.
        let req = req.into_inner();
        Ok(Response::new(pb::read_resource::Response {
            new_state: req.current_state,
            private: req.private,
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Res<pb::plan_resource_change::Response> {
        self.simulate(4).await;
        let req = req.into_inner();
        let mut resp = pb::plan_resource_change::Response {
            planned_private: req.prior_private.clone(),
            ..Default::default()
        };
        let values = [req.proposed_new_state.as_ref(), req.prior_state.as_ref()];
        let (def, [proposed, prior]) =
            match self.decode("resource", &req.type_name, values, "Invalid plan request") {
                Ok(x) => x,
                Err(d) => return Ok(resp.with(d)),
            };
        let prior = (!prior.is_nil()).then_some(&prior);
        if proposed.is_nil() {
            // A destroy plan.
            resp.planned_state = dv(&proposed);
            return Ok(Response::new(resp));
        }
        let mut planned = value::plan(&def.block, proposed.clone(), prior);
        let facts = self.facts().get(Kind::Resource, &req.type_name);
        // Plan-time defaults: the SDK fills an unset attribute with its `Default`.
        if let Some(facts) = facts {
            for a in facts.attrs.iter().filter(|a| a.path.len() == 1) {
                let (Some(d), Some(v)) = (&a.default, value::get(&planned, &a.path[0])) else {
                    continue;
                };
                if value::is_unknown(v) {
                    let dflt = value::json_to_ty(&value::attr_type(&def.block, &a.path[0]), d);
                    set_path(&mut planned, &a.path, dflt);
                }
            }
        }
        let config = decode_dv(req.config.as_ref(), Some(&def)).unwrap_or(Value::Nil);
        let verdict = rules::plan(&req.type_name, prior, &planned, &config);
        resp.diagnostics
            .extend(verdict.findings.iter().map(diagnostic));
        let mut replace = verdict.replace;
        if let (Some(prior), Some(facts)) = (prior, facts) {
            for p in judge::requires_replace(facts, prior, &planned) {
                if !replace.contains(&p) {
                    replace.push(p);
                }
            }
        }
        self.record_checks("plan", verdict.checks + usize::from(facts.is_some()));
        resp.requires_replace = replace
            .iter()
            .map(|p| {
                diagnostic(&Finding::error(p.clone(), "", ""))
                    .attribute
                    .unwrap_or_default()
            })
            .collect();
        resp.planned_state = dv(&planned);
        Ok(Response::new(resp))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Res<pb::apply_resource_change::Response> {
        self.simulate(1).await;
        let req = req.into_inner();
        let mut resp = pb::apply_resource_change::Response {
            private: req.planned_private.clone(),
            ..Default::default()
        };
        let values = [req.planned_state.as_ref(), req.prior_state.as_ref()];
        let (def, [mut planned, prior]) =
            match self.decode("resource", &req.type_name, values, "Invalid apply request") {
                Ok(x) => x,
                Err(d) => return Ok(resp.with(d)),
            };
        let prior_ref = (!prior.is_nil()).then_some(&prior);
        let verdict = rules::apply(&req.type_name, prior_ref, &planned, &self.provider_config());
        self.record_checks("apply", verdict.checks);
        resp.diagnostics
            .extend(verdict.findings.iter().map(diagnostic));
        if let Some(ns) = &verdict.deletes_namespace {
            if let Some(c) = &self.cluster {
                let _ = c.remove_namespace(ns);
            }
        }
        if let (Some((ns, prefix)), Some(c)) = (&verdict.needs_namespace, &self.cluster) {
            if !c.has_namespace(ns) {
                resp.diagnostics.push(error(
                    format!("{prefix}namespaces \"{ns}\" not found"),
                    format!(
                        "The Kubernetes API refuses objects in a namespace that does not exist (NamespaceLifecycle admission), and the provider does not wait for it: make this resource depend on the namespace it is created in.\n\nSandbox: API rule (Kubernetes API server), {} behaviour facts.",
                        self.info.type_name
                    ),
                ));
            }
        }
        if has_error(&resp.diagnostics) {
            // The API refused the change: the object keeps its prior state.
            resp.new_state = req.prior_state.clone();
            return Ok(Response::new(resp));
        }
        if let (Some(ns), Some(c)) = (&verdict.creates_namespace, &self.cluster) {
            tokio::time::sleep(NAMESPACE_CREATE_TIME).await;
            let _ = c.add_namespace(ns);
        }
        if planned.is_nil() {
            if let Err(e) = self.data_plane(&req.type_name, &prior, &mut planned).await {
                resp.new_state = req.prior_state.clone();
                return Ok(resp.with(e));
            }
            resp.new_state = dv(&planned);
            return Ok(Response::new(resp));
        }
        let legacy = !verdict.state_fixes.is_empty();
        for (path, v) in verdict.state_fixes {
            set_path(&mut planned, &path, v);
        }
        if self.info.type_name == "random" && prior.is_nil() {
            match super::random::apply_create(&req.type_name, planned.clone()) {
                Ok(v) => planned = v,
                Err(e) => {
                    resp.new_state = None;
                    return Ok(resp.with(error(
                        e,
                        "Sandbox: terraform-provider-random@v3.9.0 Create.",
                    )));
                }
            }
        }
        let faker = Faker::new(&req.type_name, msgpack(req.config.as_ref()), &planned);
        let mut state = value::fill(&def.block, planned, &faker, Fill::Unknowns);
        let served = match self.data_plane(&req.type_name, &prior, &mut state).await {
            Ok(changed) => changed,
            Err(e) => {
                resp.new_state = req.prior_state.clone();
                return Ok(resp.with(e));
            }
        };
        resp.new_state = dv(&state);
        // SDKv2 providers declare the legacy type system, under which Terraform accepts
        // a value the API chose instead of the planned one (and shows the drift later).
        resp.legacy_type_system = legacy || served;
        Ok(Response::new(resp))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Res<pb::import_resource_state::Response> {
        let req = req.into_inner();
        Ok(refuse(
            "Import is not available in the sandbox",
            format!(
                "The sandbox {} provider has no real objects to import {} {:?} from; \
                 remove the import block or run against the real provider.",
                self.info.type_name, req.type_name, req.id
            ),
        ))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Res<pb::read_data_source::Response> {
        let req = req.into_inner();
        let mut resp = pb::read_data_source::Response::default();
        let invalid = "Invalid data source request";
        let (def, [config]) = match self.decode(
            "data source",
            &req.type_name,
            [req.config.as_ref()],
            invalid,
        ) {
            Ok(x) => x,
            Err(d) => return Ok(resp.with(d)),
        };
        let verdict = rules::read_data(&req.type_name, &config, &self.provider_config());
        self.record_checks("read", verdict.checks);
        resp.diagnostics
            .extend(verdict.findings.iter().map(diagnostic));
        if has_error(&resp.diagnostics) {
            return Ok(Response::new(resp));
        }
        let faker = Faker::new(&req.type_name, msgpack(req.config.as_ref()), &config);
        let mut state = value::fill(&def.block, config, &faker, Fill::UnknownsAndComputedNulls);
        for (name, v) in verdict.values {
            set_path(&mut state, &[name], v);
        }
        resp.state = dv(&state);
        Ok(Response::new(resp))
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> Res<pb::open_ephemeral_resource::Response> {
        let req = req.into_inner();
        let mut resp = pb::open_ephemeral_resource::Response::default();
        let invalid = "Invalid ephemeral resource request";
        let (def, [config]) = match self.decode(
            "ephemeral resource",
            &req.type_name,
            [req.config.as_ref()],
            invalid,
        ) {
            Ok(x) => x,
            Err(d) => return Ok(resp.with(d)),
        };
        let faker = Faker::new(&req.type_name, msgpack(req.config.as_ref()), &config);
        let fill = Fill::UnknownsAndComputedNulls;
        resp.result = dv(&value::fill(&def.block, config, &faker, fill));
        Ok(Response::new(resp))
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Res<pb::renew_ephemeral_resource::Response> {
        Ok(Response::new(pb::renew_ephemeral_resource::Response {
            private: req.into_inner().private,
            ..Default::default()
        }))
    }

    type ListResourceStream = futures::stream::Empty<Result<pb::list_resource::Event, Status>>;

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> Res<pb::get_functions::Response> {
        Ok(Response::new(pb::get_functions::Response {
            functions: self.proto().map_err(Status::internal)?.functions.clone(),
            diagnostics: Vec::new(),
        }))
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> Res<pb::call_function::Response> {
        let req = req.into_inner();
        let fail = |text: String| {
            Response::new(pb::call_function::Response {
                result: None,
                error: Some(pb::FunctionError {
                    text,
                    function_argument: None,
                }),
            })
        };
        let schema = self.schema().map_err(Status::internal)?;
        let Some(def) = schema.functions.get(&req.name) else {
            return Ok(fail(format!(
                "The sandbox provider has no function {:?}.",
                req.name
            )));
        };
        let mut args = Vec::new();
        for a in &req.arguments {
            match value::decode(&a.msgpack) {
                Ok(v) => args.push(v),
                Err(e) => return Ok(fail(e)),
            }
        }
        let first = args
            .first()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let result = match req.name.as_str() {
            n if n.starts_with("id_from_") => Value::from(strip_location(&first)),
            n if n.starts_with("region_from_") => Value::from(region_of(&first)),
            "manifest_encode" => Value::from("# sandbox manifest\n"),
            _ => match &def.ret {
                // An empty object is a plausible decoded manifest and needs no YAML parser.
                Ty::Dynamic if req.name == "manifest_decode_multi" => Value::Array(vec![
                    Value::Binary(br#"["tuple",[]]"#.to_vec()),
                    Value::Array(vec![]),
                ]),
                Ty::Dynamic => Value::Array(vec![
                    Value::Binary(br#"["object",{}]"#.to_vec()),
                    Value::Map(vec![]),
                ]),
                ty => {
                    let seed: Vec<u8> = req
                        .arguments
                        .iter()
                        .flat_map(|a| a.msgpack.clone())
                        .collect();
                    Faker::new(&req.name, &seed, &Value::Nil).fake(ty, &req.name, "")
                }
            },
        };
        Ok(Response::new(pb::call_function::Response {
            result: dv(&result),
            error: None,
        }))
    }

    type ReadStateBytesStream =
        futures::stream::Empty<Result<pb::read_state_bytes::Response, Status>>;

    type InvokeActionStream = futures::stream::Empty<Result<pb::invoke_action::Event, Status>>;

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Res<pb::stop_provider::Response> {
        self.stop.notify_waiters();
        Ok(Response::new(Default::default()))
    }

    // Accepted with an empty answer: there is nothing to check or to release.
    fixed_answers! {
        validate_provider_config(pb::validate_provider_config::Request)
            -> pb::validate_provider_config::Response
            => Ok(Response::new(Default::default()));
        get_resource_identity_schemas(pb::get_resource_identity_schemas::Request)
            -> pb::get_resource_identity_schemas::Response
            => Ok(Response::new(Default::default()));
        validate_ephemeral_resource_config(pb::validate_ephemeral_resource_config::Request)
            -> pb::validate_ephemeral_resource_config::Response
            => Ok(Response::new(Default::default()));
        close_ephemeral_resource(pb::close_ephemeral_resource::Request)
            -> pb::close_ephemeral_resource::Response
            => Ok(Response::new(Default::default()));
        validate_list_resource_config(pb::validate_list_resource_config::Request)
            -> pb::validate_list_resource_config::Response
            => Ok(Response::new(Default::default()));
        // List resources are not declared in the served schema, so Terraform never asks.
        list_resource(pb::list_resource::Request)
            -> Self::ListResourceStream => Ok(Response::new(futures::stream::empty()));
    }

    // Refused with a diagnostic Terraform shows: the sandbox has no real objects behind them.
    fixed_answers! {
        upgrade_resource_identity(pb::upgrade_resource_identity::Request)
            -> pb::upgrade_resource_identity::Response => Ok(refuse(
                "Resource identity not supported",
                "The sandbox declares no identity schemas.",
            ));
        move_resource_state(pb::move_resource_state::Request)
            -> pb::move_resource_state::Response
            => Ok(refuse("Moving state is not available in the sandbox", ""));
        generate_resource_config(pb::generate_resource_config::Request)
            -> pb::generate_resource_config::Response
            => Ok(refuse("Config generation is not available in the sandbox", ""));
    }

    // State stores and actions are not declared in the served schema either.
    fixed_answers! {
        validate_state_store_config(pb::validate_state_store::Request)
            -> pb::validate_state_store::Response => Err(no_state_stores());
        configure_state_store(pb::configure_state_store::Request)
            -> pb::configure_state_store::Response => Err(no_state_stores());
        read_state_bytes(pb::read_state_bytes::Request)
            -> Self::ReadStateBytesStream => Err(no_state_stores());
        write_state_bytes(tonic::Streaming<pb::write_state_bytes::RequestChunk>)
            -> pb::write_state_bytes::Response => Err(no_state_stores());
        lock_state(pb::lock_state::Request) -> pb::lock_state::Response => Err(no_state_stores());
        unlock_state(pb::unlock_state::Request)
            -> pb::unlock_state::Response => Err(no_state_stores());
        get_states(pb::get_states::Request) -> pb::get_states::Response => Err(no_state_stores());
        delete_state(pb::delete_state::Request)
            -> pb::delete_state::Response => Err(no_state_stores());
        plan_action(pb::plan_action::Request) -> pb::plan_action::Response => Err(no_actions());
        invoke_action(pb::invoke_action::Request)
            -> Self::InvokeActionStream => Err(no_actions());
        validate_action_config(pb::validate_action_config::Request)
            -> pb::validate_action_config::Response => Err(no_actions());
    }
}

fn no_state_stores() -> Status {
    Status::unimplemented("the sandbox serves no state stores")
}

fn no_actions() -> Status {
    Status::unimplemented("the sandbox serves no actions")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_functions_strip_and_find_location() {
        assert_eq!(strip_location("fr-par/abc"), "abc");
        assert_eq!(strip_location("abc"), "abc");
        assert_eq!(region_of("fr-par-1/abc"), "fr-par");
        assert_eq!(region_of("nl-ams/abc"), "nl-ams");
    }
}
