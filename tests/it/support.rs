//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mobi-tui"))
}

pub fn mobi(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .output()
        .expect("spawn mobi-tui")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The real terraform binary; tests that need it fail (never skip) when it is missing.
pub fn terraform() -> PathBuf {
    which::which("terraform").unwrap_or_else(|_| {
        panic!("terraform is not on PATH: these tests need the real terraform CLI (1.11+); install it first")
    })
}

/// All files under `dir`, relative, sorted.
pub fn files_under(dir: &Path) -> Vec<String> {
    fn walk(d: &Path, root: &Path, out: &mut Vec<String>) {
        if let Ok(rd) = std::fs::read_dir(d) {
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, root, out);
                } else {
                    out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
                }
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

/// A preset derived from a shipped one with textual replacements (each must apply).
pub fn preset_variant(
    base: &str,
    replacements: &[(&str, &str)],
    dir: &Path,
    name: &str,
) -> PathBuf {
    let mut text = std::fs::read_to_string(repo().join("presets").join(base)).unwrap();
    for (from, to) in replacements {
        assert!(text.contains(from), "{base} has no {from:?}");
        text = text.replacen(from, to, 1);
    }
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}
