//! Answer → plan impact, against one dev env applied once in the sandbox for this test binary:
//! every edit is planned in the impact's scratch copy against that env's state, through the
//! library and through `mobi-tui impact`, and must report the named action on the named resource
//! and nothing else but the updates its module's outputs cause downstream. The data plane is
//! off: these tests are about plans and state, and the shared env is never reset (no server
//! may outlive the test binary).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use mobi_tui::engine::impact::{self, Action, Impact, ImpactRequest};
use mobi_tui::terraform::Interrupt;

use crate::support::*;

/// The applied env (`--to 12`: every module, no final plan or smoke checks).
struct Applied {
    _dir: tempfile::TempDir,
    out: PathBuf,
}

fn applied() -> &'static Applied {
    static APPLIED: OnceLock<Applied> = OnceLock::new();
    APPLIED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("repo");
        let preset = repo().join("presets/dev.toml");
        let o = mobi_without_data_plane(&[
            "--preset",
            preset.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--sandbox",
            "--apply",
            "--auto-approve",
            "--to",
            "12",
        ]);
        assert!(
            o.status.success(),
            "applying dev in the sandbox: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(
            out.join(".mobi/journal/dev.applied.toml").is_file(),
            "the applied preset is kept"
        );
        Applied { _dir: dir, out }
    })
}

/// The impact scratch copy is one per env: one computation at a time.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// For a test that applies: a copy of the shared env (in the returned temp dir), taken while
/// no plan reads it.
fn copy_of_applied() -> (tempfile::TempDir, PathBuf) {
    let a = applied();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("copy");
    let _one = serial();
    let cp = std::process::Command::new("cp")
        .arg("-a")
        .arg(&a.out)
        .arg(&out)
        .status()
        .unwrap();
    assert!(cp.success());
    (dir, out)
}

fn state_bytes(out: &Path) -> Vec<u8> {
    std::fs::read(out.join(".mobi/sandbox/dev/terraform.tfstate")).unwrap()
}

fn through_library(out: &Path, preset: &Path) -> Impact {
    let candidate = mobi_tui::preset::load(preset).unwrap();
    let req = ImpactRequest {
        out_dir: out.to_path_buf(),
        candidate,
        sandbox: true,
        terraform_bin: terraform(),
        provider_binary: Some(bin()),
        env: Vec::new(),
        background: false,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(impact::compute(&req, &Interrupt::new()))
        .unwrap_or_else(|e| panic!("impact of {}: {e}", preset.display()))
}

/// The changes of the impact's saved plan as read from the file by mobi-tui and as Terraform
/// itself renders them (`terraform show -json`), each sorted by address.
fn saved_plan_both_ways(out: &Path) -> (Vec<impact::PlannedChange>, Vec<impact::PlannedChange>) {
    let scratch = impact::scratch_dir(out, "dev");
    let ws = mobi_tui::sandbox::Workspace::prepare(
        &scratch,
        "dev",
        &mobi_tui::sandbox::WorkspaceOptions {
            reset: false,
            latency: std::time::Duration::ZERO,
            provider_binary: Some(bin()),
            data_plane: false,
        },
    )
    .unwrap();
    let plan = scratch.join("impact.tfplan");
    let o = std::process::Command::new(terraform())
        .arg("show")
        .arg("-json")
        .arg(&plan)
        .current_dir(ws.env_dir())
        .envs(ws.command_env())
        .output()
        .unwrap();
    assert!(o.status.success(), "terraform show: {}", stderr(&o));
    let mut shown = impact::parse_show_json(&stdout(&o)).unwrap();
    let mut read = impact::read_saved_plan(&std::fs::read(&plan).unwrap())
        .unwrap_or_else(|e| panic!("reading the saved plan: {e}"));
    shown.sort_by(|a, b| a.address.cmp(&b.address));
    read.sort_by(|a, b| a.address.cmp(&b.address));
    (read, shown)
}

/// `mobi-tui impact --json`: the events and the exit code.
fn through_binary(out: &Path, preset: &Path) -> (Vec<serde_json::Value>, i32, String) {
    let o = mobi_without_data_plane(&[
        "impact",
        "--preset",
        preset.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--sandbox",
        "--json",
    ]);
    let events = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (events, o.status.code().unwrap_or(-1), stderr(&o))
}

/// What an edit must do: the resources its key changes directly, with their actions; every
/// other change must be an update reached through the outputs of `via` (values known only
/// after the apply).
struct Case {
    name: &'static str,
    edits: &'static [(&'static str, &'static str)],
    key: &'static str,
    direct: &'static [(&'static str, Action)],
    via: Option<&'static str>,
    destructive: &'static [&'static str],
    forced_by: Option<(&'static str, &'static str)>,
}

fn check(c: &Case) {
    let a = applied();
    let dir = tempfile::tempdir().unwrap();
    let preset = preset_variant("dev.toml", c.edits, dir.path(), "candidate.toml");
    let _one = serial();
    let before = state_bytes(&a.out);

    let imp = through_library(&a.out, &preset);
    assert!(imp.applied, "{}: the baseline was found", c.name);
    // What the impact read from its saved plan is what Terraform shows of it.
    let (read, shown) = saved_plan_both_ways(&a.out);
    assert!(!shown.is_empty(), "{}: the plan changes something", c.name);
    assert_eq!(
        read, shown,
        "{}: saved plan read vs terraform show -json",
        c.name
    );
    let keys: Vec<&str> = imp.changes.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(keys, vec![c.key], "{}: changed keys", c.name);
    let mut direct: Vec<(&str, Action)> = imp
        .resources
        .iter()
        .filter(|r| r.causes.iter().any(|x| x.key == c.key && x.via.is_none()))
        .map(|r| (r.address.as_str(), r.action))
        .collect();
    direct.sort();
    let mut want = c.direct.to_vec();
    want.sort();
    assert_eq!(direct, want, "{}: resources the key changes", c.name);
    for r in imp
        .resources
        .iter()
        .filter(|r| !want.iter().any(|w| w.0 == r.address))
    {
        assert_eq!(
            (r.action, r.causes.first().and_then(|x| x.via.as_deref())),
            (Action::Update, c.via),
            "{}: {} changes for another reason: {:?}",
            c.name,
            r.address,
            r.causes
        );
    }
    assert_eq!(
        imp.destructive_addresses(),
        c.destructive.to_vec(),
        "{}: destructive changes",
        c.name
    );
    if let Some((addr, attr)) = c.forced_by {
        let r = imp.resources.iter().find(|r| r.address == addr).unwrap();
        assert_eq!(r.forced_by, vec![attr], "{}: forced by", c.name);
    }

    let (events, code, err) = through_binary(&a.out, &preset);
    assert_eq!(
        code,
        if c.destructive.is_empty() { 0 } else { 3 },
        "{}: exit code ({err})",
        c.name
    );
    let mut from_bin: Vec<(String, String)> = events
        .iter()
        .filter(|e| e["type"] == "impact" && e["key"] == c.key && e["via"].is_null())
        .map(|e| {
            (
                e["address"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    from_bin.sort();
    let want_bin: Vec<(String, String)> = want
        .iter()
        .map(|(a, x)| (a.to_string(), x.name().to_owned()))
        .collect();
    assert_eq!(from_bin, want_bin, "{}: events of the binary", c.name);
    assert_eq!(
        events.len(),
        imp.events().len(),
        "{}: one event per (key, resource)",
        c.name
    );
    for e in &events {
        for field in [
            "key",
            "from",
            "to",
            "address",
            "action",
            "forced_by",
            "destructive",
        ] {
            assert!(e.get(field).is_some(), "{}: {field} missing in {e}", c.name);
        }
    }

    assert_eq!(
        before,
        state_bytes(&a.out),
        "{}: the state is untouched",
        c.name
    );
    assert!(
        !a.out
            .join(".mobi/sandbox/dev/.terraform.tfstate.lock.info")
            .exists(),
        "{}: the state lock is released",
        c.name
    );
}

#[test]
fn impact_backend_image_tag_updates_the_backend_deployment_in_place() {
    check(&Case {
        name: "backend tag",
        edits: &[(
            "tag      = \"0.1.0\"\nreplicas = 2",
            "tag      = \"0.2.0\"\nreplicas = 2",
        )],
        key: "backend.tag",
        direct: &[(
            "module.app_backend.kubernetes_deployment_v1.this",
            Action::Update,
        )],
        via: None,
        destructive: &[],
        forced_by: None,
    });
}

#[test]
fn impact_worker_replicas_update_that_workers_deployment_in_place() {
    check(&Case {
        name: "worker replicas",
        edits: &[(
            "replicas = 1\nstream   = \"media.photo\"",
            "replicas = 3\nstream   = \"media.photo\"",
        )],
        key: "workers.ipod.replicas",
        direct: &[(
            "module.app_workers.kubernetes_deployment_v1.this[\"ipod\"]",
            Action::Update,
        )],
        via: None,
        destructive: &[],
        forced_by: None,
    });
}

#[test]
fn impact_postgres_ha_updates_the_instance_in_place() {
    check(&Case {
        name: "postgres ha",
        edits: &[(
            "db_user   = \"mobi\"",
            "db_user   = \"mobi\"\nha        = true",
        )],
        key: "postgres.ha",
        direct: &[("module.postgres.scaleway_rdb_instance.this", Action::Update)],
        via: None,
        destructive: &[],
        forced_by: None,
    });
}

#[test]
fn impact_redis_cluster_size_replaces_the_cluster_and_loses_data() {
    check(&Case {
        name: "redis cluster_size",
        edits: &[("cluster_size = 1", "cluster_size = 2")],
        key: "redis.cluster_size",
        direct: &[("module.redis.scaleway_redis_cluster.this", Action::Replace)],
        via: Some("module.redis"),
        destructive: &["module.redis.scaleway_redis_cluster.this"],
        forced_by: Some(("module.redis.scaleway_redis_cluster.this", "cluster_size")),
    });
}

#[test]
fn impact_media_bucket_name_replaces_the_bucket_and_loses_data() {
    check(&Case {
        name: "media bucket",
        edits: &[("\"mobi-media-dev-example\"", "\"mobi-media2-dev-example\"")],
        key: "object_storage.media_bucket",
        direct: &[
            (
                "module.object_storage.scaleway_object_bucket.media",
                Action::Replace,
            ),
            // The ACL names its bucket: it follows, holding nothing itself.
            (
                "module.object_storage.scaleway_object_bucket_acl.media",
                Action::Replace,
            ),
        ],
        via: Some("module.object_storage"),
        destructive: &["module.object_storage.scaleway_object_bucket.media"],
        forced_by: Some(("module.object_storage.scaleway_object_bucket.media", "name")),
    });
}

#[test]
fn impact_new_worker_kind_creates_its_deployment() {
    check(&Case {
        name: "new worker",
        edits: &[(
            "[external_apis]",
            "[workers.apod]\nimage    = \"rg.fr-par.scw.cloud/mobi/worker-audio\"\ntag      = \"0.1.0\"\nreplicas = 1\nstream   = \"media.audio\"\n\n[external_apis]",
        )],
        key: "workers.apod",
        direct: &[(
            "module.app_workers.kubernetes_deployment_v1.this[\"apod\"]",
            Action::Create,
        )],
        via: None,
        destructive: &[],
        forced_by: None,
    });
}

#[test]
fn impact_of_the_applied_preset_itself_is_nothing() {
    let a = applied();
    let _one = serial();
    let (events, code, err) = through_binary(&a.out, &repo().join("presets/dev.toml"));
    assert_eq!(code, 0, "{err}");
    assert!(events.is_empty(), "{events:?}");
}

#[test]
fn impact_without_an_applied_env_counts_creations_per_phase() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fresh");
    let o = mobi_without_data_plane(&[
        "impact",
        "--preset",
        repo().join("presets/dev.toml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--sandbox",
    ]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}{}", stderr(&o));
    assert!(text.contains("no applied preset yet"), "{text}");
    assert!(
        text.contains("phase 3 Network: creates 2 resources"),
        "{text}"
    );
    assert!(text.contains("phase 6 Redis: creates"), "{text}");
    assert!(
        !out.join("infra").exists(),
        "the user's tree is not written by an impact"
    );
}

#[test]
fn impact_of_a_bad_preset_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let preset = preset_variant(
        "dev.toml",
        &[("cluster_size = 1", "cluster_size = 7")],
        dir.path(),
        "bad.toml",
    );
    let o = mobi_without_data_plane(&[
        "impact",
        "--preset",
        preset.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
        "--sandbox",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("redis.cluster_size"), "{err}");
}

fn events_of(o: &std::process::Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn phase_end(events: &[serde_json::Value], phase: u64) -> Option<&serde_json::Value> {
    events
        .iter()
        .find(|e| e["type"] == "phase_end" && e["phase"] == phase)
}

/// An apply that would replace the Redis cluster stops that phase as `blocked` (exit 1, the
/// state untouched); `--resume --allow-replace ADDRESS` then applies it.
#[test]
fn guard_blocks_a_destructive_apply_until_the_address_is_confirmed() {
    let (dir, out) = copy_of_applied();
    let preset = preset_variant(
        "dev.toml",
        &[("cluster_size = 1", "cluster_size = 2")],
        dir.path(),
        "redis2.toml",
    );
    let run = |extra: &[&str]| {
        let mut args = vec![
            "--preset",
            preset.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--sandbox",
            "--apply",
            "--auto-approve",
            "--json",
            "--from",
            "3",
            "--to",
            "6",
        ];
        args.extend_from_slice(extra);
        mobi_without_data_plane(&args)
    };
    let addr = "module.redis.scaleway_redis_cluster.this";
    let before = state_bytes(&out);

    let o = run(&[]);
    let ev = events_of(&o);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let end = phase_end(&ev, 6).unwrap_or_else(|| panic!("no phase_end 6: {}", stdout(&o)));
    assert_eq!(end["status"], "blocked", "{end}");
    let blocked = ev.iter().position(|e| e["type"] == "blocked").unwrap();
    assert_eq!(ev[blocked]["addresses"], serde_json::json!([addr]));
    let impact = ev
        .iter()
        .position(|e| e["type"] == "impact" && e["address"] == addr)
        .unwrap_or_else(|| panic!("no impact event for {addr}: {}", stdout(&o)));
    assert!(impact < blocked, "the impact comes before the stop");
    assert_eq!(ev[impact]["key"], "redis.cluster_size");
    assert_eq!(ev[impact]["forced_by"], "cluster_size");
    assert_eq!(ev[impact]["destructive"], true);
    assert!(
        !ev.iter()
            .any(|e| e["type"] == "step_start" && e["phase"] == 6 && e["step"] == "apply"),
        "no apply started"
    );
    assert_eq!(before, state_bytes(&out), "the state is untouched");

    // Another address confirmed: still blocked.
    let o = run(&["--resume", "--allow-replace", "module.redis.other"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert_eq!(before, state_bytes(&out), "the state is still untouched");

    let o = run(&["--resume", "--allow-replace", addr]);
    let ev = events_of(&o);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        ev.iter().any(|e| e["type"] == "resume" && e["phase"] == 6),
        "resumed at the blocked phase: {}",
        stdout(&o)
    );
    assert_eq!(
        phase_end(&ev, 6).map(|e| e["status"].clone()),
        Some("ok".into())
    );
    assert_ne!(before, state_bytes(&out), "the replacement is applied");
    let applied = std::fs::read_to_string(out.join(".mobi/journal/dev.applied.toml")).unwrap();
    assert!(applied.contains("cluster_size = 2"), "{applied}");
}

/// The wizard on an applied env, in tmux: Redis `cluster_size` 1 → 2 shows the replacement under
/// the field and in the review's impact pane; `a` (apply) then stops at the typed-name dialog,
/// refuses a wrong name, and applies once the cluster's own name is typed.
#[test]
fn wizard_shows_the_impact_and_applies_a_replacement_only_once_its_name_is_typed() {
    let (dir, out) = copy_of_applied();
    let preset = preset_variant("dev.toml", &[], dir.path(), "dev.toml");
    let before = state_bytes(&out);
    let cmd = format!(
        "cd {d} && MOBI_SANDBOX_DATA_PLANE=0 {bin} --edit {preset} --out {out} --sandbox --terraform-bin {tf} --from 6 --to 6; sleep 60",
        d = dir.path().display(),
        bin = bin().display(),
        preset = preset.display(),
        out = out.display(),
        tf = terraform().display(),
    );
    let t = crate::tui::Tmux::start_sized(&cmd, 120, 40);
    t.wait_for("Phases");
    // Phase 6, its third question (cluster size): edit it to 2.
    t.keys(&["l", "l", "l", "l", "l"]);
    t.wait_for("Cluster size");
    t.keys(&["j", "j", "Enter", "C-u"]);
    t.keys(&["2", "Enter"]);
    let addr = "module.redis.scaleway_redis_cluster.this";
    // Wrapped at 120 columns after the address.
    let line = format!("-/+ REPLACES {addr}");
    let s = t.wait_long("the impact line under the field", |s| {
        s.contains(&line) && s.contains("(cluster_size) — data is lost")
    });
    let field = s.lines().position(|l| l.contains("Cluster size")).unwrap();
    let under = s.lines().position(|l| l.contains(&line)).unwrap();
    assert!(
        under > field && under <= field + 3,
        "the line is under the field:\n{s}"
    );

    t.keys(&["r"]);
    let s = t.wait_long("the review's impact pane", |s| {
        s.contains("Impact") && s.contains("REPLACES") && s.contains("redis_cluster")
    });
    assert!(s.contains("6"), "per phase:\n{s}");
    t.keys(&["Escape"]);
    t.keys(&["x"]);
    t.wait_for("Run");
    t.keys(&["a"]);
    let s = t.wait_long("the typed-name dialog", |s| s.contains("to confirm it"));
    assert_eq!(
        before,
        state_bytes(&out),
        "nothing applied before the confirmation"
    );
    let name = s
        .split("Type ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no name asked for:\n{s}"))
        .to_string();
    assert!(
        name.contains("redis"),
        "the cluster's own name is asked for: {name}\n{s}"
    );
    t.keys(&["-l", "not-the-name"]);
    t.keys(&["Enter"]);
    t.wait_for(&format!("that is not {name}"));
    t.keys(&["C-u"]);
    t.keys(&["-l", &name]);
    t.keys(&["Enter"]);
    t.wait_long("the apply question", |s| s.contains("Apply phase 6"));
    t.keys(&["y"]);
    t.wait_long("phase 6 applied", |_| state_bytes(&out) != before);
    let s = t.wait_long("the run's end", |s| {
        s.contains("run ok") || s.contains("applied")
    });
    assert!(!s.contains("blocked"), "{s}");
    let applied = t.wait_long("the applied preset", |_| {
        std::fs::read_to_string(out.join(".mobi/journal/dev.applied.toml"))
            .is_ok_and(|a| a.contains("cluster_size = 2"))
    });
    drop(applied);
}

/// The wizard's impact worker on the real path: an edit made while the previous edit's plan
/// holds the state lock cancels that plan through Terraform's own "two interrupts: exit
/// immediately" (it stops before the end and unlocks) rather than killing it, the next plan
/// starts only once it has stopped, and only the newer edit's impact arrives. A wrapper around
/// the real terraform logs each command's start, end and any SIGINT it saw (a kill would leave
/// no `INT` and no `end` line; a plan let run to its end exits 2).
#[test]
fn superseding_a_running_impact_plan_interrupts_it_and_only_the_next_one_answers() {
    use mobi_tui::tui::impact_worker::ImpactWorker;
    use mobi_tui::tui::update::Action as UiAction;

    let a = applied();
    let _one = serial();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("terraform.log");
    let wrapper = dir.path().join("terraform");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nsub=$1\ntrap 'echo \"INT $sub\" >> {log}' INT\necho \"start $sub\" >> {log}\n{real} \"$@\"\nrc=$?\necho \"end $sub $rc\" >> {log}\nexit $rc\n",
            log = log.display(),
            real = terraform().display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let request = |edits: &[(&str, &str)], name: &str| {
        let p = preset_variant("dev.toml", edits, dir.path(), name);
        Ok(ImpactRequest {
            out_dir: a.out.clone(),
            candidate: mobi_tui::preset::load(&p).unwrap(),
            sandbox: true,
            terraform_bin: wrapper.clone(),
            provider_binary: Some(bin()),
            env: Vec::new(),
            background: true,
        })
    };
    let lock_info = a.out.join(".mobi/sandbox/dev/.terraform.tfstate.lock.info");
    let plan_lines = || -> Vec<String> {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.ends_with(" plan") || l.contains(" plan "))
            .map(str::to_string)
            .collect()
    };

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut worker = ImpactWorker::new();
    {
        let _in = rt.enter();
        worker.submit(
            1,
            request(
                &[("tag      = \"0.1.0\"", "tag      = \"0.1.9\"")],
                "one.toml",
            ),
            &tx,
        );
        worker.start_now(1);
    }
    // Wait until the first plan holds the state lock.
    let t = std::time::Instant::now();
    while !(plan_lines().iter().any(|l| l == "start plan") && lock_info.exists()) {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(120),
            "the first plan never took the lock: {:?}",
            plan_lines()
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    {
        let _in = rt.enter();
        worker.submit(
            2,
            request(&[("cluster_size = 1", "cluster_size = 2")], "two.toml"),
            &tx,
        );
        worker.start_now(2);
    }
    let answer = rt.block_on(async {
        tokio::time::timeout(std::time::Duration::from_secs(180), rx.recv()).await
    });
    let Ok(Some(UiAction::ImpactReady { generation, result })) = answer else {
        panic!("no answer: {:?}", plan_lines());
    };
    assert_eq!(generation, 2, "only the newer edit answers");
    let imp = result.unwrap_or_else(|e| panic!("the second plan failed: {e}"));
    assert!(
        imp.resources
            .iter()
            .any(|r| r.address == "module.redis.scaleway_redis_cluster.this"
                && r.action == Action::Replace),
        "{:?}",
        imp.resources
    );
    assert!(
        !imp.changes.iter().any(|c| c.key.contains("tag")),
        "the first edit's answer leaked into the second: {:?}",
        imp.changes
    );
    rt.block_on(worker.shutdown(std::time::Duration::from_secs(30)));
    drop(tx);
    assert!(
        rt.block_on(rx.recv()).is_none(),
        "the superseded plan answered"
    );

    let lines = plan_lines();
    let first_end = lines.iter().position(|l| l.starts_with("end plan"));
    let int = lines.iter().position(|l| l == "INT plan");
    let second_start = lines.iter().rposition(|l| l == "start plan");
    assert!(
        matches!((int, first_end, second_start), (Some(i), Some(e), Some(s)) if i < e && e < s),
        "expected: start plan, INT plan, end plan, start plan, end plan; got {lines:?}"
    );
    assert_ne!(
        lines[first_end.unwrap()],
        "end plan 2",
        "the first plan ran to the end: {lines:?}"
    );
    assert_eq!(
        lines.last().map(String::as_str),
        Some("end plan 2"),
        "{lines:?}"
    );
    assert!(!lock_info.exists(), "a lock is left on the env's state");
}

/// The sandbox's S3 server (`mobi-tui sandbox serve-s3`, the same binary) standing in for the
/// env's real state bucket: one key, the preset's state bucket holding the applied state.
/// Stopped on drop.
struct S3Backend {
    child: std::process::Child,
    dir: tempfile::TempDir,
    port: u16,
}

const S3_ACCESS: &str = "SCWTESTSTATEBACKEND0";
const S3_SECRET: &str = "test-secret-of-the-state-bucket";
const STATE_BUCKET: &str = "mobi-tfstate-example";
const STATE_KEY: &str = "mobi/dev/terraform.tfstate";

impl S3Backend {
    fn start(state: &[u8]) -> S3Backend {
        use mobi_tui::sandbox::services::{free_port, s3_server, wait_listening};
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let ck = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
            .unwrap();
        std::fs::write(d.join("server.crt"), ck.cert.pem()).unwrap();
        std::fs::write(d.join("server.crt.der"), ck.cert.der()).unwrap();
        std::fs::write(d.join("server.key.der"), ck.key_pair.serialize_der()).unwrap();
        std::fs::write(
            s3_server::keys_path(d),
            serde_json::json!({ S3_ACCESS: S3_SECRET }).to_string(),
        )
        .unwrap();
        std::fs::create_dir_all(s3_server::bucket_dir(d, STATE_BUCKET).join("objects")).unwrap();
        std::fs::write(
            s3_server::meta_path(d, STATE_BUCKET),
            r#"{"acl": "private"}"#,
        )
        .unwrap();
        std::fs::write(s3_server::object_path(d, STATE_BUCKET, STATE_KEY), state).unwrap();
        let port = free_port().unwrap();
        let mut wport = free_port().unwrap();
        while wport == port {
            wport = free_port().unwrap();
        }
        let log = std::fs::File::create(d.join("s3.log")).unwrap();
        let child = std::process::Command::new(bin())
            .args(["sandbox", "serve-s3", "--dir"])
            .arg(d)
            .args(["--port", &port.to_string()])
            .args(["--website-port", &wport.to_string()])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let s3 = S3Backend { child, dir, port };
        assert!(
            wait_listening(port, std::time::Duration::from_secs(10)),
            "serve-s3 did not listen: {}",
            s3.log()
        );
        s3
    }

    fn object(&self, key: &str) -> PathBuf {
        mobi_tui::sandbox::services::s3_server::object_path(self.dir.path(), STATE_BUCKET, key)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("s3.log")).unwrap_or_default()
    }

    /// What Terraform needs to use this bucket as the env's backend, with the stand-in
    /// providers of the applied env's mirror: the endpoint through `-backend-config` (a backend
    /// block cannot be overridden otherwise), the key, the server's certificate.
    fn terraform_env(&self, out: &Path) -> Vec<(String, String)> {
        let backend = self.dir.path().join("local.s3.tfbackend");
        std::fs::write(
            &backend,
            format!(
                "endpoints = {{ s3 = \"https://127.0.0.1:{}\" }}\n",
                self.port
            ),
        )
        .unwrap();
        let sandbox = out.join(".mobi/sandbox");
        [
            (
                "TF_CLI_ARGS_init",
                format!("-backend-config={}", backend.display()),
            ),
            ("AWS_ACCESS_KEY_ID", S3_ACCESS.into()),
            ("AWS_SECRET_ACCESS_KEY", S3_SECRET.into()),
            (
                "AWS_CA_BUNDLE",
                self.dir.path().join("server.crt").display().to_string(),
            ),
            (
                "TF_CLI_CONFIG_FILE",
                sandbox.join("terraformrc").display().to_string(),
            ),
            ("TF_DISABLE_PLUGIN_TLS", "1".into()),
            ("CHECKPOINT_DISABLE", "1".into()),
            (
                mobi_tui::sandbox::workspace::ADMIN_KEY_VAR,
                mobi_tui::sandbox::workspace::ADMIN_KEY_STAND_IN.into(),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }
}

impl Drop for S3Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Without `--sandbox` the impact plans against the env's real backend: the scratch copy inits
/// against the state bucket, the plan takes Terraform's lock there (`use_lockfile`: a
/// `.tflock` object written only if absent) and releases it, and the state is only read. A lock
/// someone else holds stops the impact with Terraform's own error: never `-lock=false`.
#[test]
fn impact_against_the_s3_backend_takes_the_state_lock_and_releases_it() {
    let (_dir, out) = copy_of_applied();
    let state = state_bytes(&out);
    let s3 = S3Backend::start(&state);
    let tmp = tempfile::tempdir().unwrap();
    let preset = preset_variant(
        "dev.toml",
        &[("cluster_size = 1", "cluster_size = 2")],
        tmp.path(),
        "candidate.toml",
    );
    let req = ImpactRequest {
        out_dir: out.clone(),
        candidate: mobi_tui::preset::load(&preset).unwrap(),
        sandbox: false,
        terraform_bin: terraform(),
        provider_binary: None,
        env: s3.terraform_env(&out),
        background: false,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let imp = rt
        .block_on(impact::compute(&req, &Interrupt::new()))
        .unwrap_or_else(|e| panic!("impact against the S3 backend: {e}\n{}", s3.log()));
    assert_eq!(
        imp.destructive_addresses(),
        vec!["module.redis.scaleway_redis_cluster.this"],
        "{:?}",
        imp.resources
    );
    let lock = format!("/{STATE_BUCKET}/{STATE_KEY}.tflock");
    let log = s3.log();
    assert!(
        log.contains(&format!("PUT {lock} 200")) && log.contains(&format!("DELETE {lock} 204")),
        "the plan did not take and release the lock in the bucket:\n{log}"
    );
    assert!(!s3.object(&format!("{STATE_KEY}.tflock")).exists());
    assert_eq!(
        std::fs::read(s3.object(STATE_KEY)).unwrap(),
        state,
        "the impact wrote the state"
    );
    assert!(
        !out.join(".mobi/impact/dev/infra/terraform/envs/dev/terraform.tfstate")
            .exists(),
        "the plan used a local state instead of the bucket"
    );

    // Someone else holds the lock: the impact fails naming it, and leaves it in place.
    let held = r#"{"ID":"held-by-another-run","Operation":"OperationTypeApply","Who":"ci@runner"}"#;
    std::fs::write(s3.object(&format!("{STATE_KEY}.tflock")), held).unwrap();
    let err = rt
        .block_on(impact::compute(&req, &Interrupt::new()))
        .expect_err("a held lock must stop the impact");
    assert!(
        err.to_string().contains("state lock"),
        "not the lock error: {err}"
    );
    assert_eq!(
        std::fs::read_to_string(s3.object(&format!("{STATE_KEY}.tflock"))).unwrap(),
        held,
        "the other run's lock was touched"
    );
    assert!(
        s3.log().contains(&format!("PUT {lock} 412")),
        "the lock was not asked for:\n{}",
        s3.log()
    );
}
