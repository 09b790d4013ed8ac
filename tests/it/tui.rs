//! The TUI: every screen snapshotted at 80×24 and 120×40 (TestBackend + insta), keys driven
//! through `update`, a random-key fuzz, and an end-to-end run of the real binary in tmux.

use std::path::{Path, PathBuf};
use std::process::Command as Proc;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mobi_tui::engine::impact::ResourceImpact;
use mobi_tui::engine::{
    Changes, PhaseStatus, ResourceStatus, RunEvent, RunMode, RunStatus, StepStatus,
};
use mobi_tui::render::writer::FileAction;
use mobi_tui::tui::app::{App, Options, Overlay, Review, ReviewEntry, Screen};
use mobi_tui::tui::update::{update, Action, Command};
use mobi_tui::tui::view;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::support;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn new_app() -> App {
    let preset = mobi_tui::tui::app::default_preset().expect("dev preset");
    App::new(
        preset,
        Options {
            out: PathBuf::from("/work/out"),
            edit: None,
            sandbox: false,
        },
        false,
    )
}

/// The screen as text, one line per row.
fn screen(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    term.draw(|f| view::draw(app, f)).expect("draw");
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Snapshots a screen at both sizes.
fn snap(name: &str, app: &App) {
    for (w, h) in SIZES {
        let mut app = app.clone();
        app.size = (w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen(&app, w, h));
    }
}

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(app: &mut App, ch: char) -> Vec<Command> {
    update(
        app,
        Action::Key(KeyEvent::new(KeyCode::Char(ch), KeyModifiers::CONTROL)),
    )
}

fn keys(app: &mut App, s: &str) {
    for ch in s.chars() {
        key(app, KeyCode::Char(ch));
    }
}

fn focus_field(app: &mut App, phase: u8, prompt: &str) {
    app.phase = phase;
    app.focus = app
        .fields(phase)
        .iter()
        .position(|f| app.prompt(*f) == prompt)
        .unwrap_or_else(|| panic!("no field {prompt:?} in phase {phase}"));
}

fn retype(app: &mut App, text: &str) {
    key(app, KeyCode::Enter);
    assert!(app.editing, "Enter starts editing a text field");
    ctrl(app, 'u');
    keys(app, text);
}

#[test]
fn wizard_first_screen() {
    snap("wizard_first", &new_app());
}

#[test]
fn wizard_validation_error_is_named_under_the_field() {
    let mut app = new_app();
    focus_field(&mut app, 3, "Private network CIDR");
    retype(&mut app, "10.0.0.0/16");
    assert!(app
        .errors
        .get("network.private_cidr")
        .is_some_and(|e| e.contains("/20 to /28")));
    snap("wizard_cidr_error", &app);
    // Cross-field rules come from the preset validation: same bucket twice.
    let mut app = new_app();
    focus_field(&mut app, 4, "Frontend bucket");
    retype(&mut app, "mobi-media-dev-example");
    key(&mut app, KeyCode::Esc);
    assert!(app
        .errors
        .get("object_storage.frontend_bucket")
        .is_some_and(|e| e.contains("different")));
    snap("wizard_bucket_twice", &app);
}

#[test]
fn wizard_number_field_refuses_letters_and_keeps_them() {
    let mut app = new_app();
    focus_field(&mut app, 8, "Replicas");
    retype(&mut app, "2x");
    assert_eq!(app.text(app.focused().expect("focus")), "2x");
    assert!(app.errors["backend.replicas"].contains("\"2x\""));
    // Not saved while invalid: the form jumps to the problem and says what it is.
    let cmds = ctrl(&mut app, 's');
    assert!(cmds.is_empty());
    assert!(
        matches!(&app.overlay, Some(Overlay::Message { text, .. }) if text.contains("backend.replicas"))
    );
    snap("wizard_not_saved", &app);
}

#[test]
fn wizard_workers_edit_add_rename_remove() {
    let mut app = new_app();
    // Tag of the first worker (dpod: the map is ordered by name).
    focus_field(&mut app, 9, "Tag");
    retype(&mut app, "0.2.0");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.built.workers["dpod"].tag, "0.2.0");
    // Add a worker: it starts editing its name.
    key(&mut app, KeyCode::Char('a'));
    assert!(app.editing);
    ctrl(&mut app, 'u');
    keys(&mut app, "audio");
    key(&mut app, KeyCode::Enter);
    assert!(app.built.workers.contains_key("audio"));
    assert!(app.errors.is_empty(), "{:?}", app.errors);
    snap("wizard_workers", &app);
    // Rename to a taken name: named as a problem.
    app.focus = app
        .fields(9)
        .iter()
        .rposition(|f| app.prompt(*f) == "Worker name")
        .expect("name");
    retype(&mut app, "vpod");
    assert!(app.errors["workers.vpod"].contains("twice"));
    key(&mut app, KeyCode::Esc);
    // Remove it.
    key(&mut app, KeyCode::Char('d'));
    assert_eq!(app.workers.len(), 4);
    assert!(app.errors.is_empty(), "{:?}", app.errors);
}

#[test]
fn a_new_workers_image_and_stream_follow_the_name_it_is_given() {
    let mut app = new_app();
    key(&mut app, KeyCode::Char('a'));
    ctrl(&mut app, 'u');
    keys(&mut app, "audio");
    key(&mut app, KeyCode::Enter);
    let w = &app.built.workers["audio"];
    assert_eq!(w.image, "rg.fr-par.scw.cloud/mobi/worker-audio");
    assert_eq!(w.stream, "media.audio");
    // A value typed by the user is kept through a later rename.
    app.focus = app
        .fields(9)
        .iter()
        .rposition(|f| app.prompt(*f) == "Image")
        .expect("image");
    retype(&mut app, "rg.fr-par.scw.cloud/mobi/sound");
    key(&mut app, KeyCode::Enter);
    app.focus = app
        .fields(9)
        .iter()
        .rposition(|f| app.prompt(*f) == "Worker name")
        .expect("name");
    retype(&mut app, "sound");
    key(&mut app, KeyCode::Enter);
    let w = &app.built.workers["sound"];
    assert_eq!(w.image, "rg.fr-par.scw.cloud/mobi/sound");
    assert_eq!(w.stream, "media.sound");
    // The preset's workers are untouched.
    assert_eq!(
        app.built.workers["dpod"].image,
        new_app().built.workers["dpod"].image
    );
}

#[test]
fn the_review_clears_its_comparing_message() {
    let mut app = new_app();
    let cmds = key(&mut app, KeyCode::Char('r'));
    assert!(matches!(&cmds[..], [Command::PrepareReview(_)]), "{cmds:?}");
    assert!(app.status.contains("comparing"), "{}", app.status);
    let r = review_app().review.expect("review");
    update(&mut app, Action::ReviewReady(Ok(r)));
    assert!(!app.status.contains("comparing"), "{}", app.status);
    snap("review_opened", &app);
    key(&mut app, KeyCode::Esc);
    assert!(!app.status.contains("comparing"), "{}", app.status);
}

#[test]
fn wizard_editing_and_secret_masked() {
    let mut app = new_app();
    focus_field(&mut app, 2, "Scaleway secret key");
    retype(&mut app, "very-secret-value");
    assert!(!screen(&app, 120, 40).contains("very-secret"));
    key(&mut app, KeyCode::Enter);
    assert!(!app.preset_text().contains("very-secret"));
    let env = app.secret_env();
    assert!(env.contains(&("SCW_SECRET_KEY".to_string(), "very-secret-value".into())));
    assert!(env.contains(&(
        "AWS_SECRET_ACCESS_KEY".to_string(),
        "very-secret-value".into()
    )));
    // Held as secrets: neither the app's nor the env's `Debug` shows the value.
    assert!(!format!("{env:?} {app:?}").contains("very-secret"));
    focus_field(&mut app, 2, "State key");
    key(&mut app, KeyCode::Enter);
    snap("wizard_editing", &app);
}

#[test]
fn region_cycles_and_saves() {
    let mut app = new_app();
    focus_field(&mut app, 1, "Region");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.built.project.region, "nl-ams");
    assert!(app.dirty);
    let cmds = ctrl(&mut app, 's');
    assert!(matches!(&cmds[..], [Command::Save(p)] if p.project.region == "nl-ams"));
    update(&mut app, Action::Saved(Ok("saved".into())));
    assert!(!app.dirty);
}

#[test]
fn help_overlay_lists_every_binding() {
    let mut app = new_app();
    key(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    snap("help", &app);
    let all: String = view::help_text();
    for b in mobi_tui::tui::keymap::BINDINGS {
        assert!(all.contains(b.help), "help misses {:?}", b.help);
    }
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

fn review_app() -> App {
    let mut app = new_app();
    app.screen = Screen::Review;
    app.review = Some(Review {
        entries: vec![
            ReviewEntry {
                path: "/work/out/presets/dev.toml".into(),
                action: FileAction::Update,
                diff: "--- a/presets/dev.toml\n+++ b/presets/dev.toml\n@@ -5,3 +5,3 @@\n [project]\n-region = \"fr-par\"\n+region = \"nl-ams\"\n".into(),
            },
            ReviewEntry {
                path: "infra/terraform/envs/dev/terraform.tfvars".into(),
                action: FileAction::Create,
                diff: "--- /dev/null\n+++ b/infra/terraform/envs/dev/terraform.tfvars\n@@ -0,0 +1,2 @@\n+region = \"nl-ams\"\n+zone   = \"nl-ams-1\"\n".into(),
            },
            ReviewEntry {
                path: "infra/terraform/modules/network/main.tf".into(),
                action: FileAction::Unchanged,
                diff: String::new(),
            },
            ReviewEntry {
                path: "infra/terraform/envs/dev/main.tf".into(),
                action: FileAction::Conflict,
                diff: "--- a/infra/terraform/envs/dev/main.tf\n+++ b/infra/terraform/envs/dev/main.tf\n@@ -1 +1 @@\n-# edited by hand\n+# generated\n".into(),
            },
        ],
        selected: 0,
        scroll: 0,
    });
    app
}

#[test]
fn review_screen() {
    let mut app = review_app();
    snap("review", &app);
    key(&mut app, KeyCode::Down);
    snap("review_second_file", &app);
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(&cmds[..], [Command::Save(_)]));
}

#[test]
fn review_force_write_asks_then_overwrites() {
    let mut app = review_app();
    // F asks first, naming the files edited by hand.
    assert!(key(&mut app, KeyCode::Char('F')).is_empty());
    assert!(matches!(
        &app.overlay,
        Some(Overlay::ConfirmForce { files }) if files == &["infra/terraform/envs/dev/main.tf"]
    ));
    snap("review_force_question", &app);
    // No: nothing is written.
    assert!(key(&mut app, KeyCode::Char('n')).is_empty());
    assert!(app.overlay.is_none());
    assert!(app.status.contains("kept"), "{}", app.status);
    // Yes: a save that overwrites.
    key(&mut app, KeyCode::Char('F'));
    let cmds = key(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(&cmds[..], [Command::ForceSave(p)] if p.project.env == "dev"),
        "{cmds:?}"
    );
    // Plain Enter still writes without force.
    let mut app = review_app();
    assert!(matches!(
        &key(&mut app, KeyCode::Enter)[..],
        [Command::Save(_)]
    ));
}

#[test]
fn review_force_write_without_edited_files_says_so() {
    let mut app = review_app();
    if let Some(r) = &mut app.review {
        r.entries.retain(|e| e.action != FileAction::Conflict);
    }
    assert!(key(&mut app, KeyCode::Char('F')).is_empty());
    assert!(app.overlay.is_none());
    assert!(
        app.status.contains("no file was edited by hand"),
        "{}",
        app.status
    );
}

#[test]
fn force_save_overwrites_files_edited_by_hand() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut app = new_app();
    app.opts.out = dir.path().to_path_buf();
    mobi_tui::tui::save(&app, &app.built, false).expect("first save");
    let edited = dir.path().join("infra/terraform/envs/dev/main.tf");
    let generated = std::fs::read_to_string(&edited).expect("generated main.tf");
    std::fs::write(&edited, format!("{generated}\n# edited by hand\n")).expect("edit");
    let r = mobi_tui::tui::prepare_review(&app, &app.built).expect("review");
    let conflicts: Vec<&str> = r
        .entries
        .iter()
        .filter(|e| e.action == FileAction::Conflict)
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(conflicts, ["infra/terraform/envs/dev/main.tf"]);
    // A plain save refuses to touch the edit.
    let err = mobi_tui::tui::save(&app, &app.built, false).expect_err("conflict");
    assert!(err.contains("main.tf"), "{err}");
    assert!(std::fs::read_to_string(&edited)
        .expect("still there")
        .contains("# edited by hand"));
    // The confirmed force-write overwrites it, and says so.
    let msg = mobi_tui::tui::save(&app, &app.built, true).expect("force save");
    assert!(msg.contains("1 edited file(s) overwritten"), "{msg}");
    assert_eq!(
        std::fs::read_to_string(&edited).expect("main.tf"),
        generated
    );
    let r = mobi_tui::tui::prepare_review(&app, &app.built).expect("review");
    assert!(r.entries.iter().all(|e| e.action == FileAction::Unchanged));
}

#[test]
fn review_is_computed_from_the_writer() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut app = new_app();
    app.opts.out = dir.path().to_path_buf();
    let r = mobi_tui::tui::prepare_review(&app, &app.built).expect("review");
    assert!(r.entries[0].path.ends_with("presets/dev.toml"));
    assert_eq!(r.entries[0].action, FileAction::Create);
    assert!(r.entries[0].diff.contains("+region = \"fr-par\""));
    // Diff headers are relative to the repository, never `b//tmp/…`.
    assert!(
        r.entries[0].diff.contains("+++ b/presets/dev.toml\n"),
        "{}",
        r.entries[0].diff
    );
    assert!(
        r.entries.iter().all(|e| !e.diff.contains("b//")),
        "an absolute path in a diff header"
    );
    assert!(r.entries.iter().any(|e| e.path == ".gitignore"));
    // Save writes both; a second review then shows nothing to change.
    let msg = mobi_tui::tui::save(&app, &app.built, false).expect("save");
    assert!(msg.contains("saved"), "{msg}");
    let saved = std::fs::read_to_string(dir.path().join("presets/dev.toml")).expect("saved");
    assert_eq!(
        mobi_tui::preset::parse(&saved, "saved").expect("valid"),
        app.built
    );
    let r = mobi_tui::tui::prepare_review(&app, &app.built).expect("review");
    assert!(r.entries.iter().all(|e| e.action == FileAction::Unchanged));
}

/// A run in progress: phases 1-2 done, phase 3 applying, with resources, a diagnostic and logs.
fn running_app() -> App {
    let mut app = new_app();
    app.screen = Screen::Run;
    let evs = vec![
        RunEvent::RunStart {
            env: "dev".into(),
            dir: "/work/out".into(),
            mode: RunMode::Apply,
            from: 1,
            to: 14,
            terraform: "terraform".into(),
            sandbox: false,
        },
        RunEvent::PhaseStart {
            phase: 1,
            title: "Repository & Terraform layout".into(),
            module: None,
        },
        RunEvent::StepStart {
            phase: 1,
            step: "write_tree".into(),
            argv: None,
        },
        RunEvent::StepEnd {
            phase: 1,
            step: "write_tree".into(),
            status: StepStatus::Ok,
            elapsed_s: 0.1,
            changes: None,
            message: Some("40 created".into()),
        },
        RunEvent::PhaseEnd {
            phase: 1,
            status: PhaseStatus::Ok,
            changes: Changes::default(),
            reason: None,
            elapsed_s: 0.1,
        },
        RunEvent::PhaseStart {
            phase: 2,
            title: "Provider & state backend".into(),
            module: None,
        },
        RunEvent::PhaseEnd {
            phase: 2,
            status: PhaseStatus::Ok,
            changes: Changes::default(),
            reason: None,
            elapsed_s: 3.2,
        },
        RunEvent::PhaseStart {
            phase: 3,
            title: "Network".into(),
            module: Some("network".into()),
        },
        RunEvent::StepStart {
            phase: 3,
            step: "plan".into(),
            argv: Some(vec![
                "terraform".into(),
                "plan".into(),
                "-target=module.network".into(),
            ]),
        },
        RunEvent::Resource {
            phase: 3,
            address: "module.network.scaleway_vpc.this".into(),
            action: "create".into(),
            status: ResourceStatus::Planned,
            elapsed_s: None,
        },
        RunEvent::Resource {
            phase: 3,
            address: "module.network.scaleway_vpc_private_network.this".into(),
            action: "create".into(),
            status: ResourceStatus::Planned,
            elapsed_s: None,
        },
        RunEvent::StepEnd {
            phase: 3,
            step: "plan".into(),
            status: StepStatus::Ok,
            elapsed_s: 2.5,
            changes: Some(Changes {
                add: 2,
                change: 0,
                remove: 0,
            }),
            message: None,
        },
        RunEvent::StepStart {
            phase: 3,
            step: "apply".into(),
            argv: Some(vec![
                "terraform".into(),
                "apply".into(),
                "phase-03.tfplan".into(),
            ]),
        },
        RunEvent::Resource {
            phase: 3,
            address: "module.network.scaleway_vpc.this".into(),
            action: "create".into(),
            status: ResourceStatus::Complete,
            elapsed_s: Some(1.5),
        },
        RunEvent::Resource {
            phase: 3,
            address: "module.network.scaleway_vpc_private_network.this".into(),
            action: "create".into(),
            status: ResourceStatus::InProgress,
            elapsed_s: Some(10.0),
        },
        RunEvent::Diagnostic {
            phase: 3,
            severity: "warning".into(),
            summary: "Resource targeting is in effect".into(),
            detail: String::new(),
            file: None,
            line: None,
            address: None,
        },
        RunEvent::Log {
            phase: 3,
            line:
                "module.network.scaleway_vpc_private_network.this: Still creating... [10s elapsed]"
                    .into(),
        },
    ];
    for ev in evs {
        update(&mut app, Action::Run(ev));
    }
    app
}

#[test]
fn run_in_progress() {
    let app = running_app();
    assert!(app.running());
    snap("run_in_progress", &app);
}

#[test]
fn run_watching_two_phases_and_apply_question() {
    let mut app = running_app();
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Char('w'));
    assert_eq!(app.run.watched, vec![2]);
    update(
        &mut app,
        Action::ApprovalRequested {
            phase: 3,
            changes: Changes {
                add: 2,
                change: 0,
                remove: 0,
            },
        },
    );
    snap("run_apply_question", &app);
    let cmds = key(&mut app, KeyCode::Char('y'));
    assert_eq!(cmds, vec![Command::Approve(true)]);
}

fn destructive(address: &str, name: Option<&str>, forced_by: &str) -> ResourceImpact {
    ResourceImpact {
        address: address.into(),
        resource_type: "scaleway_redis_cluster".into(),
        module: Some("redis".into()),
        phase: Some(6),
        action: mobi_tui::engine::impact::Action::Replace,
        forced_by: vec![forced_by.into()],
        holds_data: true,
        destructive: true,
        causes: Vec::new(),
        name: name.map(str::to_string),
    }
}

#[test]
fn run_destructive_change_is_confirmed_by_typing_each_name() {
    let mut app = running_app();
    let redis = "module.redis.scaleway_redis_cluster.this";
    let media = "module.object_storage.scaleway_object_bucket.media";
    update(
        &mut app,
        Action::DestroyConfirmRequested {
            phase: 6,
            items: vec![
                destructive(redis, Some("mobi-dev-redis"), "cluster_size"),
                destructive(media, None, "name"),
            ],
        },
    );
    snap("run_destroy_question", &app);
    // Keys a dialog would take as answers are text here: `y` does not confirm.
    assert!(key(&mut app, KeyCode::Char('y')).is_empty());
    assert!(
        key(&mut app, KeyCode::Enter).is_empty(),
        "y is not the name"
    );
    assert!(
        screen(&app, 120, 40).contains("that is not mobi-dev-redis"),
        "a wrong name is said"
    );
    ctrl(&mut app, 'u');
    keys(&mut app, "mobi-dev-redi");
    assert!(
        key(&mut app, KeyCode::Enter).is_empty(),
        "a prefix is not the name"
    );
    keys(&mut app, "s");
    assert!(
        key(&mut app, KeyCode::Enter).is_empty(),
        "the second is asked next"
    );
    let s = screen(&app, 120, 40);
    assert!(
        s.contains("(2 of 2)") && s.contains("✓ REPLACES module.redis"),
        "{s}"
    );
    assert!(
        matches!(&app.overlay, Some(Overlay::ConfirmDestroy { index: 1, typed, .. }) if typed.is_empty()),
        "the bucket, without a name, is confirmed by its address"
    );
    keys(&mut app, media);
    assert_eq!(
        key(&mut app, KeyCode::Enter),
        vec![Command::ConfirmDestroy(vec![redis.into(), media.into()])]
    );
    assert!(app.overlay.is_none());

    // Esc refuses: nothing is confirmed, the phase stops as blocked.
    update(
        &mut app,
        Action::DestroyConfirmRequested {
            phase: 6,
            items: vec![destructive(redis, Some("mobi-dev-redis"), "cluster_size")],
        },
    );
    keys(&mut app, "mobi-dev-redis");
    assert_eq!(
        key(&mut app, KeyCode::Esc),
        vec![Command::ConfirmDestroy(Vec::new())]
    );
    assert!(app.status.contains("blocked"), "{}", app.status);
}

#[test]
fn run_finished_with_failure_and_checklist() {
    let mut app = running_app();
    let evs = vec![
        RunEvent::Resource {
            phase: 3,
            address: "module.network.scaleway_vpc_private_network.this".into(),
            action: "create".into(),
            status: ResourceStatus::Errored,
            elapsed_s: Some(12.0),
        },
        RunEvent::Diagnostic {
            phase: 3,
            severity: "error".into(),
            summary: "invalid CIDR overlaps".into(),
            detail: String::new(),
            file: Some("main.tf".into()),
            line: Some(12),
            address: None,
        },
        RunEvent::StepEnd {
            phase: 3,
            step: "apply".into(),
            status: StepStatus::Failed,
            elapsed_s: 12.0,
            changes: None,
            message: Some("invalid CIDR overlaps (main.tf:12)".into()),
        },
        RunEvent::PhaseEnd {
            phase: 3,
            status: PhaseStatus::Failed,
            changes: Changes::default(),
            reason: Some("invalid CIDR overlaps (main.tf:12)".into()),
            elapsed_s: 14.7,
        },
        RunEvent::Summary {
            status: RunStatus::Failed,
            exit_code: 1,
            ok: 2,
            failed: 1,
            skipped: 0,
            interrupted: 0,
            message: Some("phase 3 (Network) failed".into()),
            journal: "/work/out/.mobi/journal-dev.json".into(),
        },
    ];
    for ev in evs {
        update(&mut app, Action::Run(ev));
    }
    assert!(!app.running());
    snap("run_failed", &app);
    // Phase 14 before the checks land: a row that says why there is nothing.
    app.run.selected = 14;
    app.run.watched.clear();
    snap("run_checklist_unavailable", &app);
    update(
        &mut app,
        Action::Run(RunEvent::Check {
            phase: 14,
            name: "backend /healthz".into(),
            status: StepStatus::Ok,
            elapsed_s: 0.4,
            message: None,
        }),
    );
    update(
        &mut app,
        Action::Run(RunEvent::Check {
            phase: 14,
            name: "upload → worker → result".into(),
            status: StepStatus::Failed,
            elapsed_s: 30.0,
            message: Some("no result row".into()),
        }),
    );
    update(
        &mut app,
        Action::Run(RunEvent::Check {
            phase: 14,
            name: "seismic api".into(),
            status: StepStatus::Skipped,
            elapsed_s: 0.0,
            message: Some("sandbox".into()),
        }),
    );
    snap("run_checklist", &app);
}

#[test]
fn run_sandbox_checklist_says_skipped_sandbox() {
    let mut app = new_app();
    app.opts.sandbox = true;
    app.screen = Screen::Run;
    let names = ["s3.media_bucket", "postgres.pod", "api.health", "e2e.flow"];
    let mut evs = vec![
        RunEvent::RunStart {
            env: "dev".into(),
            dir: "/work/out".into(),
            mode: RunMode::Apply,
            from: 14,
            to: 14,
            terraform: "terraform".into(),
            sandbox: true,
        },
        RunEvent::PhaseStart {
            phase: 14,
            title: "Final verification".into(),
            module: None,
        },
        RunEvent::StepStart {
            phase: 14,
            step: "smoke_checks".into(),
            argv: None,
        },
    ];
    evs.extend(names.iter().map(|n| RunEvent::Check {
        phase: 14,
        name: (*n).into(),
        status: StepStatus::Skipped,
        elapsed_s: 0.0,
        message: Some("sandbox".into()),
    }));
    for ev in evs {
        update(&mut app, Action::Run(ev));
    }
    assert_eq!(app.status, "phase 14 running · sandbox");
    assert!(screen(&app, 120, 40).contains("running · sandbox · phases 14-14: plan + apply"));
    for ev in [
        RunEvent::StepEnd {
            phase: 14,
            step: "smoke_checks".into(),
            status: StepStatus::Ok,
            elapsed_s: 0.7,
            changes: None,
            message: None,
        },
        RunEvent::PhaseEnd {
            phase: 14,
            status: PhaseStatus::Ok,
            changes: Changes::default(),
            reason: None,
            elapsed_s: 0.7,
        },
    ] {
        update(&mut app, Action::Run(ev));
    }
    let s = screen(&app, 120, 40);
    for n in names {
        assert!(
            s.lines()
                .any(|l| l.contains("skipped (sandbox)") && l.contains(n)),
            "{n} not shown as skipped (sandbox):\n{s}"
        );
    }
    assert!(s.contains("check e2e.flow: skipped (sandbox)"), "{s}");
    snap("run_sandbox_checklist", &app);
}

#[test]
fn run_range_flags_reach_the_tui() {
    use clap::Parser as _;
    let cli = mobi_tui::cli::Cli::try_parse_from([
        "mobi-tui",
        "--out",
        "/tmp/x",
        "--sandbox",
        "--from",
        "3",
        "--to",
        "5",
        "--resume",
    ])
    .expect("parses");
    let a = mobi_tui::tui::TuiArgs::from_run(&cli.run, cli.edit);
    assert_eq!((a.from, a.to, a.resume, a.sandbox), (3, 5, true, true));
    let cli = mobi_tui::cli::Cli::try_parse_from(["mobi-tui"]).expect("parses");
    let a = mobi_tui::tui::TuiArgs::from_run(&cli.run, None);
    assert_eq!((a.from, a.to, a.resume, a.sandbox), (1, 14, false, false));
    // A reversed range is refused before the terminal is touched.
    assert_eq!(
        mobi_tui::cli::run_from(["mobi-tui", "--from", "5", "--to", "3"]),
        mobi_tui::cli::EXIT_USAGE
    );
}

#[test]
fn quit_while_running_asks_then_interrupts_then_quits() {
    let mut app = running_app();
    assert!(key(&mut app, KeyCode::Char('q')).is_empty());
    snap("quit_question", &app);
    assert_eq!(key(&mut app, KeyCode::Char('y')), vec![Command::Interrupt]);
    assert!(!app.quit);
    let cmds = update(
        &mut app,
        Action::Run(RunEvent::Summary {
            status: RunStatus::Interrupted,
            exit_code: 130,
            ok: 2,
            failed: 0,
            skipped: 0,
            interrupted: 1,
            message: None,
            journal: String::new(),
        }),
    );
    assert_eq!(cmds, vec![Command::Quit]);
    assert!(app.quit);
}

#[test]
fn quit_when_clean_is_immediate() {
    let mut app = new_app();
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![Command::Quit]);
}

#[test]
fn log_keeps_the_last_lines_only() {
    let mut app = running_app();
    for i in 0..25_000 {
        update(
            &mut app,
            Action::Run(RunEvent::Log {
                phase: 3,
                line: format!("line {i}"),
            }),
        );
    }
    assert_eq!(app.run.log.len(), mobi_tui::tui::app::LOG_CAP);
    let s = screen(&app, 120, 40);
    assert!(s.contains("line 24999"), "{s}");
    assert!(s.contains("older dropped"));
    // Scrolling (keys and wheel) moves away from the tail.
    key(&mut app, KeyCode::PageUp);
    assert!(!screen(&app, 120, 40).contains("line 24999"));
    key(&mut app, KeyCode::Char('G'));
    assert!(screen(&app, 120, 40).contains("line 24999"));
    let wheel = |kind| {
        Action::Mouse(crossterm::event::MouseEvent {
            kind,
            column: 90,
            row: 30,
            modifiers: KeyModifiers::NONE,
        })
    };
    update(&mut app, wheel(crossterm::event::MouseEventKind::ScrollUp));
    assert_eq!(app.run.log_scroll, 3);
    update(
        &mut app,
        wheel(crossterm::event::MouseEventKind::ScrollDown),
    );
    assert_eq!(app.run.log_scroll, 0);
}

/// xorshift: reproducible random numbers without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_keys_never_crash() {
    let special = [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
    ];
    let chars: Vec<char> =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-_/:@?[]é漢🙂\u{0}\t"
            .chars()
            .collect();
    for seed in 1..=6u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut app = if seed % 2 == 0 {
            running_app()
        } else {
            new_app()
        };
        for step in 0..3_000 {
            let r = rng.next();
            let code = if r.is_multiple_of(3) {
                special[(r / 3) as usize % special.len()]
            } else {
                KeyCode::Char(chars[(r / 3) as usize % chars.len()])
            };
            let mods = if r.is_multiple_of(41) {
                KeyModifiers::CONTROL
            } else {
                KeyModifiers::NONE
            };
            // Never quit: the fuzz wants to keep going.
            if mods == KeyModifiers::CONTROL && code == KeyCode::Char('c') {
                continue;
            }
            for cmd in update(&mut app, Action::Key(KeyEvent::new(code, mods))) {
                if cmd == Command::Quit {
                    app = new_app();
                }
            }
            if step % 97 == 0 {
                let _ = screen(&app, 80, 24);
                let _ = screen(&app, 20, 5);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// End to end: the real binary in tmux.

pub(super) struct Tmux {
    name: String,
}

impl Tmux {
    /// A detached session running `cmd`. Tried a few times: when another test's session was the
    /// server's last one, the server may be exiting just as this one asks it for a session.
    fn start(cmd: &str) -> Self {
        Self::start_sized(cmd, 120, 40)
    }

    /// A detached session of `w`×`h` running `cmd` (shared with the live-view tests), tried a few
    /// times for the reason above.
    pub(super) fn start_sized(cmd: &str, w: u16, h: u16) -> Self {
        let (w, h) = (w.to_string(), h.to_string());
        let mut last = String::new();
        for attempt in 0..5 {
            let name = format!(
                "mobi-e2e-{}-{}-{attempt}",
                std::process::id(),
                rand_suffix()
            );
            let o = Proc::new("tmux")
                .args(["new-session", "-d", "-s", &name, "-x", &w, "-y", &h, cmd])
                .output()
                .expect("tmux is installed");
            if o.status.success() {
                return Tmux { name };
            }
            last = String::from_utf8_lossy(&o.stderr).into_owned();
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("tmux new-session failed: {last}");
    }

    pub(super) fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.name];
        args.extend_from_slice(keys);
        let ok = Proc::new("tmux").args(&args).status().expect("tmux");
        assert!(ok.success());
        std::thread::sleep(Duration::from_millis(150));
    }

    pub(super) fn capture(&self) -> String {
        let o = Proc::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    pub(super) fn wait_for(&self, needle: &str) -> String {
        self.wait_until(needle, |s| s.contains(needle))
    }

    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait_until_within(Duration::from_secs(30), what, ok)
    }

    /// For sandbox runs: a plan or apply takes several seconds in a dev build on a busy machine.
    pub(super) fn wait_long(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait_until_within(Duration::from_secs(120), what, ok)
    }

    pub(super) fn wait_until_within(
        &self,
        limit: Duration,
        what: &str,
        ok: impl Fn(&str) -> bool,
    ) -> String {
        let start = Instant::now();
        loop {
            let s = self.capture();
            if ok(&s) {
                return s;
            }
            assert!(
                start.elapsed() < limit,
                "timed out waiting for {what:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Proc::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64 % 1_000_000)
        .unwrap_or(0)
}

fn wait_file(p: &Path) -> String {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if let Ok(s) = std::fs::read_to_string(p) {
            if !s.is_empty() {
                return s;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{} never appeared", p.display());
}

#[test]
fn e2e_first_screen_help_and_quit() {
    let dir = tempfile::tempdir().expect("tmp");
    let exit = dir.path().join("exit");
    let stty = dir.path().join("stty");
    let cmd = format!(
        "{} --out {}; echo $? > {}; stty -a > {}; sleep 30",
        support::bin().display(),
        dir.path().display(),
        exit.display(),
        stty.display()
    );
    let t = Tmux::start(&cmd);
    // The first frame may be captured half-written: wait until every phase is named.
    t.wait_until("the 14 phases", |s| {
        mobi_tui::phases::PHASES.iter().all(|p| s.contains(p.title))
    });
    t.keys(&["?"]);
    t.wait_for("Keys");
    t.keys(&["Escape"]);
    t.keys(&["q"]);
    assert_eq!(wait_file(&exit).trim(), "0");
    // The terminal is usable again: the shell's output is on the normal screen.
    let s = t.capture();
    assert!(!s.contains("Phases"), "alternate screen left behind:\n{s}");
    // Raw mode is off again: canonical input and echo are back.
    let modes = wait_file(&stty);
    let words: Vec<&str> = modes.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "{modes}"
    );
}

#[test]
fn e2e_wizard_edit_save_and_run() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path();
    let exit = out.join("exit");
    let stty = out.join("stty");
    // The real terraform, through a wrapper that only records the environment it was given
    // (to check where the typed secrets go), in the sandbox: stand-in providers served by this
    // same binary, no cloud, no credentials.
    let terraform = support::terraform();
    let wrapper = out.join("terraform-wrapper");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nenv | grep -E '^(SCW_|TF_VAR_|AWS_)' | sort > \"$(dirname \"$0\")/seen-env\"\nexec {} \"$@\"\n",
            terraform.display()
        ),
    )
    .expect("wrapper");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let cmd = format!(
        "cd {out} && SCW_ACCESS_KEY= SCW_SECRET_KEY= SCW_DEFAULT_ORGANIZATION_ID= SCW_DEFAULT_PROJECT_ID= {bin} --out {out} --sandbox --terraform-bin {wrapper}; echo $? > {exit}; stty -a > {stty}; sleep 30",
        out = out.display(),
        bin = support::bin().display(),
        wrapper = wrapper.display(),
        exit = exit.display(),
        stty = stty.display()
    );
    let t = Tmux::start(&cmd);
    t.wait_for("Phases");
    // Region: third question of phase 1; Enter cycles fr-par -> nl-ams.
    t.keys(&["j", "j", "Enter"]);
    t.wait_for("nl-ams");
    // Phase 9: the first worker's tag.
    t.keys(&["l", "l", "l", "l", "l", "l", "l", "l"]);
    t.wait_for("Phase 9");
    t.keys(&["j", "j", "Enter", "C-u"]);
    t.keys(&["-l", "0.2.0"]);
    t.keys(&["Enter"]);
    // Add a worker named audio.
    t.keys(&["a", "C-u"]);
    t.keys(&["-l", "audio"]);
    t.keys(&["Enter"]);
    t.wait_for("worker audio");
    // Scaleway credentials typed into masked fields (phase 2).
    t.keys(&["h", "h", "h", "h", "h", "h", "h"]);
    t.wait_for("Phase 2");
    // State backend, bucket, key, then the three secrets.
    t.keys(&["j", "j", "j", "Enter"]);
    t.keys(&["-l", "SCWACCESSKEYXXXXXXXX"]);
    t.keys(&["Enter", "Enter"]);
    t.keys(&["-l", "secret-1234"]);
    t.keys(&["Enter", "Enter"]);
    t.keys(&["-l", "project-1234"]);
    t.keys(&["Enter"]);
    let s = t.capture();
    assert!(!s.contains("secret-1234"), "a secret is visible:\n{s}");
    // Save: preset and tree on disk.
    t.keys(&["C-s"]);
    t.wait_for("saved preset and tree");
    let preset = std::fs::read_to_string(out.join("presets/dev.toml")).expect("preset saved");
    let p = mobi_tui::preset::parse(&preset, "saved").expect("saved preset is valid");
    assert_eq!(p.project.region, "nl-ams");
    assert_eq!(p.workers["dpod"].tag, "0.2.0");
    assert!(p.workers.contains_key("audio"));
    assert!(!preset.contains("secret-1234"));
    let tree_files = support::files_under(&out.join("infra/terraform"));
    assert!(tree_files.len() > 10, "tree: {tree_files:?}");
    let env_dir = out.join("infra/terraform/envs/dev");
    let env_text: String = support::files_under(&env_dir)
        .iter()
        .filter_map(|f| std::fs::read_to_string(env_dir.join(f)).ok())
        .collect();
    assert!(
        env_text.contains("nl-ams"),
        "the tree does not carry the new region"
    );
    assert!(
        env_text.contains("0.2.0") && env_text.contains("audio"),
        "the tree misses the worker changes"
    );
    assert!(!env_text.contains("secret-1234"));
    // Run: plan + apply phase by phase in the sandbox, confirming each apply.
    t.keys(&["x"]);
    let s = t.wait_for("no run yet");
    assert!(
        s.lines().next().is_some_and(|l| l.contains("sandbox")),
        "the title bar does not say sandbox:\n{s}"
    );
    t.keys(&["a"]);
    // Phases 1 (the tree) and 2 (init, no resources) need no question; phase 3 plans and asks.
    let s = t.wait_long("apply question for phase 3", |s| {
        s.contains("Apply phase 3 (Network)")
    });
    assert!(
        s.lines()
            .any(|l| l.contains(" 1 Repository") && l.contains("applied")),
        "phase 1 not applied:\n{s}"
    );
    assert!(
        s.contains("· sandbox"),
        "the run does not say sandbox:\n{s}"
    );
    let status = s.lines().last().unwrap_or_default();
    assert!(
        status.contains("phase 3 planned · sandbox"),
        "status bar: {status:?}\n{s}"
    );
    t.keys(&["y"]);
    // Phase 3 reaches `applied` in the phase list, and the next phase asks.
    let s = t.wait_long("phase 3 applied", |s| {
        s.lines()
            .any(|l| l.contains(" 3 Network") && l.contains("applied"))
    });
    assert!(!s.contains("error:"), "an error on screen:\n{s}");
    t.wait_long("apply question for phase 4", |s| {
        s.contains("Apply phase 4")
    });
    // The sandbox state holds what phase 3 created.
    let tf_state: String = support::files_under(out)
        .iter()
        .filter(|f| f.ends_with("terraform.tfstate"))
        .filter_map(|f| std::fs::read_to_string(out.join(f)).ok())
        .collect();
    assert!(
        tf_state.contains("scaleway_vpc"),
        "no VPC in any state file"
    );
    // Terraform saw the typed secrets through its environment only.
    let seen = std::fs::read_to_string(out.join("seen-env")).unwrap_or_default();
    assert!(seen.contains("SCW_SECRET_KEY=secret-1234"), "{seen}");
    assert!(seen.contains("AWS_SECRET_ACCESS_KEY=secret-1234"), "{seen}");
    // Decline the next apply: the run stops, then quit.
    t.keys(&["n"]);
    t.wait_long("the run stops", |s| s.contains("stopped"));
    t.keys(&["q"]);
    assert_eq!(wait_file(&exit).trim(), "0");
    let s = t.capture();
    assert!(!s.contains("Phases"), "alternate screen left behind:\n{s}");
    let modes = wait_file(&stty);
    let words: Vec<&str> = modes.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "{modes}"
    );
}

#[test]
fn e2e_quit_while_terraform_runs_interrupts_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path();
    let exit = out.join("exit");
    let fake = out.join("fake-terraform");
    std::fs::write(&fake, FAKE_TERRAFORM).expect("fake");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let cmd = format!(
        "cd {out} && FAKE_SLOW_PLAN=1 SCW_ACCESS_KEY=a SCW_SECRET_KEY=b SCW_DEFAULT_ORGANIZATION_ID=d SCW_DEFAULT_PROJECT_ID=c {bin} --out {out} --terraform-bin {fake} --grace 5; echo $? > {exit}; sleep 30",
        out = out.display(),
        bin = support::bin().display(),
        fake = fake.display(),
        exit = exit.display()
    );
    let t = Tmux::start(&cmd);
    t.wait_for("Phases");
    t.keys(&["x"]);
    t.wait_for("no run yet");
    t.keys(&["p"]);
    // Phase 3's plan hangs in the fake terraform.
    t.wait_until("phase 3 running", |s| {
        s.lines()
            .any(|l| l.contains(" 3 Network") && l.contains("running"))
    });
    t.keys(&["q"]);
    t.wait_for("Quit?");
    t.keys(&["y"]);
    assert_eq!(wait_file(&exit).trim(), "0");
    // Terraform got SIGINT (its process group, through the engine's interrupt), not a kill.
    assert_eq!(wait_file(&out.join("got-int")).trim(), "INT");
}

/// The fake terraform, executable, in `dir`.
fn install_fake_terraform(dir: &Path) -> PathBuf {
    let fake = dir.join("fake-terraform");
    std::fs::write(&fake, FAKE_TERRAFORM).expect("fake");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    fake
}

/// The wizard in tmux with its phase-3 plan hanging in the fake terraform (trap installed);
/// the wizard's own pid is in `DIR/pid`, its exit code lands in `DIR/exit`, then `stty -a` in
/// `DIR/stty`. The outer shell ignores SIGHUP so it outlives a closed terminal to record the
/// exit code (mobi-tui installs its own handler, so it still gets the signal).
fn wizard_with_hanging_plan(out: &Path) -> Tmux {
    let fake = install_fake_terraform(out);
    let cmd = format!(
        "trap '' HUP; cd {out} && FAKE_SLOW_PLAN=1 SCW_ACCESS_KEY=a SCW_SECRET_KEY=b SCW_DEFAULT_ORGANIZATION_ID=d SCW_DEFAULT_PROJECT_ID=c sh -c 'echo $$ > {out}/pid; exec {bin} --out {out} --terraform-bin {fake} --grace 5'; echo $? > {out}/exit; stty -a > {out}/stty; sleep 30",
        out = out.display(),
        bin = support::bin().display(),
        fake = fake.display(),
    );
    let t = Tmux::start(&cmd);
    t.wait_for("Phases");
    t.keys(&["x"]);
    t.wait_for("no run yet");
    t.keys(&["p"]);
    t.wait_until("phase 3 running", |s| {
        s.lines()
            .any(|l| l.contains(" 3 Network") && l.contains("running"))
    });
    wait_file(&out.join("plan-started"));
    t
}

fn signal_pid_file(file: &Path, sig: nix::sys::signal::Signal) {
    let pid: i32 = wait_file(file).trim().parse().expect("pid");
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), sig).expect("signal the wizard");
}

/// SIGTERM while Terraform runs does what `q` + "yes" does: SIGINT to terraform's group (it
/// records it), the terminal restored, then exit 130. (Without a handler SIGTERM ended mobi-tui
/// at once, leaving the terminal raw and Terraform running with the lock.)
#[test]
fn e2e_sigterm_while_terraform_runs_interrupts_it_and_exits_130() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path();
    let t = wizard_with_hanging_plan(out);
    signal_pid_file(&out.join("pid"), nix::sys::signal::Signal::SIGTERM);
    assert_eq!(wait_file(&out.join("exit")).trim(), "130");
    assert_eq!(wait_file(&out.join("got-int")).trim(), "INT");
    let modes = wait_file(&out.join("stty"));
    let words: Vec<&str> = modes.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "{modes}"
    );
    let s = t.capture();
    assert!(!s.contains("Phases"), "alternate screen left behind:\n{s}");
}

/// The terminal closed while Terraform runs (tmux's session killed: the pty hangs up, and the
/// wizard gets SIGHUP as a shell would send it): terraform still gets its SIGINT, and the exit
/// code is 129.
#[test]
fn e2e_terminal_closed_while_terraform_runs_interrupts_it_and_exits_129() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path();
    let t = wizard_with_hanging_plan(out);
    drop(t);
    signal_pid_file(&out.join("pid"), nix::sys::signal::Signal::SIGHUP);
    // (101 here was a panic: ratatui's drop printing to the closed terminal.)
    assert_eq!(wait_file(&out.join("exit")).trim(), "129");
    assert_eq!(wait_file(&out.join("got-int")).trim(), "INT");
}

/// Headless, output to a pipe: SIGHUP stops the run like SIGINT does (terraform gets SIGINT,
/// the summary says interrupted) and the exit code is 129. Before, SIGHUP's default action
/// ended mobi-tui at once and left the fake terraform running.
#[test]
fn headless_sighup_in_a_pipe_interrupts_terraform_and_exits_129() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path();
    let fake = install_fake_terraform(out);
    let preset = support::repo().join("presets/dev.toml");
    let mut child = Proc::new(support::bin())
        .args(["--preset", &preset.display().to_string()])
        .args([
            "--out",
            &out.display().to_string(),
            "--json",
            "--grace",
            "5",
        ])
        .args(["--terraform-bin", &fake.display().to_string()])
        .envs([
            ("FAKE_SLOW_PLAN", "1"),
            ("SCW_ACCESS_KEY", "a"),
            ("SCW_SECRET_KEY", "b"),
            ("SCW_DEFAULT_ORGANIZATION_ID", "d"),
            ("SCW_DEFAULT_PROJECT_ID", "c"),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn mobi-tui");
    wait_file(&out.join("plan-started"));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGHUP,
    )
    .expect("SIGHUP");
    let events: Vec<serde_json::Value> = std::io::BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect();
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(129), "{events:#?}");
    assert_eq!(wait_file(&out.join("got-int")).trim(), "INT");
    let summary = events
        .iter()
        .find(|e| e["type"] == "summary")
        .expect("a summary event");
    assert_eq!(summary["status"], "interrupted");
}

/// Answers like terraform would, with `-json` streams for plan/apply; records its environment.
const FAKE_TERRAFORM: &str = r#"#!/bin/sh
env | grep -E '^(SCW_|TF_VAR_|AWS_)' | sort > "$(dirname "$0")/fake-env"
case "$1" in
  version) echo '{"terraform_version":"1.11.0"}'; exit 0 ;;
  init) mkdir -p .terraform; echo '{"@level":"info","@message":"Initializing","type":"log","terraform":"1.11.0","ui":"1.2"}'; exit 0 ;;
  state) echo '{"version":4,"serial":1,"resources":[]}'; exit 0 ;;
  plan)
    if [ -n "$FAKE_SLOW_PLAN" ]; then
      trap 'echo INT > "$(dirname "$0")/got-int"; exit 130' INT
      echo started > "$(dirname "$0")/plan-started"
      sleep 30 & wait
    fi
    for a in "$@"; do case "$a" in -out=*) touch "${a#-out=}";; esac; done
    echo '{"@level":"info","@message":"Terraform 1.11.0","type":"version","terraform":"1.11.0","ui":"1.2"}'
    echo '{"@level":"info","@message":"plan","type":"planned_change","change":{"resource":{"addr":"module.x.scaleway_thing.this","resource_type":"scaleway_thing","resource_name":"this","resource_key":null,"module":"module.x","implied_provider":"scaleway"},"action":"create"}}'
    echo '{"@level":"info","@message":"Plan: 1 to add","type":"change_summary","changes":{"add":1,"change":0,"import":0,"remove":0,"operation":"plan"}}'
    exit 2 ;;
  apply)
    echo '{"@level":"info","@message":"Terraform 1.11.0","type":"version","terraform":"1.11.0","ui":"1.2"}'
    echo '{"@level":"info","@message":"start","type":"apply_start","hook":{"resource":{"addr":"module.x.scaleway_thing.this","resource_type":"scaleway_thing","resource_name":"this","resource_key":null,"module":"module.x","implied_provider":"scaleway"},"action":"create"}}'
    echo '{"@level":"info","@message":"done","type":"apply_complete","hook":{"resource":{"addr":"module.x.scaleway_thing.this","resource_type":"scaleway_thing","resource_name":"this","resource_key":null,"module":"module.x","implied_provider":"scaleway"},"action":"create","elapsed_seconds":1}}'
    echo '{"@level":"info","@message":"Apply complete","type":"change_summary","changes":{"add":1,"change":0,"import":0,"remove":0,"operation":"apply"}}'
    exit 0 ;;
  *) exit 0 ;;
esac
"#;

#[test]
fn edit_opens_a_half_finished_preset_and_saves_back_to_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("mine.toml");
    let text = mobi_tui::questions::DEV_PRESET.replace("\"fr-par\"", "\"mars-1\"");
    assert!(text.contains("mars-1"));
    std::fs::write(&file, text).expect("write");
    let (preset, answered) =
        mobi_tui::tui::initial_preset(Some(&file)).expect("opens despite the bad region");
    assert!(answered);
    let mut app = App::new(
        preset,
        Options {
            out: dir.path().to_path_buf(),
            edit: Some(file.clone()),
            sandbox: false,
        },
        true,
    );
    assert!(app.errors["project.region"].contains("mars-1"));
    assert_eq!(app.save_path(), file);
    // Saving is refused until fixed; cycling the choice fixes it.
    assert!(ctrl(&mut app, 's').is_empty());
    update(
        &mut app,
        Action::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
    );
    focus_field(&mut app, 1, "Region");
    key(&mut app, KeyCode::Enter);
    assert!(app.errors.is_empty(), "{:?}", app.errors);
    let msg = mobi_tui::tui::save(&app, &app.built, false).expect("save");
    assert!(msg.contains("mine.toml"), "{msg}");
    let saved = mobi_tui::preset::load(&file).expect("saved preset is valid");
    assert_eq!(saved.project.region, "fr-par");
}

#[test]
fn edit_refuses_a_preset_that_does_not_parse_naming_the_key() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("typo.toml");
    let text =
        mobi_tui::questions::DEV_PRESET.replace("[network]\n", "[network]\nprivate_cdir = \"x\"\n");
    std::fs::write(&file, text).expect("write");
    let err = mobi_tui::tui::initial_preset(Some(&file)).expect_err("unknown key");
    assert!(err.contains("network.private_cdir"), "{err}");
    // Through the binary: one line, exit 2, the terminal never touched.
    let o = support::mobi(&["--edit", &file.display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(support::stderr(&o).contains("private_cdir"));
}

/// Run only inside tmux by the test below: takes the terminal, then panics.
#[test]
fn panic_probe() {
    if std::env::var_os("MOBI_TUI_PANIC_PROBE").is_none() {
        return;
    }
    let (_guard, _term) = mobi_tui::tui::TerminalGuard::enter().expect("a terminal");
    panic!("probe panic inside the TUI");
}

#[test]
fn e2e_panic_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("tmp");
    let exe = std::env::current_exe().expect("test binary");
    let stty = dir.path().join("stty");
    let err = dir.path().join("err");
    let cmd = format!(
        "MOBI_TUI_PANIC_PROBE=1 {} tui::panic_probe --exact --nocapture --test-threads 1 2> {}; stty -a > {}; sleep 30",
        exe.display(),
        err.display(),
        stty.display()
    );
    let _t = Tmux::start(&cmd);
    let modes = wait_file(&stty);
    let words: Vec<&str> = modes.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "{modes}"
    );
    let printed = wait_file(&err);
    assert!(printed.contains("probe panic inside the TUI"), "{printed}");
}

/// On an applied env, a changed answer gets its impact under the field once planned (the loop
/// is asked for one plan per new valid preset; a result for an older edit is dropped), and the
/// review shows the destructive change above the file diffs.
#[test]
fn wizard_impact_line_under_a_changed_field_and_on_the_review() {
    use mobi_tui::engine::impact::{self, Action as Act, PlannedChange};
    let mut app = new_app();
    app.impact.applied = Some(app.base.clone());
    app.recompute();
    assert!(!app.impact.pending, "the applied answers have no impact");
    focus_field(&mut app, 6, "Cluster size");
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'u');
    let cmds = key(&mut app, KeyCode::Char('2'));
    let Some(Command::ComputeImpact { generation, preset }) = cmds.last() else {
        panic!("no impact asked for: {cmds:?}");
    };
    assert_eq!(preset.redis.cluster_size, 2);
    let generation = *generation;
    // Leaving the field says the value is final: the plan need not wait out its debounce.
    let cmds = key(&mut app, KeyCode::Esc);
    assert!(
        matches!(cmds.as_slice(), [Command::StartImpactNow { generation: g }] if *g == generation),
        "{cmds:?}"
    );
    // Moving on without an edit asks for nothing.
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    key(&mut app, KeyCode::Esc);
    snap("wizard_impact_pending", &app);

    let planned = vec![
        PlannedChange {
            address: "module.redis.scaleway_redis_cluster.this".into(),
            resource_type: "scaleway_redis_cluster".into(),
            action: Act::Replace,
            replace_paths: vec!["cluster_size".into()],
            name: Some("mobi-dev-redis".into()),
        },
        PlannedChange {
            address: "module.app_backend.kubernetes_secret_v1.this".into(),
            resource_type: "kubernetes_secret_v1".into(),
            action: Act::Update,
            replace_paths: vec![],
            name: None,
        },
    ];
    let imp = impact::attribute(
        "dev",
        true,
        impact::diff_presets(&app.base, &app.built),
        &planned,
    );
    // A stale result (an earlier edit's) is dropped.
    update(
        &mut app,
        Action::ImpactReady {
            generation: generation - 1,
            result: Ok(imp.clone()),
        },
    );
    assert!(app.impact.pending && app.impact.result.is_none());
    update(
        &mut app,
        Action::ImpactReady {
            generation,
            result: Ok(imp),
        },
    );
    let line = app.impact.line("redis.cluster_size").map(|l| l.0);
    assert_eq!(
        line.as_deref(),
        Some("-/+ REPLACES module.redis.scaleway_redis_cluster.this (cluster_size) — data is lost (+1 more)")
    );
    snap("wizard_impact_destructive", &app);

    app.review = Some(Review {
        entries: vec![ReviewEntry {
            path: "presets/dev.toml".into(),
            action: FileAction::Update,
            diff: "--- a\n+++ b\n@@ -1 +1 @@\n-cluster_size = 1\n+cluster_size = 2\n".into(),
        }],
        selected: 0,
        scroll: 0,
    });
    app.screen = Screen::Review;
    snap("review_impact", &app);
}
