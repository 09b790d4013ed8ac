//! README command 1 as a person meets it: the live view in a terminal (tmux at 120×40 and
//! 80×24) and the same run with stdout to a file (plain lines, no escape byte, the sandbox's
//! own warnings gone, the "before a real run" list and the log file at the end).
//!
//! Why one test: a full sandbox run takes a minute here, so the three runs start together
//! (each in its own output directory: one run lock per directory and env) and are checked as
//! they end.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::support;
use super::tui::Tmux;

/// README command 1, with the binary under test and `out` as the output directory.
fn command_1(out: &Path) -> Vec<String> {
    [
        "--preset",
        &support::repo()
            .join("presets/dev.toml")
            .display()
            .to_string(),
        "--out",
        &out.display().to_string(),
        "--sandbox",
        "--apply",
        "--auto-approve",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// A shell line for tmux: the run (CI and NO_COLOR unset: this is a person's terminal), then
/// its exit code into `exit`, then the pane stays.
fn in_terminal(out: &Path, extra: &str, exit: &Path) -> String {
    format!(
        "cd {repo} && env -u CI -u NO_COLOR -u CLICOLOR_FORCE {bin} {args}{extra}; echo $? > {exit}; sleep 600",
        repo = support::repo().display(),
        bin = support::bin().display(),
        args = command_1(out).join(" "),
        exit = exit.display()
    )
}

fn wait_exit(p: &Path, limit: Duration) -> String {
    let start = Instant::now();
    loop {
        if let Ok(s) = std::fs::read_to_string(p) {
            if !s.trim().is_empty() {
                return s.trim().to_string();
            }
        }
        assert!(
            start.elapsed() < limit,
            "{} never appeared: the run did not end",
            p.display()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Is `line` the row of a running phase (a spinner glyph, then the phase number)?
fn running_row(line: &str) -> bool {
    line.starts_with(['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'])
}

#[test]
fn readme_command_1_live_in_a_terminal_and_plain_in_a_file() {
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().expect("tmp")).collect();
    let (wide, narrow, file) = (dirs[0].path(), dirs[1].path(), dirs[2].path());
    // Command 1 starts the data plane: stopped at the end, however the test ends.
    let _servers: Vec<support::StopServices> = [wide, narrow, file]
        .iter()
        .map(|d| support::StopServices(d.join("out")))
        .collect();
    let long = Duration::from_secs(900);

    // The file run: stdout to a file, stderr apart.
    let stdout_path: PathBuf = file.join("stdout.txt");
    let mut plain = Command::new(support::bin())
        .args(command_1(&file.join("out")))
        .current_dir(support::repo())
        .env_remove("CI")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdout(Stdio::from(
            std::fs::File::create(&stdout_path).expect("stdout file"),
        ))
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the file run");
    let wide_exit = wide.join("exit");
    let narrow_exit = narrow.join("exit");
    let t120 = Tmux::start_sized(&in_terminal(&wide.join("out"), "", &wide_exit), 120, 40);
    // The small terminal runs phases 1-5 only: the same view, a third of the time.
    let t80 = Tmux::start_sized(
        &in_terminal(&narrow.join("out"), " --to 5", &narrow_exit),
        80,
        24,
    );

    // 80×24: while it runs, the running phase has its row (spinner, title, step).
    let s = t80.wait_until_within(long, "phase 3 running at 80x24", |s| {
        s.lines().any(|l| {
            running_row(l) && l.contains("Network") && (l.contains("plan") || l.contains("apply"))
        })
    });
    assert!(
        s.lines()
            .any(|l| l.contains("PostgreSQL") && l.contains("waiting")),
        "the phases to come are not listed:\n{s}"
    );
    assert!(
        !s.contains("$ terraform"),
        "plain lines on a terminal:\n{s}"
    );

    // 120×40, when the run has ended: one capture holds every phase with its status.
    assert_eq!(wait_exit(&wide_exit, long), "0");
    let s = t120.capture();
    for p in &mobi_tui::phases::PHASES {
        let row = s.lines().find(|l| l.contains(p.title)).unwrap_or_else(|| {
            panic!(
                "phase {} ({}) is not on the screen:\n{s}",
                p.number, p.title
            )
        });
        assert!(
            row.starts_with('✓') && row.trim_end().ends_with("ok"),
            "phase {} has no ok status: {row:?}\n{s}",
            p.number
        );
    }
    assert!(s.contains("14 ok, 0 failed"), "no summary line:\n{s}");
    assert!(s.contains("before a real run"), "no advice:\n{s}");
    assert!(s.contains("log: "), "the log file is not named:\n{s}");

    // 80×24 at the end: the summary, the advice and the log file.
    assert_eq!(wait_exit(&narrow_exit, long), "0");
    let s = t80.capture();
    assert!(s.contains("5 ok, 0 failed"), "no summary at 80x24:\n{s}");
    assert!(
        s.lines()
            .any(|l| l.contains("Final verification") && l.contains("not in run")),
        "{s}"
    );
    assert!(s.contains("log: "), "{s}");

    // The file: plain lines, no escape, none of the sandbox's own warnings, the list last.
    let status = plain.wait().expect("the file run ends");
    assert!(status.success(), "the file run failed");
    let bytes = std::fs::read(&stdout_path).expect("stdout");
    assert!(
        !bytes.contains(&0x1b),
        "an ESC byte in the file output:\n{}",
        String::from_utf8_lossy(&bytes)
    );
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("Incomplete lock file"), "{text}");
    assert!(!text.contains("(unauthenticated)"), "{text}");
    assert!(
        text.contains("phase 3/14 Network"),
        "not today's plain lines:\n{text}"
    );
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.last().copied().unwrap_or_default();
    let log = last
        .strip_prefix("log: ")
        .unwrap_or_else(|| panic!("the last line does not name the log: {last:?}"));
    assert!(
        log.contains("/.mobi/log/dev-") && Path::new(log).is_file(),
        "{log}"
    );
    let advice = lines
        .iter()
        .position(|l| l.starts_with("before a real run"))
        .unwrap_or_else(|| panic!("no 'before a real run' list:\n{text}"));
    let list = lines[advice..].join("\n");
    assert!(list.contains("SCW_SECRET_KEY"), "{list}");
    assert!(list.contains("TF_VAR_ancpi_api_key"), "{list}");
    // Deduplicated: plan and apply of phase 13 both warn; the list names each warning once.
    assert_eq!(
        list.matches("ancpi_api_key or seismic_api_key is empty")
            .count(),
        1,
        "{list}"
    );
    // The admin principal the sandbox stood in is still on the list, once.
    assert_eq!(
        list.matches("TF_VAR_scw_access_key_id: set it to $SCW_ACCESS_KEY")
            .count(),
        1,
        "{list}"
    );
    // The log holds the whole run, plainly, as the file does (and more: every detail line).
    let logged = std::fs::read_to_string(log).expect("log");
    assert!(logged.contains("phase 14 ok"), "{logged}");
    assert!(!logged.contains('\u{1b}'));
}
