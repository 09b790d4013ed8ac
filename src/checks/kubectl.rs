//! The in-cluster hop: probes that must run from inside the cluster (the database and Redis sit on
//! a Private Network only the nodes reach) go through `kubectl`, with the kubeconfig from the
//! outputs written to a private temp file that is removed when the run ends.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tokio::io::AsyncWriteExt;

use super::retry::ProbeError;

/// kubectl and a kubeconfig it can use.
#[derive(Debug)]
pub struct Kube {
    pub kubectl: PathBuf,
    /// 0600 temp file outside the tree; deleted on drop (after `cleanups`, see `Drop`).
    kubeconfig: tempfile::TempPath,
    /// Deletions of probe pods whose `kubectl run --rm` was cut short, still running.
    cleanups: Cleanups,
}

type Cleanups = std::sync::Arc<std::sync::Mutex<Vec<std::thread::JoinHandle<()>>>>;

/// Waits for the pending pod deletions before the kubeconfig they use is removed: a run that
/// ends right after an attempt was cut short (a timeout, an interrupt) would otherwise delete
/// the file first, or exit before the deletion ran, and leave the probe pod in the cluster.
/// Each deletion is bounded by kubectl's `--request-timeout`.
impl Drop for Kube {
    fn drop(&mut self) {
        let pending = match self.cleanups.lock() {
            Ok(mut v) => std::mem::take(&mut *v),
            Err(_) => Vec::new(),
        };
        for h in pending {
            let _ = h.join();
        }
    }
}

/// What a kubectl run printed.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The last non-empty line of stderr, else of stdout: where kubectl and probes say why.
    pub fn why(&self) -> String {
        let pick = |s: &str| {
            s.lines()
                .rev()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(str::to_string)
        };
        pick(&self.stderr)
            .or_else(|| pick(&self.stdout))
            .unwrap_or_else(|| "no output".into())
    }
}

impl Kube {
    /// Writes the kubeconfig to a fresh temp file readable by the owner only.
    pub fn new(kubectl: PathBuf, kubeconfig: &str) -> std::io::Result<Self> {
        let mut file = tempfile::Builder::new()
            .prefix("mobi-smoke-kubeconfig-")
            .tempfile()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        file.write_all(kubeconfig.as_bytes())?;
        file.flush()?;
        Ok(Self {
            kubectl,
            kubeconfig: file.into_temp_path(),
            cleanups: Cleanups::default(),
        })
    }

    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig
    }

    /// Runs kubectl with `args`, feeding `stdin`. The child is killed when the future is dropped,
    /// so an attempt timeout does not leave kubectl behind.
    pub async fn kubectl(&self, args: &[String], stdin: Option<&str>) -> Result<Run, ProbeError> {
        let mut cmd = tokio::process::Command::new(&self.kubectl);
        cmd.arg("--kubeconfig")
            .arg(self.kubeconfig_path())
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd.spawn().map_err(|e| {
            ProbeError::fatal(format!("cannot start {}: {e}", self.kubectl.display()))
        })?;
        if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
            // A probe that exits before reading all of stdin is not an error of ours.
            let _ = pipe.write_all(text.as_bytes()).await;
            drop(pipe);
        }
        let out = child
            .wait_with_output()
            .await
            .map_err(|e| ProbeError::retry(format!("kubectl: {e}")))?;
        Ok(Run {
            success: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    /// An ephemeral pod: `kubectl run --rm -i --restart=Never`, removed when the command exits.
    /// `--rm` is done by the kubectl client, so when an attempt times out and kubectl is killed,
    /// a guard deletes the pod instead (in the background, without waiting).
    pub async fn run_pod(
        &self,
        namespace: &str,
        what: &str,
        image: &str,
        command: &[String],
        stdin: Option<&str>,
    ) -> Result<Run, ProbeError> {
        let name = pod_name(what);
        let mut guard = PodGuard {
            kubectl: self.kubectl.clone(),
            kubeconfig: self.kubeconfig_path().to_path_buf(),
            namespace: namespace.to_string(),
            name: name.clone(),
            armed: true,
            cleanups: self.cleanups.clone(),
        };
        let run = self
            .kubectl(&run_pod_args(namespace, &name, image, command), stdin)
            .await;
        guard.armed = false;
        run
    }

    /// `kubectl exec deploy/<name> -- command`.
    pub async fn exec(
        &self,
        namespace: &str,
        deployment: &str,
        command: &[String],
    ) -> Result<Run, ProbeError> {
        let mut args = vec![
            "exec".to_string(),
            "-n".into(),
            namespace.into(),
            format!("deploy/{deployment}"),
            "--".into(),
        ];
        args.extend(command.iter().cloned());
        self.kubectl(&args, None).await
    }

    /// `kubectl get deployment -n NS -o json`, parsed.
    pub async fn deployments(&self, namespace: &str) -> Result<Value, ProbeError> {
        let args: Vec<String> = ["get", "deployment", "-n", namespace, "-o", "json"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let run = self.kubectl(&args, None).await?;
        if !run.success {
            return Err(ProbeError::retry(format!(
                "kubectl get deployment: {}",
                run.why()
            )));
        }
        serde_json::from_str(&run.stdout)
            .map_err(|e| ProbeError::retry(format!("kubectl get deployment: not JSON: {e}")))
    }
}

/// Deletes a probe pod whose `kubectl run --rm` was cut short.
struct PodGuard {
    kubectl: PathBuf,
    kubeconfig: PathBuf,
    namespace: String,
    name: String,
    armed: bool,
    cleanups: Cleanups,
}

impl Drop for PodGuard {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let mut cmd = std::process::Command::new(&self.kubectl);
        cmd.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["delete", "pod", &self.name, "-n", &self.namespace])
            .args([
                "--ignore-not-found",
                "--wait=false",
                "--request-timeout=20s",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // A thread reaps the child so no zombie is left in a long-lived process (the TUI), and
        // `Kube`'s drop waits for it.
        let h = std::thread::spawn(move || {
            let _ = cmd.status();
        });
        if let Ok(mut v) = self.cleanups.lock() {
            v.retain(|h| !h.is_finished());
            v.push(h);
        }
    }
}

/// A pod name that will not collide with a parallel probe or an earlier run's leftover.
pub fn pod_name(what: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "mobi-smoke-{what}-{:x}{:06x}",
        std::process::id() & 0xffff,
        nanos & 0xff_ffff
    )
}

/// The arguments of an ephemeral probe pod.
pub fn run_pod_args(namespace: &str, name: &str, image: &str, command: &[String]) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "run".into(),
        name.into(),
        "-n".into(),
        namespace.into(),
        "--rm".into(),
        "-i".into(),
        "--quiet".into(),
        "--restart=Never".into(),
        format!("--image={image}"),
        "--pod-running-timeout=2m".into(),
        "--labels=app.kubernetes.io/managed-by=mobi-tui-smoke".into(),
        "--command".into(),
        "--".into(),
    ];
    args.extend(command.iter().cloned());
    args
}

/// Whether each expected Deployment has finished rolling out, judged as `kubectl rollout status`
/// judges it (kubectl's `DeploymentStatusViewer`): the controller has seen the latest spec
/// (`observedGeneration >= generation`), every replica runs the new template
/// (`updatedReplicas == replicas`, no old replicas left in `status.replicas`), and all of them
/// are available. Counting `readyReplicas` alone passes mid-rollout, while the old pods are still
/// the ready ones.
pub fn readiness(list: &Value, expected: &[String]) -> Result<String, String> {
    let items = list
        .get("items")
        .and_then(Value::as_array)
        .ok_or("kubectl get deployment: no `items` list")?;
    let mut ready = Vec::new();
    let mut problems = Vec::new();
    for name in expected {
        let found = items
            .iter()
            .find(|d| d.pointer("/metadata/name").and_then(Value::as_str) == Some(name.as_str()));
        match found {
            None => problems.push(format!("{name}: no such deployment")),
            Some(d) => match rollout(d) {
                Ok(n) => ready.push(format!("{name} {n}/{n}")),
                Err(why) => problems.push(format!("{name} {why}")),
            },
        }
    }
    if problems.is_empty() {
        Ok(format!("all ready: {}", ready.join(", ")))
    } else {
        Err(problems.join("; "))
    }
}

/// One Deployment's rollout: `Ok(replicas)` when complete, else why not.
fn rollout(d: &Value) -> Result<u64, String> {
    let num = |p: &str| d.pointer(p).and_then(Value::as_u64);
    let want = num("/spec/replicas").unwrap_or(1);
    let generation = num("/metadata/generation").unwrap_or(0);
    let observed = num("/status/observedGeneration").unwrap_or(0);
    if observed < generation {
        return Err(format!(
            "rollout not observed yet (generation {generation}, observed {observed})"
        ));
    }
    let deadline_exceeded = d
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter().any(|c| {
                c.get("type").and_then(Value::as_str) == Some("Progressing")
                    && c.get("reason").and_then(Value::as_str) == Some("ProgressDeadlineExceeded")
            })
        });
    if deadline_exceeded {
        return Err("rollout exceeded its progress deadline".into());
    }
    let updated = num("/status/updatedReplicas").unwrap_or(0);
    let total = num("/status/replicas").unwrap_or(0);
    let available = num("/status/availableReplicas").unwrap_or(0);
    if updated < want {
        return Err(format!(
            "rollout in progress: {updated} of {want} replicas updated"
        ));
    }
    if total > updated {
        return Err(format!(
            "rollout in progress: {} old replicas pending termination",
            total - updated
        ));
    }
    if available < updated {
        return Err(format!("{available}/{want} ready"));
    }
    Ok(want)
}

/// A TCP reachability probe run inside a worker's container: `nc` when the image has it, else
/// Python (the worker images are Python services), so the check needs nothing installed.
pub const REACH_SCRIPT: &str = r#"probe() {
  if command -v nc >/dev/null 2>&1; then nc -z -w 5 "$2" "$3"
  elif command -v python3 >/dev/null 2>&1; then python3 -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 5).close()' "$2" "$3" 2>/dev/null
  else echo "neither nc nor python3 in the image" >&2; exit 3
  fi || { echo "cannot reach $1 at $2:$3" >&2; exit 1; }
}
probe database "$1" "$2" && probe redis "$3" "$4" && echo "database and redis reachable""#;

/// The `sh -c` command of [`REACH_SCRIPT`] for the given endpoints.
pub fn reach_command(
    db_host: &str,
    db_port: u16,
    redis_host: &str,
    redis_port: u16,
) -> Vec<String> {
    vec![
        "sh".into(),
        "-c".into(),
        REACH_SCRIPT.into(),
        "sh".into(),
        db_host.into(),
        db_port.to_string(),
        redis_host.into(),
        redis_port.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn readiness_follows_rollout_status() {
        let dep = |name: &str, gen: u64, obs: u64, want: u64, total: u64, upd: u64, avail: u64| {
            json!({"metadata": {"name": name, "generation": gen}, "spec": {"replicas": want},
                "status": {"observedGeneration": obs, "replicas": total, "updatedReplicas": upd,
                    "availableReplicas": avail, "readyReplicas": total}})
        };
        let list = json!({"items": [
            dep("a", 2, 2, 2, 2, 2, 2),
            dep("b", 1, 1, 1, 1, 1, 0),
            // Half-rolled: 2 ready pods, but only 1 runs the new template.
            dep("half", 3, 3, 2, 2, 1, 2),
            dep("old", 2, 2, 2, 3, 2, 2),
            dep("unseen", 4, 3, 1, 1, 1, 1),
        ]});
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            readiness(&list, &names(&["a"])).unwrap(),
            "all ready: a 2/2"
        );
        assert_eq!(
            readiness(&list, &names(&["a", "b", "c"])).unwrap_err(),
            "b 0/1 ready; c: no such deployment"
        );
        assert_eq!(
            readiness(&list, &names(&["half", "old", "unseen"])).unwrap_err(),
            "half rollout in progress: 1 of 2 replicas updated; \
             old rollout in progress: 1 old replicas pending termination; \
             unseen rollout not observed yet (generation 4, observed 3)"
        );
        let stuck = json!({"items": [{"metadata": {"name": "s"}, "spec": {"replicas": 1},
            "status": {"conditions": [{"type": "Progressing", "status": "False",
                "reason": "ProgressDeadlineExceeded"}]}}]});
        assert_eq!(
            readiness(&stuck, &names(&["s"])).unwrap_err(),
            "s rollout exceeded its progress deadline"
        );
        assert!(readiness(&json!({}), &names(&["a"])).is_err());
    }

    #[test]
    fn pod_args_are_ephemeral() {
        let a = run_pod_args("ns", "p", "img", &["pg_isready".into()]);
        for want in ["--rm", "-i", "--restart=Never", "--image=img", "--"] {
            assert!(a.contains(&want.to_string()), "{want}");
        }
        assert_eq!(a.last().map(String::as_str), Some("pg_isready"));
    }

    #[test]
    fn kubeconfig_file_is_private() {
        let k = Kube::new("kubectl".into(), "apiVersion: v1\n").unwrap();
        let path = k.kubeconfig_path().to_path_buf();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        drop(k);
        assert!(!path.exists(), "removed on drop");
    }

    /// An attempt cut short (kubectl killed) must not leave the probe pod behind, even when the
    /// run ends right after it: dropping the `Kube` waits for the deletion, which still finds
    /// its kubeconfig.
    #[test]
    fn a_cut_short_pod_is_deleted_even_when_the_run_ends_at_once() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let script = dir.path().join("kubectl");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\ncase \"$*\" in *\" delete \"*) sleep 0.3; [ -f \"$2\" ] && echo kubeconfig-present >> {log};; esac\necho \"$*\" >> {log}\ncase \"$*\" in *\" run \"*) sleep 30;; esac\n",
                log = log.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let kube = Kube::new(script, "apiVersion: v1\n").unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let cut = rt.block_on(async {
            tokio::time::timeout(
                std::time::Duration::from_millis(300),
                kube.run_pod("ns", "pg", "img", &["true".into()], None),
            )
            .await
        });
        assert!(cut.is_err(), "the attempt was cut short");
        // The run ends: no waiting here.
        drop(kube);
        let calls = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(calls.contains("delete pod mobi-smoke-pg-"), "{calls}");
        assert!(calls.contains("-n ns --ignore-not-found"), "{calls}");
        assert!(calls.contains("kubeconfig-present"), "{calls}");
    }

    #[test]
    fn why_prefers_stderr() {
        let r = Run {
            success: false,
            stdout: "a\n".into(),
            stderr: "x\nerror: boom\n\n".into(),
        };
        assert_eq!(r.why(), "error: boom");
    }
}
