//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The mobi-tui binary under test, pinned at first use.
///
/// `CARGO_BIN_EXE_mobi-tui` names a path in the target directory that other builds sharing it
/// may replace at any moment (and the sandbox launches this same binary as its providers); a
/// hard link taken once keeps this run on the binary cargo built for it, and the probe fails
/// loudly if it was already replaced by one without the subcommands these tests use.
pub fn bin() -> PathBuf {
    static PINNED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PINNED
        .get_or_init(|| {
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("it-bin");
            std::fs::create_dir_all(&dir).expect("test tmp dir");
            let pinned = dir.join(format!("mobi-tui-{}", std::process::id()));
            let built = env!("CARGO_BIN_EXE_mobi-tui");
            let _ = std::fs::remove_file(&pinned);
            if std::fs::hard_link(built, &pinned).is_err() {
                std::fs::copy(built, &pinned).expect("copy the mobi-tui binary");
            }
            // Two probes only this tree's binary passes: the `validate` subcommand, and the
            // bare command's own range check (a build without the wizard says so instead).
            let validate = Command::new(&pinned)
                .args(["validate", "--help"])
                .output()
                .expect("mobi-tui runs");
            let range = Command::new(&pinned)
                .args(["--from", "5", "--to", "3"])
                .output()
                .expect("mobi-tui runs");
            assert!(
                validate.status.success()
                    && String::from_utf8_lossy(&range.stderr).contains("must not come after"),
                "{built} is not the binary built from this tree (replaced by another build sharing the target dir?): rebuild and rerun the tests"
            );
            pinned
        })
        .clone()
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

/// Stops the sandbox services (PostgreSQL, Redis, S3 daemons) of every env under `out` when
/// dropped, so a test that applies with the data plane on leaves no server running after it,
/// pass or fail. Their records stay (a later run would start them again).
pub struct StopServices(pub PathBuf);

impl Drop for StopServices {
    fn drop(&mut self) {
        if self.0.join(".mobi/sandbox").exists() {
            let _ = Command::new(bin())
                .args(["sandbox", "stop", "--out"])
                .arg(&self.0)
                .output();
        }
    }
}

/// `mobi` with the sandbox's data plane off: for tests about plans and state, not servers.
pub fn mobi_without_data_plane(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env("MOBI_SANDBOX_DATA_PLANE", "0")
        .output()
        .expect("spawn mobi-tui")
}
