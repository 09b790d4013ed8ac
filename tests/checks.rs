//! Phase-14 smoke checks against real servers started by the tests: PostgreSQL, Redis, an S3 API
//! (moto), a backend + worker wired to them, and a fake kubectl that runs the pod's command here.
//! Needs `scripts/install-test-deps.sh` (redis-server, PostgreSQL, moto[server]).

mod support;

use std::collections::BTreeMap;
use std::process::Output;

use mobi_tui::checks::{self, CheckContext, Options, Outputs, Settings, Status};
use serde_json::Value;
use support::{Stack, KUBECONFIG};

const ALL_CHECKS: [&str; 14] = [
    "s3.media_bucket",
    "s3.frontend_bucket",
    "frontend.website",
    "postgres.pod",
    "postgres.direct",
    "redis.pod",
    "redis.direct",
    "api.health",
    "workers.ready",
    "workers.dpod.reach",
    "workers.ipod.reach",
    "workers.ppod.reach",
    "workers.vpod.reach",
    "e2e.flow",
];

fn smoke(stack: &Stack, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
    // MOBI_TUI_BIN: a copy of the binary, for worktrees that share one target dir (where another
    // checkout may relink target/debug/mobi-tui mid-run).
    let mut cmd = match std::env::var_os("MOBI_TUI_BIN") {
        Some(bin) => assert_cmd::Command::new(bin),
        None => assert_cmd::Command::cargo_bin("mobi-tui").expect("binary"),
    };
    cmd.arg("smoke").args(args).env_clear();
    for (k, v) in stack.env() {
        cmd.env(k, v);
    }
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.timeout(std::time::Duration::from_secs(120));
    cmd.output().expect("run mobi-tui smoke")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Parses `--json` output: check lines by name, and the summary.
fn json_results(out: &Output) -> (BTreeMap<String, Value>, Value) {
    let mut checks = BTreeMap::new();
    let mut summary = Value::Null;
    for line in text(&out.stdout).lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        match v["type"].as_str() {
            Some("check") => {
                checks.insert(v["name"].as_str().unwrap_or_default().to_string(), v);
            }
            Some("summary") => summary = v,
            _ => panic!("unexpected line {line}"),
        }
    }
    (checks, summary)
}

/// Reads a JUnit file back with an independent XML parser (Python's ElementTree).
fn parse_junit(path: &std::path::Path) -> Value {
    let script = r#"
import sys, json, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = {}
for tc in root.iter('testcase'):
    if tc.find('failure') is not None: st = 'fail'
    elif tc.find('skipped') is not None: st = 'skipped'
    else: st = 'pass'
    cases[tc.get('name')] = st
suite = root.find('testsuite')
print(json.dumps({"tests": int(suite.get('tests')), "failures": int(suite.get('failures')), "cases": cases}))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "JUnit does not parse: {}",
        text(&out.stderr)
    );
    serde_json::from_str(&text(&out.stdout)).expect("json")
}

fn assert_no_secrets(stack: &Stack, s: &str) {
    for secret in [
        stack.pg.password.as_str(),
        stack.redis.password.as_str(),
        stack.s3.secret_key.as_str(),
        "test kubeconfig",
    ] {
        assert!(!s.contains(secret), "secret {secret:?} leaked in:\n{s}");
    }
}

#[test]
fn healthy_stack_passes_every_check_through_the_binary() {
    let stack = Stack::start();
    let preset = stack.preset(30);
    let outputs = stack.write_outputs(&stack.outputs_json());
    let junit = stack.files.path().join("junit.xml");
    let out = smoke(
        &stack,
        &[
            "--preset",
            preset.to_str().unwrap(),
            "--outputs",
            outputs.to_str().unwrap(),
            "--direct",
            "--junit",
            junit.to_str().unwrap(),
        ],
        &[],
    );
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("14 passed, 0 failed, 0 skipped"),
        "{stdout}"
    );
    assert_no_secrets(&stack, &stdout);
    assert_no_secrets(&stack, &stderr);

    let report = parse_junit(&junit);
    assert_eq!(report["tests"], 14);
    assert_eq!(report["failures"], 0);
    for name in ALL_CHECKS {
        assert_eq!(report["cases"][name], "pass", "{name} in {report}");
    }

    // The pod hop got a private kubeconfig outside the tree, removed after the run.
    let calls = stack.kubectl.calls();
    assert!(calls.contains("args=run mobi-smoke-pg-"), "{calls}");
    assert!(
        calls.contains("args=exec -n mobi-workers deploy/vpod"),
        "{calls}"
    );
    assert!(
        calls.contains("args=get deployment -n mobi-workers -o json"),
        "{calls}"
    );
    for line in calls.lines() {
        assert!(line.contains(" mode=600 "), "{line}");
        assert!(line.contains("content=apiVersion: v1"), "{line}");
        let path = line
            .strip_prefix("kubeconfig=")
            .and_then(|l| l.split(' ').next())
            .expect("path");
        assert!(
            !path.starts_with(env!("CARGO_MANIFEST_DIR")),
            "{path} is in the tree"
        );
        assert!(!std::path::Path::new(path).exists(), "{path} left behind");
    }
}

#[test]
fn redis_stopped_fails_the_redis_checks_only() {
    let mut stack = Stack::start();
    stack.redis.stop();
    let preset = stack.preset(3);
    let outputs = stack.write_outputs(&stack.outputs_json());
    let out = smoke(
        &stack,
        &[
            "--preset",
            preset.to_str().unwrap(),
            "--outputs",
            outputs.to_str().unwrap(),
            "--direct",
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let (checks, summary) = json_results(&out);
    assert_eq!(checks.len(), 14);
    let status = |n: &str| checks[n]["status"].as_str().unwrap_or_default().to_string();
    let reason = |n: &str| checks[n]["reason"].as_str().unwrap_or_default().to_string();

    assert_eq!(status("redis.direct"), "fail");
    assert!(
        reason("redis.direct").contains("refused"),
        "{}",
        reason("redis.direct")
    );
    assert!(
        checks["redis.direct"]["attempts"].as_u64().unwrap_or(0) > 1,
        "retried"
    );
    assert_eq!(status("redis.pod"), "fail");
    assert!(
        reason("redis.pod").contains("Could not connect"),
        "{}",
        reason("redis.pod")
    );
    // Everything that does not depend on Redis still passes.
    for n in [
        "s3.media_bucket",
        "s3.frontend_bucket",
        "frontend.website",
        "postgres.pod",
        "postgres.direct",
        "api.health",
        "workers.ready",
    ] {
        assert_eq!(status(n), "pass", "{n}: {}", reason(n));
    }
    // The workers and the flow need Redis: they fail, each saying why.
    assert!(
        reason("workers.ipod.reach").contains("cannot reach redis"),
        "{}",
        reason("workers.ipod.reach")
    );
    assert_eq!(status("e2e.flow"), "fail");
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["ok"], false);
    assert_no_secrets(&stack, &text(&out.stdout));
}

fn settings(stack: &Stack, overrides: &[(&str, &str)]) -> Settings {
    let mut env: BTreeMap<String, String> = stack.env().into_iter().collect();
    env.insert(
        "MOBI_KUBECTL".into(),
        stack.kubectl.path().display().to_string(),
    );
    for (k, v) in overrides {
        env.insert(k.to_string(), v.to_string());
    }
    Settings::from_lookup(|k| env.get(k).cloned()).expect("settings")
}

fn preset(stack: &Stack, budget: u64) -> mobi_tui::preset::Preset {
    checks::cli::load_preset(&stack.preset(budget)).expect("preset")
}

async fn run(ctx: &CheckContext) -> (Vec<checks::CheckResult>, usize) {
    let mut streamed = 0;
    let results = checks::run_checks(ctx, |_| streamed += 1).await;
    (results, streamed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_check_fails_with_its_reason_against_stopped_targets() {
    let mut stack = Stack::start();
    let outputs = Outputs::from_json(&stack.outputs_json().to_string()).expect("outputs");
    stack.backend.stop();
    stack.redis.stop();
    stack.s3.stop();
    stack.pg.stop();
    stack
        .kubectl
        .set_deployments(&[("vpod", 1, 0), ("ipod", 2, 1)]);
    let mut items: Vec<Value> = serde_json::from_str::<Value>(
        &std::fs::read_to_string(stack.kubectl.deployments_file()).expect("fixture"),
    )
    .expect("json")["items"]
        .as_array()
        .expect("items")
        .clone();
    // dpod is half-rolled: both pods ready, but one still runs the old template.
    items.push(serde_json::json!({
        "metadata": {"name": "dpod", "generation": 2},
        "spec": {"replicas": 2},
        "status": {"observedGeneration": 2, "replicas": 2, "updatedReplicas": 1,
            "readyReplicas": 2, "availableReplicas": 2}
    }));
    stack.kubectl.set_deployment_items(items);
    let ctx = CheckContext::new(
        &preset(&stack, 2),
        &outputs,
        settings(&stack, &[]),
        Options {
            direct: true,
            sandbox: false,
        },
    )
    .expect("context");
    assert_eq!(ctx.check_names(), ALL_CHECKS.to_vec());
    let (results, streamed) = run(&ctx).await;
    assert_eq!(streamed, results.len());
    let by: BTreeMap<_, _> = results.iter().map(|r| (r.name.as_str(), r)).collect();
    let expect = [
        ("s3.media_bucket", "refused"),
        ("s3.frontend_bucket", "refused"),
        ("frontend.website", "refused"),
        ("api.health", "refused"),
        ("postgres.direct", "refused"),
        ("postgres.pod", "no response"),
        ("redis.direct", "refused"),
        ("redis.pod", "Could not connect"),
        (
            "workers.ready",
            "dpod rollout in progress: 1 of 2 replicas updated; ipod 1/2 ready; ppod: no such deployment; vpod 0/1 ready",
        ),
        ("workers.vpod.reach", "cannot reach database"),
        ("e2e.flow", "refused"),
    ];
    for (name, why) in expect {
        let r = by[name];
        assert_eq!(r.status, Status::Fail, "{name}: {}", r.reason);
        assert!(
            r.reason.contains(why),
            "{name}: {:?} lacks {why:?}",
            r.reason
        );
        assert!(r.attempts >= 1);
        assert!(
            r.duration.as_secs_f64() < 10.0,
            "{name} overran its budget: {:?}",
            r.duration
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_targets_fail_with_their_reasons() {
    let mut stack = Stack::start();
    stack.backend.stop_worker();
    let mut json = stack.outputs_json();
    json["media_bucket_name"]["value"] = "no-such-bucket".into();
    let outputs = Outputs::from_json(&json.to_string()).expect("outputs");
    let ctx = CheckContext::new(
        &preset(&stack, 3),
        &outputs,
        settings(&stack, &[("MOBI_REDIS_PASSWORD", "wrong-password")]),
        Options {
            direct: true,
            sandbox: false,
        },
    )
    .expect("context");
    let (results, _) = run(&ctx).await;
    let by: BTreeMap<_, _> = results.iter().map(|r| (r.name.as_str(), r)).collect();
    let media = by["s3.media_bucket"];
    assert_eq!(media.status, Status::Fail);
    assert!(
        media
            .reason
            .contains("bucket no-such-bucket not found (HTTP 404)"),
        "{}",
        media.reason
    );
    assert_eq!(
        by["s3.frontend_bucket"].status,
        Status::Pass,
        "{}",
        by["s3.frontend_bucket"].reason
    );
    let redis = by["redis.direct"];
    assert_eq!(redis.status, Status::Fail);
    assert!(
        redis.reason.contains("AUTH refused: WRONGPASS"),
        "{}",
        redis.reason
    );
    assert_eq!(redis.attempts, 1, "bad credentials are not retried");
    let pod = by["redis.pod"];
    assert_eq!(pod.status, Status::Fail);
    assert!(pod.reason.contains("WRONGPASS"), "{}", pod.reason);
    let e2e = by["e2e.flow"];
    assert_eq!(e2e.status, Status::Fail);
    assert!(
        e2e.reason.contains("row present but no worker result"),
        "{}",
        e2e.reason
    );
    assert_eq!(by["postgres.direct"].status, Status::Pass);

    // A wrong secret key: the server checks the signature and refuses it, at once.
    let ctx = CheckContext::new(
        &preset(&stack, 3),
        &outputs,
        settings(&stack, &[("SCW_SECRET_KEY", "not-the-secret")]),
        Options::default(),
    )
    .expect("context");
    let (results, _) = run(&ctx).await;
    let frontend = results
        .iter()
        .find(|r| r.name == "s3.frontend_bucket")
        .expect("frontend bucket check");
    assert_eq!(frontend.status, Status::Fail);
    assert!(
        frontend.reason.contains("denied (HTTP 403)"),
        "{}",
        frontend.reason
    );
    assert_eq!(frontend.attempts, 1);
}

#[test]
fn without_kubeconfig_or_direct_the_checks_say_why_they_skip() {
    let stack = Stack::start();
    let preset = stack.preset(10);
    let mut json = stack.outputs_json();
    if let Some(m) = json.as_object_mut() {
        m.remove("kubeconfig");
    }
    let outputs = stack.write_outputs(&json);
    let out = smoke(
        &stack,
        &[
            "--preset",
            preset.to_str().unwrap(),
            "--outputs",
            outputs.to_str().unwrap(),
            "--json",
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let (checks, _) = json_results(&out);
    let get = |n: &str| {
        (
            checks[n]["status"].as_str().unwrap_or_default().to_string(),
            checks[n]["reason"].as_str().unwrap_or_default().to_string(),
        )
    };
    assert_eq!(
        get("postgres.pod"),
        (
            "skipped".into(),
            "in-cluster check: no kubeconfig in the outputs; run with --direct to probe from this machine".into()
        )
    );
    assert_eq!(get("postgres.direct").0, "skipped");
    assert!(
        get("e2e.flow").1.contains("needs --direct"),
        "{:?}",
        get("e2e.flow")
    );
    assert_eq!(get("api.health").0, "pass");
    assert_eq!(get("s3.media_bucket").0, "pass");
}

#[test]
fn sandbox_runs_skip_everything_and_never_pass() {
    let stack = Stack::start();
    let preset = stack.preset(5);
    let out = smoke(
        &stack,
        &["--preset", preset.to_str().unwrap(), "--sandbox", "--json"],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let (checks, summary) = json_results(&out);
    assert_eq!(checks.len(), 14);
    for (name, c) in &checks {
        assert_eq!(c["status"], "skipped", "{name}");
        assert_eq!(c["reason"], "sandbox", "{name}");
    }
    assert_eq!(summary["passed"], 0);

    // Outputs marked as sandbox by the engine count too.
    let outputs = stack.write_outputs(
        &serde_json::json!({"sandbox": {"sensitive": false, "type": "bool", "value": true}}),
    );
    let out = smoke(
        &stack,
        &[
            "--preset",
            preset.to_str().unwrap(),
            "--outputs",
            outputs.to_str().unwrap(),
            "--json",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    let (checks, _) = json_results(&out);
    assert!(checks.values().all(|c| c["status"] == "skipped"));
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_culprit() {
    let stack = Stack::start();
    let preset = stack.preset(5);
    let mut json = stack.outputs_json();
    if let Some(m) = json.as_object_mut() {
        m.remove("redis_port");
    }
    let outputs = stack.write_outputs(&json);
    let p = preset.to_str().unwrap();
    let o = outputs.to_str().unwrap();

    let out = smoke(&stack, &["--preset", p, "--outputs", o], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "mobi-tui: error: outputs: output `redis_port` is missing\n"
    );

    let good = stack.write_outputs(&stack.outputs_json());
    let g = good.to_str().unwrap();
    let out = smoke(
        &stack,
        &["--preset", p, "--outputs", g],
        &[("MOBI_REDIS_TLS", "maybe")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "mobi-tui: error: environment variable MOBI_REDIS_TLS=\"maybe\": expected 0, 1 or verify\n"
    );

    let bad = stack.files.path().join("bad.toml");
    let dev = std::fs::read_to_string(&preset).unwrap();
    std::fs::write(
        &bad,
        dev.replace("budget_s = 5", "budget_s = 5\ntask_tabel = \"x\""),
    )
    .unwrap();
    let out = smoke(
        &stack,
        &["--preset", bad.to_str().unwrap(), "--outputs", g],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("bad.toml") && err.contains("task_tabel"),
        "{err}"
    );

    std::fs::write(
        &bad,
        dev.replace("budget_s = 5", "budget_s = 5\ntask_table = \"tasks; drop\""),
    )
    .unwrap();
    let out = smoke(
        &stack,
        &["--preset", bad.to_str().unwrap(), "--outputs", g],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("bad.toml: smoke.task_table: expected a PostgreSQL identifier"),
        "{}",
        text(&out.stderr)
    );

    let missing = stack.files.path().join("nowhere");
    let out = smoke(
        &stack,
        &["--preset", p, "--out", missing.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("infra/terraform/envs/dev"),
        "{}",
        text(&out.stderr)
    );
    let _ = KUBECONFIG;
}

/// The direct probes' own TLS (the default for Scaleway, whose CA is per instance): `require`
/// encrypts without verifying; `verify-full` checks the chain against the CA file and refuses
/// another CA; a plain client cannot talk to a TLS-only server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_probes_speak_tls_and_verify_when_asked() {
    use mobi_tui::checks::postgres::{select_one, PgTarget};
    use mobi_tui::checks::redis::{ping, RedisTarget};
    use mobi_tui::checks::retry::ProbeError;
    use mobi_tui::checks::tls::TlsMode;
    use support::servers::{Postgres, Redis, SelfSigned};

    let certs = SelfSigned::generate();
    let other = SelfSigned::generate();
    let redis = Redis::start_tls(&certs.cert, &certs.key);
    let mut pg = Postgres::start();
    pg.enable_tls(&certs.cert, &certs.key);

    let verify = |ca: &std::path::Path| TlsMode::VerifyFull {
        ca_file: Some(ca.to_path_buf()),
    };
    let rt = |tls: TlsMode| RedisTarget {
        host: "127.0.0.1".into(),
        port: redis.port,
        user: Some(redis.user.clone()),
        password: Some(redis.password.clone().into()),
        tls,
    };
    let pt = |tls: TlsMode| PgTarget {
        host: "127.0.0.1".into(),
        port: pg.port,
        dbname: pg.dbname.clone(),
        user: pg.user.clone(),
        password: Some(pg.password.clone().into()),
        tls,
    };

    let ok = ping(&rt(TlsMode::Require)).await.expect("redis over TLS");
    assert!(
        ok.contains("PONG") && ok.contains("(tls, authenticated)"),
        "{ok}"
    );
    let ok = ping(&rt(verify(&certs.cert)))
        .await
        .expect("redis, verified");
    assert!(ok.contains("tls verified"), "{ok}");
    match ping(&rt(verify(&other.cert))).await {
        Err(ProbeError::Retry(r)) => assert!(r.to_lowercase().contains("certificate"), "{r}"),
        other => panic!("a foreign CA must be refused: {other:?}"),
    }
    assert!(
        ping(&rt(TlsMode::Disable)).await.is_err(),
        "plain RESP to a TLS port"
    );

    let ok = select_one(&pt(TlsMode::Require))
        .await
        .expect("postgres over TLS");
    assert!(ok.contains("(tls)"), "{ok}");
    select_one(&pt(verify(&certs.cert)))
        .await
        .expect("postgres, verified");
    match select_one(&pt(verify(&other.cert))).await {
        Err(ProbeError::Retry(r)) => assert!(r.to_lowercase().contains("certificate"), "{r}"),
        other => panic!("a foreign CA must be refused: {other:?}"),
    }
}

/// Without `--direct`, everything goes through the pod hop, the task row included (`psql` in a
/// pod, its password on stdin); the outputs come from `terraform output -json` run in the env's
/// folder of the tree (a fake terraform prints the stack's outputs).
#[test]
fn in_cluster_only_run_reads_outputs_from_terraform_and_the_row_through_a_pod() {
    let stack = Stack::start();
    let preset = stack.preset(30);
    let bin = stack.kubectl.bin_dir();
    std::fs::write(bin.join("outputs.json"), stack.outputs_json().to_string()).unwrap();
    let terraform = bin.join("terraform");
    std::fs::write(
        &terraform,
        "#!/usr/bin/env bash\n[ \"$*\" = \"output -json\" ] || { echo \"fake terraform: $*\" >&2; exit 1; }\n\
         pwd > \"$(dirname \"$0\")/terraform.cwd\"\ncat \"$(dirname \"$0\")/outputs.json\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&terraform, std::fs::Permissions::from_mode(0o755)).unwrap();
    let tree = stack.files.path().join("tree");
    let env_dir = tree.join("infra/terraform/envs/dev");
    std::fs::create_dir_all(&env_dir).unwrap();

    let out = smoke(
        &stack,
        &[
            "--preset",
            preset.to_str().unwrap(),
            "--out",
            tree.to_str().unwrap(),
            "--json",
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let cwd = std::fs::read_to_string(bin.join("terraform.cwd")).unwrap();
    assert_eq!(
        std::path::Path::new(cwd.trim()).canonicalize().unwrap(),
        env_dir.canonicalize().unwrap()
    );
    let (checks, summary) = json_results(&out);
    assert_eq!(
        checks["e2e.flow"]["status"], "pass",
        "{}",
        checks["e2e.flow"]
    );
    assert_eq!(checks["postgres.pod"]["status"], "pass");
    assert_eq!(checks["redis.pod"]["status"], "pass");
    assert_eq!(checks["postgres.direct"]["status"], "skipped");
    assert_eq!(summary["passed"], 12);
    assert_eq!(summary["skipped"], 2);
    let calls = stack.kubectl.calls();
    assert!(calls.contains("mobi-smoke-e2e-psql-"), "{calls}");
    assert!(
        !calls.contains(&stack.pg.password),
        "password in kubectl arguments"
    );
    assert!(
        !calls.contains(&stack.redis.password),
        "password in kubectl arguments"
    );
    assert_no_secrets(&stack, &text(&out.stdout));
}

/// A TCP server that reads one request (anything) and answers each connection with `reply`
/// written in `chunks` (with a pause between them so they arrive apart), then keeps the
/// connection open: the client alone decides when it has enough.
async fn hostile_server(chunks: Vec<Vec<u8>>) -> u16 {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let chunks = chunks.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                for c in chunks {
                    if sock.write_all(&c).await.is_err() || sock.flush().await.is_err() {
                        return;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            });
        }
    });
    port
}

/// Hostile or broken Redis replies fail the probe at once with what was wrong (no retry), instead
/// of growing a buffer until the attempt times out or recursing until the stack is gone.
#[tokio::test]
async fn redis_probe_refuses_oversized_and_deeply_nested_replies() {
    use mobi_tui::checks::redis::{ping, RedisTarget};
    use mobi_tui::checks::retry::ProbeError;
    use mobi_tui::checks::tls::TlsMode;
    let cases: [(Vec<u8>, &str); 3] = [
        (
            b"$9999999999\r\n".to_vec(),
            "bulk string of 9999999999 bytes",
        ),
        (b"*1\r\n".repeat(64), "nested deeper than"),
        (vec![b'+'; 2 << 20], "line longer than"),
    ];
    for (reply, why) in cases {
        let port = hostile_server(vec![reply]).await;
        let target = RedisTarget {
            host: "127.0.0.1".into(),
            port,
            user: None,
            password: None,
            tls: TlsMode::Disable,
        };
        // The bound only keeps a regression from hanging the suite; the probe answers at once.
        let r = tokio::time::timeout(std::time::Duration::from_secs(30), ping(&target))
            .await
            .unwrap_or_else(|_| panic!("the probe hung on a reply expected to fail with {why:?}"));
        match r {
            Err(ProbeError::Fatal(m)) => assert!(m.contains(why), "{m:?} lacks {why:?}"),
            other => panic!("expected a fatal error with {why:?}, got {other:?}"),
        }
    }
}

/// The SSE reader over real HTTP: a character split across two TCP chunks arrives whole, and
/// bare CR line ends (allowed by the spec) end lines and events.
#[tokio::test]
async fn sse_reader_keeps_split_characters_and_bare_cr_line_ends() {
    let head =
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n\r\n";
    let port = hostile_server(vec![
        head.to_vec(),
        b"data: caf\xC3".to_vec(),
        b"\xA9\r\rdata: second\r".to_vec(),
        b"\r".to_vec(),
    ])
    .await;
    let client = checks::http::client().expect("client");
    let url = format!("http://127.0.0.1:{port}/events");
    let (mut rx, _guard) = checks::e2e::open_events(&client, &url)
        .await
        .expect("stream opens");
    let mut got = Vec::new();
    for _ in 0..2 {
        let ev = tokio::time::timeout(std::time::Duration::from_secs(30), rx.recv())
            .await
            .unwrap_or_else(|_| {
                panic!("no event after {got:?} (bare CR not taken as a line end?)")
            });
        got.push(ev.expect("stream open").expect("an event"));
    }
    assert_eq!(got, ["café", "second"]);
}

/// `doctor --preset` signs its state-bucket HEAD: against moto (which verifies every SigV4
/// signature), the right key passes, a wrong secret is refused naming the keys, and a bucket
/// that does not exist is named.
#[test]
fn doctor_proves_the_key_reaches_the_state_bucket_with_a_signed_request() {
    let s3 = support::servers::S3::start(&["mobi-tfstate-example"]);
    let preset = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("presets/dev.toml");
    let doctor = |secret: &str, preset: &std::path::Path| {
        let mut cmd = match std::env::var_os("MOBI_TUI_BIN") {
            Some(bin) => assert_cmd::Command::new(bin),
            None => assert_cmd::Command::cargo_bin("mobi-tui").expect("binary"),
        };
        cmd.arg("doctor")
            .arg("--preset")
            .arg(preset)
            .env("SCW_ACCESS_KEY", &s3.access_key)
            .env("SCW_SECRET_KEY", secret)
            .env(
                "SCW_DEFAULT_ORGANIZATION_ID",
                "11111111-1111-1111-1111-111111111111",
            )
            .env(
                "SCW_DEFAULT_PROJECT_ID",
                "11111111-1111-1111-1111-111111111111",
            )
            .env("AWS_ENDPOINT_URL_S3", s3.endpoint())
            .timeout(std::time::Duration::from_secs(60));
        let o = cmd.output().expect("doctor runs");
        let line = text(&o.stdout)
            .lines()
            .find(|l| l.contains("state bucket:"))
            .unwrap_or_else(|| panic!("no state bucket line:\n{}", text(&o.stdout)))
            .to_string();
        assert!(!text(&o.stdout).contains(secret), "the secret is printed");
        line
    };

    let ok = doctor(&s3.secret_key, &preset);
    assert!(
        ok.starts_with("ok") && ok.contains("mobi-tfstate-example reachable (HTTP 200)"),
        "{ok}"
    );

    let wrong = doctor("not-the-secret-key-at-all", &preset);
    assert!(
        wrong.starts_with("fail") && wrong.contains("HTTP 403") && wrong.contains("SCW_SECRET_KEY"),
        "{wrong}"
    );

    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.toml");
    std::fs::write(
        &other,
        std::fs::read_to_string(&preset)
            .unwrap()
            .replace("mobi-tfstate-example", "mobi-tfstate-missing"),
    )
    .unwrap();
    let missing = doctor(&s3.secret_key, &other);
    assert!(
        missing.starts_with("fail")
            && missing.contains("mobi-tfstate-missing not found (HTTP 404)"),
        "{missing}"
    );
}
