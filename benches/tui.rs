//! TUI performance figures (criterion + a memory probe). `cargo bench --bench tui` prints:
//! - the time to draw the run view holding 100 000 log lines and 200 resource rows, against an
//!   empty frame of the same size (target: at most 3×): drawing only looks at the visible rows;
//! - the peak memory after streaming 1 000 000 log lines against 1 000 (target: at most 2×):
//!   the log is a ring of `LOG_CAP` lines. Each count runs in a child process of this binary
//!   (`MOBI_TUI_BENCH_LINES=N`) so the peaks do not mix.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::{black_box, Criterion};
use mobi_tui::engine::{ResourceStatus, RunEvent, RunMode};
use mobi_tui::tui::app::{default_preset, App, Options, Screen};
use mobi_tui::tui::update::{update, Action};
use mobi_tui::tui::view;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const W: u16 = 120;
const H: u16 = 40;

fn app() -> App {
    let preset = default_preset().expect("dev preset");
    let mut app = App::new(
        preset,
        Options {
            out: PathBuf::from("/tmp/bench"),
            edit: None,
            sandbox: false,
        },
        false,
    );
    app.screen = Screen::Run;
    update(
        &mut app,
        Action::Run(RunEvent::RunStart {
            env: "dev".into(),
            dir: "/tmp/bench".into(),
            mode: RunMode::Apply,
            from: 1,
            to: 14,
            terraform: "terraform".into(),
            sandbox: false,
        }),
    );
    update(
        &mut app,
        Action::Run(RunEvent::PhaseStart {
            phase: 9,
            title: "Workers".into(),
            module: Some("app_workers".into()),
        }),
    );
    app
}

fn stream_logs(app: &mut App, n: usize) {
    for i in 0..n {
        update(
            app,
            Action::Run(RunEvent::Log {
                phase: 9,
                line: format!("module.app_workers.kubernetes_deployment.this[\"w{i}\"]: Still creating... [{i}s elapsed]"),
            }),
        );
    }
}

fn full_app() -> App {
    let mut app = app();
    stream_logs(&mut app, 100_000);
    for i in 0..200 {
        update(
            &mut app,
            Action::Run(RunEvent::Resource {
                phase: 9,
                address: format!("module.app_workers.kubernetes_deployment.this[\"worker{i}\"]"),
                action: "create".into(),
                status: if i % 3 == 0 {
                    ResourceStatus::Complete
                } else {
                    ResourceStatus::InProgress
                },
                elapsed_s: Some(f64::from(i) * 0.5),
            }),
        );
    }
    app
}

fn mean(mut f: impl FnMut(), iters: u32) -> Duration {
    for _ in 0..iters / 10 {
        f();
    }
    let t = Instant::now();
    for _ in 0..iters {
        f();
    }
    t.elapsed() / iters
}

/// Peak resident memory of this process, in KiB (Linux `VmHWM`).
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn child_peak(lines: usize) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let out = std::process::Command::new(exe)
        .env("MOBI_TUI_BENCH_LINES", lines.to_string())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

fn main() {
    if let Ok(n) = std::env::var("MOBI_TUI_BENCH_LINES") {
        let n: usize = n.parse().unwrap_or(0);
        let mut a = app();
        stream_logs(&mut a, n);
        black_box(&a);
        println!("{}", peak_kib());
        return;
    }

    let mut term = Terminal::new(TestBackend::new(W, H)).expect("terminal");
    let full = full_app();
    let mut c = Criterion::default()
        .configure_from_args()
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    c.bench_function("draw empty frame 120x40", |b| {
        b.iter(|| term.draw(|_| {}).map(|_| ()))
    });
    c.bench_function("draw run view 100k log lines, 200 resources 120x40", |b| {
        b.iter(|| term.draw(|f| view::draw(black_box(&full), f)).map(|_| ()))
    });
    c.final_summary();

    // The figures the issue asks for, in one place.
    // TestBackend's error type is Infallible since ratatui 0.30: nothing to handle.
    let empty = mean(
        || {
            let _ = term.draw(|_| {});
        },
        2000,
    );
    let run = mean(
        || {
            let _ = term.draw(|f| view::draw(&full, f));
        },
        2000,
    );
    println!(
        "draw: empty frame {empty:?}, run view (100k log lines, 200 resources) {run:?}: {:.2}x (target <= 3x)",
        run.as_secs_f64() / empty.as_secs_f64().max(1e-12)
    );
    match (child_peak(1_000), child_peak(1_000_000)) {
        (Some(small), Some(big)) => println!(
            "peak memory: 1 000 lines {small} KiB, 1 000 000 lines {big} KiB: {:.2}x (target <= 2x)",
            big as f64 / small.max(1) as f64
        ),
        _ => println!("peak memory: could not run the probe (needs /proc)"),
    }
}
