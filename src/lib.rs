//! mobi-tui: from an empty repository to a running Scaleway platform, phase by phase.
//!
//! Map of the crate (the data flows top to bottom):
//! - [`preset`]: the preset file format (strict) and its validation, in one place;
//! - [`render`]: the Terraform tree rendered from templates embedded in the binary, and the writer
//!   (atomic writes, a manifest of generated files so user edits are never overwritten);
//! - [`sandbox`]: stand-in Terraform providers serving the real schemas, and the scratch workspace
//!   that lets the real `terraform` binary validate, plan and apply offline, with real local
//!   PostgreSQL and Redis servers behind the data resources (`sandbox::services`);
//! - [`terraform`]: the `terraform` child process, its `-json` event stream, signal forwarding;
//! - [`questions`]: each wizard question defined once (prompt, help, rule, preset key);
//! - [`phases`] / [`engine`]: the 14 phases as data, and the decisions of what runs next;
//! - [`checks`]: the phase-14 smoke checks;
//! - [`tui`] / [`headless`]: two renderings of the same event stream;
//! - [`cli`]: argument parsing and dispatch; [`exit`]: the exit codes every command returns;
//! - [`secret`]: the type secret values are held in (never printed);
//! - [`tls`]: the TLS pieces the sandbox's servers and the checks' clients share.

pub mod checks;
pub mod cli;
pub mod engine;
pub mod exit;
pub mod headless;
pub mod phases;
pub mod preset;
pub mod questions;
pub mod render;
pub mod sandbox;
pub mod secret;
pub mod terraform;
pub mod tls;
pub mod tui;
