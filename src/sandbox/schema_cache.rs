//! The `GetProviderSchema` answer of each stand-in, built once and kept on disk.
//!
//! Terraform launches every provider several times per command, and each launch of the
//! kubernetes stand-in used to parse its 2.5 MB JSON schema and convert it to the protocol
//! message before answering. The answer depends only on the embedded schema and on this binary,
//! so it is encoded once (protobuf, as it goes on the wire) into
//! `DIR/.mobi/sandbox/schema-cache/` and later launches decode it, which costs a fraction of the
//! parse. The key is the provider, the hash of its embedded schema and this binary's size and
//! modification time, so a rebuilt mobi-tui never reads an answer an older build wrote.

use std::path::PathBuf;

use magma_protocol::tfplugin6 as pb;
use prost::Message as _;
use sha2::{Digest, Sha256};

use super::catalog::ProviderInfo;
use super::schema::ProviderSchema;

/// The folder of the cache: next to the env folders the workspace named, if it did.
fn cache_dir() -> Option<PathBuf> {
    Some(
        super::cluster::sandbox_dir_from_env()?
            .parent()?
            .join("schema-cache"),
    )
}

fn cache_key(info: &ProviderInfo) -> String {
    let mut h = Sha256::new();
    h.update(info.schema_gz());
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        h.update(meta.len().to_le_bytes());
        if let Ok(t) = meta.modified() {
            if let Ok(d) = t.duration_since(std::time::UNIX_EPOCH) {
                h.update(d.as_nanos().to_le_bytes());
            }
        }
    }
    let digest = h.finalize();
    format!(
        "{}-{}-{}.pb",
        info.type_name,
        info.version,
        hex::encode(&digest[..12])
    )
}

/// The schema answer of `info`: from the cache when present, else built from the embedded JSON
/// (and written to the cache for the next launch).
pub fn response(info: &ProviderInfo) -> Result<pb::get_provider_schema::Response, String> {
    let path = cache_dir().map(|d| d.join(cache_key(info)));
    if let Some(p) = &path {
        if let Ok(bytes) = std::fs::read(p) {
            if let Ok(r) = pb::get_provider_schema::Response::decode(bytes.as_slice()) {
                return Ok(r);
            }
        }
    }
    let resp = ProviderSchema::load(info)
        .map_err(|e| e.to_string())?
        .to_proto();
    if let Some(p) = &path {
        store(p, &resp.encode_to_vec());
    }
    Ok(resp)
}

/// Writes atomically (temp file + rename); a failure only costs the next launch the parse.
fn store(path: &std::path::Path, bytes: &[u8]) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::super::catalog::PROVIDERS;
    use super::super::schema::SchemaDef;
    use super::*;

    #[test]
    fn the_protocol_answer_converts_back_to_the_same_definitions() {
        for info in PROVIDERS {
            let parsed = ProviderSchema::load(info).unwrap();
            let proto = parsed.to_proto();
            for (name, def) in &parsed.resources {
                let back = SchemaDef::from_proto(&proto.resource_schemas[name]).unwrap();
                assert_eq!(&back, def, "{} {name}", info.type_name);
            }
            for (name, def) in &parsed.data_sources {
                let back = SchemaDef::from_proto(&proto.data_source_schemas[name]).unwrap();
                assert_eq!(&back, def, "{} {name}", info.type_name);
            }
        }
    }
}
