//! The wizard while an impact plan runs, on a dev env applied in the sandbox (issue 10's two
//! figures). `cargo bench --bench impact_frame` prints:
//! - **keystroke → impact line**: from the first key of the edit that changes
//!   `redis.cluster_size` (Enter, Ctrl-U, `2`, Enter) to the moment the line under the field
//!   holds the computed impact, through the wizard's own path: `update` asks for
//!   `ComputeImpact` (and, as the field is committed, `StartImpactNow`), the wizard's
//!   [`ImpactWorker`] plans with [`impact::compute`], `ImpactReady` comes back. Median of
//!   `MOBI_BENCH_RUNS` runs (default 7; target 2 s on the reference machine);
//! - **frame time**: drawing the wizard at 120×40 while nothing runs and then while impact
//!   plans run on another thread (Terraform and the stand-in providers compete for the cores),
//!   medians and their ratio (target: at most 1.2×), twice: as the wizard draws, one frame
//!   after each pause of a 60 Hz tick, and back to back in bursts of 20 (warm caches, what a
//!   tight loop shows). Idle and busy are always drawn at the same cadence, idle sampled before
//!   and after the busy window. The UI thread never waits for a plan, so the ratio says what
//!   the competition for the CPU costs a frame.
//!
//! - **floor**: after each timed run, Terraform's own plan of the same scratch tree with the very
//!   command an impact runs ([`impact::prepare`]'s `plan`: same flags, environment, niceness),
//!   timed alone; its median and the ratio keystroke → line / floor. Interleaved with the timed
//!   runs, so the ratio holds whatever the machine's speed that hour: what mobi-tui adds to
//!   Terraform, the part of the figure this crate owns.
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
use mobi_tui::tui::impact_worker::ImpactWorker;
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

/// Focus phase 6's cluster size and type `value` into it: the commands the wizard's loop gets.
fn edit_cluster_size(app: &mut App, value: &str) -> Vec<Command> {
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
    cmds
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

/// The plan command of an impact of `candidate`, prepared (rendered, initialised) untimed, then
/// run and timed alone: the floor under the keystroke → line figure.
async fn terraform_alone(out: &Path, candidate: mobi_tui::preset::Preset) -> Duration {
    let prepared = impact::prepare(&request(out, candidate), &Interrupt::new())
        .await
        .expect("the scratch copy prepares");
    let t = Instant::now();
    let outcome = mobi_tui::terraform::run(
        &prepared.plan,
        &Interrupt::new(),
        mobi_tui::terraform::DEFAULT_GRACE,
        &mut |_| {},
    )
    .await
    .expect("terraform runs");
    let took = t.elapsed();
    assert!(
        outcome.success(&prepared.plan),
        "the bare plan failed: {:?}",
        outcome.first_error()
    );
    took
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `n` frames in bursts of `burst` drawn back to back, each burst after a pause of one 60 Hz
/// tick. `burst` 1 is how the wizard draws (one frame per event); longer bursts show the same
/// frame with warm caches, the figure a tight loop gives.
fn frame_times(app: &App, n: usize, burst: usize) -> Vec<Duration> {
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut v = Vec::with_capacity(n);
    while v.len() < n {
        std::thread::sleep(Duration::from_millis(16));
        for _ in 0..burst.min(n - v.len()) {
            let t = Instant::now();
            term.draw(|f| view::draw(app, f)).expect("draw");
            v.push(t.elapsed());
        }
    }
    v
}

/// Idle and busy medians and their ratio, as one line.
fn frame_line(what: &str, idle: Vec<Duration>, during: Vec<Duration>, plans: u32) -> String {
    let (ni, nd) = (idle.len(), during.len());
    let (idle, busy) = (median(idle), median(during));
    format!(
        "wizard frame 120x40, {what}: idle median {idle:.2?} ({ni} frames, before and after), during impact plans median {busy:.2?} ({nd} frames, {plans} plan(s) in all), ratio {:.2} (target <= 1.2)",
        busy.as_secs_f64() / idle.as_secs_f64()
    )
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
    let mut worker = ImpactWorker::new();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut latencies = Vec::new();
    let mut floors = Vec::new();
    for i in 0..=runs {
        let _ = edit_cluster_size(&mut app, "1");
        let t = Instant::now();
        let cmds = edit_cluster_size(&mut app, "2");
        let edited = t.elapsed();
        let mut started_now = false;
        let ready = rt.block_on(async {
            for c in cmds {
                match c {
                    Command::ComputeImpact { generation, preset } => {
                        worker.submit(generation, Ok(request(&out, *preset)), &tx)
                    }
                    Command::StartImpactNow { generation } => {
                        started_now = true;
                        worker.start_now(generation)
                    }
                    _ => {}
                }
            }
            rx.recv().await.expect("the worker answers")
        });
        update(&mut app, ready);
        let line = app.impact.line("redis.cluster_size").expect("a line");
        assert!(
            line.0.contains("REPLACES"),
            "unexpected impact line: {line:?}"
        );
        let took = t.elapsed();
        if i > 0 {
            eprintln!(
                "  run {i}: {took:.2?} (keys {edited:.2?}, then the worker{})",
                if started_now {
                    ", started at the commit"
                } else {
                    " after its debounce"
                }
            );
            latencies.push(took);
            floors.push(rt.block_on(terraform_alone(&out, app.built.clone())));
        }
    }
    let (line, floor) = (median(latencies), median(floors));
    println!(
        "keystroke -> impact line: median {line:.2?} over {runs} runs (target 2 s); Terraform's own plan of the same tree, same command, interleaved: median {floor:.2?}; ratio {:.2}",
        line.as_secs_f64() / floor.as_secs_f64()
    );

    // Frames: idle, then while plans run on another thread, then idle again; at the wizard's
    // cadence (one frame per tick) and back to back (bursts of 20).
    let frames = 250;
    let mut idle_tick = frame_times(&app, frames, 1);
    let mut idle_burst = frame_times(&app, frames, 20);
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
    let during_tick = frame_times(&app, 2 * frames, 1);
    let during_burst = frame_times(&app, 2 * frames, 20);
    busy_flag.store(false, Ordering::Relaxed);
    let plans = worker.join().unwrap_or(0);
    idle_tick.extend(frame_times(&app, frames, 1));
    idle_burst.extend(frame_times(&app, frames, 20));
    println!(
        "{}",
        frame_line(
            "one per 16 ms tick (the wizard's cadence)",
            idle_tick,
            during_tick,
            plans
        )
    );
    println!(
        "{}",
        frame_line(
            "back to back (bursts of 20)",
            idle_burst,
            during_burst,
            plans
        )
    );
}
