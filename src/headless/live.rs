//! The live view of a headless run on a terminal: one line per phase (glyph, number, title, bar
//! or spinner, `+a ~c -r`, elapsed), the running phase expanded to its in-flight resources and
//! last log lines, a finished phase collapsed to its line; diagnostics and failures printed in
//! full above the view, where they stay in the scrollback.
//!
//! Why its own module and this split: [`LiveView`] is pure state, updated from [`RunEvent`]s at
//! a given time and drawn through `&self` into any ratatui buffer, so its frames are snapshot
//! tests with `TestBackend`; [`LiveTerminal`] is the only part that touches the terminal
//! (ratatui's inline viewport: no alternate screen, no raw mode, the final frame stays on the
//! screen as the run's summary). Plain lines stay the format of pipes, CI and logs
//! (`super::report`): this view is for a person watching.

use std::collections::{HashSet, VecDeque};
use std::io::Write;
use std::time::Instant;

use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use ratatui::{Terminal, TerminalOptions, Viewport};

use super::advice::is_expected_warning;
use crate::engine::{
    Changes, PhaseStatus, ResourceStatus, RunEvent, RunMode, RunStatus, StepStatus,
};
use crate::phases::PHASES;

/// Log lines kept under the running phase.
const LOG_LINES: usize = 3;
const BAR_WIDTH: usize = 10;
const TITLE_WIDTH: usize = 30;
const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
/// Rows the inline viewport asks for: header, 14 phases, room for the running phase's detail.
pub const VIEW_ROWS: u16 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// In the run's range, not started yet.
    Waiting,
    /// Outside `--from..--to`.
    NotInRun,
    Running,
    Done(PhaseStatus),
}

#[derive(Debug, Clone)]
struct Row {
    number: u8,
    title: &'static str,
    state: State,
    changes: Changes,
    /// Resources the current step will touch (the plan's count) and those finished.
    total: u64,
    done: u64,
    started: f64,
    elapsed: f64,
    reason: Option<String>,
}

#[derive(Debug, Clone)]
struct InFlight {
    address: String,
    action: String,
    since: f64,
}

/// One line printed above the view, for good (a diagnostic line, a failure).
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    pub text: String,
    pub style: Style,
}

impl Printed {
    fn new(text: impl Into<String>, style: Style) -> Self {
        Self {
            text: text.into(),
            style,
        }
    }
}

/// The state of the live view; see the module docs.
#[derive(Debug, Clone)]
pub struct LiveView {
    header: String,
    rows: Vec<Row>,
    running: Option<usize>,
    step: Option<String>,
    in_flight: Vec<InFlight>,
    logs: VecDeque<String>,
    now: f64,
    summary: Option<(RunStatus, String)>,
    journal: Option<String>,
    /// Warnings already printed (a check block warns on plan and on apply alike).
    warned: HashSet<String>,
}

impl Default for LiveView {
    fn default() -> Self {
        Self::new()
    }
}

impl LiveView {
    pub fn new() -> Self {
        Self {
            header: "mobi-tui".into(),
            rows: PHASES
                .iter()
                .map(|p| Row {
                    number: p.number,
                    title: p.title,
                    state: State::Waiting,
                    changes: Changes::default(),
                    total: 0,
                    done: 0,
                    started: 0.0,
                    elapsed: 0.0,
                    reason: None,
                })
                .collect(),
            running: None,
            step: None,
            in_flight: Vec::new(),
            logs: VecDeque::new(),
            now: 0.0,
            summary: None,
            journal: None,
            warned: HashSet::new(),
        }
    }

    /// Advance the clock (seconds since the run started): spinner and elapsed times.
    pub fn tick(&mut self, now: f64) {
        self.now = now;
    }

    fn row(&mut self, phase: u8) -> Option<&mut Row> {
        self.rows.get_mut(usize::from(phase).checked_sub(1)?)
    }

    /// Apply one event at time `now`; returns the lines to print above the view for good.
    pub fn update(&mut self, ev: &RunEvent, now: f64) -> Vec<Printed> {
        self.now = now;
        let mut printed = Vec::new();
        let red = Style::default().fg(Color::Red);
        let yellow = Style::default().fg(Color::Yellow);
        match ev {
            RunEvent::RunStart {
                env,
                dir,
                mode,
                from,
                to,
                sandbox,
                ..
            } => {
                self.header = format!(
                    "mobi-tui {} env {env} in {dir}{}",
                    match mode {
                        RunMode::Plan => "plan",
                        RunMode::Apply => "apply",
                    },
                    if *sandbox { " (sandbox)" } else { "" }
                );
                for r in &mut self.rows {
                    if r.number < *from || r.number > *to {
                        r.state = State::NotInRun;
                    }
                }
            }
            RunEvent::Resume { phase } => {
                printed.push(Printed::new(
                    format!("resuming at phase {phase}"),
                    Style::default(),
                ));
                for r in &mut self.rows {
                    if r.number < *phase && r.state == State::Waiting {
                        r.state = State::NotInRun;
                        r.reason = Some("done earlier".into());
                    }
                }
            }
            RunEvent::PhaseStart { phase, .. } => {
                self.running = usize::from(*phase).checked_sub(1);
                self.step = None;
                self.in_flight.clear();
                self.logs.clear();
                if let Some(r) = self.row(*phase) {
                    r.state = State::Running;
                    r.started = now;
                    r.elapsed = 0.0;
                    r.total = 0;
                    r.done = 0;
                }
            }
            RunEvent::StepStart { phase, step, .. } => {
                self.step = Some(step.clone());
                self.in_flight.clear();
                if let Some(r) = self.row(*phase) {
                    r.done = 0;
                    if step != "apply" {
                        r.total = 0;
                    }
                }
            }
            RunEvent::StepEnd {
                phase,
                step,
                status,
                changes,
                message,
                ..
            } => {
                if let (Some(r), Some(c)) = (self.row(*phase), changes) {
                    r.changes = *c;
                    if step == "plan" || step == "final_plan" {
                        r.total = c.add + c.change + c.remove;
                    }
                }
                if matches!(status, StepStatus::Failed) {
                    let m = message
                        .as_ref()
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default();
                    printed.push(Printed::new(
                        format!("✗ phase {phase} {step} failed{m}"),
                        red,
                    ));
                }
            }
            RunEvent::Resource {
                phase,
                address,
                action,
                status,
                elapsed_s,
            } => {
                let counted = action != "read";
                match status {
                    ResourceStatus::InProgress => {
                        let since = now - elapsed_s.unwrap_or(0.0);
                        match self.in_flight.iter_mut().find(|f| &f.address == address) {
                            Some(f) => f.since = f.since.min(since),
                            None => self.in_flight.push(InFlight {
                                address: address.clone(),
                                action: action.clone(),
                                since,
                            }),
                        }
                    }
                    ResourceStatus::Complete | ResourceStatus::Errored => {
                        self.in_flight.retain(|f| &f.address != address);
                        if counted {
                            if let Some(r) = self.row(*phase) {
                                r.done += 1;
                            }
                        }
                    }
                    ResourceStatus::Planned | ResourceStatus::Drifted => {}
                }
            }
            RunEvent::Diagnostic {
                phase,
                severity,
                summary,
                detail,
                file,
                line,
                ..
            } => {
                let key = format!("{severity}\0{summary}\0{detail}\0{file:?}{line:?}");
                let repeat = severity != "error" && !self.warned.insert(key);
                if !is_expected_warning(severity, summary) && !repeat {
                    let at = match (file, line) {
                        (Some(f), Some(l)) => format!(" ({f}:{l})"),
                        _ => String::new(),
                    };
                    let style = if severity == "error" { red } else { yellow };
                    printed.push(Printed::new(
                        format!("{severity}: phase {phase}: {summary}{at}"),
                        style.add_modifier(Modifier::BOLD),
                    ));
                    for l in detail.lines().filter(|l| !l.trim().is_empty()) {
                        printed.push(Printed::new(format!("  {l}"), Style::default()));
                    }
                }
            }
            RunEvent::Log { line, .. } => {
                let line = line.lines().next().unwrap_or_default().trim_end();
                if !line.trim().is_empty() {
                    if self.logs.len() == LOG_LINES {
                        self.logs.pop_front();
                    }
                    self.logs.push_back(line.to_string());
                }
            }
            RunEvent::Note { phase, message } => {
                printed.push(Printed::new(
                    format!("note: phase {phase}: {message}"),
                    Style::default(),
                ));
            }
            RunEvent::Impact { .. } => {
                if let Some(line) = crate::engine::impact::event_line(ev) {
                    let style = if line.contains("data is lost") {
                        red
                    } else {
                        Style::default()
                    };
                    printed.push(Printed::new(format!("impact: {line}"), style));
                }
            }
            RunEvent::Blocked { phase, addresses } => {
                printed.push(Printed::new(
                    format!(
                        "⊘ {}",
                        crate::engine::impact::blocked_line(*phase, addresses)
                    ),
                    red,
                ));
            }
            RunEvent::LockLeft { phase, command, .. } => {
                printed.push(Printed::new(
                    format!("✗ phase {phase}: Terraform left a state lock; when no Terraform is running, release it with:"),
                    red,
                ));
                printed.push(Printed::new(format!("  {command}"), Style::default()));
            }
            RunEvent::Check {
                phase,
                name,
                status: StepStatus::Failed,
                message,
                ..
            } => {
                let m = message
                    .as_ref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default();
                printed.push(Printed::new(
                    format!("✗ phase {phase} check {name} failed{m}"),
                    red,
                ));
            }
            RunEvent::Check { phase, .. } => {
                if let Some(r) = self.row(*phase) {
                    r.done += 1;
                }
            }
            RunEvent::PhaseEnd {
                phase,
                status,
                changes,
                reason,
                elapsed_s,
            } => {
                if self.running == usize::from(*phase).checked_sub(1) {
                    self.running = None;
                    self.in_flight.clear();
                    self.logs.clear();
                    self.step = None;
                }
                if matches!(status, PhaseStatus::Failed | PhaseStatus::Interrupted) {
                    let title = self.row(*phase).map(|r| r.title).unwrap_or_default();
                    let word = phase_word(*status);
                    let r = reason
                        .as_ref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default();
                    printed.push(Printed::new(
                        format!("✗ phase {phase} {title} {word}{r}"),
                        red.add_modifier(Modifier::BOLD),
                    ));
                }
                if let Some(r) = self.row(*phase) {
                    r.state = State::Done(*status);
                    r.changes = *changes;
                    r.elapsed = *elapsed_s;
                    r.reason = reason.clone();
                }
            }
            RunEvent::Summary {
                status,
                exit_code,
                ok,
                failed,
                skipped,
                interrupted,
                message,
                journal,
            } => {
                self.running = None;
                self.journal = Some(format!("journal: {journal}"));
                let m = message
                    .as_ref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default();
                self.summary = Some((
                    *status,
                    format!(
                        "{}{m} · {ok} ok, {failed} failed, {skipped} skipped, {interrupted} interrupted · exit {exit_code} · {}",
                        run_word(*status),
                        duration(now)
                    ),
                ));
            }
        }
        printed
    }

    /// Everything the view shows, top to bottom, fitted to `height` rows: the running phase's
    /// detail gives way first, then phases from the top.
    pub fn lines(&self, width: u16, height: u16) -> Vec<Line<'static>> {
        let width = usize::from(width);
        let height = usize::from(height);
        let mut head = vec![Line::styled(
            fit(&self.header, width),
            Style::default().add_modifier(Modifier::BOLD),
        )];
        let mut phases: Vec<Line<'static>> = Vec::new();
        let mut running_at = 0;
        for (i, r) in self.rows.iter().enumerate() {
            if Some(i) == self.running {
                running_at = phases.len();
            }
            phases.push(self.phase_line(r, width));
            if Some(i) == self.running {
                let mut detail = self.detail(width);
                // Room for the detail: what the header, the phases and the summary leave.
                let fixed = 1 + self.rows.len();
                let room = height.saturating_sub(fixed);
                if detail.len() > room {
                    detail.truncate(room);
                }
                phases.append(&mut detail);
            }
        }
        let mut tail = Vec::new();
        if let Some((status, text)) = &self.summary {
            let style = Style::default()
                .fg(run_color(*status))
                .add_modifier(Modifier::BOLD);
            tail.push(Line::styled(fit(text, width), style));
        }
        if let Some(j) = &self.journal {
            tail.push(Line::raw(fit(j, width)));
        }
        let room = height.saturating_sub(head.len() + tail.len());
        if phases.len() > room {
            // The finished phases at the top give way first, never the running one.
            let cut = (phases.len() - room).min(running_at);
            phases.drain(..cut);
            phases.truncate(room);
        }
        head.append(&mut phases);
        head.append(&mut tail);
        head.truncate(height);
        head
    }

    fn phase_line(&self, r: &Row, width: usize) -> Line<'static> {
        let (glyph, style) = match r.state {
            State::Waiting => ("·", Style::default().fg(Color::DarkGray)),
            State::NotInRun => ("-", Style::default().fg(Color::DarkGray)),
            State::Running => (
                SPINNER[((self.now * 10.0) as usize) % SPINNER.len()],
                Style::default().fg(Color::Cyan),
            ),
            State::Done(s) => (phase_glyph(s), Style::default().fg(phase_color(s))),
        };
        let elapsed = match r.state {
            State::Running => duration((self.now - r.started).max(0.0)),
            State::Done(_) => duration(r.elapsed),
            _ => String::new(),
        };
        let bar = match r.state {
            State::Running if r.total > 0 => bar(r.done.min(r.total), r.total),
            _ => String::new(),
        };
        let counts = match r.state {
            State::Running | State::Done(_) => r.changes.to_string(),
            _ => String::new(),
        };
        let tail = match (r.state, &r.reason) {
            (State::Running, _) => match (&self.step, r.total) {
                (Some(s), t) if t > 0 && s == "apply" => format!("{s} {}/{t}", r.done.min(t)),
                (Some(s), _) => s.clone(),
                (None, _) => "running".into(),
            },
            (State::Done(s), Some(reason)) => format!("{}: {reason}", phase_word(s)),
            (State::Done(s), None) => phase_word(s).to_string(),
            (State::Waiting, _) => "waiting".into(),
            (State::NotInRun, Some(reason)) => reason.clone(),
            (State::NotInRun, None) => "not in run".into(),
        };
        let title = format!("{:<TITLE_WIDTH$}", fit(r.title, TITLE_WIDTH));
        let left = format!("{glyph} {:>2} ", r.number);
        let mid = format!(" {bar:<BAR_WIDTH$}  {counts:<13}{elapsed:>7}  ");
        let used = left.chars().count() + TITLE_WIDTH + mid.chars().count();
        let title_style = if r.state == State::Running {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        Line::from(vec![
            Span::styled(left, style),
            Span::styled(title, title_style),
            Span::raw(mid),
            Span::styled(fit(&tail, width.saturating_sub(used)), style),
        ])
    }

    /// The running phase's in-flight resources and last log lines.
    fn detail(&self, width: usize) -> Vec<Line<'static>> {
        let dim = Style::default().fg(Color::DarkGray);
        let mut out = Vec::new();
        let mut flying: Vec<&InFlight> = self.in_flight.iter().collect();
        flying.sort_by(|a, b| a.since.total_cmp(&b.since));
        const SHOWN: usize = 6;
        for f in flying.iter().take(SHOWN) {
            let t = duration((self.now - f.since).max(0.0));
            let action = format!("{:<8}", f.action);
            let room = width.saturating_sub(6 + action.len() + 1 + t.len() + 1);
            out.push(Line::from(vec![
                Span::raw("      "),
                Span::styled(action, Style::default().fg(Color::Cyan)),
                Span::raw(" "),
                Span::raw(format!("{:<room$}", fit(&f.address, room))),
                Span::raw(" "),
                Span::styled(t, dim),
            ]));
        }
        if flying.len() > SHOWN {
            out.push(Line::styled(
                format!("      … and {} more", flying.len() - SHOWN),
                dim,
            ));
        }
        for l in &self.logs {
            out.push(Line::styled(fit(&format!("      │ {l}"), width), dim));
        }
        out
    }

    /// Rows the current frame uses at this size (where the cursor goes when the view ends).
    pub fn used_rows(&self, width: u16, height: u16) -> u16 {
        u16::try_from(self.lines(width, height).len()).unwrap_or(height)
    }
}

impl Widget for &LiveView {
    fn render(self, area: Rect, buf: &mut Buffer) {
        for (i, line) in self.lines(area.width, area.height).iter().enumerate() {
            let y = area.y + u16::try_from(i).unwrap_or(u16::MAX);
            if y >= area.bottom() {
                break;
            }
            buf.set_line(area.x, y, line, area.width);
        }
    }
}

/// The live view on the real terminal: an inline viewport at the cursor, redrawn on every event
/// and tick; printed lines go above it with `insert_before`.
pub struct LiveTerminal {
    term: Terminal<CrosstermBackend<Box<dyn Write + Send>>>,
    view: LiveView,
    started: Instant,
}

impl LiveTerminal {
    /// `None` when the terminal does not answer (no size, no cursor position): the caller
    /// falls back to plain lines.
    pub fn new(out: Box<dyn Write + Send>) -> Option<Self> {
        let rows = crossterm::terminal::size().ok()?.1;
        let term = Terminal::with_options(
            CrosstermBackend::new(out),
            TerminalOptions {
                viewport: Viewport::Inline(VIEW_ROWS.min(rows.max(2))),
            },
        )
        .ok()?;
        Some(Self {
            term,
            view: LiveView::new(),
            started: Instant::now(),
        })
    }

    fn now(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    pub fn event(&mut self, ev: &RunEvent) {
        let now = self.now();
        let printed = self.view.update(ev, now);
        if !printed.is_empty() {
            let width = self.term.size().map(|s| s.width).unwrap_or(80).max(20);
            let rows: Vec<Printed> = printed
                .iter()
                .flat_map(|p| {
                    wrap(&p.text, usize::from(width))
                        .into_iter()
                        .map(|t| Printed::new(t, p.style))
                })
                .collect();
            // In chunks: one insert never asks for more rows than a small terminal has.
            for chunk in rows.chunks(8) {
                let h = u16::try_from(chunk.len()).unwrap_or(8);
                let _ = self.term.insert_before(h, |buf| {
                    for (i, p) in chunk.iter().enumerate() {
                        let y = buf.area.y + u16::try_from(i).unwrap_or(0);
                        buf.set_string(buf.area.x, y, &p.text, p.style);
                    }
                });
            }
        }
        self.draw();
    }

    pub fn tick(&mut self) {
        let now = self.now();
        self.view.tick(now);
        self.draw();
    }

    fn draw(&mut self) {
        let view = &self.view;
        let _ = self.term.draw(|f| f.render_widget(view, f.area()));
    }

    /// The last frame stays as the run's summary; the cursor goes below the rows it uses and
    /// is shown again, and `trailer` follows as plain lines.
    pub fn finish(mut self, trailer: &[String]) {
        self.draw();
        let area = self.term.get_frame().area();
        let used = self.view.used_rows(area.width, area.height);
        let _ = self.term.show_cursor();
        if used >= area.height {
            let _ = self
                .term
                .set_cursor_position((0, area.bottom().saturating_sub(1)));
            let _ = writeln!(self.term.backend_mut());
        } else {
            let _ = self.term.set_cursor_position((0, area.y + used));
        }
        let _ = backend_flush(self.term.backend_mut());
        let backend = self.term.backend_mut();
        // Each line ends with "clear to the end of the line": the viewport's blank rows below
        // the summary may still hold an old frame's text.
        for l in trailer {
            let _ = write!(backend, "{l}\x1b[K\r\n");
        }
        let _ = write!(backend, "\x1b[J");
        let _ = backend.flush();
    }
}

fn backend_flush(b: &mut CrosstermBackend<Box<dyn Write + Send>>) -> std::io::Result<()> {
    b.flush()
}

fn phase_word(s: PhaseStatus) -> &'static str {
    match s {
        PhaseStatus::Ok => "ok",
        PhaseStatus::Failed => "failed",
        PhaseStatus::Skipped => "skipped",
        PhaseStatus::Interrupted => "interrupted",
        PhaseStatus::Blocked => "blocked",
    }
}

fn phase_glyph(s: PhaseStatus) -> &'static str {
    match s {
        PhaseStatus::Ok => "✓",
        PhaseStatus::Failed => "✗",
        PhaseStatus::Skipped => "↷",
        PhaseStatus::Interrupted => "!",
        PhaseStatus::Blocked => "⊘",
    }
}

fn phase_color(s: PhaseStatus) -> Color {
    match s {
        PhaseStatus::Ok => Color::Green,
        PhaseStatus::Failed => Color::Red,
        PhaseStatus::Skipped => Color::Yellow,
        PhaseStatus::Interrupted => Color::Magenta,
        PhaseStatus::Blocked => Color::Red,
    }
}

fn run_word(s: RunStatus) -> &'static str {
    match s {
        RunStatus::Ok => "ok",
        RunStatus::Failed => "failed",
        RunStatus::Refused => "refused",
        RunStatus::Stopped => "stopped",
        RunStatus::Interrupted => "interrupted",
    }
}

fn run_color(s: RunStatus) -> Color {
    match s {
        RunStatus::Ok => Color::Green,
        RunStatus::Stopped => Color::Yellow,
        RunStatus::Interrupted => Color::Magenta,
        RunStatus::Failed | RunStatus::Refused => Color::Red,
    }
}

/// `7.1s`, `1m05s`.
fn duration(s: f64) -> String {
    if s < 60.0 {
        format!("{s:.1}s")
    } else {
        let whole = s as u64;
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

fn bar(done: u64, total: u64) -> String {
    let filled = usize::try_from(done * BAR_WIDTH as u64 / total.max(1)).unwrap_or(BAR_WIDTH);
    format!("{}{}", "━".repeat(filled), "─".repeat(BAR_WIDTH - filled))
}

/// `s` cut to `width` characters, `…` marking the cut.
fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// `s` in rows of at most `width` characters (printed lines are kept whole, never cut).
fn wrap(s: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return vec![String::new()];
    }
    chars
        .chunks(width.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;

    fn screen(view: &LiveView, w: u16, h: u16) -> String {
        let mut term = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        term.draw(|f| f.render_widget(view, f.area()))
            .expect("draw");
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

    fn printed_text(p: &[Printed]) -> String {
        p.iter().map(|p| format!("{}\n", p.text)).collect()
    }

    fn start() -> RunEvent {
        RunEvent::RunStart {
            env: "dev".into(),
            dir: "target/rehearsal".into(),
            mode: RunMode::Apply,
            from: 1,
            to: 14,
            terraform: "terraform".into(),
            sandbox: true,
        }
    }

    fn phase_start(n: u8) -> RunEvent {
        RunEvent::PhaseStart {
            phase: n,
            title: PHASES[usize::from(n) - 1].title.into(),
            module: PHASES[usize::from(n) - 1].module.map(str::to_string),
        }
    }

    fn phase_end(n: u8, status: PhaseStatus, add: u64, reason: Option<&str>, t: f64) -> RunEvent {
        RunEvent::PhaseEnd {
            phase: n,
            status,
            changes: Changes {
                add,
                change: 0,
                remove: 0,
            },
            reason: reason.map(str::to_string),
            elapsed_s: t,
        }
    }

    fn resource(n: u8, addr: &str, status: ResourceStatus, t: Option<f64>) -> RunEvent {
        RunEvent::Resource {
            phase: n,
            address: addr.into(),
            action: "create".into(),
            status,
            elapsed_s: t,
        }
    }

    /// Phases 1-4 done, phase 5 applying: 2 of 7 resources done, 3 in flight, log lines.
    fn in_progress() -> LiveView {
        let mut v = LiveView::new();
        let mut t = 0.0;
        v.update(&start(), t);
        for (n, add) in [(1, 0), (2, 0), (3, 2), (4, 11)] {
            v.update(&phase_start(n), t);
            t += 7.3;
            v.update(&phase_end(n, PhaseStatus::Ok, add, None, 7.3), t);
        }
        v.update(&phase_start(5), t);
        v.update(
            &RunEvent::StepStart {
                phase: 5,
                step: "plan".into(),
                argv: None,
            },
            t,
        );
        v.update(
            &RunEvent::StepEnd {
                phase: 5,
                step: "plan".into(),
                status: StepStatus::Ok,
                elapsed_s: 3.0,
                changes: Some(Changes {
                    add: 7,
                    change: 0,
                    remove: 0,
                }),
                message: None,
            },
            t + 3.0,
        );
        v.update(
            &RunEvent::StepStart {
                phase: 5,
                step: "apply".into(),
                argv: None,
            },
            t + 3.0,
        );
        let base = t + 3.0;
        for (i, a) in [
            "module.postgres.random_password.db",
            "module.postgres.scaleway_rdb_instance.main",
            "module.postgres.scaleway_rdb_database.app",
            "module.postgres.scaleway_rdb_user.app",
            "module.postgres.scaleway_rdb_privilege.app",
        ]
        .iter()
        .enumerate()
        {
            v.update(
                &resource(5, a, ResourceStatus::InProgress, Some(0.0)),
                base + i as f64 * 0.5,
            );
        }
        v.update(
            &resource(
                5,
                "module.postgres.random_password.db",
                ResourceStatus::Complete,
                Some(0.1),
            ),
            base + 2.5,
        );
        v.update(
            &resource(
                5,
                "module.postgres.scaleway_rdb_privilege.app",
                ResourceStatus::Complete,
                Some(0.4),
            ),
            base + 2.6,
        );
        for l in [
            "module.postgres.scaleway_rdb_instance.main: Still creating... [10s elapsed]",
            "",
            "module.postgres.scaleway_rdb_database.app: Creating...",
        ] {
            v.update(
                &RunEvent::Log {
                    phase: 5,
                    line: l.into(),
                },
                base + 3.0,
            );
        }
        v.tick(base + 4.2);
        v
    }

    #[test]
    fn a_run_in_progress_expands_the_running_phase() {
        let v = in_progress();
        for (w, h) in [(80, 24), (120, 40)] {
            insta::assert_snapshot!(format!("live_in_progress_{w}x{h}"), screen(&v, w, h));
        }
        let s = screen(&v, 80, 24);
        assert!(s.contains("apply 2/7"), "{s}");
        assert!(
            s.contains("module.postgres.scaleway_rdb_instance.main"),
            "{s}"
        );
        assert!(
            !s.contains("random_password.db "),
            "a finished resource is still shown:\n{s}"
        );
        // Every phase has its line, the waiting ones too.
        for p in &PHASES {
            assert!(s.contains(p.title), "{} missing:\n{s}", p.title);
        }
    }

    #[test]
    fn a_small_terminal_gives_up_the_detail_before_the_phases() {
        let v = in_progress();
        let s = screen(&v, 80, 16);
        for p in &PHASES {
            assert!(s.contains(p.title), "{} missing:\n{s}", p.title);
        }
        let s = screen(&v, 80, 10);
        assert!(s.contains("PostgreSQL"), "the running phase is cut:\n{s}");
    }

    #[test]
    fn a_failed_phase_collapses_and_its_failure_is_printed_in_full() {
        let mut v = in_progress();
        let diag = RunEvent::Diagnostic {
            phase: 5,
            severity: "error".into(),
            summary: "invalid node type".into(),
            detail: "DB-DEV-XL is not offered in fr-par.\nOffered: DB-DEV-S, DB-DEV-M\nSandbox: API rule (recorded catalogue)".into(),
            file: Some("../../modules/postgres/main.tf".into()),
            line: Some(12),
            address: Some("module.postgres.scaleway_rdb_instance.main".into()),
        };
        let mut printed = v.update(&diag, 40.0);
        printed.extend(v.update(
            &resource(
                5,
                "module.postgres.scaleway_rdb_instance.main",
                ResourceStatus::Errored,
                Some(3.0),
            ),
            40.0,
        ));
        printed.extend(v.update(
            &RunEvent::StepEnd {
                phase: 5,
                step: "apply".into(),
                status: StepStatus::Failed,
                elapsed_s: 9.0,
                changes: None,
                message: Some("terraform apply exited with 1".into()),
            },
            41.0,
        ));
        printed.extend(v.update(
            &phase_end(5, PhaseStatus::Failed, 7, Some("apply failed"), 12.0),
            41.0,
        ));
        insta::assert_snapshot!("live_failed_printed", printed_text(&printed));
        insta::assert_snapshot!("live_failed_80x24", screen(&v, 80, 24));
        let s = screen(&v, 80, 24);
        assert!(s.contains("✗  5 PostgreSQL"), "{s}");
        assert!(
            !s.contains("│"),
            "the failed phase still shows its logs:\n{s}"
        );
        assert!(printed_text(&printed).contains("Offered: DB-DEV-S, DB-DEV-M"));
    }

    #[test]
    fn the_final_frame_is_the_whole_summary() {
        let mut v = LiveView::new();
        let mut t = 0.0;
        v.update(&start(), t);
        let adds = [0, 0, 2, 11, 7, 2, 3, 12, 9, 1, 1, 4, 0, 0];
        for (i, add) in adds.iter().enumerate() {
            let n = u8::try_from(i + 1).unwrap_or(0);
            v.update(&phase_start(n), t);
            t += 7.9;
            v.update(&phase_end(n, PhaseStatus::Ok, *add, None, 7.9), t);
        }
        v.update(
            &RunEvent::Summary {
                status: RunStatus::Ok,
                exit_code: 0,
                ok: 14,
                failed: 0,
                skipped: 0,
                interrupted: 0,
                message: None,
                journal: "target/rehearsal/.mobi/journal/dev.json".into(),
            },
            t,
        );
        for (w, h) in [(80, 24), (120, 40)] {
            insta::assert_snapshot!(format!("live_summary_{w}x{h}"), screen(&v, w, h));
        }
        assert_eq!(v.used_rows(80, 24), 17);
    }

    #[test]
    fn a_warning_repeated_by_plan_and_apply_is_printed_once_and_targeting_never() {
        let mut v = LiveView::new();
        let warn = RunEvent::Diagnostic {
            phase: 13,
            severity: "warning".into(),
            summary: "Check block assertion failed".into(),
            detail: "set TF_VAR_x".into(),
            file: Some("main.tf".into()),
            line: Some(3),
            address: None,
        };
        assert_eq!(v.update(&warn, 1.0).len(), 2);
        assert!(v.update(&warn, 2.0).is_empty());
        let targeting = RunEvent::Diagnostic {
            phase: 3,
            severity: "warning".into(),
            summary: "Resource targeting is in effect".into(),
            detail: String::new(),
            file: None,
            line: None,
            address: None,
        };
        assert!(v.update(&targeting, 3.0).is_empty());
    }

    #[test]
    fn phases_outside_the_range_say_so() {
        let mut v = LiveView::new();
        v.update(
            &RunEvent::RunStart {
                env: "dev".into(),
                dir: "d".into(),
                mode: RunMode::Plan,
                from: 3,
                to: 5,
                terraform: "terraform".into(),
                sandbox: false,
            },
            0.0,
        );
        let s = screen(&v, 120, 20);
        let line = s
            .lines()
            .find(|l| l.contains("Backend"))
            .unwrap_or_default();
        assert!(line.contains("not in run"), "{s}");
        let line = s
            .lines()
            .find(|l| l.contains("PostgreSQL"))
            .unwrap_or_default();
        assert!(line.contains("waiting"), "{s}");
    }

    #[test]
    fn long_printed_lines_wrap_whole() {
        assert_eq!(wrap("abcdef", 4), ["abcd", "ef"]);
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(duration(65.4), "1m05s");
        assert_eq!(bar(3, 10), "━━━───────");
    }
}
