//! The TUI's whole state, and the pure functions that derive things from it.
//!
//! Why answers are kept as text ([`App::answers`], [`WorkerDraft`]) and not only in a [`Preset`]:
//! a half-typed value ("1." on the way to "1.35", letters in a number) cannot live in the typed
//! preset, and the wizard must never lose what was typed. The preset is rebuilt from the text on
//! every change ([`App::recompute`]), with each field's error taken from the same rules the
//! preset loader uses, so what the form shows and what `--preset` would accept cannot disagree.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;

use crate::engine::{Changes, PhaseStatus, ResourceStatus, RunEvent, RunMode, StepStatus};
use crate::phases::PHASE_COUNT;
use crate::preset::{self, Preset, Worker};
use crate::questions::{self, Kind, WorkerField, QUESTIONS, SECRETS, WORKERS_PHASE};
use crate::render::writer::FileAction;
use crate::secret::Secret;

/// Lines of raw output kept in memory: older lines are dropped, so a chatty apply cannot grow the
/// process without bound (the journal and terraform's own logs keep the full story).
pub const LOG_CAP: usize = 10_000;

/// How the TUI was started.
#[derive(Debug, Clone)]
pub struct Options {
    /// Repository root: the tree goes to `out/infra/terraform`.
    pub out: PathBuf,
    /// `--edit FILE`: the preset is saved back there (else to `out/presets/<env>.toml`).
    pub edit: Option<PathBuf>,
    /// `--sandbox`: run against stand-in providers.
    pub sandbox: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Wizard,
    Review,
    Run,
}

/// A modal box drawn over the screen; it takes the keys while open.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    /// Quit was asked while terraform runs or with unsaved answers.
    ConfirmQuit {
        running: bool,
        unsaved: bool,
    },
    /// The engine asks whether to apply a phase's plan.
    ConfirmApply {
        phase: u8,
        changes: Changes,
    },
    Message {
        title: String,
        text: String,
    },
    /// Force-write was asked in the review: these files were edited by hand and would be
    /// overwritten.
    ConfirmForce {
        files: Vec<String>,
    },
    /// The engine waits: the phase's plan replaces or deletes resources holding data. Each is
    /// confirmed by typing its name (the way cloud consoles ask before deleting a bucket);
    /// `confirmed` holds the addresses confirmed so far, `items[index]` is asked now.
    ConfirmDestroy {
        phase: u8,
        items: Vec<crate::engine::impact::ResourceImpact>,
        index: usize,
        typed: String,
        confirmed: Vec<String>,
        /// The last Enter did not match: said under the field.
        mismatch: bool,
    },
}

/// Which answer a form row edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldRef {
    Question(usize),
    Secret(usize),
    Worker { slot: usize, field: WorkerField },
}

/// One worker as typed: the name and each field as text; `base` keeps what the form does not ask
/// (`max_replicas`).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerDraft {
    pub name: String,
    pub fields: Vec<String>,
    pub base: Worker,
}

impl WorkerDraft {
    pub fn from_worker(name: &str, w: &Worker) -> Self {
        Self {
            name: name.to_string(),
            fields: WorkerField::ALL.iter().map(|f| f.get(name, w)).collect(),
            base: w.clone(),
        }
    }

    pub fn text(&self, f: WorkerField) -> &str {
        if f == WorkerField::Name {
            return &self.name;
        }
        let i = field_index(f);
        self.fields.get(i).map(String::as_str).unwrap_or("")
    }

    pub fn text_mut(&mut self, f: WorkerField) -> Option<&mut String> {
        if f == WorkerField::Name {
            return Some(&mut self.name);
        }
        let i = field_index(f);
        self.fields.get_mut(i)
    }
}

fn field_index(f: WorkerField) -> usize {
    WorkerField::ALL.iter().position(|x| *x == f).unwrap_or(0)
}

/// What the run view knows about a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PhaseState {
    #[default]
    NotStarted,
    Running,
    Planned,
    Applied,
    Failed,
    Skipped,
    Interrupted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResourceRow {
    pub address: String,
    pub action: String,
    pub status: ResourceStatus,
    pub elapsed_s: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    pub name: String,
    pub status: StepStatus,
    pub elapsed_s: f64,
    pub message: Option<String>,
}

/// One phase's pane in the run view.
#[derive(Debug, Clone, Default)]
pub struct PhaseRun {
    pub state: PhaseState,
    /// The step running or last run (`plan`, `apply`, ...).
    pub step: Option<String>,
    pub step_status: Option<StepStatus>,
    pub resources: Vec<ResourceRow>,
    index: HashMap<String, usize>,
    /// The plan's counts (from the plan step's end).
    pub plan: Option<Changes>,
    pub applied: Option<Changes>,
    /// Diagnostics and notes, one line each.
    pub diagnostics: Vec<String>,
    pub checks: Vec<CheckRow>,
    pub reason: Option<String>,
    pub elapsed_s: Option<f64>,
}

impl PhaseRun {
    fn resource(&mut self, row: ResourceRow) {
        match self.index.get(&row.address) {
            Some(&i) => {
                if let Some(r) = self.resources.get_mut(i) {
                    let elapsed = row.elapsed_s.or(r.elapsed_s);
                    *r = ResourceRow {
                        elapsed_s: elapsed,
                        ..row
                    };
                }
            }
            None => {
                self.index.insert(row.address.clone(), self.resources.len());
                self.resources.push(row);
            }
        }
    }
}

/// A bounded log: the last [`LOG_CAP`] lines.
#[derive(Debug, Clone)]
pub struct LogRing {
    lines: VecDeque<String>,
    cap: usize,
    /// Lines ever pushed (the view shows how many were dropped).
    pub total: u64,
}

impl Default for LogRing {
    fn default() -> Self {
        Self::with_cap(LOG_CAP)
    }
}

impl LogRing {
    pub fn with_cap(cap: usize) -> Self {
        Self {
            lines: VecDeque::with_capacity(cap.min(1024)),
            cap: cap.max(1),
            total: 0,
        }
    }

    pub fn push(&mut self, line: String) {
        if self.lines.len() >= self.cap {
            self.lines.pop_front();
        }
        self.lines.push_back(line);
        self.total += 1;
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// `n` lines ending `from_bottom` lines above the newest.
    pub fn window(&self, n: usize, from_bottom: usize) -> impl Iterator<Item = &String> {
        let end = self.lines.len().saturating_sub(from_bottom);
        let start = end.saturating_sub(n);
        self.lines.range(start..end)
    }
}

/// Everything the run view shows.
#[derive(Debug, Clone, Default)]
pub struct RunState {
    pub active: bool,
    pub mode: Option<RunMode>,
    pub sandbox: bool,
    /// The phases the run covers (`--from`/`--to`).
    pub range: Option<(u8, u8)>,
    /// Index 0 unused: `phases[n]` is phase `n`.
    pub phases: Vec<PhaseRun>,
    pub log: LogRing,
    /// Lines above the newest the log view is scrolled to (0 = following).
    pub log_scroll: usize,
    /// Phases pinned to the screen with `w` (the running phase is always shown).
    pub watched: Vec<u8>,
    pub selected: u8,
    pub current: Option<u8>,
    pub summary: Option<String>,
    /// The interrupt was asked (once: SIGINT; twice: kill).
    pub interrupts: u32,
}

impl RunState {
    pub fn new() -> Self {
        Self {
            phases: vec![PhaseRun::default(); usize::from(PHASE_COUNT) + 1],
            selected: 1,
            ..Self::default()
        }
    }

    pub fn phase(&self, n: u8) -> Option<&PhaseRun> {
        self.phases.get(usize::from(n))
    }

    fn phase_mut(&mut self, n: u8) -> Option<&mut PhaseRun> {
        self.phases.get_mut(usize::from(n))
    }

    /// Folds one engine event into the view state. Pure: this is the only place run events land.
    pub fn apply(&mut self, ev: &RunEvent) {
        match ev {
            RunEvent::RunStart {
                mode,
                sandbox,
                env,
                from,
                to,
                ..
            } => {
                *self = Self {
                    log: std::mem::take(&mut self.log),
                    watched: std::mem::take(&mut self.watched),
                    selected: self.selected,
                    ..Self::new()
                };
                self.active = true;
                self.mode = Some(*mode);
                self.sandbox = *sandbox;
                self.range = Some((*from, *to));
                let m = match mode {
                    RunMode::Plan => "plan",
                    RunMode::Apply => "apply",
                };
                self.log.push(format!("── run started: {m}, env {env}"));
            }
            RunEvent::Resume { phase } => self.log.push(format!("── resuming at phase {phase}")),
            RunEvent::PhaseStart { phase, title, .. } => {
                self.current = Some(*phase);
                if let Some(p) = self.phase_mut(*phase) {
                    *p = PhaseRun {
                        state: PhaseState::Running,
                        ..PhaseRun::default()
                    };
                }
                self.log.push(format!("── phase {phase}: {title}"));
            }
            RunEvent::StepStart { phase, step, argv } => {
                if let Some(p) = self.phase_mut(*phase) {
                    p.step = Some(step.clone());
                    p.step_status = None;
                }
                if let Some(a) = argv {
                    self.log.push(format!("[{phase}] $ {}", a.join(" ")));
                }
            }
            RunEvent::StepEnd {
                phase,
                step,
                status,
                elapsed_s,
                changes,
                message,
            } => {
                if let Some(p) = self.phase_mut(*phase) {
                    p.step_status = Some(*status);
                    match (step.as_str(), changes) {
                        ("plan" | "final_plan", Some(c)) => p.plan = Some(*c),
                        ("apply", Some(c)) => p.applied = Some(*c),
                        _ => {}
                    }
                }
                let msg = message
                    .as_deref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default();
                self.log.push(format!(
                    "[{phase}] {step} {} in {elapsed_s:.1}s{msg}",
                    step_word(*status)
                ));
            }
            RunEvent::Resource {
                phase,
                address,
                action,
                status,
                elapsed_s,
            } => {
                if let Some(p) = self.phase_mut(*phase) {
                    p.resource(ResourceRow {
                        address: address.clone(),
                        action: action.clone(),
                        status: *status,
                        elapsed_s: *elapsed_s,
                    });
                }
            }
            RunEvent::Diagnostic {
                phase,
                severity,
                summary,
                file,
                line,
                ..
            } => {
                let at = match (file, line) {
                    (Some(f), Some(l)) => format!(" ({f}:{l})"),
                    _ => String::new(),
                };
                let text = format!("{severity}: {summary}{at}");
                self.log.push(format!("[{phase}] {text}"));
                if let Some(p) = self.phase_mut(*phase) {
                    p.diagnostics.push(text);
                }
            }
            RunEvent::Log { phase, line } => {
                for l in line.lines() {
                    self.log.push(format!("[{phase}] {l}"));
                }
            }
            RunEvent::Impact { phase, .. } => {
                if let Some(line) = crate::engine::impact::event_line(ev) {
                    self.log
                        .push(format!("[{}] impact: {line}", phase.unwrap_or(0)));
                }
            }
            RunEvent::Blocked { phase, addresses } => {
                let text = crate::engine::impact::blocked_line(*phase, addresses);
                self.log.push(format!("[{phase}] {text}"));
                if let Some(p) = self.phase_mut(*phase) {
                    p.diagnostics.push(text);
                }
            }
            RunEvent::Note { phase, message } => {
                self.log.push(format!("[{phase}] note: {message}"));
                if let Some(p) = self.phase_mut(*phase) {
                    p.diagnostics.push(format!("note: {message}"));
                }
            }
            RunEvent::LockLeft { phase, command, .. } => {
                let text = format!("state lock left behind; release it with: {command}");
                self.log.push(format!("[{phase}] {text}"));
                if let Some(p) = self.phase_mut(*phase) {
                    p.diagnostics.push(text);
                }
            }
            RunEvent::Check {
                phase,
                name,
                status,
                elapsed_s,
                message,
            } => {
                let why = message
                    .as_deref()
                    .filter(|_| *status == StepStatus::Skipped)
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default();
                self.log.push(format!(
                    "[{phase}] check {name}: {}{why}",
                    step_word(*status)
                ));
                if let Some(p) = self.phase_mut(*phase) {
                    p.checks.push(CheckRow {
                        name: name.clone(),
                        status: *status,
                        elapsed_s: *elapsed_s,
                        message: message.clone(),
                    });
                }
            }
            RunEvent::PhaseEnd {
                phase,
                status,
                changes,
                reason,
                elapsed_s,
            } => {
                let apply = self.mode == Some(RunMode::Apply);
                if let Some(p) = self.phase_mut(*phase) {
                    p.state = match status {
                        PhaseStatus::Ok if apply => PhaseState::Applied,
                        PhaseStatus::Ok => PhaseState::Planned,
                        PhaseStatus::Failed => PhaseState::Failed,
                        PhaseStatus::Skipped => PhaseState::Skipped,
                        PhaseStatus::Interrupted => PhaseState::Interrupted,
                        PhaseStatus::Blocked => PhaseState::Failed,
                    };
                    if p.plan.is_none() && !changes.is_zero() {
                        p.plan = Some(*changes);
                    }
                    p.reason = reason.clone();
                    p.elapsed_s = Some(*elapsed_s);
                }
                let why = reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default();
                self.log.push(format!(
                    "── phase {phase} {} {changes} in {elapsed_s:.1}s{why}",
                    state_word(self.phase(*phase).map(|p| p.state).unwrap_or_default())
                ));
            }
            RunEvent::Summary {
                status,
                ok,
                failed,
                skipped,
                message,
                ..
            } => {
                self.active = false;
                self.current = None;
                let msg = message
                    .as_deref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default();
                let text =
                    format!("run {status:?}: {ok} ok, {failed} failed, {skipped} skipped{msg}")
                        .to_lowercase();
                self.log.push(format!("── {text}"));
                self.summary = Some(text);
            }
        }
    }
}

pub fn step_word(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Ok => "ok",
        StepStatus::Failed => "failed",
        StepStatus::Skipped => "skipped",
        StepStatus::Interrupted => "interrupted",
    }
}

pub fn state_word(s: PhaseState) -> &'static str {
    match s {
        PhaseState::NotStarted => "not started",
        PhaseState::Running => "running",
        PhaseState::Planned => "planned",
        PhaseState::Applied => "applied",
        PhaseState::Failed => "failed",
        PhaseState::Skipped => "skipped",
        PhaseState::Interrupted => "interrupted",
    }
}

/// One file of the review: the preset itself comes first, then the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewEntry {
    pub path: String,
    pub action: FileAction,
    pub diff: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub entries: Vec<ReviewEntry>,
    pub selected: usize,
    pub scroll: u16,
}

/// The impact of the answers on the env as last applied (see [`crate::engine::impact`]),
/// computed in the background by the outer loop; the UI never waits for it.
#[derive(Debug, Clone, Default)]
pub struct WizardImpact {
    /// The preset the env was last applied with; `None`: nothing applied, no impact lines.
    pub applied: Option<Preset>,
    /// Bumped whenever the answers make a new valid preset: a result for an older generation
    /// is stale (the edit that followed cancelled its plan).
    pub generation: u64,
    /// The preset of `generation`.
    pub wanted: Option<Preset>,
    /// The keys whose answers differ from the applied preset.
    pub changed_keys: Vec<String>,
    /// A plan for `generation` is under way.
    pub pending: bool,
    pub result: Option<Result<crate::engine::impact::Impact, String>>,
}

impl WizardImpact {
    /// Does the field's key (or a key under it, or the table it belongs to) differ?
    pub fn touches(&self, key: &str) -> bool {
        self.changed_keys
            .iter()
            .any(|c| covers(c, key) || covers(key, c))
    }

    /// The line under a changed field, and whether it is destructive. `None`: nothing to say.
    pub fn line(&self, key: &str) -> Option<(String, bool)> {
        use crate::engine::impact::{resource_line, Action};
        self.applied.as_ref()?;
        if !self.touches(key) {
            return None;
        }
        if self.pending {
            return Some(("… planning the impact".into(), false));
        }
        let imp = match self.result.as_ref()? {
            Ok(i) => i,
            Err(e) => return Some((format!("impact unknown: {e}"), false)),
        };
        let hit: Vec<_> = imp
            .resources
            .iter()
            .filter(|r| {
                r.causes
                    .iter()
                    .any(|c| covers(&c.key, key) || covers(key, &c.key))
            })
            .collect();
        if let Some(d) = hit.iter().find(|r| r.destructive) {
            let more = hit.len() - 1;
            let tail = if more > 0 {
                format!(" (+{more} more)")
            } else {
                String::new()
            };
            return Some((format!("{}{tail}", resource_line(d)), true));
        }
        if hit.is_empty() {
            return Some(("no resource changes".into(), false));
        }
        let count = |a: Action| hit.iter().filter(|r| r.action == a).count();
        let parts: Vec<String> = [
            (Action::Update, "~ update in place"),
            (Action::Create, "+ create"),
            (Action::Replace, "-/+ replace"),
            (Action::Delete, "- delete"),
        ]
        .iter()
        .filter(|(a, _)| count(*a) > 0)
        .map(|(a, w)| {
            let n = count(*a);
            format!("{w} {n} resource{}", if n == 1 { "" } else { "s" })
        })
        .collect();
        Some((parts.join(", "), false))
    }
}

/// Is `key` the key `prefix` or under it?
fn covers(prefix: &str, key: &str) -> bool {
    key == prefix
        || key
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// The whole TUI state.
#[derive(Debug, Clone)]
pub struct App {
    pub opts: Options,
    /// The preset the wizard started from: keeps everything the form does not ask.
    pub base: Preset,
    /// One text per [`QUESTIONS`] entry.
    pub answers: Vec<String>,
    /// One text per [`SECRETS`] entry; never saved, never printed (a `{:?}` of the app too).
    pub secrets: Vec<Secret>,
    pub workers: Vec<WorkerDraft>,
    /// The preset the answers make now (valid or not).
    pub built: Preset,
    /// Key path → what is expected there.
    pub errors: BTreeMap<String, String>,
    /// Per phase (index = number): does any of its fields hold a problem? Cached by
    /// [`App::recompute`] because every frame draws it for all 14 phases.
    phase_errors: Vec<bool>,
    pub screen: Screen,
    pub overlay: Option<Overlay>,
    /// The phase whose questions are shown (1-14).
    pub phase: u8,
    /// The focused row among the phase's fields.
    pub focus: usize,
    pub editing: bool,
    /// Cursor, in characters, inside the edited field.
    pub cursor: usize,
    pub visited: Vec<bool>,
    pub dirty: bool,
    pub status: String,
    pub review: Option<Review>,
    pub impact: WizardImpact,
    pub run: RunState,
    /// Quit once the running step stopped / the save finished.
    pub quit_pending: bool,
    pub quit: bool,
    pub size: (u16, u16),
}

impl App {
    /// A wizard prefilled from `preset`. `answered`: the preset came from a file the user chose
    /// (`--edit`), so every phase counts as answered from the start.
    pub fn new(preset: Preset, opts: Options, answered: bool) -> Self {
        let answers = QUESTIONS.iter().map(|q| (q.get)(&preset)).collect();
        let workers = preset
            .workers
            .iter()
            .map(|(n, w)| WorkerDraft::from_worker(n, w))
            .collect();
        let mut app = Self {
            opts,
            base: preset.clone(),
            answers,
            secrets: vec![Secret::default(); SECRETS.len()],
            workers,
            built: preset,
            errors: BTreeMap::new(),
            phase_errors: Vec::new(),
            screen: Screen::Wizard,
            overlay: None,
            phase: 1,
            focus: 0,
            editing: false,
            cursor: 0,
            visited: vec![answered; usize::from(PHASE_COUNT) + 1],
            dirty: false,
            status: String::new(),
            review: None,
            impact: WizardImpact::default(),
            run: RunState::new(),
            quit_pending: false,
            quit: false,
            size: (80, 24),
        };
        if let Some(v) = app.visited.get_mut(1) {
            *v = true;
        }
        app.recompute();
        app
    }

    /// Rebuilds the preset from the answers and recomputes every field's error.
    pub fn recompute(&mut self) {
        let mut p = self.base.clone();
        let mut errors = BTreeMap::new();
        for (q, text) in QUESTIONS.iter().zip(&self.answers) {
            match q.validate(text).and_then(|()| (q.set)(&mut p, text)) {
                Ok(()) => {}
                Err(e) => {
                    errors.insert(q.id.to_string(), e);
                }
            }
        }
        p.workers.clear();
        for d in &self.workers {
            let mut w = d.base.clone();
            for f in WorkerField::ALL {
                let key = worker_key(&d.name, f);
                if let Err(e) = f
                    .validate(d.text(f))
                    .and_then(|()| f.set(&mut w, d.text(f)))
                {
                    errors.insert(key, e);
                }
            }
            if p.workers.insert(d.name.clone(), w).is_some() {
                errors.insert(
                    worker_key(&d.name, WorkerField::Name),
                    format!("expected a name of its own; {:?} is used twice", d.name),
                );
            }
        }
        for v in preset::validate::violations(&p) {
            errors.entry(v.key).or_insert(v.message);
        }
        self.built = p;
        self.errors = errors;
        if let Some(applied) = &self.impact.applied {
            if self.errors.is_empty() && self.impact.wanted.as_ref() != Some(&self.built) {
                let changed = crate::engine::impact::diff_presets(applied, &self.built);
                self.impact.generation += 1;
                self.impact.wanted = Some(self.built.clone());
                self.impact.changed_keys = changed.into_iter().map(|c| c.key).collect();
                self.impact.pending = !self.impact.changed_keys.is_empty();
                self.impact.result = None;
            }
        }
        self.phase_errors = (0..=PHASE_COUNT)
            .map(|n| {
                self.fields(n).iter().any(|f| self.error(*f).is_some())
                    || (n == WORKERS_PHASE && self.errors.contains_key("workers"))
            })
            .collect();
    }

    /// The rows of a phase's form, in order.
    pub fn fields(&self, phase: u8) -> Vec<FieldRef> {
        let mut v: Vec<FieldRef> = QUESTIONS
            .iter()
            .enumerate()
            .filter(|(_, q)| q.phase == phase)
            .map(|(i, _)| FieldRef::Question(i))
            .collect();
        v.extend(
            SECRETS
                .iter()
                .enumerate()
                .filter(|(_, s)| s.phase == phase)
                .map(|(i, _)| FieldRef::Secret(i)),
        );
        if phase == WORKERS_PHASE {
            for slot in 0..self.workers.len() {
                for field in WorkerField::ALL {
                    v.push(FieldRef::Worker { slot, field });
                }
            }
        }
        v
    }

    pub fn focused(&self) -> Option<FieldRef> {
        self.fields(self.phase).get(self.focus).copied()
    }

    pub fn text(&self, f: FieldRef) -> &str {
        match f {
            FieldRef::Question(i) => self.answers.get(i).map(String::as_str).unwrap_or(""),
            FieldRef::Secret(i) => self.secrets.get(i).map(Secret::expose).unwrap_or(""),
            FieldRef::Worker { slot, field } => {
                self.workers.get(slot).map(|w| w.text(field)).unwrap_or("")
            }
        }
    }

    pub fn text_mut(&mut self, f: FieldRef) -> Option<&mut String> {
        match f {
            FieldRef::Question(i) => self.answers.get_mut(i),
            FieldRef::Secret(i) => self.secrets.get_mut(i).map(Secret::expose_mut),
            FieldRef::Worker { slot, field } => {
                self.workers.get_mut(slot).and_then(|w| w.text_mut(field))
            }
        }
    }

    pub fn kind(&self, f: FieldRef) -> Kind {
        match f {
            FieldRef::Question(i) => QUESTIONS.get(i).map(|q| q.kind).unwrap_or(Kind::Text),
            FieldRef::Secret(_) => Kind::Text,
            FieldRef::Worker { field, .. } => field.kind(),
        }
    }

    pub fn prompt(&self, f: FieldRef) -> String {
        match f {
            FieldRef::Question(i) => QUESTIONS.get(i).map(|q| q.prompt).unwrap_or("").into(),
            FieldRef::Secret(i) => SECRETS.get(i).map(|s| s.prompt).unwrap_or("").into(),
            FieldRef::Worker { field, .. } => field.prompt().into(),
        }
    }

    pub fn help(&self, f: FieldRef) -> &'static str {
        match f {
            FieldRef::Question(i) => QUESTIONS.get(i).map(|q| q.help).unwrap_or(""),
            FieldRef::Secret(i) => SECRETS.get(i).map(|s| s.help).unwrap_or(""),
            FieldRef::Worker { field, .. } => field.help(),
        }
    }

    /// The key path a field's error is filed under.
    pub fn key(&self, f: FieldRef) -> String {
        match f {
            FieldRef::Question(i) => QUESTIONS.get(i).map(|q| q.id).unwrap_or("").into(),
            FieldRef::Secret(i) => SECRETS.get(i).map(|s| s.id).unwrap_or("").into(),
            FieldRef::Worker { slot, field } => self
                .workers
                .get(slot)
                .map(|w| worker_key(&w.name, field))
                .unwrap_or_default(),
        }
    }

    pub fn error(&self, f: FieldRef) -> Option<&str> {
        self.errors.get(&self.key(f)).map(String::as_str)
    }

    pub fn is_secret(&self, f: FieldRef) -> bool {
        matches!(f, FieldRef::Secret(_))
    }

    /// Does any field of the phase hold a problem?
    pub fn phase_has_errors(&self, phase: u8) -> bool {
        self.phase_errors
            .get(usize::from(phase))
            .copied()
            .unwrap_or(false)
    }

    /// The phase and row of the first problem, for jumping to it.
    pub fn first_error(&self) -> Option<(u8, usize, String)> {
        for phase in 1..=PHASE_COUNT {
            for (i, f) in self.fields(phase).iter().enumerate() {
                if let Some(e) = self.error(*f) {
                    return Some((phase, i, format!("{}: {e}", self.key(*f))));
                }
            }
        }
        self.errors
            .iter()
            .next()
            .map(|(k, e)| (WORKERS_PHASE, 0, format!("{k}: {e}")))
    }

    /// The secrets typed so far, as environment variables for Terraform.
    pub fn secret_env(&self) -> Vec<(String, Secret)> {
        SECRETS
            .iter()
            .zip(&self.secrets)
            .filter(|(_, v)| !v.is_empty())
            .flat_map(|(s, v)| s.env.iter().map(move |e| (e.to_string(), v.clone())))
            .collect()
    }

    /// The preset text that Save writes.
    pub fn preset_text(&self) -> String {
        preset::to_toml(&self.built)
    }

    /// Where Save writes the preset: the `--edit` file, or `out/presets/<env>.toml` (the env as
    /// answered now).
    pub fn save_path(&self) -> PathBuf {
        match &self.opts.edit {
            Some(p) => p.clone(),
            None => self
                .opts
                .out
                .join("presets")
                .join(format!("{}.toml", self.built.project.env)),
        }
    }

    pub fn running(&self) -> bool {
        self.run.active
    }
}

/// `workers.<name>.<field>` (or `workers.<name>` for the name).
pub fn worker_key(name: &str, f: WorkerField) -> String {
    if f == WorkerField::Name {
        format!("workers.{name}")
    } else {
        format!("workers.{name}.{}", f.key())
    }
}

/// The dev preset, or (never in practice: it is tested) an error message.
pub fn default_preset() -> Result<Preset, String> {
    questions::dev_preset().ok_or_else(|| "the embedded dev preset does not parse".to_string())
}
