//! Stand-in Terraform providers and the scratch workspace that lets the real `terraform` binary
//! validate, plan and apply a generated tree offline.
//!
//! Design: the mobi-tui binary doubles as every provider the generated tree needs. Terraform
//! launches providers from a filesystem mirror whose entries are links to `current_exe()`, named
//! `terraform-provider-<type>_v<version>`; [`run_as_plugin_if_launched`] (first line of `main`)
//! recognises that launch and serves the provider's real schema (vendored under `schemas/`) over
//! plugin protocol 6. Terraform core then does every configuration check itself (unknown or
//! missing arguments, wrong types, block/attribute mix-ups, item counts), exactly as it would with
//! the real providers. Plans and applies return deterministic fakes for computed values, so a
//! second plan after an apply shows no changes.
//!
//! Beyond the schema, the stand-ins decide what the real providers and APIs decide, from vendored
//! facts (`schemas/behaviour/`): validators and argument constraints ([`judge`]), ForceNew and
//! plan-time defaults, CustomizeDiff/ModifyPlan and API rules ([`rules`]) against recorded
//! catalogues ([`api`]), the env's Kubernetes namespaces ([`cluster`]), and a real `random`
//! provider ([`random`]). Not reproduced: imports, resource identity, list resources, actions,
//! and what only the live cloud knows (quotas, stock, names taken by others).
//!
//! Map: [`behaviour`] (the facts, typed), [`schema_cache`] (schema answers built once, kept on
//! disk), [`catalog`] (which providers, which versions), [`schema`] (JSON schema model and protocol
//! conversion), [`value`] (plan/apply/upgrade on msgpack values, fakes), [`provider`] (the gRPC
//! service), [`plugin`] (handshake, AutoMTLS, server), [`controller`] (go-plugin shutdown),
//! [`workspace`] (scratch tree, mirror, CLI config), [`validate`] (`mobi-tui validate`),
//! [`services`] (the data plane: real PostgreSQL and Redis behind the data resources).

pub mod api;
pub mod behaviour;
pub mod catalog;
pub mod cluster;
pub mod controller;
pub mod judge;
pub mod plugin;
pub mod provider;
pub mod random;
pub mod rules;
pub mod schema;
pub mod schema_cache;
pub mod services;
pub mod validate;
pub mod value;
pub mod workspace;

pub use plugin::run_as_plugin_if_launched;
pub use workspace::{Workspace, WorkspaceOptions};

use std::path::PathBuf;

/// Everything that can go wrong in the sandbox, each with a one-line message naming the path or
/// the provider involved.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("embedded provider schema unreadable: {0}")]
    Schema(String),
    #[error("provider plugin: {0}")]
    Plugin(String),
    #[error("no Terraform tree at {0} (expected infra/terraform)")]
    NoTree(PathBuf),
    #[error("no environment directory {0}")]
    NoEnv(PathBuf),
    #[error("invalid environment name {0:?} (a single folder name under envs/ is expected)")]
    InvalidEnv(String),
    #[error("sandbox services: {0}")]
    Services(String),
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
