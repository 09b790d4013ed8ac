//! One way to find Terraform (`--terraform-bin`, `MOBI_TERRAFORM`, then PATH), used by every
//! command: a stand-in that records its calls must be the one `validate`, `smoke` and `doctor`
//! run, and `doctor` holds it to the minimum version.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

/// Records its arguments, says it is 1.5.7, refuses everything else with a recognisable line.
const FAKE: &str = r#"#!/bin/sh
echo "$*" >> "$(dirname "$0")/calls"
case "$1" in
  version) echo '{"terraform_version":"1.5.7"}' ;;
  *) echo "fake terraform refuses: $*" >&2; exit 1 ;;
esac
"#;

fn fake(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let p = dir.join("fake-terraform");
    std::fs::write(&p, FAKE).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

fn calls(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("calls")).unwrap_or_default()
}

fn generated(out: &Path) -> PathBuf {
    let preset = repo().join("presets/dev.toml");
    let o = mobi(&[
        "generate",
        "--preset",
        preset.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    preset
}

#[test]
fn validate_and_smoke_run_the_chosen_terraform() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let preset = generated(&out);
    let bin = fake(dir.path());
    let base = |cmd: &str| {
        let mut c = Command::new(crate::support::bin());
        c.args([cmd, "--preset", preset.to_str().unwrap(), "--out"])
            .arg(&out)
            .env_remove("MOBI_TERRAFORM");
        c
    };
    // The flag.
    let o = base("validate")
        .arg("--terraform-bin")
        .arg(&bin)
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0));
    assert!(
        calls(dir.path()).contains("init"),
        "validate did not run it: {}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("fake terraform refuses"),
        "{}",
        stderr(&o)
    );
    // The variable.
    std::fs::remove_file(dir.path().join("calls")).unwrap();
    let o = base("validate")
        .env("MOBI_TERRAFORM", &bin)
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0));
    assert!(
        calls(dir.path()).contains("init"),
        "MOBI_TERRAFORM ignored: {}",
        stderr(&o)
    );
    // smoke reads the outputs with it.
    std::fs::remove_file(dir.path().join("calls")).unwrap();
    let o = base("smoke")
        .arg("--terraform-bin")
        .arg(&bin)
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0));
    assert!(
        calls(dir.path()).contains("output -json"),
        "smoke did not run it: {}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("fake terraform refuses"),
        "{}",
        stderr(&o)
    );
    // A path that is not there: one line naming it, exit 2.
    let o = base("validate")
        .args(["--terraform-bin", "/nonexistent/terraform"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("/nonexistent/terraform"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).trim().lines().count(), 1, "{}", stderr(&o));
}

#[test]
fn doctor_fails_a_terraform_older_than_the_minimum() {
    let dir = tempfile::tempdir().unwrap();
    let bin = fake(dir.path());
    let o = mobi(&["doctor", "--terraform-bin", bin.to_str().unwrap()]);
    let text = stdout(&o);
    let line = text
        .lines()
        .find(|l| l.contains("terraform:"))
        .unwrap_or_else(|| panic!("no terraform line: {text}"));
    assert!(line.starts_with("fail"), "{line}");
    assert!(
        line.contains("1.5.7 is older than the minimum 1.11"),
        "{line}"
    );
    assert_eq!(o.status.code(), Some(1));
    // The real one passes that line.
    let o = mobi(&["doctor", "--terraform-bin", terraform().to_str().unwrap()]);
    let text = stdout(&o);
    assert!(
        text.lines()
            .any(|l| l.contains("terraform:") && l.starts_with("ok")),
        "{text}"
    );
}
