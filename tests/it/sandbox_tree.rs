//! The generated trees checked by Terraform itself, offline: the sandbox serves the real provider
//! schemas, so validate/apply/plan here are the same checks a cloud run would start with.

use std::path::Path;
use std::process::Command;

use mobi_tui::sandbox::{Workspace, WorkspaceOptions};

use crate::support::*;

fn generate_into(preset: &Path, out: &Path) {
    let o = mobi(&[
        "generate",
        "--preset",
        preset.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

fn unshare_available() -> bool {
    Command::new("unshare")
        .args(["-n", "true"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// init, validate, apply, then a plan that must show no changes, in a network namespace with only
/// loopback when the machine allows it (root), so any network use fails the test.
fn apply_then_plan_is_empty(out: &Path, env: &str) {
    let opts = WorkspaceOptions {
        provider_binary: Some(bin()),
        ..Default::default()
    };
    let ws = Workspace::prepare(out, env, &opts).expect("sandbox workspace");
    let tf = terraform();
    let script = format!(
        "set -e; {lo} t={tf}; \
         $t init -input=false -no-color >/dev/null; \
         $t validate -no-color; \
         $t apply -auto-approve -input=false -no-color >/dev/null; \
         $t plan -detailed-exitcode -input=false -no-color -lock=false",
        lo = if unshare_available() {
            "ip link set lo up;"
        } else {
            ""
        },
        tf = tf.display()
    );
    let mut cmd = if unshare_available() {
        let mut c = Command::new("unshare");
        c.args(["-n", "sh", "-c", &script]);
        c
    } else {
        eprintln!("note: `unshare -n` is not available (needs root): running with the network up");
        let mut c = Command::new("sh");
        c.args(["-c", &script]);
        c
    };
    cmd.current_dir(ws.env_dir());
    for (k, v) in ws.command_env() {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "env {env}: apply then plan was not empty (exit 2 = changes):\n{}{}",
        stdout(&o),
        stderr(&o)
    );
    assert!(stdout(&o).contains("No changes."), "{}", stdout(&o));
}

#[test]
fn every_shipped_preset_validates_applies_and_converges_offline() {
    let out = tempfile::tempdir().unwrap();
    for env in ["dev", "staging", "prod"] {
        generate_into(&repo().join(format!("presets/{env}.toml")), out.path());
        let o = mobi(&[
            "validate",
            "--preset",
            repo().join(format!("presets/{env}.toml")).to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--sandbox",
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "validate {env}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        apply_then_plan_is_empty(out.path(), env);
    }
}

#[test]
fn other_values_five_workers_cdn_and_dns_converge_offline() {
    let dir = tempfile::tempdir().unwrap();
    let preset = preset_variant(
        "prod.toml",
        &[
            ("region = \"fr-par\"", "region = \"pl-waw\""),
            ("env    = \"prod\"", "env    = \"eu2\""),
            ("172.16.8.0/22", "10.20.0.0/20"),
            ("mobi-media-prod-example", "mobi-media-eu2-x1"),
            ("mobi-frontend-prod-example", "mobi-frontend-eu2-x1"),
            ("domain = \"app.mobi.example.com\"", "domain = \"app.mobi.example.com\"\ncdn = true\ndns_zone = \"mobi.example.com\""),
            (
                "[external_apis]",
                "[workers.gpod]\nimage = \"rg.pl-waw.scw.cloud/acme/worker-gis\"\ntag = \"2.0.0\"\nreplicas = 1\nstream = \"gis.tiles\"\n\n[external_apis]",
            ),
        ],
        dir.path(),
        "eu2.toml",
    );
    let out = tempfile::tempdir().unwrap();
    generate_into(&preset, out.path());
    apply_then_plan_is_empty(out.path(), "eu2");
}

/// Each mutation of a generated file makes `validate --sandbox` fail with Terraform's diagnostic
/// naming the file.
#[test]
fn mutations_of_generated_files_fail_validate_naming_the_file() {
    let preset = repo().join("presets/dev.toml");
    let cases: &[(&str, &str, &str, &str)] = &[
        // (file, find, replace, diagnostic)
        (
            "modules/postgres/main.tf",
            "resource \"scaleway_rdb_instance\" \"this\" {",
            "resource \"scaleway_rdb_instance\" \"this\" {\n  bogus_argument = 1",
            "Unsupported argument",
        ),
        (
            "modules/app_backend/main.tf",
            "        container {",
            "        container {\n          bogus_argument = 1",
            "Unsupported argument",
        ),
        (
            "modules/postgres/main.tf",
            "  node_type ",
            "  # node_type removed ",
            "Missing required argument",
        ),
        (
            "modules/postgres/main.tf",
            "  private_network {",
            "  private_network = {",
            "Unsupported argument",
        ),
        (
            "modules/postgres/main.tf",
            "  is_ha_cluster ",
            "  is_ha_cluster = \"maybe\" # ",
            "Incorrect attribute value type",
        ),
    ];
    for (file, find, replace, diag) in cases {
        let out = tempfile::tempdir().unwrap();
        generate_into(&preset, out.path());
        let path = out.path().join("infra/terraform").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(find),
            "{file} has no {find:?}: the template changed, update the test"
        );
        std::fs::write(&path, text.replacen(find, replace, 1)).unwrap();
        let o = mobi(&[
            "validate",
            "--preset",
            preset.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--sandbox",
        ]);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert_eq!(o.status.code(), Some(1), "{file} {replace:?}: {all}");
        assert!(all.contains(diag), "{file}: expected {diag:?} in: {all}");
        assert!(
            all.contains(&path.display().to_string()),
            "{file}: the diagnostic does not name the file: {all}"
        );
    }
}

/// Stops whatever the data plane left running if the test fails half-way (the scenario itself
/// ends with `--sandbox-reset`, which must leave nothing behind).
struct StopServices(std::path::PathBuf);

impl Drop for StopServices {
    fn drop(&mut self) {
        let _ = mobi_tui::sandbox::services::Services::at(&self.0).remove_all();
    }
}

/// The events of a `--json` run (stdout lines that are JSON).
fn json_events(o: &std::process::Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// The check events of a run (`--json`), by name: (status, message).
fn check_events(
    events: &[serde_json::Value],
) -> std::collections::BTreeMap<String, (String, String)> {
    events
        .iter()
        .filter(|e| e["type"] == "check")
        .map(|e| {
            (
                e["name"].as_str().unwrap_or_default().to_owned(),
                (
                    e["status"].as_str().unwrap_or_default().to_owned(),
                    e["message"].as_str().unwrap_or_default().to_owned(),
                ),
            )
        })
        .collect()
}

/// `psql -c 'SELECT 1'` over TLS as `user`: does the sandbox's PostgreSQL let them in?
fn pg_login(port: u64, db: &str, user: &str, password: &str) -> Result<(), String> {
    let o = Command::new("psql")
        .args([
            "-X",
            "-tA",
            "-c",
            "SELECT 1",
            &format!("host=127.0.0.1 port={port} dbname={db} user={user} sslmode=require connect_timeout=5"),
        ])
        .env("PGPASSWORD", password)
        .output()
        .map_err(|e| e.to_string())?;
    if o.status.success() && stdout(&o).trim() == "1" {
        Ok(())
    } else {
        Err(stderr(&o))
    }
}

/// The sandbox state's outputs (`terraform output -json` shape).
fn state_outputs(sandbox: &Path) -> serde_json::Value {
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sandbox.join("terraform.tfstate")).unwrap())
            .unwrap();
    state["outputs"].clone()
}

/// The README's main job, as written, and the sandbox's data plane behind it (one applied env
/// for the whole scenario: the apply is the slow part). A relative `--out`, sandbox, apply every
/// phase: phases 1–13 end ok; phase 14 runs postgres.direct and redis.direct for real against
/// the local servers (TLS verified against the certificate outputs) and skips the cluster checks
/// with "no Kubernetes in the sandbox"; a second plan-only run changes nothing. Then: `smoke
/// --sandbox --junit` shows the same; a killed Redis fails `redis.direct` (exit 1) and nothing
/// else; a renamed `postgres.db_user` applied again lets the new user in and not the old one; the
/// run restarted the killed Redis first; `--sandbox-reset` leaves no process and no port.
#[test]
fn readme_main_job_with_a_relative_out_dir() {
    let cwd = tempfile::tempdir().unwrap();
    let sandbox = cwd.path().join("rehearsal/.mobi/sandbox/dev");
    let _cleanup = StopServices(sandbox.clone());
    let preset = repo().join("presets/dev.toml");
    let run_env = |preset: &Path, extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec![
            "--preset",
            preset.to_str().unwrap(),
            "--out",
            "rehearsal",
            "--sandbox",
            "--json",
        ];
        args.extend_from_slice(extra);
        let o = Command::new(bin())
            .args(&args)
            .envs(KNOWN_SECRETS)
            .envs(env.iter().copied())
            .current_dir(cwd.path())
            .output()
            .unwrap();
        let events = json_events(&o);
        (o, events)
    };
    let run_with = |preset: &Path, extra: &[&str]| run_env(preset, extra, &[]);
    // The README job's own runs leave one API key empty, so a check block of the user's tree
    // warns (the sandbox stands in the admin principal, whose check block would otherwise be
    // the one); the other key's value is still grepped for in every output.
    let run = |extra: &[&str]| run_env(&preset, extra, &[("TF_VAR_seismic_api_key", "")]);
    let (o, events) = run(&["--apply", "--auto-approve"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // What the sandbox itself causes is not shown as the user's warnings; no raw escapes.
    let out = stdout(&o);
    for noise in [
        "Incomplete lock file information",
        "(unauthenticated)",
        "\u{1b}[",
    ] {
        assert!(
            !out.contains(noise),
            "sandbox noise {noise:?} in the run's events"
        );
    }
    assert!(
        events.iter().any(|e| e["type"] == "diagnostic"
            && e["summary"]
                .as_str()
                .is_some_and(|s| s.starts_with("Check block assertion failed"))),
        "the user's own warnings (check blocks) must still be shown"
    );
    let ends: Vec<&serde_json::Value> =
        events.iter().filter(|e| e["type"] == "phase_end").collect();
    assert_eq!(ends.len(), 14);
    for e in &ends {
        assert_eq!(e["status"], "ok", "{e}");
    }
    let checks = check_events(&events);
    assert_eq!(checks.len(), 14, "{checks:?}");
    for name in ["postgres.direct", "redis.direct"] {
        let (status, message) = &checks[name];
        assert_eq!(status, "ok", "{name}: {message}");
        assert!(
            message.contains("127.0.0.1") && message.contains("tls verified"),
            "{name}: {message}"
        );
    }
    // The buckets are served by the env's S3 server and reached with the apps' key from the
    // outputs; the sandbox stands in the admin principal the README job does not set, so the
    // frontend bucket gets its public-read policy and its website is served.
    for name in ["s3.media_bucket", "s3.frontend_bucket"] {
        let (status, message) = &checks[name];
        assert_eq!(status, "ok", "{name}: {message}");
        assert!(
            message.contains("reachable (HTTP 200)"),
            "{name}: {message}"
        );
    }
    let (status, message) = &checks["frontend.website"];
    assert_eq!(status, "ok", "frontend.website: {message}");
    for name in [
        "postgres.pod",
        "redis.pod",
        "api.health",
        "workers.ready",
        "e2e.flow",
    ] {
        assert_eq!(
            checks[name],
            (
                "skipped".to_owned(),
                "no Kubernetes in the sandbox".to_owned()
            ),
            "{name}"
        );
    }
    // No secret reaches the events.
    let outputs = state_outputs(&sandbox);
    let db_password = outputs["database_password"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let redis_password = outputs["redis_password"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    for secret in [&db_password, &redis_password] {
        assert!(
            !out.contains(secret.as_str()),
            "a generated password is in the run's events"
        );
    }
    for (phase, module) in mobi_tui::phases::PHASES
        .iter()
        .filter_map(|p| p.module.map(|m| (p.number, m)))
    {
        let planned = events.iter().any(|e| {
            e["type"] == "step_start"
                && e["phase"] == phase
                && e["argv"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x == &format!("-target=module.{module}")))
        });
        assert!(
            planned,
            "phase {phase} did not plan -target=module.{module}"
        );
    }
    assert_no_known_secret("the apply run's events", &stdout(&o));
    assert_no_known_secret("the apply run's stderr", &stderr(&o));
    let (o, events) = run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for e in events.iter().filter(|e| e["type"] == "phase_end") {
        assert_eq!(
            e["changes"],
            serde_json::json!({"add":0,"change":0,"remove":0}),
            "{e}"
        );
    }
    assert_no_known_secret("the plan run's events", &stdout(&o));
    assert_no_known_secret("the plan run's stderr", &stderr(&o));
    // Every file mobi-tui keeps (journal, lock, schema cache, the sandbox copy and its logs),
    // except what Terraform itself writes with secrets in it by design: its state and saved
    // plans, and the provider mirror (this binary).
    let mobi_dir = cwd.path().join("rehearsal/.mobi");
    let files = files_under(&mobi_dir);
    assert!(files.iter().any(|f| f.starts_with("journal/")), "{files:?}");
    for f in files {
        let terraforms_own = f.contains(".tfstate")
            || f.ends_with(".tfplan")
            || f.contains("/.terraform/")
            || f.contains("/mirror/");
        if terraforms_own {
            continue;
        }
        let bytes = std::fs::read(mobi_dir.join(&f)).unwrap_or_default();
        assert_no_known_secret(&f, &String::from_utf8_lossy(&bytes));
    }

    // `smoke --sandbox` reads the sandbox state's outputs; its JUnit report says the same.
    let smoke = |junit: &str| {
        Command::new(bin())
            .args([
                "smoke",
                "--preset",
                preset.to_str().unwrap(),
                "--out",
                "rehearsal",
                "--sandbox",
                "--junit",
                junit,
            ])
            .current_dir(cwd.path())
            .output()
            .unwrap()
    };
    let junit_cases = |file: &str| -> serde_json::Value {
        let script = "import sys, json, xml.etree.ElementTree as ET\n\
            cases = {}\n\
            for tc in ET.parse(sys.argv[1]).getroot().iter('testcase'):\n\
            \x20   st = 'fail' if tc.find('failure') is not None else ('skipped' if tc.find('skipped') is not None else 'pass')\n\
            \x20   cases[tc.get('name')] = st\n\
            print(json.dumps(cases))\n";
        let o = Command::new("python3")
            .args(["-c", script])
            .arg(cwd.path().join(file))
            .output()
            .unwrap();
        assert!(o.status.success(), "JUnit does not parse: {}", stderr(&o));
        serde_json::from_str(&stdout(&o)).unwrap()
    };
    let o = smoke("junit.xml");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let cases = junit_cases("junit.xml");
    assert_eq!(cases["postgres.direct"], "pass", "{cases}");
    assert_eq!(cases["redis.direct"], "pass", "{cases}");
    assert_eq!(cases["s3.media_bucket"], "pass", "{cases}");
    assert_eq!(cases["workers.ready"], "skipped", "{cases}");

    let services = mobi_tui::sandbox::services::Services::at(&sandbox);
    s3_refuses_what_it_should(&services, &state_outputs(&sandbox));

    // Kill the env's Redis: redis.direct fails with a reason, exit 1, the others unaffected.
    let records = services.list().unwrap();
    let redis = records
        .iter()
        .find(|r| r.kind == mobi_tui::sandbox::services::Kind::Redis)
        .expect("a Redis service record")
        .clone();
    let mobi_tui::sandbox::services::Health::Running { pid } = services.health(&redis) else {
        panic!("redis not running: {:?}", services.health(&redis));
    };
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let o = smoke("junit-killed.xml");
    let table = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{table}{}", stderr(&o));
    let line = table
        .lines()
        .find(|l| l.starts_with("redis.direct"))
        .unwrap_or_default();
    assert!(
        line.contains("fail") && line.contains("is not running"),
        "{table}"
    );
    let cases = junit_cases("junit-killed.xml");
    assert_eq!(cases["redis.direct"], "fail", "{cases}");
    assert_eq!(cases["postgres.direct"], "pass", "{cases}");
    assert_eq!(
        cases
            .as_object()
            .unwrap()
            .values()
            .filter(|v| *v == "fail")
            .count(),
        1,
        "{cases}"
    );

    // Rename the application user and apply again: the new user logs in, the old one cannot.
    // The run restarts the killed Redis before phase 14. This run names the admin principal
    // (the README's advice for a real run), so the frontend bucket gets its public-read policy
    // and its website, applied to the running S3 server, passes.
    let renamed = preset_variant(
        "dev.toml",
        &[("db_user   = \"mobi\"", "db_user   = \"mobi_app\"")],
        cwd.path(),
        "dev.toml",
    );
    let (o, events) = run_env(
        &renamed,
        &["--apply", "--auto-approve"],
        &[("TF_VAR_scw_access_key_id", "SCWSANDBOX0000000001")],
    );
    let failures: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| e["status"] == "failed" || e["severity"] == "error")
        .collect();
    assert_eq!(o.status.code(), Some(0), "{failures:?} {}", stderr(&o));
    let checks = check_events(&events);
    assert_eq!(
        checks["redis.direct"].0, "ok",
        "{:?}",
        checks["redis.direct"]
    );
    assert_eq!(
        checks["postgres.direct"].0, "ok",
        "{:?}",
        checks["postgres.direct"]
    );
    for name in ["s3.media_bucket", "s3.frontend_bucket", "frontend.website"] {
        assert_eq!(checks[name].0, "ok", "{name}: {:?}", checks[name]);
    }
    let outputs = state_outputs(&sandbox);
    assert_eq!(outputs["database_user"]["value"], "mobi_app");
    let port = outputs["database_port"]["value"].as_u64().unwrap();
    let password = outputs["database_password"]["value"].as_str().unwrap();
    pg_login(port, "mobi", "mobi_app", password).expect("the new user logs in");
    let old = pg_login(port, "mobi", "mobi", password).expect_err("the old user must be gone");
    assert!(old.contains("authentication failed"), "{old}");

    // --sandbox-reset stops every service: no process, no port left (the S3 server's website
    // port included).
    let records = services.list().unwrap();
    assert_eq!(records.len(), 3, "{records:?}");
    let mut ports: Vec<u16> = records.iter().map(|r| r.port).collect();
    ports.extend(
        records
            .iter()
            .filter_map(mobi_tui::sandbox::services::s3::website_port),
    );
    assert_eq!(ports.len(), 4, "{records:?}");
    let pids: Vec<i32> = records
        .iter()
        .filter_map(|r| match services.health(r) {
            mobi_tui::sandbox::services::Health::Running { pid } => Some(pid),
            _ => None,
        })
        .collect();
    assert_eq!(pids.len(), 3, "every service runs before the reset");
    let (o, _) = run_with(&renamed, &["--sandbox-reset", "--to", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(services.list().unwrap().is_empty());
    for pid in pids {
        assert!(
            !mobi_tui::sandbox::services::alive(pid, ""),
            "pid {pid} still runs after --sandbox-reset"
        );
    }
    for port in ports {
        assert!(
            !mobi_tui::sandbox::services::listening(port),
            "port {port} still open after --sandbox-reset"
        );
    }
    for r in &records {
        assert!(!r.data_dir.exists(), "{} left behind", r.data_dir.display());
    }
}

/// What the sandbox's S3 server refuses, with only what a user has (the outputs, the server's
/// certificate as the trusted root): a request signed with the right access key and a wrong
/// secret (403), an anonymous read of the private media bucket (403); the right key passes.
fn s3_refuses_what_it_should(
    services: &mobi_tui::sandbox::services::Services,
    outputs: &serde_json::Value,
) {
    use mobi_tui::checks::{s3, sigv4::Credentials};
    let server = mobi_tui::sandbox::services::s3::server(services).expect("an S3 server record");
    let pem = mobi_tui::sandbox::services::s3::certificate(&server).expect("its certificate");
    let value = |n: &str| outputs[n]["value"].as_str().unwrap().to_owned();
    let (endpoint, media) = (value("s3_endpoint"), value("media_bucket_name"));
    assert_eq!(endpoint, format!("https://127.0.0.1:{}", server.port));
    let client = mobi_tui::checks::http::client_trusting(&[pem]).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let head = |secret: &str| {
        let creds = Credentials {
            access_key: value("s3_access_key"),
            secret_key: secret.into(),
        };
        rt.block_on(s3::head_bucket(
            &client, &endpoint, "fr-par", &creds, &media,
        ))
        .map_err(|e| format!("{e:?}"))
    };
    head(&value("s3_secret_key")).expect("the apps' key reaches the media bucket");
    let wrong = head("not-the-secret-key").expect_err("a wrong secret must be refused");
    assert!(wrong.contains("HTTP 403"), "{wrong}");
    let anonymous = rt
        .block_on(client.get(format!("{endpoint}/{media}/any-object")).send())
        .unwrap();
    assert_eq!(
        anonymous.status().as_u16(),
        403,
        "the media bucket is private"
    );
}

/// Secret values a run gets from its environment (credentials, the smoke checks' passwords, the
/// sensitive Terraform variables): none may show up in an event, a log line or a file of ours.
const KNOWN_SECRETS: [(&str, &str); 7] = [
    ("SCW_ACCESS_KEY", "SCWKNOWNACCESSKEY0001"),
    ("SCW_SECRET_KEY", "known-secret-key-4f1d2c"),
    ("AWS_SECRET_ACCESS_KEY", "known-secret-key-4f1d2c"),
    ("MOBI_DATABASE_PASSWORD", "known-db-password-93ab"),
    ("MOBI_REDIS_PASSWORD", "known-redis-password-7c2e"),
    ("TF_VAR_ancpi_api_key", "known-ancpi-key-5d10"),
    ("TF_VAR_seismic_api_key", "known-seismic-key-a8e3"),
];

fn assert_no_known_secret(what: &str, text: &str) {
    for (var, value) in KNOWN_SECRETS {
        if var == "SCW_ACCESS_KEY" {
            continue; // an identifier, not a secret: it may be named
        }
        assert!(!text.contains(value), "{what} holds the value of {var}");
    }
}

/// `mobi-tui bootstrap --sandbox` creates the state bucket through the generated root, offline:
/// init, a saved plan, its apply; the second run plans no change (the root converges) and the
/// state sits in the sandbox folder, where `--sandbox-reset` finds it. A real run without the
/// project and the admin principals is refused before Terraform starts, naming the flag.
#[test]
fn bootstrap_command_creates_the_state_bucket_and_converges_offline() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let preset = repo().join("presets/dev.toml");
    let preset = preset.to_str().unwrap();
    let args = [
        "bootstrap",
        "--preset",
        preset,
        "--out",
        dir,
        "--sandbox",
        "--apply",
        "--auto-approve",
    ];
    let o = mobi(&args);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let first = stdout(&o);
    assert!(
        first.contains("plan +2 ~0 -0 (bucket mobi-tfstate-example in fr-par)"),
        "{first}"
    );
    assert!(
        first.contains("state bucket mobi-tfstate-example ready"),
        "{first}"
    );
    assert!(
        first.contains("sandbox stand-ins for --project-id and --admin"),
        "{first}"
    );
    let state = out.path().join(".mobi/sandbox/dev/bootstrap.tfstate");
    let text = std::fs::read_to_string(&state).expect("bootstrap state in the sandbox folder");
    assert!(text.contains("scaleway_object_bucket_policy"), "{text}");
    // The user's tree holds no state and no plan of the sandbox run.
    let real_root = out.path().join("infra/terraform/bootstrap");
    assert!(real_root.join("main.tf").is_file());
    assert!(!real_root.join("terraform.tfstate").exists());
    assert!(!real_root.join(".terraform").exists());

    let o = mobi(&args);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let second = stdout(&o);
    assert!(
        second.contains("plan +0 ~0 -0"),
        "second run must converge: {second}"
    );
    assert!(second.contains("nothing to apply"), "{second}");

    let o = Command::new(bin())
        .args(["bootstrap", "--preset", preset, "--out", dir])
        .env_remove("SCW_DEFAULT_PROJECT_ID")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--project-id"), "{}", stderr(&o));
}

/// A `PATH` holding every program of the current one but `hidden` (symlinks in `dir`), for a
/// run on a machine where that program was never installed.
fn path_without(hidden: &str, dir: &Path) -> String {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for d in std::env::split_paths(&path) {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let link = dir.join(&name);
            if name != hidden && !link.exists() {
                let _ = std::os::unix::fs::symlink(e.path(), link);
            }
        }
    }
    assert!(!dir.join(hidden).exists());
    dir.display().to_string()
}

/// The data plane on a machine without redis-server: the sandbox still plans and applies every
/// phase (the cluster gets the stand-in's values), and phase 14 says which binary is missing and
/// what to install instead of a connection failure; the other servers are unaffected, and
/// `sandbox status` names it too.
#[test]
fn without_redis_server_the_rehearsal_applies_and_phase_14_names_the_missing_binary() {
    assert!(
        which::which("redis-server").is_ok(),
        "redis-server must be installed for the other data-plane tests (scripts/install-test-deps.sh)"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("repo");
    let _cleanup = StopServices(out.join(".mobi/sandbox/dev"));
    let bin_dir = dir.path().join("bin");
    std::fs::create_dir(&bin_dir).unwrap();
    let path = path_without("redis-server", &bin_dir);
    let preset = repo().join("presets/dev.toml");
    let o = Command::new(bin())
        .args(["--preset", preset.to_str().unwrap(), "--out"])
        .arg(&out)
        .args(["--sandbox", "--apply", "--auto-approve", "--json"])
        .env("PATH", &path)
        .env("TF_VAR_scw_access_key_id", "SCWSANDBOX0000000001")
        .output()
        .unwrap();
    let events = json_events(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ends: Vec<&serde_json::Value> =
        events.iter().filter(|e| e["type"] == "phase_end").collect();
    assert_eq!(ends.len(), 14);
    assert!(ends.iter().all(|e| e["status"] == "ok"), "{ends:?}");
    let checks = check_events(&events);
    let (status, message) = &checks["redis.direct"];
    assert_eq!(status, "skipped", "redis.direct: {message}");
    assert!(
        message.contains("redis-server not found")
            && message.contains("apt-get install redis-server"),
        "redis.direct: {message}"
    );
    for name in [
        "postgres.direct",
        "s3.media_bucket",
        "s3.frontend_bucket",
        "frontend.website",
    ] {
        assert_eq!(checks[name].0, "ok", "{name}: {:?}", checks[name]);
    }
    let status = Command::new(bin())
        .args(["sandbox", "status", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let table = stdout(&status);
    let line = table
        .lines()
        .find(|l| l.contains("\tredis\t"))
        .unwrap_or_default();
    assert!(line.contains("redis-server not found"), "{table}");
}
