//! `update(&mut App, Action) -> Vec<Command>`: every state change of the TUI, and nothing else.
//!
//! Why side effects come back as [`Command`]s: saving, writing the tree, starting the engine and
//! interrupting Terraform are IO, and IO belongs to the outer loop (`tui::run_loop`), as in atuin
//! and the ratatui templates. That keeps this function pure, so tests drive it with keys and
//! synthetic [`RunEvent`]s and snapshot the result, and a fuzz test can throw random keys at it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

use super::app::{App, FieldRef, Overlay, Review, Screen, WorkerDraft};
use super::keymap::{lookup, Cmd, Ctx};
use crate::engine::{Changes, RunEvent};
use crate::phases::PHASE_COUNT;
use crate::preset::Preset;
use crate::questions::{new_worker, Kind, WORKERS_PHASE};
use crate::render::writer::FileAction;

/// Everything that can happen to the TUI.
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// One event of the running engine.
    Run(RunEvent),
    /// The engine waits for "apply this phase?".
    ApprovalRequested {
        phase: u8,
        changes: Changes,
    },
    /// The engine waits for destructive changes to be confirmed (names typed) or refused.
    DestroyConfirmRequested {
        phase: u8,
        items: Vec<crate::engine::impact::ResourceImpact>,
    },
    /// The review data the outer loop computed (the files as they would change).
    ReviewReady(Result<Review, String>),
    /// The outcome of a save: a one-line summary or an error.
    Saved(Result<String, String>),
    /// The engine could not be started.
    RunFailed(String),
    /// The impact plan of the answers of `generation` ended.
    ImpactReady {
        generation: u64,
        result: Result<crate::engine::impact::Impact, String>,
    },
}

/// IO for the outer loop to perform.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Render the tree and compare it with the disk, then send `ReviewReady`.
    PrepareReview(Box<Preset>),
    /// Save the preset (atomic write) and write the tree, then send `Saved`.
    Save(Box<Preset>),
    /// Like `Save`, but files edited by hand since mobi-tui wrote them are overwritten
    /// (`WriteOptions { force: true, .. }`); only after the user confirmed it.
    ForceSave(Box<Preset>),
    /// Start the engine; `apply`: plan then apply phase by phase (asking first).
    StartRun {
        preset: Box<Preset>,
        apply: bool,
        secrets: Vec<(String, crate::secret::Secret)>,
    },
    /// Answer the engine's pending apply question.
    Approve(bool),
    /// Answer the engine's pending destructive-change question: the addresses confirmed (none:
    /// the phase stops as `blocked`).
    ConfirmDestroy(Vec<String>),
    /// Ask the running step to stop (SIGINT to terraform's group through the engine's
    /// interrupt; a second one kills).
    Interrupt,
    /// Plan the impact of `preset` in the background (after a short debounce), cancelling the
    /// one under way, then send `ImpactReady`.
    ComputeImpact {
        generation: u64,
        preset: Box<Preset>,
    },
    /// The field was committed (Enter, Tab, Esc) while the impact of `generation` waits out its
    /// debounce: the value is final, start the plan now.
    StartImpactNow {
        generation: u64,
    },
    Quit,
}

/// Lines a page scroll moves.
const PAGE: usize = 10;

pub fn update(app: &mut App, action: Action) -> Vec<Command> {
    let generation = app.impact.generation;
    let was_editing = app.editing;
    let mut cmds = match action {
        Action::ImpactReady { generation, result } => {
            if generation == app.impact.generation {
                app.impact.result = Some(result);
                app.impact.pending = false;
            }
            Vec::new()
        }
        other => update_inner(app, other),
    };
    if app.impact.generation != generation && app.impact.pending {
        if let Some(p) = &app.impact.wanted {
            cmds.push(Command::ComputeImpact {
                generation: app.impact.generation,
                preset: Box::new(p.clone()),
            });
        }
    }
    if was_editing && !app.editing && app.impact.pending {
        cmds.push(Command::StartImpactNow {
            generation: app.impact.generation,
        });
    }
    cmds
}

fn update_inner(app: &mut App, action: Action) -> Vec<Command> {
    match action {
        Action::Key(k) => on_key(app, k),
        Action::Mouse(m) => {
            on_mouse(app, m);
            Vec::new()
        }
        Action::Resize(w, h) => {
            app.size = (w, h);
            Vec::new()
        }
        Action::Run(ev) => on_run_event(app, &ev),
        Action::ApprovalRequested { phase, changes } => {
            app.status = format!("phase {phase} planned{}: apply?", sandbox_tag(app));
            app.overlay = Some(Overlay::ConfirmApply { phase, changes });
            app.run.selected = phase;
            Vec::new()
        }
        Action::DestroyConfirmRequested { phase, items } => {
            if items.is_empty() {
                return vec![Command::ConfirmDestroy(Vec::new())];
            }
            app.status = format!(
                "phase {phase} would destroy data{}: type the name to confirm",
                sandbox_tag(app)
            );
            app.overlay = Some(Overlay::ConfirmDestroy {
                phase,
                items,
                index: 0,
                typed: String::new(),
                confirmed: Vec::new(),
                mismatch: false,
            });
            app.run.selected = phase;
            Vec::new()
        }
        // Handled by `update` before it gets here.
        Action::ImpactReady { .. } => Vec::new(),
        Action::ReviewReady(Ok(r)) => {
            // "comparing with the files on disk…" is over: the review says what it found.
            app.status.clear();
            app.review = Some(r);
            app.screen = Screen::Review;
            Vec::new()
        }
        Action::ReviewReady(Err(e)) | Action::RunFailed(e) => {
            app.status.clear();
            app.overlay = Some(Overlay::Message {
                title: "Error".into(),
                text: e,
            });
            app.quit_pending = false;
            Vec::new()
        }
        Action::Saved(Ok(msg)) => {
            app.status = msg;
            app.dirty = false;
            // Every answer was valid and is now on disk: every phase counts as answered.
            app.visited.iter_mut().for_each(|v| *v = true);
            if app.quit_pending {
                app.quit = true;
                return vec![Command::Quit];
            }
            if app.screen == Screen::Review {
                app.screen = Screen::Wizard;
            }
            Vec::new()
        }
        Action::Saved(Err(e)) => {
            app.quit_pending = false;
            app.overlay = Some(Overlay::Message {
                title: "Not saved".into(),
                text: e,
            });
            Vec::new()
        }
    }
}

fn on_run_event(app: &mut App, ev: &RunEvent) -> Vec<Command> {
    app.run.apply(ev);
    match ev {
        RunEvent::RunStart { .. } => app.status = format!("run started{}", sandbox_tag(app)),
        RunEvent::PhaseStart { phase, .. } => {
            app.run.selected = *phase;
            app.status = format!("phase {phase} running{}", sandbox_tag(app));
        }
        _ => {}
    }
    if let RunEvent::Summary { .. } = ev {
        if matches!(
            app.overlay,
            Some(Overlay::ConfirmApply { .. } | Overlay::ConfirmDestroy { .. })
        ) {
            app.overlay = None;
        }
        if let Some(s) = &app.run.summary {
            app.status = s.clone();
        }
        if app.quit_pending {
            app.quit = true;
            return vec![Command::Quit];
        }
    }
    Vec::new()
}

/// `" · sandbox"` while the run is a sandbox run, so every run status says where it runs.
fn sandbox_tag(app: &App) -> &'static str {
    if app.run.sandbox {
        " · sandbox"
    } else {
        ""
    }
}

fn on_mouse(app: &mut App, m: MouseEvent) {
    let up = match m.kind {
        MouseEventKind::ScrollUp => true,
        MouseEventKind::ScrollDown => false,
        _ => return,
    };
    match app.screen {
        Screen::Run => scroll_log(app, up, 3),
        Screen::Review => {
            if let Some(r) = &mut app.review {
                r.scroll = if up {
                    r.scroll.saturating_sub(3)
                } else {
                    r.scroll.saturating_add(3)
                };
            }
        }
        Screen::Wizard => {}
    }
}

fn scroll_log(app: &mut App, up: bool, n: usize) {
    let max = app.run.log.len().saturating_sub(1);
    app.run.log_scroll = if up {
        (app.run.log_scroll + n).min(max)
    } else {
        app.run.log_scroll.saturating_sub(n)
    };
}

/// The context whose bindings apply now.
pub fn context(app: &App) -> Ctx {
    match &app.overlay {
        Some(Overlay::Help { .. }) => Ctx::Help,
        Some(Overlay::ConfirmDestroy { .. }) => Ctx::Typing,
        Some(_) => Ctx::Dialog,
        None => match app.screen {
            Screen::Wizard if app.editing => Ctx::Editing,
            Screen::Wizard => Ctx::Wizard,
            Screen::Review => Ctx::Review,
            Screen::Run => Ctx::Run,
        },
    }
}

fn on_key(app: &mut App, k: KeyEvent) -> Vec<Command> {
    if k.kind == crossterm::event::KeyEventKind::Release {
        return Vec::new();
    }
    let ctx = context(app);
    let Some(cmd) = lookup(ctx, &k) else {
        if ctx == Ctx::Typing {
            if let (
                KeyCode::Char(ch),
                Some(Overlay::ConfirmDestroy {
                    typed, mismatch, ..
                }),
            ) = (k.code, &mut app.overlay)
            {
                let plain = !k
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                if plain && !ch.is_control() && typed.chars().count() < MAX_FIELD {
                    typed.push(ch);
                    *mismatch = false;
                }
            }
            return Vec::new();
        }
        if ctx == Ctx::Editing {
            if let KeyCode::Char(ch) = k.code {
                if !k
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                {
                    insert_char(app, ch);
                }
            }
        }
        return Vec::new();
    };
    match cmd {
        Cmd::Save => return save(app),
        Cmd::ForceQuit => return quit(app),
        _ => {}
    }
    match ctx {
        Ctx::Help => {
            if let Some(Overlay::Help { scroll }) = &mut app.overlay {
                match cmd {
                    Cmd::Down => *scroll = scroll.saturating_add(1),
                    Cmd::Up => *scroll = scroll.saturating_sub(1),
                    _ => app.overlay = None,
                }
            }
            Vec::new()
        }
        Ctx::Dialog => on_dialog(app, cmd),
        Ctx::Typing => on_typing(app, cmd),
        Ctx::Editing => on_editing(app, cmd),
        Ctx::Wizard => on_wizard(app, cmd),
        Ctx::Review => on_review(app, cmd),
        Ctx::Run => on_run(app, cmd),
        Ctx::Global => Vec::new(),
    }
}

/// The destructive-change dialog: Enter confirms the resource asked when the typed text is its
/// name exactly, then asks the next; Esc refuses them all (the phase stops as `blocked`, and
/// nothing confirmed so far is applied).
fn on_typing(app: &mut App, cmd: Cmd) -> Vec<Command> {
    let Some(Overlay::ConfirmDestroy {
        phase,
        items,
        index,
        typed,
        confirmed,
        mismatch,
    }) = &mut app.overlay
    else {
        return Vec::new();
    };
    match cmd {
        Cmd::Backspace => {
            typed.pop();
            *mismatch = false;
        }
        Cmd::ClearField => {
            typed.clear();
            *mismatch = false;
        }
        Cmd::No => {
            let phase = *phase;
            app.overlay = None;
            app.status = format!("phase {phase} blocked: nothing destroyed; the run stops here");
            return vec![Command::ConfirmDestroy(Vec::new())];
        }
        Cmd::Confirm => {
            let Some(item) = items.get(*index) else {
                return Vec::new();
            };
            if typed.as_str() != item.confirmation_text() {
                *mismatch = true;
                return Vec::new();
            }
            confirmed.push(item.address.clone());
            *index += 1;
            typed.clear();
            *mismatch = false;
            if *index >= items.len() {
                let (phase, all) = (*phase, std::mem::take(confirmed));
                app.overlay = None;
                app.status = format!(
                    "phase {phase}: {} destructive change(s) confirmed",
                    all.len()
                );
                return vec![Command::ConfirmDestroy(all)];
            }
        }
        _ => {}
    }
    Vec::new()
}

fn on_dialog(app: &mut App, cmd: Cmd) -> Vec<Command> {
    let yes = match cmd {
        Cmd::Yes => true,
        Cmd::No => false,
        _ => return Vec::new(),
    };
    match app.overlay.take() {
        Some(Overlay::ConfirmApply { phase, .. }) => {
            app.status = if yes {
                format!("applying phase {phase}")
            } else {
                format!("phase {phase} not applied: the run stops here")
            };
            vec![Command::Approve(yes)]
        }
        Some(Overlay::ConfirmForce { files }) => {
            if yes {
                save_with(app, true)
            } else {
                app.status = format!("{} edited file(s) kept; nothing written", files.len());
                Vec::new()
            }
        }
        Some(Overlay::ConfirmQuit { running, .. }) => {
            if !yes {
                return Vec::new();
            }
            if running {
                app.quit_pending = true;
                app.run.interrupts += 1;
                app.status = "interrupting terraform; quitting when it stopped".into();
                vec![Command::Interrupt]
            } else {
                app.quit = true;
                vec![Command::Quit]
            }
        }
        _ => Vec::new(),
    }
}

/// `q` / Ctrl-C: quit now, or ask when something would be lost or left running.
fn quit(app: &mut App) -> Vec<Command> {
    if app.quit_pending && app.running() {
        // Asked again while stopping: insist (the runner kills the group).
        app.run.interrupts += 1;
        return vec![Command::Interrupt];
    }
    if matches!(app.overlay, Some(Overlay::ConfirmQuit { .. })) {
        // Ctrl-C twice quits.
        return on_dialog(app, Cmd::Yes);
    }
    app.editing = false;
    if app.running() || app.dirty {
        app.overlay = Some(Overlay::ConfirmQuit {
            running: app.running(),
            unsaved: app.dirty,
        });
        return Vec::new();
    }
    app.quit = true;
    vec![Command::Quit]
}

/// Ctrl-S (and the review's confirm): save and write, if every answer is valid.
fn save(app: &mut App) -> Vec<Command> {
    save_with(app, false)
}

/// The review's `F`: when the review lists files edited by hand, ask before overwriting them.
fn force_write(app: &mut App) -> Vec<Command> {
    let files: Vec<String> = app
        .review
        .iter()
        .flat_map(|r| &r.entries)
        .filter(|e| e.action == FileAction::Conflict)
        .map(|e| e.path.clone())
        .collect();
    if files.is_empty() {
        app.status = "no file was edited by hand: Enter writes".into();
        return Vec::new();
    }
    app.overlay = Some(Overlay::ConfirmForce { files });
    Vec::new()
}

fn save_with(app: &mut App, force: bool) -> Vec<Command> {
    app.editing = false;
    if let Some((phase, focus, msg)) = app.first_error() {
        app.screen = Screen::Wizard;
        app.phase = phase;
        app.focus = focus;
        app.overlay = Some(Overlay::Message {
            title: "Not saved: fix this first".into(),
            text: msg,
        });
        return Vec::new();
    }
    app.status = "saving…".into();
    let p = Box::new(app.built.clone());
    vec![if force {
        Command::ForceSave(p)
    } else {
        Command::Save(p)
    }]
}

fn field_count(app: &App) -> usize {
    app.fields(app.phase).len()
}

fn goto_phase(app: &mut App, phase: u8) {
    if let Some(v) = app.visited.get_mut(usize::from(app.phase)) {
        *v = true;
    }
    app.phase = phase.clamp(1, PHASE_COUNT);
    app.focus = 0;
    app.editing = false;
    if let Some(v) = app.visited.get_mut(usize::from(app.phase)) {
        *v = true;
    }
}

fn next_field(app: &mut App) {
    if app.focus + 1 < field_count(app) {
        app.focus += 1;
    } else if app.phase < PHASE_COUNT {
        goto_phase(app, app.phase + 1);
    }
}

fn prev_field(app: &mut App) {
    if app.focus > 0 {
        app.focus -= 1;
    } else if app.phase > 1 {
        goto_phase(app, app.phase - 1);
        app.focus = field_count(app).saturating_sub(1);
    }
}

fn start_edit(app: &mut App) {
    let Some(f) = app.focused() else { return };
    match app.kind(f) {
        Kind::Flag => {
            let on = app.text(f) == "true";
            set_text(app, f, if on { "false" } else { "true" }.into());
        }
        Kind::Choice(options) => {
            let cur = app.text(f).to_string();
            let next = options
                .iter()
                .position(|o| *o == cur)
                .map(|i| (i + 1) % options.len())
                .unwrap_or(0);
            if let Some(o) = options.get(next) {
                set_text(app, f, (*o).to_string());
            }
        }
        Kind::Text | Kind::Number => {
            app.editing = true;
            app.cursor = app.text(f).chars().count();
        }
    }
}

fn set_text(app: &mut App, f: FieldRef, text: String) {
    if let Some(t) = app.text_mut(f) {
        if *t != text {
            *t = text;
            changed(app, f);
        }
    }
}

fn changed(app: &mut App, f: FieldRef) {
    if !app.is_secret(f) {
        app.dirty = true;
    }
    app.recompute();
}

/// Longest answer accepted, so a stuck key cannot grow a field without bound.
const MAX_FIELD: usize = 512;

fn insert_char(app: &mut App, ch: char) {
    let Some(f) = app.focused() else { return };
    if ch.is_control() {
        return;
    }
    let cursor = app.cursor;
    let Some(t) = app.text_mut(f) else { return };
    if t.chars().count() >= MAX_FIELD {
        return;
    }
    let at = byte_at(t, cursor);
    t.insert(at, ch);
    app.cursor = cursor + 1;
    changed(app, f);
}

/// Byte offset of the `n`th character (or the end).
fn byte_at(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map(|(i, _)| i).unwrap_or(s.len())
}

fn on_editing(app: &mut App, cmd: Cmd) -> Vec<Command> {
    let Some(f) = app.focused() else {
        app.editing = false;
        return Vec::new();
    };
    let len = app.text(f).chars().count();
    app.cursor = app.cursor.min(len);
    match cmd {
        Cmd::Confirm | Cmd::NextField => {
            app.editing = false;
            commit_rename(app);
            next_field(app);
        }
        Cmd::PrevField => {
            app.editing = false;
            commit_rename(app);
            prev_field(app);
        }
        Cmd::StopEdit => {
            app.editing = false;
            commit_rename(app);
        }
        Cmd::Backspace if app.cursor > 0 => {
            let c = app.cursor;
            if let Some(t) = app.text_mut(f) {
                let at = byte_at(t, c - 1);
                t.remove(at);
            }
            app.cursor -= 1;
            changed(app, f);
        }
        Cmd::Delete if app.cursor < len => {
            let c = app.cursor;
            if let Some(t) = app.text_mut(f) {
                let at = byte_at(t, c);
                t.remove(at);
            }
            changed(app, f);
        }
        Cmd::CursorLeft => app.cursor = app.cursor.saturating_sub(1),
        Cmd::CursorRight => app.cursor = (app.cursor + 1).min(len),
        Cmd::Home => app.cursor = 0,
        Cmd::End => app.cursor = len,
        Cmd::ClearField => {
            set_text(app, f, String::new());
            app.cursor = 0;
        }
        _ => {}
    }
    Vec::new()
}

/// Renaming a worker renames its key everywhere at once (the draft holds the name), so there is
/// nothing to move; this only reports it.
fn commit_rename(app: &mut App) {
    if let Some(FieldRef::Worker { slot, field }) = app.focused() {
        if field == crate::questions::WorkerField::Name {
            follow_name(app, slot);
            if let Some(w) = app.workers.get(slot) {
                app.status = format!("worker {} named", w.name);
            }
        }
    }
}

/// A worker still on the defaults `new_worker` gave its old name (a newly added `worker1`, say)
/// takes the new name's defaults for its image and stream, so `audio` pulls `worker-audio`
/// instead of `worker-worker1`. A value the user typed is kept.
fn follow_name(app: &mut App, slot: usize) {
    use crate::questions::{new_worker, WorkerField};
    let Some(w) = app.workers.get_mut(slot) else {
        return;
    };
    let prefix = new_worker("").image;
    let Some(old) = w.base.image.strip_prefix(&prefix).map(str::to_string) else {
        return;
    };
    if old == w.name || new_worker(&old) != w.base {
        return;
    }
    let fresh = new_worker(&w.name);
    for f in [WorkerField::Image, WorkerField::Stream] {
        let was = f.get(&old, &w.base);
        let now = f.get(&w.name, &fresh);
        if let Some(t) = w.text_mut(f) {
            if *t == was {
                *t = now;
            }
        }
    }
    w.base = fresh;
    app.recompute();
}

fn on_wizard(app: &mut App, cmd: Cmd) -> Vec<Command> {
    match cmd {
        Cmd::Help => app.overlay = Some(Overlay::Help { scroll: 0 }),
        Cmd::Quit => return quit(app),
        Cmd::Down | Cmd::NextField => next_field(app),
        Cmd::Up | Cmd::PrevField => prev_field(app),
        Cmd::PrevPhase if app.phase > 1 => goto_phase(app, app.phase - 1),
        Cmd::NextPhase if app.phase < PHASE_COUNT => goto_phase(app, app.phase + 1),
        Cmd::Activate => start_edit(app),
        Cmd::AddWorker => add_worker(app),
        Cmd::RemoveWorker => remove_worker(app),
        Cmd::OpenReview => {
            app.status = "comparing with the files on disk…".into();
            return vec![Command::PrepareReview(Box::new(app.built.clone()))];
        }
        Cmd::OpenRun => app.screen = Screen::Run,
        _ => {}
    }
    Vec::new()
}

fn add_worker(app: &mut App) {
    if app.phase != WORKERS_PHASE {
        goto_phase(app, WORKERS_PHASE);
    }
    let name = (1..)
        .map(|i| format!("worker{i}"))
        .find(|n| !app.workers.iter().any(|w| &w.name == n))
        .unwrap_or_else(|| "worker".into());
    let w = new_worker(&name);
    app.workers.push(WorkerDraft::from_worker(&name, &w));
    let slot = app.workers.len() - 1;
    app.focus = app
        .fields(app.phase)
        .iter()
        .position(|f| matches!(f, FieldRef::Worker { slot: s, .. } if *s == slot))
        .unwrap_or(0);
    app.editing = true;
    app.cursor = name.chars().count();
    app.dirty = true;
    app.status = format!("worker {name} added: type its name, Enter to go on");
    app.recompute();
}

fn remove_worker(app: &mut App) {
    let Some(FieldRef::Worker { slot, .. }) = app.focused() else {
        app.status = "focus a worker's field (phase 9) to remove it".into();
        return;
    };
    if slot < app.workers.len() {
        let w = app.workers.remove(slot);
        app.status = format!("worker {} removed", w.name);
        app.focus = app.focus.min(field_count(app).saturating_sub(1));
        app.dirty = true;
        app.recompute();
    }
}

fn on_review(app: &mut App, cmd: Cmd) -> Vec<Command> {
    match cmd {
        Cmd::Help => app.overlay = Some(Overlay::Help { scroll: 0 }),
        Cmd::Quit => return quit(app),
        Cmd::Back => app.screen = Screen::Wizard,
        Cmd::Confirm => return save(app),
        Cmd::ForceWrite => return force_write(app),
        _ => {
            if let Some(r) = &mut app.review {
                match cmd {
                    Cmd::Down if r.selected + 1 < r.entries.len() => {
                        r.selected += 1;
                        r.scroll = 0;
                    }
                    Cmd::Up if r.selected > 0 => {
                        r.selected -= 1;
                        r.scroll = 0;
                    }
                    Cmd::PageDown => r.scroll = r.scroll.saturating_add(PAGE as u16),
                    Cmd::PageUp => r.scroll = r.scroll.saturating_sub(PAGE as u16),
                    _ => {}
                }
            }
        }
    }
    Vec::new()
}

fn on_run(app: &mut App, cmd: Cmd) -> Vec<Command> {
    match cmd {
        Cmd::Help => app.overlay = Some(Overlay::Help { scroll: 0 }),
        Cmd::Quit => return quit(app),
        Cmd::Back => app.screen = Screen::Wizard,
        Cmd::RunPlan | Cmd::RunApply => {
            if app.running() {
                app.status = "a run is in progress (i interrupts it)".into();
                return Vec::new();
            }
            if let Some((_, _, msg)) = app.first_error() {
                app.overlay = Some(Overlay::Message {
                    title: "Cannot run: fix this first".into(),
                    text: msg,
                });
                return Vec::new();
            }
            app.run.summary = None;
            app.run.interrupts = 0;
            app.status = "starting…".into();
            return vec![Command::StartRun {
                preset: Box::new(app.built.clone()),
                apply: cmd == Cmd::RunApply,
                secrets: app.secret_env(),
            }];
        }
        Cmd::Interrupt if app.running() => {
            app.run.interrupts += 1;
            app.status = if app.run.interrupts > 1 {
                "killing terraform".into()
            } else {
                "interrupting terraform (SIGINT); i again kills it".into()
            };
            return vec![Command::Interrupt];
        }
        Cmd::Down if app.run.selected < PHASE_COUNT => app.run.selected += 1,
        Cmd::Up if app.run.selected > 1 => app.run.selected -= 1,
        Cmd::Watch => {
            let s = app.run.selected;
            if let Some(i) = app.run.watched.iter().position(|p| *p == s) {
                app.run.watched.remove(i);
            } else {
                app.run.watched.push(s);
                if app.run.watched.len() > 3 {
                    app.run.watched.remove(0);
                }
            }
        }
        Cmd::PageUp => scroll_log(app, true, PAGE),
        Cmd::PageDown => scroll_log(app, false, PAGE),
        Cmd::Top => app.run.log_scroll = app.run.log.len().saturating_sub(1),
        Cmd::Bottom => app.run.log_scroll = 0,
        _ => {}
    }
    Vec::new()
}
