//! Content hashes that decide whether a saved plan may still be applied and whether a phase is
//! done: the tree (`.tf` files), one module's directory, the preset sections a phase reads, the
//! state, a plan file.
//!
//! Why hashes and not timestamps: a regenerated tree with identical content must not invalidate
//! anything, and an edit that keeps the mtime (git checkout, copies) must.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::preset::Preset;

fn is_tf(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".tf") || name.ends_with(".tf.json") || name.ends_with(".tfvars")
}

/// Every Terraform source file under `dir`, sorted, skipping `.terraform/` and dot-directories.
fn tf_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in rd {
        let entry = entry?;
        let p = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let ft = entry.file_type()?;
        if ft.is_dir() && !hidden {
            tf_files(&p, out)?;
        } else if ft.is_file() && is_tf(&p) {
            out.push(p);
        }
    }
    Ok(())
}

/// Hash of the `.tf` files in `dirs` (paths relative to `base` are part of the hash).
pub fn hash_dirs(base: &Path, dirs: &[PathBuf]) -> std::io::Result<String> {
    let mut files = Vec::new();
    for d in dirs {
        tf_files(d, &mut files)?;
    }
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        let rel = f.strip_prefix(base).unwrap_or(&f);
        h.update(rel.to_string_lossy().as_bytes());
        h.update([0]);
        h.update(std::fs::read(&f)?);
        h.update([0]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Hash of the tree Terraform sees from one env: the env directory and every module.
pub fn tree_hash(root: &Path, env_dir: &Path) -> std::io::Result<String> {
    hash_dirs(root, &[env_dir.to_path_buf(), root.join("modules")])
}

/// Hash of the given top-level tables of the preset (`"*"` = all of it).
pub fn preset_sections_hash(preset: &Preset, sections: &[&str]) -> String {
    let v = serde_json::to_value(preset).unwrap_or(serde_json::Value::Null);
    let mut h = Sha256::new();
    if sections.contains(&"*") {
        h.update(v.to_string().as_bytes());
    } else {
        for s in sections {
            h.update(s.as_bytes());
            h.update(b"=");
            h.update(
                v.get(*s)
                    .map(|x| x.to_string())
                    .unwrap_or_default()
                    .as_bytes(),
            );
            h.update([0]);
        }
    }
    hex::encode(h.finalize())
}

pub fn hash_bytes(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

pub fn hash_file(p: &Path) -> std::io::Result<String> {
    Ok(hash_bytes(&std::fs::read(p)?))
}

/// Hash of a state as `terraform state pull` prints it: lineage and serial identify a state
/// version; fall back to the raw bytes when it is not JSON (or empty: no state yet).
pub fn state_text_hash(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => hash_bytes(
            format!(
                "{}:{}",
                v.get("lineage").and_then(|l| l.as_str()).unwrap_or(""),
                v.get("serial").and_then(|s| s.as_u64()).unwrap_or(0)
            )
            .as_bytes(),
        ),
        Err(_) => hash_bytes(text.trim().as_bytes()),
    }
}

/// Combine hashes into one.
pub fn combine(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}
