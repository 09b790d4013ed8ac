//! Runner, engine and headless mode against the real `terraform`, on a fixture tree of
//! `terraform_data` modules named like the real ones (no provider download, no network).
//!
//! Headless runs are driven through the real argument parsing (`mobi_tui::cli::run_from`) in a
//! child process: this test binary re-executes itself with `MOBI_RUNNER_CHILD_ARGS` set, and the
//! `child_entry` test turns into `mobi-tui` for that process. Why not `CARGO_BIN_EXE_mobi-tui`:
//! the target directory is shared between worktrees here, and another branch's build can replace
//! that binary between the build and the test; this test binary is ours alone. It also gives the
//! SIGINT test a real process to signal.
//!
//! Terraform is required: when it is missing these tests fail and say so (they never skip).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mobi_tui::engine::{
    Approval, Approver, Changes, Engine, ExistingTree, InPlace, PhaseStatus, RunConfig, RunEvent,
    RunStatus,
};
use mobi_tui::phases::Phase;
use mobi_tui::terraform::{parse_line, TfMessage};
use serde_json::Value;

const CHILD_ENV: &str = "MOBI_RUNNER_CHILD_ARGS";
const MODULES: [&str; 10] = [
    "network",
    "object_storage",
    "postgres",
    "redis",
    "kubernetes_cluster",
    "app_backend",
    "app_workers",
    "app_frontend",
    "external_apis",
    "observability",
];

/// In a child process: become `mobi-tui` with the given args and exit with its code.
#[test]
fn child_entry() {
    let Ok(args) = std::env::var(CHILD_ENV) else {
        return;
    };
    let args: Vec<String> = serde_json::from_str(&args).expect("child args are JSON");
    let code = mobi_tui::cli::run_from(std::iter::once("mobi-tui".to_string()).chain(args));
    std::process::exit(i32::from(code));
}

/// The real terraform, or a failing test that says what is missing.
fn terraform_bin() -> PathBuf {
    let explicit = std::env::var_os("MOBI_TERRAFORM").map(PathBuf::from);
    mobi_tui::terraform::find_binary(explicit.as_deref()).unwrap_or_else(|e| {
        panic!("these tests need the real terraform (1.x) on PATH or in MOBI_TERRAFORM: {e}")
    })
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read fixture dir") {
        let e = e.expect("dir entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).expect("copy fixture file");
        }
    }
}

/// A scratch output directory holding a copy of the fixture tree, a preset and a CLI config.
struct Fixture {
    dir: tempfile::TempDir,
    tf: PathBuf,
}

impl Fixture {
    /// The mobi-tui binary itself (not the in-process child): for checks of the exact bytes of
    /// stdout, which the test harness would add its own lines to.
    fn binary(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_mobi-tui"));
        c.args(["--preset", &self.preset().display().to_string()])
            .args(["--out", &self.out().display().to_string(), "--keep-tree"])
            .args(args)
            .env("MOBI_TERRAFORM", &self.tf)
            .env("TF_CLI_CONFIG_FILE", self.out().join("tfrc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("CI")
            .stdin(Stdio::null());
        for v in mobi_tui::engine::CREDENTIAL_VARS {
            c.env_remove(v);
        }
        c
    }

    fn new() -> Self {
        let tf = terraform_bin();
        let dir = tempfile::tempdir().expect("tempdir");
        copy_dir(&manifest_dir().join("tests/fixtures/tree"), dir.path());
        std::fs::copy(
            manifest_dir().join("presets/dev.toml"),
            dir.path().join("preset.toml"),
        )
        .expect("copy preset");
        std::fs::write(
            dir.path().join("tfrc"),
            "# empty: built-in providers only\n",
        )
        .expect("write CLI config");
        Self { dir, tf }
    }

    fn out(&self) -> &Path {
        self.dir.path()
    }

    fn preset(&self) -> PathBuf {
        self.out().join("preset.toml")
    }

    fn env_dir(&self) -> PathBuf {
        self.out().join("infra/terraform/envs/dev")
    }

    fn command(&self, args: &[&str], creds: bool) -> Command {
        let mut all: Vec<String> = vec![
            "--preset".into(),
            self.preset().display().to_string(),
            "--out".into(),
            self.out().display().to_string(),
        ];
        // The fixture is a hand-made tree of terraform_data modules: phase 1 keeps it.
        all.push("--keep-tree".into());
        all.extend(args.iter().map(|s| s.to_string()));
        let mut c = Command::new(std::env::current_exe().expect("current exe"));
        c.args([
            "--exact",
            "child_entry",
            "-q",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, serde_json::to_string(&all).expect("args json"))
        .env("MOBI_TERRAFORM", &self.tf)
        .env("TF_CLI_CONFIG_FILE", self.out().join("tfrc"))
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_VAR_sleep_s")
        .stdin(Stdio::null());
        for v in mobi_tui::engine::CREDENTIAL_VARS {
            if creds {
                c.env(v, "fixture-not-a-secret");
            } else {
                c.env_remove(v);
            }
        }
        c
    }

    /// Run headless with `--json` and return (exit code, events, stderr).
    fn run_json(&self, args: &[&str]) -> (i32, Vec<Value>, String) {
        let mut a = args.to_vec();
        a.push("--json");
        let out = self.command(&a, true).output().expect("run child");
        (
            out.status.code().unwrap_or(-1),
            json_lines(&String::from_utf8_lossy(&out.stdout)),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn of_type<'a>(events: &'a [Value], t: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == t).collect()
}

fn phase_ends(events: &[Value]) -> Vec<(u64, String)> {
    of_type(events, "phase_end")
        .iter()
        .map(|e| {
            (
                e["phase"].as_u64().unwrap_or(0),
                e["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn full_apply_runs_every_phase_and_a_second_plan_shows_no_changes() {
    let fx = Fixture::new();
    let (code, ev, err) = fx.run_json(&["--apply", "--auto-approve"]);
    // Phase 14 runs the real smoke checks, which need the env's contract outputs: this fixture
    // of terraform_data modules has none, so phase 14 fails naming the first missing one.
    assert_eq!(code, 1, "stderr: {err}\nevents: {ev:#?}");
    let ends = phase_ends(&ev);
    assert_eq!(ends.len(), 14);
    for (n, status) in &ends {
        if *n == 14 {
            assert_eq!(status, "failed");
        } else {
            assert_eq!(status, "ok", "phase {n}");
        }
    }
    let p14 = of_type(&ev, "phase_end")[13];
    assert!(
        p14["reason"]
            .as_str()
            .unwrap_or("")
            .contains("output `media_bucket_name` is missing"),
        "{p14}"
    );

    // Phases 3-12 each ran a targeted, saved plan and applied that file.
    let starts = of_type(&ev, "step_start");
    for (i, m) in MODULES.iter().enumerate() {
        let phase = i as u64 + 3;
        let argv: Vec<Vec<String>> = starts
            .iter()
            .filter(|s| s["phase"] == phase)
            .filter_map(|s| serde_json::from_value(s["argv"].clone()).ok())
            .collect();
        let plan = argv
            .iter()
            .find(|a| a.get(1).map(String::as_str) == Some("plan"))
            .unwrap_or_else(|| panic!("phase {phase} ran no plan: {argv:?}"));
        assert!(plan.contains(&format!("-target=module.{m}")), "{plan:?}");
        let out = plan
            .iter()
            .find_map(|a| a.strip_prefix("-out="))
            .expect("plan saved with -out");
        let apply = argv
            .iter()
            .find(|a| a.get(1).map(String::as_str) == Some("apply"))
            .unwrap_or_else(|| panic!("phase {phase} applied nothing"));
        assert_eq!(
            apply.last().map(String::as_str),
            Some(out),
            "applies its own plan"
        );
    }

    // Resources report status and elapsed time.
    assert!(of_type(&ev, "resource")
        .iter()
        .any(|r| r["status"] == "complete" && r["elapsed_s"].is_number()));
    // The sensitive output's value never appears.
    let all = serde_json::to_string(&ev).unwrap_or_default();
    assert!(!all.contains("fixture-secret-"));

    // The journal records the argv of phase 3.
    let journal: Value = serde_json::from_str(
        &std::fs::read_to_string(fx.out().join(".mobi/journal/dev.json")).expect("journal"),
    )
    .expect("journal json");
    let cmds = journal["phases"]["3"]["commands"].to_string();
    assert!(cmds.contains("-target=module.network"), "{cmds}");
    assert_eq!(journal["phases"]["3"]["applied"], true);
    assert!(fx.out().join(".mobi/.gitignore").exists());

    // Plan again without --apply: zero changes everywhere.
    let (code, ev, err) = fx.run_json(&[]);
    assert_eq!(code, 0, "stderr: {err}");
    for e in of_type(&ev, "phase_end") {
        assert_eq!(
            e["changes"],
            serde_json::json!({"add":0,"change":0,"remove":0}),
            "{e}"
        );
    }
}

#[test]
fn to_5_then_resume_starts_at_6() {
    let fx = Fixture::new();
    let (code, ev, err) = fx.run_json(&["--apply", "--auto-approve", "--to", "5"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        phase_ends(&ev).iter().map(|p| p.0).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    let (code, ev, err) = fx.run_json(&["--apply", "--auto-approve", "--resume", "--to", "13"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(of_type(&ev, "resume")[0]["phase"], 6);
    let first = of_type(&ev, "phase_start")[0];
    assert_eq!(first["phase"], 6);
    assert_eq!(phase_ends(&ev).len(), 8);
}

/// A changed preset section re-runs the phase that reads it (and those after it) on `--resume`.
#[test]
fn a_changed_preset_section_reruns_its_phase_on_resume() {
    let fx = Fixture::new();
    let (code, _, err) = fx.run_json(&["--apply", "--auto-approve", "--to", "6"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(fx.preset()).expect("preset");
    let edited = text.replace("node_type = \"DB-DEV-S\"", "node_type = \"DB-PRO2-XXS\"");
    assert_ne!(text, edited);
    std::fs::write(fx.preset(), edited).expect("write preset");
    let (code, ev, err) = fx.run_json(&["--apply", "--auto-approve", "--resume", "--to", "6"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(of_type(&ev, "resume")[0]["phase"], 5);
    assert_eq!(
        phase_ends(&ev).iter().map(|p| p.0).collect::<Vec<_>>(),
        [5, 6]
    );
}

#[test]
fn sigint_during_apply_ends_interrupted_and_resume_completes() {
    let fx = Fixture::new();
    let mut cmd = fx.command(&["--apply", "--auto-approve", "--json", "--to", "4"], true);
    cmd.env("TF_VAR_sleep_s", "60").stdout(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn child");
    let stdout = child.stdout.take().expect("stdout");
    let mut events = Vec::new();
    let mut sent: Option<Instant> = None;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        let Ok(v) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if sent.is_none() && v["type"] == "resource" && v["status"] == "in_progress" {
            // Terraform is applying and its provisioner sleeps: interrupt now.
            std::thread::sleep(Duration::from_millis(300));
            nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(child.id() as i32),
                nix::sys::signal::Signal::SIGINT,
            )
            .expect("send SIGINT");
            sent = Some(Instant::now());
        }
        events.push(v);
    }
    let status = child.wait().expect("wait");
    let sent = sent.expect("an apply started");
    assert!(
        sent.elapsed() < Duration::from_secs(30),
        "took {:?}",
        sent.elapsed()
    );
    assert_eq!(status.code(), Some(130), "events: {events:#?}");
    let ends = phase_ends(&events);
    assert_eq!(ends.last().map(|e| e.1.as_str()), Some("interrupted"));
    assert_eq!(of_type(&events, "summary")[0]["status"], "interrupted");

    let (code, ev, err) = fx.run_json(&["--apply", "--auto-approve", "--resume", "--to", "4"]);
    assert_eq!(code, 0, "{err}\n{ev:#?}");
    assert!(of_type(&ev, "lock_left").is_empty());
    assert!(phase_ends(&ev).iter().all(|(_, s)| s == "ok"));
    assert!(!fx.env_dir().join(".terraform.tfstate.lock.info").exists());
}

/// Terraform loads the whole configuration for any plan, targeted or not: a module that does not
/// parse fails the first phase that plans (3), with the file and line of the mistake.
#[test]
fn a_broken_module_fails_the_first_plan_with_file_and_line() {
    let fx = Fixture::new();
    let main = fx.out().join("infra/terraform/modules/redis/main.tf");
    let text = std::fs::read_to_string(&main).expect("read module");
    std::fs::write(&main, text.replace("var.upstream_id", "var.no_such_var")).expect("write");
    let (code, ev, _) = fx.run_json(&["--apply", "--auto-approve", "--from", "2"]);
    assert_eq!(code, 1);
    let ends = phase_ends(&ev);
    assert_eq!(ends.last(), Some(&(3, "failed".to_string())), "{ends:?}");
    assert!(of_type(&ev, "phase_start")
        .iter()
        .all(|p| p["phase"].as_u64() <= Some(3)));
    let diag = of_type(&ev, "diagnostic")
        .into_iter()
        .find(|d| d["severity"] == "error")
        .expect("an error diagnostic");
    assert_eq!(diag["summary"], "Reference to undeclared input variable");
    assert!(diag["file"]
        .as_str()
        .unwrap_or("")
        .ends_with("modules/redis/main.tf"));
    assert_eq!(diag["line"].as_u64(), Some(21));
    let end = of_type(&ev, "phase_end")[ends.len() - 1];
    assert!(
        end["reason"].as_str().unwrap_or("").contains("main.tf:21"),
        "{end}"
    );
    assert_eq!(of_type(&ev, "summary")[0]["status"], "failed");
}

/// A failure while applying phase 6 (redis) ends that phase `failed` with Terraform's
/// diagnostic; phases 7 and later do not run.
#[test]
fn a_failing_apply_fails_its_phase_and_later_phases_do_not_run() {
    let fx = Fixture::new();
    let main = fx.out().join("infra/terraform/modules/redis/main.tf");
    let text = std::fs::read_to_string(&main).expect("read module");
    let broken = text.replacen("sleep ${var.sleep_s}", "echo redis refused >&2; exit 3", 1);
    assert_ne!(broken, text);
    std::fs::write(&main, broken).expect("write");
    let (code, ev, _) = fx.run_json(&["--apply", "--auto-approve"]);
    assert_eq!(code, 1);
    let ends = phase_ends(&ev);
    assert_eq!(ends.last(), Some(&(6, "failed".to_string())), "{ends:?}");
    assert!(ends[..5].iter().all(|(_, s)| s == "ok"), "{ends:?}");
    assert!(of_type(&ev, "phase_start")
        .iter()
        .all(|p| p["phase"].as_u64() <= Some(6)));
    assert!(of_type(&ev, "resource")
        .iter()
        .any(|r| r["phase"] == 6 && r["status"] == "errored"));
    let diag = of_type(&ev, "diagnostic")
        .into_iter()
        .find(|d| d["severity"] == "error" && d["phase"] == 6)
        .expect("an error diagnostic");
    assert_eq!(diag["summary"], "local-exec provisioner error");
    assert!(diag["file"]
        .as_str()
        .unwrap_or("")
        .ends_with("modules/redis/main.tf"));
    let journal: Value = serde_json::from_str(
        &std::fs::read_to_string(fx.out().join(".mobi/journal/dev.json")).expect("journal"),
    )
    .expect("journal json");
    assert_eq!(journal["phases"]["6"]["status"], "failed");
    assert!(journal["phases"].get("7").is_none());
}

/// Without `--apply`, a phase whose plan needs an upstream phase applied first says so (skipped,
/// with the reason) instead of failing the run. The fixture's redis module reads state that the
/// network phase publishes, as a real module would read a cluster's outputs.
#[test]
fn plan_only_says_when_an_upstream_phase_is_not_applied() {
    let fx = Fixture::new();
    let main = fx.out().join("infra/terraform/modules/redis/main.tf");
    let mut text = std::fs::read_to_string(&main).expect("read module");
    text.push_str(
        r#"
data "terraform_remote_state" "network" {
  backend = "local"
  config = {
    path = "${path.root}/network-published.tfstate"
  }
}

output "network_seen" {
  value = data.terraform_remote_state.network.outputs.network_id
}
"#,
    );
    std::fs::write(&main, text).expect("write");
    let (code, ev, err) = fx.run_json(&[]);
    assert_eq!(code, 0, "{err}\n{ev:#?}");
    let ends = of_type(&ev, "phase_end");
    let p6 = ends.iter().find(|e| e["phase"] == 6).expect("phase 6");
    assert_eq!(p6["status"], "skipped");
    let reason = p6["reason"].as_str().unwrap_or("");
    assert!(reason.contains("upstream phase 3"), "{reason}");
    assert!(reason.contains("Unable to find remote state"), "{reason}");
    assert_eq!(
        ends.iter().find(|e| e["phase"] == 7).map(|e| &e["status"]),
        Some(&Value::from("ok"))
    );
}

/// A state lock held by another Terraform: the phase fails, and the run reports the lock ID
/// (read from Terraform's diagnostic) with the exact command that releases it.
#[test]
fn a_held_lock_is_reported_with_the_unlock_command() {
    let fx = Fixture::new();
    let env_dir = fx.env_dir();
    let tf = |args: &[&str]| {
        let mut c = Command::new(&fx.tf);
        c.args(args)
            .current_dir(&env_dir)
            .env("TF_CLI_CONFIG_FILE", fx.out().join("tfrc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_VAR_sleep_s", "30")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    assert!(tf(&["init", "-input=false"])
        .status()
        .expect("init")
        .success());
    let plan = fx.out().join("holder.tfplan");
    let plan_arg = format!("-out={}", plan.display());
    assert!(
        tf(&["plan", "-input=false", "-target=module.network", &plan_arg])
            .status()
            .expect("plan")
            .success()
    );
    let mut holder = tf(&["apply", "-input=false", &plan.display().to_string()])
        .spawn()
        .expect("holder apply");
    let info = env_dir.join(".terraform.tfstate.lock.info");
    let t0 = Instant::now();
    while !info.exists() && t0.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let lock: Value = serde_json::from_str(&std::fs::read_to_string(&info).unwrap_or_default())
        .unwrap_or_default();
    let (code, ev, err) = fx.run_json(&["--apply", "--auto-approve", "--from", "4", "--to", "4"]);
    let _ = holder.kill();
    let _ = holder.wait();
    assert_eq!(code, 1, "{err}\n{ev:#?}");
    let id = lock["ID"].as_str().expect("lock info has an ID");
    let left = of_type(&ev, "lock_left");
    assert_eq!(left.len(), 1, "{ev:#?}");
    assert_eq!(left[0]["lock_id"], id);
    let cmd = left[0]["command"].as_str().unwrap_or("");
    assert!(cmd.ends_with(&format!("force-unlock -force {id}")), "{cmd}");
    assert!(
        cmd.contains(&format!("-chdir={}", env_dir.display())),
        "{cmd}"
    );
    let journal: Value = serde_json::from_str(
        &std::fs::read_to_string(fx.out().join(".mobi/journal/dev.json")).expect("journal"),
    )
    .expect("journal json");
    assert_eq!(journal["lock"]["id"], id);
}

/// A phase whose module is not in the tree is skipped with the reason.
#[test]
fn a_phase_without_its_module_is_skipped() {
    let fx = Fixture::new();
    let main = fx.env_dir().join("main.tf");
    let text = std::fs::read_to_string(&main).expect("read env");
    let start = text.find("module \"external_apis\"").expect("block");
    let end = start + text[start..].find("}\n").expect("block end") + 2;
    std::fs::write(&main, format!("{}{}", &text[..start], &text[end..])).expect("write");
    let (code, ev, err) = fx.run_json(&["--from", "11", "--to", "11"]);
    assert_eq!(code, 0, "{err}");
    let end = of_type(&ev, "phase_end")[0];
    assert_eq!(end["status"], "skipped");
    assert!(
        end["reason"]
            .as_str()
            .unwrap_or("")
            .contains("module.external_apis"),
        "{end}"
    );
}

/// The TUI runs the engine on a task: the run future must be `Send + 'static` via `spawn`.
#[tokio::test]
async fn the_engine_can_run_on_a_task_with_a_channel_approver() {
    let fx = Fixture::new();
    let preset = mobi_tui::headless::load_preset(&fx.preset()).expect("preset");
    let tfrc = fx.out().join("tfrc");
    let ws = move |root: &Path, env: &str| {
        let mut d = mobi_tui::engine::WorkspaceProvider::prepare(&InPlace, root, env)?;
        d.env
            .push(("TF_CLI_CONFIG_FILE".into(), tfrc.display().to_string()));
        Ok(d)
    };
    let cfg = RunConfig {
        preset,
        preset_path: fx.preset(),
        out_dir: fx.out().to_path_buf(),
        terraform_bin: fx.tf.clone(),
        from: 1,
        to: 3,
        apply: true,
        resume: false,
        grace: Duration::from_secs(5),
        require_credentials: false,
        sandbox: false,
    };
    let (approver, mut questions) = mobi_tui::engine::ChannelApprover::new();
    let engine =
        Engine::new(cfg, Box::new(ExistingTree), Box::new(ws)).with_approver(Box::new(approver));
    let (handle, mut events) = engine.spawn(mobi_tui::terraform::Interrupt::new());
    let mut asked = Vec::new();
    let mut seen = Vec::new();
    loop {
        tokio::select! {
            Some(q) = questions.recv() => {
                asked.push(q.phase);
                let _ = q.reply.send(Approval::Apply);
            }
            e = events.recv() => match e {
                Some(e) => seen.push(e),
                None => break,
            },
        }
    }
    assert_eq!(handle.await.ok(), Some(RunStatus::Ok), "{seen:#?}");
    assert_eq!(asked, [3]);
    assert!(matches!(seen.last(), Some(RunEvent::Summary { .. })));
}

#[test]
fn missing_credentials_stop_before_phase_2() {
    let fx = Fixture::new();
    let out = fx.command(&["--json"], false).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let ev = json_lines(&String::from_utf8_lossy(&out.stdout));
    assert!(of_type(&ev, "phase_start").iter().all(|p| p["phase"] == 1));
    let msg = of_type(&ev, "summary")[0]["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    for v in mobi_tui::engine::CREDENTIAL_VARS {
        assert!(msg.contains(v), "{msg}");
    }
    assert!(msg.contains("--sandbox"), "{msg}");
}

#[test]
fn the_json_stream_starts_with_its_version_and_a_plain_run_names_its_log() {
    let fx = Fixture::new();
    let out = fx.command(&["--json"], false).output().expect("run");
    let ev = json_lines(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(ev[0]["type"], "version", "{:?}", ev.first());
    assert_eq!(ev[0]["format"], mobi_tui::headless::JSON_FORMAT);
    let format = ev[0]["format"].as_str().unwrap_or_default();
    assert!(
        format.split('.').count() == 2 && format.split('.').all(|n| n.parse::<u32>().is_ok()),
        "not major.minor: {format}"
    );
    assert_eq!(ev[1]["type"], "run_start");
    // Plain lines, even with colour forced, carry no escape with --color never; the last line
    // names the log, which holds the same run.
    let out = fx
        .binary(&["--color", "never"])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .expect("run");
    assert!(!out.stdout.contains(&0x1b));
    let text = String::from_utf8_lossy(&out.stdout);
    let log = text
        .lines()
        .last()
        .and_then(|l| l.strip_prefix("log: "))
        .unwrap_or_else(|| panic!("no log line at the end:\n{text}"));
    let logged = std::fs::read_to_string(log).expect("the log exists");
    assert!(logged.contains("phase 1/14"), "{logged}");
    // With CLICOLOR_FORCE and no flag, a pipe gets colour.
    let out = fx
        .binary(&[])
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR")
        .output()
        .expect("run");
    assert!(out.stdout.contains(&0x1b), "CLICOLOR_FORCE did not colour");
    // NO_COLOR beats CLICOLOR_FORCE.
    let out = fx
        .binary(&[])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    assert!(!out.stdout.contains(&0x1b), "NO_COLOR did not win");
}

#[test]
fn apply_without_a_terminal_needs_auto_approve() {
    let fx = Fixture::new();
    let out = fx.command(&["--apply"], true).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--auto-approve"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

/// An approver that edits the tree while "the user thinks": the engine must notice that the tree
/// moved since the plan and plan again instead of applying a stale plan.
struct EditingApprover {
    file: PathBuf,
    /// Which question (0-based) edits the file.
    on_call: u32,
    calls: std::sync::Mutex<u32>,
}

impl Approver for EditingApprover {
    fn approve<'a>(&'a self, _: &'a Phase, _: Changes) -> futures::future::BoxFuture<'a, Approval> {
        Box::pin(async move {
            let mut n = self.calls.lock().unwrap_or_else(|e| e.into_inner());
            if *n == self.on_call {
                let mut t = std::fs::read_to_string(&self.file).unwrap_or_default();
                let edit = if self.file.extension().is_some_and(|x| x == "tf") {
                    "\n# edited while the plan waited for approval\n"
                } else {
                    "\n" // a state file: same JSON, different bytes
                };
                t.push_str(edit);
                let _ = std::fs::write(&self.file, t);
            }
            *n += 1;
            Approval::Apply
        })
    }
}

#[tokio::test]
async fn a_plan_made_before_the_tree_changed_is_not_applied() {
    let fx = Fixture::new();
    let file = fx.out().join("infra/terraform/modules/network/main.tf");
    let events = run_with_editing_approver(&fx, file, 0, 3).await;
    assert!(events.iter().any(|e| matches!(e,
        RunEvent::Note { phase: 3, message } if message.contains("tree changed"))));
    let plans = events
        .iter()
        .filter(|e| matches!(e, RunEvent::StepStart { phase: 3, step, .. } if step == "plan"))
        .count();
    assert_eq!(plans, 2, "planned again after the edit");
    assert!(events.iter().any(|e| matches!(
        e,
        RunEvent::PhaseEnd {
            phase: 3,
            status: PhaseStatus::Ok,
            ..
        }
    )));
}

#[tokio::test]
async fn a_plan_made_before_the_state_changed_is_not_applied() {
    let fx = Fixture::new();
    let file = fx.env_dir().join("terraform.tfstate");
    // Question 0 is phase 3 (creates the state), question 1 is phase 4.
    let events = run_with_editing_approver(&fx, file, 1, 4).await;
    assert!(events.iter().any(|e| matches!(e,
        RunEvent::Note { phase: 4, message } if message.contains("state changed"))));
    assert!(events.iter().any(|e| matches!(
        e,
        RunEvent::PhaseEnd {
            phase: 4,
            status: PhaseStatus::Ok,
            ..
        }
    )));
}

async fn run_with_editing_approver(
    fx: &Fixture,
    file: PathBuf,
    on_call: u32,
    to: u8,
) -> Vec<RunEvent> {
    let preset = mobi_tui::headless::load_preset(&fx.preset()).expect("preset");
    let cfg = RunConfig {
        preset,
        preset_path: fx.preset(),
        out_dir: fx.out().to_path_buf(),
        terraform_bin: fx.tf.clone(),
        from: 1,
        to,
        apply: true,
        resume: false,
        grace: Duration::from_secs(5),
        require_credentials: false,
        sandbox: false,
    };
    // Closures plug in as the tree writer and workspace provider.
    let tree = |p: &mobi_tui::preset::Preset, pp: &Path, out: &Path| {
        mobi_tui::engine::TreeWriter::write_tree(&ExistingTree, p, pp, out)
    };
    let tfrc = fx.out().join("tfrc");
    let ws = move |root: &Path, env: &str| {
        let mut d = mobi_tui::engine::WorkspaceProvider::prepare(&InPlace, root, env)?;
        d.env
            .push(("TF_CLI_CONFIG_FILE".into(), tfrc.display().to_string()));
        Ok(d)
    };
    let approver = EditingApprover {
        file,
        on_call,
        calls: Default::default(),
    };
    let engine = Engine::new(cfg, Box::new(tree), Box::new(ws)).with_approver(Box::new(approver));
    let events = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = events.clone();
    let status = engine
        .run(&mobi_tui::terraform::Interrupt::new(), &mut |e| {
            if let Ok(mut v) = sink.lock() {
                v.push(e);
            }
        })
        .await;
    let events = events.lock().map(|v| v.clone()).unwrap_or_default();
    assert_eq!(status, RunStatus::Ok, "{events:#?}");
    events
}

#[test]
fn recorded_json_streams_parse() {
    let dir = manifest_dir().join("tests/fixtures/tf-json");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    assert!(files.len() >= 6);
    let mut seen_unknown = false;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read fixture");
        let msgs: Vec<TfMessage> = text.lines().map(parse_line).collect();
        match &msgs[0] {
            TfMessage::Version { ui, .. } => {
                assert!(mobi_tui::terraform::json::check_ui_version(ui).is_ok())
            }
            other => panic!("{}: first line is {other:?}", f.display()),
        }
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == "unknown-type.jsonl" {
            seen_unknown = true;
            assert!(
                matches!(&msgs[1], TfMessage::Unknown(v) if v["type"] == "resource_identity_refresh")
            );
            assert!(matches!(&msgs[2], TfMessage::Text(t) if t == "Interrupt received."));
            let TfMessage::Diagnostic(d) = &msgs[3] else {
                panic!("lock diagnostic")
            };
            assert_eq!(
                d.lock_id().as_deref(),
                Some("4d2b6b57-9b0e-2c6e-3f1d-6ad1f3c0a1b2")
            );
            let TfMessage::Outputs(o) = &msgs[4] else {
                panic!("outputs")
            };
            assert_eq!(o["db_password"].value, None, "sensitive value dropped");
        } else {
            // Real recordings: every line is a typed message.
            for (i, m) in msgs.iter().enumerate() {
                assert!(
                    !matches!(m, TfMessage::Unknown(_) | TfMessage::Text(_)),
                    "{name}:{}: {m:?}",
                    i + 1
                );
            }
        }
        if name == "apply.jsonl" {
            assert!(msgs.iter().any(|m| matches!(m, TfMessage::ApplyComplete(h)
                if h.resource.addr == "module.network.terraform_data.this")));
            assert!(msgs
                .iter()
                .any(|m| matches!(m, TfMessage::ChangeSummary(s) if s.add == 2)));
        }
        if name == "plan-locked.jsonl" {
            let id = msgs.iter().find_map(|m| match m {
                TfMessage::Diagnostic(d) => d.lock_id(),
                _ => None,
            });
            assert_eq!(id.as_deref(), Some("8a595611-cda4-852e-f7c8-a0a94495ee11"));
        }
        if name == "plan-error.jsonl" {
            let d = msgs
                .iter()
                .find_map(|m| match m {
                    TfMessage::Diagnostic(d) if d.is_error() => Some(d),
                    _ => None,
                })
                .expect("error diagnostic");
            let r = d.range.as_ref().expect("range");
            assert_eq!(r.filename, "../../modules/redis/main.tf");
            assert_eq!(r.start.line, 21);
        }
    }
    assert!(seen_unknown);
}

/// A child that ignores SIGINT is killed (with its whole group) when the grace period runs out,
/// and a second request kills at once.
#[tokio::test]
async fn a_child_ignoring_sigint_is_killed_after_the_grace_period() {
    use mobi_tui::terraform::{Interrupt, OutputKind, TfCommand};
    let cmd = TfCommand {
        program: "sh".into(),
        // The grandchild `sleep` shares the group: it must die too, or stdout never closes.
        args: vec![
            "-c".into(),
            "trap '' INT; echo started; sleep 30; echo done".into(),
        ],
        cwd: std::env::temp_dir(),
        env: Vec::new(),
        output: OutputKind::JsonStream,
        detailed_exitcode: false,
        background: false,
        cancel_outright: false,
    };
    for second_request in [false, true] {
        let irq = Interrupt::new();
        let asker = irq.clone();
        let started = Instant::now();
        let mut lines = Vec::new();
        let mut collect = |m: &mobi_tui::terraform::TfMessage| lines.push(format!("{m:?}"));
        let run = mobi_tui::terraform::run(&cmd, &irq, Duration::from_secs(2), &mut collect);
        let poke = async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            asker.request();
            if second_request {
                tokio::time::sleep(Duration::from_millis(100)).await;
                asker.request();
            }
        };
        let (out, ()) = tokio::join!(run, poke);
        let out = out.expect("ran");
        assert!(out.interrupted && out.killed, "{out:?}");
        let limit = if second_request { 1 } else { 4 };
        assert!(
            started.elapsed() < Duration::from_secs(limit),
            "{:?}",
            started.elapsed()
        );
        assert!(lines.iter().any(|l| l.contains("started")));
        assert!(!lines.iter().any(|l| l.contains("done")));
    }
}

/// `cancel_outright`: one interrupt request sends the two SIGINTs that make Terraform exit at
/// once (the child counts them and leaves on the second, unkilled); without it the same request
/// sends one, and a child that waits for a second is killed when the grace runs out.
#[tokio::test]
async fn an_outright_cancel_sends_a_second_sigint_and_a_normal_interrupt_does_not() {
    use mobi_tui::terraform::{Interrupt, OutputKind, TfCommand};
    let mut cmd = TfCommand {
        program: "sh".into(),
        args: vec![
            "-c".into(),
            "n=0; trap 'n=$((n+1)); echo \"sigint $n\"; [ $n -ge 2 ] && exit 7' INT; echo started; while :; do sleep 0.02; done".into(),
        ],
        cwd: std::env::temp_dir(),
        env: Vec::new(),
        output: OutputKind::Text,
        detailed_exitcode: false,
        background: false,
        cancel_outright: false,
    };
    for outright in [true, false] {
        cmd.cancel_outright = outright;
        let irq = Interrupt::new();
        let asker = irq.clone();
        let mut lines = Vec::new();
        let mut collect = |m: &mobi_tui::terraform::TfMessage| {
            if let mobi_tui::terraform::TfMessage::Text(t) = m {
                lines.push(t.trim().to_string());
            }
        };
        let run = mobi_tui::terraform::run(&cmd, &irq, Duration::from_secs(2), &mut collect);
        let poke = async {
            tokio::time::sleep(Duration::from_millis(300)).await;
            asker.request();
        };
        let (out, ()) = tokio::join!(run, poke);
        let out = out.expect("ran");
        assert!(out.interrupted, "{out:?}");
        if outright {
            assert_eq!(out.exit_code, Some(7), "{out:?} {lines:?}");
            assert!(!out.killed);
            assert!(lines.contains(&"sigint 2".to_string()), "{lines:?}");
        } else {
            assert!(out.killed, "{out:?} {lines:?}");
            assert!(lines.contains(&"sigint 1".to_string()), "{lines:?}");
            assert!(!lines.contains(&"sigint 2".to_string()), "{lines:?}");
        }
    }
}
