//! One run per env: a second mobi-tui on the same output directory and env refuses to start,
//! naming the first one, instead of racing on the journal and the sandbox copy.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

/// `--preset dev --out OUT --sandbox` followed by `extra`.
fn run_args(out: &Path, extra: &[&str]) -> Vec<String> {
    let preset = repo().join("presets/dev.toml");
    let mut a = vec![
        "--preset".to_owned(),
        preset.to_string_lossy().into_owned(),
        "--out".to_owned(),
        out.to_string_lossy().into_owned(),
        "--sandbox".to_owned(),
    ];
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

/// A slow headless run (every simulated apply takes 3 s), returned once it holds the env's lock.
fn start_slow_run(out: &Path) -> Child {
    let first = Command::new(bin())
        .args(run_args(
            out,
            &[
                "--to",
                "3",
                "--apply",
                "--auto-approve",
                "--sandbox-latency",
                "3s",
            ],
        ))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = out.join(".mobi/lock/dev.lock");
    let t0 = Instant::now();
    while !std::fs::read_to_string(&lock).is_ok_and(|t| t.starts_with("pid ")) {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the first run took no lock"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    first
}

/// Interrupts a run (SIGINT, as Ctrl-C would) and waits for it to end.
fn stop(mut run: Child) {
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(run.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    );
    run.wait().unwrap();
}

#[test]
fn a_second_run_on_the_same_env_refuses_naming_the_first() {
    let out = tempfile::tempdir().unwrap();
    let first = start_slow_run(out.path());
    let args = run_args(out.path(), &["--to", "2"]);
    let second = mobi(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let err = stderr(&second);
    assert_eq!(second.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "in use by another mobi-tui (pid {}, started ",
            first.id()
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    // Once the first one has ended, the env is free again.
    stop(first);
    let args = run_args(out.path(), &["--to", "1"]);
    let third = mobi(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
}

/// The wizard needs a terminal: without one it says so in one line, points at `--preset` and
/// exits 2 (it used to fail with "No such device or address").
#[test]
fn the_wizard_without_a_terminal_says_so_and_points_at_preset() {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(bin())
        .args(["--out", out.path().to_str().unwrap()])
        .stdin(Stdio::piped())
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("needs a terminal") && err.contains("--preset"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// The wizard takes the env's run lock too: started while a headless run holds the env, it
/// refuses naming that run.
#[test]
fn the_wizard_refuses_an_env_a_headless_run_holds() {
    let out = tempfile::tempdir().unwrap();
    let first = start_slow_run(out.path());
    let pid = first.id();
    let o = Command::new(bin())
        .args(["--out", out.path().to_str().unwrap()])
        .stdin(Stdio::piped())
        .output()
        .unwrap();
    stop(first);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("in use by another mobi-tui (pid {pid}")),
        "{err}"
    );
}

/// `mobi-tui impact` plans in the env's scratch copy against its state: not while a run holds
/// the env (it refuses naming that run, exit 2, nothing planned).
#[test]
fn impact_refuses_an_env_a_run_holds() {
    let out = tempfile::tempdir().unwrap();
    let first = start_slow_run(out.path());
    let pid = first.id();
    let preset = repo().join("presets/dev.toml");
    let o = mobi(&[
        "impact",
        "--preset",
        preset.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--sandbox",
    ]);
    stop(first);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("in use by another mobi-tui (pid {pid}")),
        "{err}"
    );
    assert!(
        !out.path().join(".mobi/impact/dev/impact.tfplan").exists(),
        "nothing planned"
    );
}
