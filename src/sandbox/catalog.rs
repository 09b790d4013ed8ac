//! The providers the sandbox can stand in for, with their embedded schemas.
//!
//! One table drives three things that must agree: which plugin file names the binary answers to,
//! which schema it serves, and the filesystem mirror the workspace lays out. The version here must
//! satisfy the `required_providers` constraints of the generated tree, or `terraform init` fails.

/// A provider the sandbox can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderInfo {
    /// Registry namespace (`scaleway`, `hashicorp`).
    pub namespace: &'static str,
    /// Provider type (`scaleway`, `kubernetes`): the part after `terraform-provider-`.
    pub type_name: &'static str,
    /// The exact version the schema was taken from.
    pub version: &'static str,
    /// `terraform providers schema -json` output, gzip-compressed.
    schema_gz: &'static [u8],
}

impl ProviderInfo {
    /// `registry.terraform.io/<ns>/<type>`, the address Terraform uses in messages and schemas.
    pub fn address(&self) -> String {
        format!(
            "registry.terraform.io/{}/{}",
            self.namespace, self.type_name
        )
    }

    /// `<ns>/<type>`, the source address written in `required_providers`.
    pub fn source(&self) -> String {
        format!("{}/{}", self.namespace, self.type_name)
    }

    /// File name Terraform expects inside the mirror: `terraform-provider-<type>_v<version>`.
    pub fn plugin_file_name(&self) -> String {
        format!("terraform-provider-{}_v{}", self.type_name, self.version)
    }

    /// The compressed schema JSON embedded in the binary.
    pub fn schema_gz(&self) -> &'static [u8] {
        self.schema_gz
    }
}

/// Every provider the generated tree uses, pinned to the version its schema was taken from.
pub const PROVIDERS: &[ProviderInfo] = &[
    ProviderInfo {
        namespace: "scaleway",
        type_name: "scaleway",
        version: "2.79.0",
        schema_gz: include_bytes!("../../schemas/scaleway-2.79.0.json.gz"),
    },
    ProviderInfo {
        namespace: "hashicorp",
        type_name: "kubernetes",
        version: "3.4.0",
        schema_gz: include_bytes!("../../schemas/kubernetes-3.4.0.json.gz"),
    },
    ProviderInfo {
        namespace: "hashicorp",
        type_name: "helm",
        version: "3.2.0",
        schema_gz: include_bytes!("../../schemas/helm-3.2.0.json.gz"),
    },
    ProviderInfo {
        namespace: "hashicorp",
        type_name: "random",
        version: "3.9.1",
        schema_gz: include_bytes!("../../schemas/random-3.9.1.json.gz"),
    },
];

/// The provider with this type name (`scaleway`), if the sandbox knows it.
pub fn find(type_name: &str) -> Option<&'static ProviderInfo> {
    PROVIDERS.iter().find(|p| p.type_name == type_name)
}

/// The provider type named by a plugin file name `terraform-provider-<type>_v<version>`.
///
/// Terraform starts a provider by the name it has in the mirror, so the binary can tell which
/// provider it is meant to be from `argv[0]` alone, with no extra wrapper script per provider.
pub fn type_from_plugin_file_name(file_name: &str) -> Option<&str> {
    let rest = file_name.strip_prefix("terraform-provider-")?;
    let (type_name, version) = rest.split_once("_v")?;
    (!type_name.is_empty() && !version.is_empty()).then_some(type_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_file_names_round_trip() {
        for p in PROVIDERS {
            assert_eq!(
                type_from_plugin_file_name(&p.plugin_file_name()),
                Some(p.type_name)
            );
        }
        assert_eq!(type_from_plugin_file_name("mobi-tui"), None);
        assert_eq!(type_from_plugin_file_name("terraform-provider-_v1"), None);
    }
}
