//! The crate's declared `rust-version` is what the locked dependencies really need.
//!
//! Why a test: `rust-version` is the promise a user with an older toolchain reads first; it
//! silently went stale once (1.85 declared while a locked dependency needed 1.89), and cargo only
//! says so when someone builds with that older toolchain.

use std::process::Command;

use crate::support::repo;

fn version_key(v: &str) -> Vec<u64> {
    v.split('.').map(|x| x.parse().unwrap_or(0)).collect()
}

#[test]
fn rust_version_is_the_highest_the_locked_dependencies_need() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--offline",
            "--filter-platform",
            "x86_64-unknown-linux-gnu",
        ])
        .current_dir(repo())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let packages: std::collections::HashMap<&str, &serde_json::Value> = m["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let nodes: std::collections::HashMap<&str, &serde_json::Value> = m["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let root = m["resolve"]["root"].as_str().unwrap();
    // What building the crate needs: normal and build dependencies, transitively (not dev).
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for d in nodes[id]["deps"].as_array().unwrap() {
            let builds = d["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if builds {
                stack.push(d["pkg"].as_str().unwrap());
            }
        }
    }
    let (needed_by, needed) = seen
        .iter()
        .filter(|id| **id != root)
        .filter_map(|id| {
            let p = packages[id];
            Some((p["name"].as_str()?, p["rust_version"].as_str()?))
        })
        .max_by_key(|(_, v)| version_key(v))
        .expect("some dependency declares a rust-version");
    let declared = packages[root]["rust_version"]
        .as_str()
        .expect("Cargo.toml sets rust-version");
    assert_eq!(
        version_key(declared)[..2],
        version_key(needed)[..2],
        "Cargo.toml says rust-version = {declared:?}, but {needed_by} (locked) needs {needed}"
    );
}
