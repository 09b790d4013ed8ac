//! Provider schemas: the JSON of `terraform providers schema -json`, parsed into a small typed
//! model, and converted to the plugin-protocol `Schema` messages.
//!
//! Why a model of our own instead of converting JSON straight to protobuf: the value logic (plan,
//! apply, upgrade) walks the same schema, and it needs typed access (nesting modes, flags, the
//! cty type of each attribute). Conversion to the protocol is then a faithful one-to-one mapping,
//! which matters because Terraform core does all the checking of configurations against what we
//! serve: a lost `min_items` or nesting mode would silently accept configurations the real
//! provider refuses.

use std::collections::BTreeMap;
use std::io::Read;

use magma_protocol::tfplugin6 as pb;
use serde_json::Value as Json;

use super::catalog::ProviderInfo;
use super::SandboxError;

/// A cty type, as written in schema JSON (`"string"`, `["list", "string"]`, ...).
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    String,
    Number,
    Bool,
    /// `dynamic`: values travel as `[type JSON, value]` pairs.
    Dynamic,
    List(Box<Ty>),
    Set(Box<Ty>),
    Map(Box<Ty>),
    Object(BTreeMap<String, Ty>),
    Tuple(Vec<Ty>),
}

impl Ty {
    /// Parses the cty JSON type notation. Unknown notations are an error, not `dynamic`, so a
    /// schema file we cannot read is noticed instead of served wrongly.
    pub fn from_json(j: &Json) -> Result<Ty, String> {
        match j {
            Json::String(s) => match s.as_str() {
                "string" => Ok(Ty::String),
                "number" => Ok(Ty::Number),
                "bool" => Ok(Ty::Bool),
                "dynamic" => Ok(Ty::Dynamic),
                other => Err(format!("unknown primitive type {other:?}")),
            },
            Json::Array(a) => {
                let kind = a.first().and_then(Json::as_str).unwrap_or_default();
                let arg = a
                    .get(1)
                    .ok_or_else(|| format!("type {j} lacks its argument"))?;
                match kind {
                    "list" => Ok(Ty::List(Box::new(Ty::from_json(arg)?))),
                    "set" => Ok(Ty::Set(Box::new(Ty::from_json(arg)?))),
                    "map" => Ok(Ty::Map(Box::new(Ty::from_json(arg)?))),
                    "object" => {
                        let attrs = arg
                            .as_object()
                            .ok_or_else(|| format!("bad object type {j}"))?;
                        let mut out = BTreeMap::new();
                        for (k, v) in attrs {
                            out.insert(k.clone(), Ty::from_json(v)?);
                        }
                        Ok(Ty::Object(out))
                    }
                    "tuple" => {
                        let elems = arg
                            .as_array()
                            .ok_or_else(|| format!("bad tuple type {j}"))?;
                        Ok(Ty::Tuple(
                            elems.iter().map(Ty::from_json).collect::<Result<_, _>>()?,
                        ))
                    }
                    other => Err(format!("unknown type constructor {other:?}")),
                }
            }
            _ => Err(format!("unreadable type {j}")),
        }
    }

    /// The cty JSON notation, as the protocol carries it in `Attribute.type`.
    pub fn to_json(&self) -> Json {
        match self {
            Ty::String => Json::from("string"),
            Ty::Number => Json::from("number"),
            Ty::Bool => Json::from("bool"),
            Ty::Dynamic => Json::from("dynamic"),
            Ty::List(e) => Json::Array(vec!["list".into(), e.to_json()]),
            Ty::Set(e) => Json::Array(vec!["set".into(), e.to_json()]),
            Ty::Map(e) => Json::Array(vec!["map".into(), e.to_json()]),
            Ty::Object(attrs) => {
                let m = attrs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect();
                Json::Array(vec!["object".into(), Json::Object(m)])
            }
            Ty::Tuple(elems) => Json::Array(vec![
                "tuple".into(),
                Json::Array(elems.iter().map(Ty::to_json).collect()),
            ]),
        }
    }
}

/// Nesting of a nested attribute (`nested_type.nesting_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjNesting {
    Single,
    List,
    Set,
    Map,
}

/// Nesting of a nested block (`block_types.*.nesting_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockNesting {
    Single,
    List,
    Set,
    Map,
    /// Like `single`, but the block is never null: absent means all attributes null.
    Group,
}

/// What an attribute holds: a plain cty type, or nested attributes (never both: Terraform
/// refuses a schema with "Type and NestedType cannot both be set").
#[derive(Debug, Clone, PartialEq)]
pub enum AttrKind {
    Typed(Ty),
    Nested {
        nesting: ObjNesting,
        attrs: Vec<Attr>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub name: String,
    pub kind: AttrKind,
    pub description: String,
    pub markdown: bool,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub deprecated: bool,
    pub write_only: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BlockType {
    pub name: String,
    pub nesting: BlockNesting,
    pub min_items: i64,
    pub max_items: i64,
    pub block: Block,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    pub attrs: Vec<Attr>,
    pub blocks: Vec<BlockType>,
    pub description: String,
    pub markdown: bool,
    pub deprecated: bool,
}

/// A versioned schema: provider configuration, resource, data source or ephemeral resource.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SchemaDef {
    pub version: i64,
    pub block: Block,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub ty: Ty,
    pub allow_null: bool,
    pub allow_unknown: bool,
    pub description: String,
    pub markdown: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    pub params: Vec<Param>,
    pub variadic: Option<Param>,
    pub ret: Ty,
    pub summary: String,
    pub description: String,
    pub markdown: bool,
    pub deprecation_message: String,
}

/// Everything one provider declares that the sandbox serves.
///
/// Resource identity, list resources and actions are left out on purpose: Terraform 1.11 does not
/// use them, and declaring identity schemas would oblige every response to carry identity data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProviderSchema {
    pub provider: SchemaDef,
    pub resources: BTreeMap<String, SchemaDef>,
    pub data_sources: BTreeMap<String, SchemaDef>,
    pub ephemeral_resources: BTreeMap<String, SchemaDef>,
    pub functions: BTreeMap<String, FunctionDef>,
}

impl ProviderSchema {
    /// Decompresses and parses the embedded schema of one provider.
    pub fn load(info: &ProviderInfo) -> Result<ProviderSchema, SandboxError> {
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(info.schema_gz())
            .read_to_end(&mut text)
            .map_err(|e| SandboxError::Schema(format!("{}: {e}", info.type_name)))?;
        let json: Json = serde_json::from_slice(&text)
            .map_err(|e| SandboxError::Schema(format!("{}: {e}", info.type_name)))?;
        let address = info.address();
        let provider = json
            .get("provider_schemas")
            .and_then(|p| p.get(&address))
            .ok_or_else(|| SandboxError::Schema(format!("{address} missing from its schema")))?;
        Self::from_json(provider).map_err(|e| SandboxError::Schema(format!("{address}: {e}")))
    }

    /// Parses one entry of `provider_schemas`.
    pub fn from_json(p: &Json) -> Result<ProviderSchema, String> {
        let schemas = |key: &str| -> Result<BTreeMap<String, SchemaDef>, String> {
            let mut out = BTreeMap::new();
            if let Some(m) = p.get(key).and_then(Json::as_object) {
                for (name, s) in m {
                    out.insert(
                        name.clone(),
                        schema_def(s).map_err(|e| format!("{key}.{name}: {e}"))?,
                    );
                }
            }
            Ok(out)
        };
        let mut functions = BTreeMap::new();
        if let Some(m) = p.get("functions").and_then(Json::as_object) {
            for (name, f) in m {
                functions.insert(
                    name.clone(),
                    function_def(f).map_err(|e| format!("functions.{name}: {e}"))?,
                );
            }
        }
        Ok(ProviderSchema {
            provider: match p.get("provider") {
                Some(s) => schema_def(s).map_err(|e| format!("provider: {e}"))?,
                None => SchemaDef::default(),
            },
            resources: schemas("resource_schemas")?,
            data_sources: schemas("data_source_schemas")?,
            ephemeral_resources: schemas("ephemeral_resource_schemas")?,
            functions,
        })
    }

    /// The whole `GetProviderSchema` answer.
    pub fn to_proto(&self) -> pb::get_provider_schema::Response {
        let conv = |m: &BTreeMap<String, SchemaDef>| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.to_proto()))
                .collect::<std::collections::HashMap<_, _>>()
        };
        pb::get_provider_schema::Response {
            provider: Some(self.provider.to_proto()),
            resource_schemas: conv(&self.resources),
            data_source_schemas: conv(&self.data_sources),
            ephemeral_resource_schemas: conv(&self.ephemeral_resources),
            functions: self.functions_proto(),
            server_capabilities: Some(server_capabilities()),
            ..Default::default()
        }
    }

    /// Functions in protocol form (served by both `GetProviderSchema` and `GetFunctions`).
    pub fn functions_proto(&self) -> std::collections::HashMap<String, pb::Function> {
        self.functions
            .iter()
            .map(|(k, f)| (k.clone(), f.to_proto()))
            .collect()
    }
}

/// What the stand-in announces beyond the minimum, as the real providers at the pinned tags do:
/// destroy plans go through `PlanResourceChange` (harmless, it returns null), and
/// `GetProviderSchema` is optional — the plugin framework and the mux servers the four real
/// providers are built on announce it, and Terraform then reuses the schema it read once per
/// command instead of asking every provider it starts again (the kubernetes schema is 2.5 MB
/// on the wire each time).
pub fn server_capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: false,
    }
}

fn str_field(j: &Json, key: &str) -> String {
    j.get(key)
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn bool_field(j: &Json, key: &str) -> bool {
    j.get(key).and_then(Json::as_bool).unwrap_or(false)
}

fn is_markdown(j: &Json) -> bool {
    j.get("description_kind").and_then(Json::as_str) == Some("markdown")
}

fn schema_def(j: &Json) -> Result<SchemaDef, String> {
    Ok(SchemaDef {
        version: j.get("version").and_then(Json::as_i64).unwrap_or(0),
        block: match j.get("block") {
            Some(b) => block(b)?,
            None => Block::default(),
        },
    })
}

fn block(j: &Json) -> Result<Block, String> {
    let mut attrs = Vec::new();
    if let Some(m) = j.get("attributes").and_then(Json::as_object) {
        for (name, a) in m {
            attrs.push(attr(name, a).map_err(|e| format!("{name}: {e}"))?);
        }
    }
    let mut blocks = Vec::new();
    if let Some(m) = j.get("block_types").and_then(Json::as_object) {
        for (name, b) in m {
            let nesting = match b.get("nesting_mode").and_then(Json::as_str) {
                Some("single") => BlockNesting::Single,
                Some("list") => BlockNesting::List,
                Some("set") => BlockNesting::Set,
                Some("map") => BlockNesting::Map,
                Some("group") => BlockNesting::Group,
                other => return Err(format!("{name}: unknown block nesting {other:?}")),
            };
            blocks.push(BlockType {
                name: name.clone(),
                nesting,
                min_items: b.get("min_items").and_then(Json::as_i64).unwrap_or(0),
                max_items: b.get("max_items").and_then(Json::as_i64).unwrap_or(0),
                block: match b.get("block") {
                    Some(inner) => block(inner).map_err(|e| format!("{name}.{e}"))?,
                    None => Block::default(),
                },
            });
        }
    }
    Ok(Block {
        attrs,
        blocks,
        description: str_field(j, "description"),
        markdown: is_markdown(j),
        deprecated: bool_field(j, "deprecated"),
    })
}

fn attr(name: &str, j: &Json) -> Result<Attr, String> {
    let kind = if let Some(nt) = j.get("nested_type") {
        let nesting = match nt.get("nesting_mode").and_then(Json::as_str) {
            Some("single") => ObjNesting::Single,
            Some("list") => ObjNesting::List,
            Some("set") => ObjNesting::Set,
            Some("map") => ObjNesting::Map,
            other => return Err(format!("unknown attribute nesting {other:?}")),
        };
        let mut attrs = Vec::new();
        if let Some(m) = nt.get("attributes").and_then(Json::as_object) {
            for (n, a) in m {
                attrs.push(attr(n, a).map_err(|e| format!("{n}: {e}"))?);
            }
        }
        AttrKind::Nested { nesting, attrs }
    } else {
        let t = j.get("type").ok_or("neither type nor nested_type")?;
        AttrKind::Typed(Ty::from_json(t)?)
    };
    Ok(Attr {
        name: name.to_owned(),
        kind,
        description: str_field(j, "description"),
        markdown: is_markdown(j),
        required: bool_field(j, "required"),
        optional: bool_field(j, "optional"),
        computed: bool_field(j, "computed"),
        sensitive: bool_field(j, "sensitive"),
        deprecated: bool_field(j, "deprecated"),
        write_only: bool_field(j, "write_only"),
    })
}

fn param(j: &Json) -> Result<Param, String> {
    Ok(Param {
        name: str_field(j, "name"),
        ty: Ty::from_json(j.get("type").ok_or("parameter without type")?)?,
        allow_null: bool_field(j, "is_nullable"),
        allow_unknown: bool_field(j, "allow_unknown_values"),
        description: str_field(j, "description"),
        markdown: is_markdown(j),
    })
}

fn function_def(j: &Json) -> Result<FunctionDef, String> {
    let mut params = Vec::new();
    for p in j
        .get("parameters")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        params.push(param(p)?);
    }
    Ok(FunctionDef {
        params,
        variadic: j.get("variadic_parameter").map(param).transpose()?,
        ret: Ty::from_json(j.get("return_type").ok_or("function without return_type")?)?,
        summary: str_field(j, "summary"),
        description: str_field(j, "description"),
        markdown: is_markdown(j),
        deprecation_message: str_field(j, "deprecation_message"),
    })
}

fn kind(markdown: bool) -> i32 {
    if markdown {
        pb::StringKind::Markdown as i32
    } else {
        pb::StringKind::Plain as i32
    }
}

impl SchemaDef {
    pub fn to_proto(&self) -> pb::Schema {
        pb::Schema {
            version: self.version,
            block: Some(self.block.to_proto(self.version)),
        }
    }
}

impl Block {
    fn to_proto(&self, version: i64) -> pb::schema::Block {
        pb::schema::Block {
            version,
            attributes: self.attrs.iter().map(Attr::to_proto).collect(),
            block_types: self.blocks.iter().map(BlockType::to_proto).collect(),
            description: self.description.clone(),
            description_kind: kind(self.markdown),
            deprecated: self.deprecated,
            deprecation_message: String::new(),
        }
    }
}

impl BlockType {
    fn to_proto(&self) -> pb::schema::NestedBlock {
        use pb::schema::nested_block::NestingMode as N;
        let nesting = match self.nesting {
            BlockNesting::Single => N::Single,
            BlockNesting::List => N::List,
            BlockNesting::Set => N::Set,
            BlockNesting::Map => N::Map,
            BlockNesting::Group => N::Group,
        };
        pb::schema::NestedBlock {
            type_name: self.name.clone(),
            block: Some(self.block.to_proto(0)),
            nesting: nesting as i32,
            min_items: self.min_items,
            max_items: self.max_items,
        }
    }
}

impl Attr {
    fn to_proto(&self) -> pb::schema::Attribute {
        use pb::schema::object::NestingMode as N;
        let (ty, nested_type) = match &self.kind {
            // Type stays empty when nested_type is set: Terraform refuses both.
            AttrKind::Nested { nesting, attrs } => {
                let nesting = match nesting {
                    ObjNesting::Single => N::Single,
                    ObjNesting::List => N::List,
                    ObjNesting::Set => N::Set,
                    ObjNesting::Map => N::Map,
                };
                #[allow(deprecated)]
                let obj = pb::schema::Object {
                    attributes: attrs.iter().map(Attr::to_proto).collect(),
                    nesting: nesting as i32,
                    min_items: 0,
                    max_items: 0,
                };
                (Vec::new(), Some(obj))
            }
            AttrKind::Typed(t) => (t.to_json().to_string().into_bytes(), None),
        };
        pb::schema::Attribute {
            name: self.name.clone(),
            r#type: ty,
            nested_type,
            description: self.description.clone(),
            required: self.required,
            optional: self.optional,
            computed: self.computed,
            sensitive: self.sensitive,
            description_kind: kind(self.markdown),
            deprecated: self.deprecated,
            write_only: self.write_only,
            deprecation_message: String::new(),
        }
    }

    /// The cty type of this attribute's value (nested attributes become object types).
    pub fn value_type(&self) -> Ty {
        match &self.kind {
            AttrKind::Typed(t) => t.clone(),
            AttrKind::Nested { nesting, attrs } => {
                let obj = Ty::Object(
                    attrs
                        .iter()
                        .map(|a| (a.name.clone(), a.value_type()))
                        .collect(),
                );
                match nesting {
                    ObjNesting::Single => obj,
                    ObjNesting::List => Ty::List(Box::new(obj)),
                    ObjNesting::Set => Ty::Set(Box::new(obj)),
                    ObjNesting::Map => Ty::Map(Box::new(obj)),
                }
            }
        }
    }
}

impl Param {
    fn to_proto(&self) -> pb::function::Parameter {
        pb::function::Parameter {
            name: self.name.clone(),
            r#type: self.ty.to_json().to_string().into_bytes(),
            allow_null_value: self.allow_null,
            allow_unknown_values: self.allow_unknown,
            description: self.description.clone(),
            description_kind: kind(self.markdown),
        }
    }
}

impl FunctionDef {
    fn to_proto(&self) -> pb::Function {
        pb::Function {
            parameters: self.params.iter().map(Param::to_proto).collect(),
            variadic_parameter: self.variadic.as_ref().map(Param::to_proto),
            r#return: Some(pb::function::Return {
                r#type: self.ret.to_json().to_string().into_bytes(),
            }),
            summary: self.summary.clone(),
            description: self.description.clone(),
            description_kind: kind(self.markdown),
            deprecation_message: self.deprecation_message.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Back from the protocol form, so a launch can work from the cached `GetProviderSchema` answer
// (see [`super::schema_cache`]) without parsing the JSON schema at all.

impl SchemaDef {
    /// The definition a protocol schema describes (the inverse of [`SchemaDef::to_proto`]).
    pub fn from_proto(s: &pb::Schema) -> Result<SchemaDef, String> {
        Ok(SchemaDef {
            version: s.version,
            block: match &s.block {
                Some(b) => Block::from_proto(b)?,
                None => Block::default(),
            },
        })
    }
}

impl Block {
    fn from_proto(b: &pb::schema::Block) -> Result<Block, String> {
        Ok(Block {
            attrs: b
                .attributes
                .iter()
                .map(Attr::from_proto)
                .collect::<Result<_, _>>()?,
            blocks: b
                .block_types
                .iter()
                .map(|n| {
                    use pb::schema::nested_block::NestingMode as N;
                    let nesting = match N::try_from(n.nesting).unwrap_or(N::Invalid) {
                        N::Single => BlockNesting::Single,
                        N::List => BlockNesting::List,
                        N::Set => BlockNesting::Set,
                        N::Map => BlockNesting::Map,
                        N::Group => BlockNesting::Group,
                        N::Invalid => {
                            return Err(format!("block {}: invalid nesting", n.type_name))
                        }
                    };
                    Ok(BlockType {
                        name: n.type_name.clone(),
                        nesting,
                        min_items: n.min_items,
                        max_items: n.max_items,
                        block: match &n.block {
                            Some(b) => Block::from_proto(b)?,
                            None => Block::default(),
                        },
                    })
                })
                .collect::<Result<_, _>>()?,
            description: b.description.clone(),
            markdown: b.description_kind == pb::StringKind::Markdown as i32,
            deprecated: b.deprecated,
        })
    }
}

impl Attr {
    fn from_proto(a: &pb::schema::Attribute) -> Result<Attr, String> {
        let kind = match &a.nested_type {
            Some(obj) => {
                use pb::schema::object::NestingMode as N;
                let nesting = match N::try_from(obj.nesting).unwrap_or(N::Invalid) {
                    N::Single => ObjNesting::Single,
                    N::List => ObjNesting::List,
                    N::Set => ObjNesting::Set,
                    N::Map => ObjNesting::Map,
                    N::Invalid => return Err(format!("attribute {}: invalid nesting", a.name)),
                };
                AttrKind::Nested {
                    nesting,
                    attrs: obj
                        .attributes
                        .iter()
                        .map(Attr::from_proto)
                        .collect::<Result<_, _>>()?,
                }
            }
            None => {
                let j: Json = serde_json::from_slice(&a.r#type)
                    .map_err(|e| format!("attribute {}: type: {e}", a.name))?;
                AttrKind::Typed(Ty::from_json(&j)?)
            }
        };
        Ok(Attr {
            name: a.name.clone(),
            kind,
            description: a.description.clone(),
            markdown: a.description_kind == pb::StringKind::Markdown as i32,
            required: a.required,
            optional: a.optional,
            computed: a.computed,
            sensitive: a.sensitive,
            deprecated: a.deprecated,
            write_only: a.write_only,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::catalog;

    #[test]
    fn every_embedded_schema_parses_and_converts() {
        for info in catalog::PROVIDERS {
            let s = ProviderSchema::load(info).expect("schema loads");
            assert!(!s.resources.is_empty(), "{} has resources", info.type_name);
            let proto = s.to_proto();
            assert_eq!(proto.resource_schemas.len(), s.resources.len());
        }
    }

    #[test]
    fn nesting_limits_and_flags_survive_conversion() {
        let s = ProviderSchema::load(catalog::find("scaleway").unwrap()).unwrap();
        let rdb = s.resources["scaleway_rdb_instance"].to_proto();
        let block = rdb.block.unwrap();
        let pn = block
            .block_types
            .iter()
            .find(|b| b.type_name == "private_network")
            .expect("private_network block");
        assert_eq!(
            pn.nesting,
            pb::schema::nested_block::NestingMode::List as i32
        );
        assert_eq!(pn.max_items, 1);
        let pw = block
            .attributes
            .iter()
            .find(|a| a.name == "password")
            .unwrap();
        assert!(pw.sensitive && pw.optional);
        let id = block.attributes.iter().find(|a| a.name == "id").unwrap();
        assert!(id.computed);
        assert_eq!(id.r#type, br#""string""#);
    }

    #[test]
    fn nested_attributes_leave_type_empty() {
        let s = ProviderSchema::load(catalog::find("helm").unwrap()).unwrap();
        let rel = s.resources["helm_release"].to_proto().block.unwrap();
        let set = rel.attributes.iter().find(|a| a.name == "set").unwrap();
        assert!(set.r#type.is_empty());
        let nt = set.nested_type.as_ref().unwrap();
        assert_eq!(nt.nesting, pb::schema::object::NestingMode::List as i32);
        assert!(nt.attributes.iter().any(|a| a.name == "name" && a.required));
    }

    #[test]
    fn types_round_trip_through_json() {
        let j: Json = serde_json::from_str(
            r#"["object",{"a":["list","string"],"b":["map","number"],"c":["tuple",["bool","dynamic"]],"d":["set",["object",{}]]}]"#,
        )
        .unwrap();
        assert_eq!(Ty::from_json(&j).unwrap().to_json(), j);
        assert!(Ty::from_json(&Json::from("strang")).is_err());
    }

    #[test]
    fn functions_and_ephemeral_resources_are_served() {
        let s = ProviderSchema::load(catalog::find("scaleway").unwrap()).unwrap();
        let f = &s.functions["id_from_regional_id"];
        assert_eq!(f.ret, Ty::String);
        assert!(f.params[1].allow_null);
        assert!(!s.ephemeral_resources.is_empty());
    }
}
