//! One run per env: a second mobi-tui on the same output directory and env refuses to start,
//! naming the first one, instead of racing on the journal and the sandbox copy.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

#[test]
fn a_second_run_on_the_same_env_refuses_naming_the_first() {
    let out = tempfile::tempdir().unwrap();
    let preset = repo().join("presets/dev.toml");
    let args = |extra: &[&str]| {
        let mut a = vec![
            "--preset".to_owned(),
            preset.to_string_lossy().into_owned(),
            "--out".to_owned(),
            out.path().to_string_lossy().into_owned(),
            "--sandbox".to_owned(),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    // A slow first run (every simulated apply takes 3 s).
    let mut first = Command::new(bin())
        .args(args(&[
            "--to",
            "3",
            "--apply",
            "--auto-approve",
            "--sandbox-latency",
            "3s",
        ]))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = out.path().join(".mobi/lock/dev.lock");
    let t0 = Instant::now();
    while !std::fs::read_to_string(&lock).is_ok_and(|t| t.starts_with("pid ")) {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the first run took no lock"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let second = mobi(
        &args(&["--to", "2"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
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
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(first.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    );
    first.wait().unwrap();
    let third = mobi(
        &args(&["--to", "1"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
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
    let preset = repo().join("presets/dev.toml");
    let mut first = Command::new(bin())
        .args([
            "--preset",
            preset.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ])
        .args([
            "--sandbox",
            "--to",
            "3",
            "--apply",
            "--auto-approve",
            "--sandbox-latency",
            "3s",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lock = out.path().join(".mobi/lock/dev.lock");
    let t0 = Instant::now();
    while !std::fs::read_to_string(&lock).is_ok_and(|t| t.starts_with("pid ")) {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the first run took no lock"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let o = Command::new(bin())
        .args(["--out", out.path().to_str().unwrap()])
        .stdin(Stdio::piped())
        .output()
        .unwrap();
    let err = stderr(&o);
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(first.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    );
    first.wait().unwrap();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("in use by another mobi-tui (pid {}", first.id())),
        "{err}"
    );
}
