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
        prune_others(p, info);
    }
    Ok(resp)
}

/// Removes the answers older builds wrote for the same provider: a key changes with every build
/// of mobi-tui, so without this each upgrade (or rebuild) leaves ~2 MB behind per env folder.
fn prune_others(current: &std::path::Path, info: &ProviderInfo) {
    let (Some(dir), Some(name)) = (current.parent(), current.file_name()) else {
        return;
    };
    let prefix = format!("{}-{}-", info.type_name, info.version);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name();
        let s = n.to_string_lossy();
        if n != name && s.starts_with(&prefix) && s.ends_with(".pb") {
            let _ = std::fs::remove_file(e.path());
        }
    }
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
    fn storing_an_answer_removes_older_builds_answers_of_that_provider_only() {
        let dir = tempfile::tempdir().unwrap();
        let (random, helm) = (
            PROVIDERS.iter().find(|p| p.type_name == "random").unwrap(),
            PROVIDERS.iter().find(|p| p.type_name == "helm").unwrap(),
        );
        let old = dir
            .path()
            .join(format!("random-{}-0123.pb", random.version));
        let other = dir.path().join(format!("helm-{}-0123.pb", helm.version));
        let unrelated = dir.path().join("notes.txt");
        for f in [&old, &other, &unrelated] {
            std::fs::write(f, b"x").unwrap();
        }
        let current = dir.path().join(cache_key(random));
        store(&current, b"answer");
        prune_others(&current, random);
        assert_eq!(std::fs::read(&current).unwrap(), b"answer");
        assert!(!old.exists(), "an older build's answer stayed");
        assert!(other.exists() && unrelated.exists(), "pruned too much");
    }

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
