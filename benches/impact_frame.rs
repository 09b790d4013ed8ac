//! The wizard while an impact plan runs, on a dev env applied in the sandbox (issue 10's two
//! figures). `cargo bench --bench impact_frame` prints:
//! - **keystroke → impact line**: from the edit that changes `redis.cluster_size` to the moment
//!   the line under the field holds the computed impact, through the wizard's own path (`update`
//!   asks for `ComputeImpact`, the debounce, [`impact::compute`], `ImpactReady`), median of
//!   `MOBI_BENCH_RUNS` runs (default 7; target 2 s on the reference machine);
//! - **frame time**: drawing the wizard at 120×40 while nothing runs, then while impact plans run
//!   on another thread (Terraform and the stand-in providers compete for the cores), medians and
//!   their ratio (target: at most 1.2×). The UI thread never waits for a plan, so the ratio says
//!   what the competition for the CPU costs a frame.
//!
//! Setup applies dev once (phases 1-12) with the mobi-tui binary cargo built for this bench.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mobi_tui::engine::impact::{self, ImpactRequest};
use mobi_tui::terraform::Interrupt;
use mobi_tui::tui::app::{App, Options};
use mobi_tui::tui::update::{update, Action, Command};
use mobi_tui::tui::view;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const BIN: &str = env!("CARGO_BIN_EXE_mobi-tui");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn terraform() -> PathBuf {
    std::env::var_os("MOBI_TERRAFORM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/local/bin/terraform"))
}

fn apply_dev(out: &Path) {
    let o = std::process::Command::new(BIN)
        .arg("--preset")
        .arg(repo().join("presets/dev.toml"))
        .arg("--out")
        .arg(out)
        .args([
            "--sandbox",
            "--apply",
            "--auto-approve",
            "--to",
            "12",
            "--plain",
        ])
        .env("MOBI_SANDBOX_DATA_PLANE", "0")
        .output()
        .expect("mobi-tui runs");
    assert!(
        o.status.success(),
        "applying dev: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn wizard(out: &Path) -> App {
    let preset = mobi_tui::preset::load(&repo().join("presets/dev.toml")).expect("dev preset");
    let mut app = App::new(
        preset,
        Options {
            out: out.to_path_buf(),
            edit: None,
            sandbox: true,
        },
        true,
    );
    app.impact.applied = mobi_tui::engine::journal::load_applied(out, "dev").expect("journal");
    assert!(app.impact.applied.is_some(), "dev is applied");
    app.size = (120, 40);
    app.recompute();
    app
}

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// Focus phase 6's cluster size and type `value` into it; returns the impact request made.
fn edit_cluster_size(app: &mut App, value: &str) -> Option<(u64, mobi_tui::preset::Preset)> {
    app.phase = 6;
    app.focus = app
        .fields(6)
        .iter()
        .position(|f| app.prompt(*f) == "Cluster size")
        .expect("cluster size field");
    let mut cmds = key(app, KeyCode::Enter);
    cmds.extend(update(
        app,
        Action::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    ));
    for ch in value.chars() {
        cmds.extend(key(app, KeyCode::Char(ch)));
    }
    cmds.extend(key(app, KeyCode::Enter));
    cmds.into_iter().rev().find_map(|c| match c {
        Command::ComputeImpact { generation, preset } => Some((generation, *preset)),
        _ => None,
    })
}

fn request(out: &Path, candidate: mobi_tui::preset::Preset) -> ImpactRequest {
    ImpactRequest {
        out_dir: out.to_path_buf(),
        candidate,
        sandbox: true,
        terraform_bin: terraform(),
        provider_binary: Some(PathBuf::from(BIN)),
        env: Vec::new(),
        background: true,
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn frame_times(app: &App, n: usize) -> Vec<Duration> {
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    (0..n)
        .map(|_| {
            let t = Instant::now();
            term.draw(|f| view::draw(app, f)).expect("draw");
            t.elapsed()
        })
        .collect()
}

fn main() {
    let runs: usize = std::env::var("MOBI_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("repo");
    eprintln!("impact_frame: applying dev in the sandbox once (phases 1-12)…");
    apply_dev(&out);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    // Keystroke → line: each run puts the applied 1 back (no plan asked), then types 2 and is
    // timed; the first computation initialises the scratch copy and is not counted.
    let mut app = wizard(&out);
    let mut latencies = Vec::new();
    for i in 0..=runs {
        let _ = edit_cluster_size(&mut app, "1");
        let t = Instant::now();
        let (generation, candidate) = edit_cluster_size(&mut app, "2").expect("impact asked");
        let edited = t.elapsed();
        let mut computing = Duration::ZERO;
        let result = rt.block_on(async {
            tokio::time::sleep(mobi_tui::tui::IMPACT_DEBOUNCE).await;
            let c = Instant::now();
            let r = impact::compute(&request(&out, candidate), &Interrupt::new())
                .await
                .map_err(|e| e.to_string());
            computing = c.elapsed();
            r
        });
        update(&mut app, Action::ImpactReady { generation, result });
        let line = app.impact.line("redis.cluster_size").expect("a line");
        assert!(
            line.0.contains("REPLACES"),
            "unexpected impact line: {line:?}"
        );
        let took = t.elapsed();
        if i > 0 {
            eprintln!(
                "  run {i}: {took:.2?} (keys {edited:.2?}, debounce {:.0?}, impact::compute {computing:.2?})",
                mobi_tui::tui::IMPACT_DEBOUNCE
            );
            latencies.push(took);
        }
    }
    println!(
        "keystroke -> impact line: median {:.2?} over {runs} runs (target 2 s)",
        median(latencies)
    );

    // Frames: idle, then while plans run on another thread.
    let frames = 400;
    let idle = median(frame_times(&app, frames));
    let busy_flag = Arc::new(AtomicBool::new(true));
    let worker = {
        let busy = busy_flag.clone();
        let out = out.clone();
        let candidate = app.built.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let mut plans = 0u32;
            while busy.load(Ordering::Relaxed) {
                let _ = rt.block_on(impact::compute(
                    &request(&out, candidate.clone()),
                    &Interrupt::new(),
                ));
                plans += 1;
            }
            plans
        })
    };
    // Let the first plan get going before measuring.
    std::thread::sleep(Duration::from_millis(500));
    let mut during = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(8) {
        during.extend(frame_times(&app, 20));
        std::thread::sleep(Duration::from_millis(16));
    }
    busy_flag.store(false, Ordering::Relaxed);
    let plans = worker.join().unwrap_or(0);
    let busy = median(during.clone());
    println!(
        "wizard frame 120x40: idle median {idle:.2?}, during impact plans median {busy:.2?} ({} frames, {plans} plan(s)), ratio {:.2} (target <= 1.2)",
        during.len(),
        busy.as_secs_f64() / idle.as_secs_f64()
    );
}
