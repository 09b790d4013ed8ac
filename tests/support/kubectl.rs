//! A fake `kubectl`, the only stand-in of the suite: it runs the probe pod's command locally
//! (`run ... -- CMD`, `exec ... -- CMD`) and prints a fixture for `get deployment -o json`, so the
//! pod hop's plumbing (kubeconfig file, arguments, stdin, exit codes) is exercised for real.

use std::path::{Path, PathBuf};

const SCRIPT: &str = r#"#!/usr/bin/env bash
# Fake kubectl for mobi-tui's smoke-check tests.
set -u
here=$(cd "$(dirname "$0")" && pwd)
kubeconfig=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --kubeconfig) kubeconfig="$2"; shift 2 ;;
    --) shift; break ;;
    *) args+=("$1"); shift ;;
  esac
done
mode=$(stat -c %a "$kubeconfig" 2>/dev/null || echo missing)
echo "kubeconfig=$kubeconfig mode=$mode content=$(head -c 20 "$kubeconfig" 2>/dev/null | tr "\n" " ") args=${args[*]}" >> "$here/calls.log"
case "${args[0]:-}" in
  run|exec) exec "$@" ;;
  get) cat "$here/deployments.json" ;;
  *) echo "fake kubectl: unsupported: ${args[*]}" >&2; exit 1 ;;
esac
"#;

pub struct FakeKubectl {
    pub dir: tempfile::TempDir,
}

impl FakeKubectl {
    pub fn install() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("mobi-fake-kubectl-")
            .tempdir()
            .expect("temp dir");
        let path = dir.path().join("kubectl");
        std::fs::write(&path, SCRIPT).expect("write fake kubectl");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let fake = Self { dir };
        fake.set_deployments(&[
            ("vpod", 1, 1),
            ("ipod", 1, 1),
            ("dpod", 1, 1),
            ("ppod", 1, 1),
        ]);
        std::fs::write(fake.log(), "").expect("log");
        fake
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("kubectl")
    }

    pub fn log(&self) -> PathBuf {
        self.dir.path().join("calls.log")
    }

    pub fn deployments_file(&self) -> PathBuf {
        self.dir.path().join("deployments.json")
    }

    /// (name, desired, available) per Deployment, each fully rolled out to its latest spec.
    pub fn set_deployments(&self, deps: &[(&str, u64, u64)]) {
        let items: Vec<serde_json::Value> = deps
            .iter()
            .map(|(n, want, have)| {
                serde_json::json!({
                    "metadata": {"name": n, "generation": 1},
                    "spec": {"replicas": want},
                    "status": {"observedGeneration": 1, "replicas": want,
                        "updatedReplicas": want, "readyReplicas": have,
                        "availableReplicas": have}
                })
            })
            .collect();
        self.set_deployment_items(items);
    }

    /// The `get deployment -o json` items as given.
    pub fn set_deployment_items(&self, items: Vec<serde_json::Value>) {
        std::fs::write(
            self.deployments_file(),
            serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items}).to_string(),
        )
        .expect("deployments fixture");
    }

    pub fn calls(&self) -> String {
        std::fs::read_to_string(self.log()).unwrap_or_default()
    }

    pub fn bin_dir(&self) -> &Path {
        self.dir.path()
    }
}
