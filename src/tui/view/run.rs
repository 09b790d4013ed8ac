//! The run view: one pane per watched phase (resources with action, status and elapsed time; the
//! plan summary; diagnostics; phase 14's checklist) and a scrollable log of raw output.
//!
//! Only the visible rows are turned into lines, so drawing cost depends on the screen size, not
//! on how much Terraform printed (see `benches/tui.rs`).

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;

use crate::engine::{ResourceStatus, RunMode, StepStatus};
use crate::tui::app::{state_word, step_word, App, PhaseRun, PhaseState};
use crate::tui::widgets::{put_lines, truncate};

/// The phases whose panes are on screen: the pinned ones, then the running one, else the
/// selected one; three at most.
pub fn shown_phases(app: &App) -> Vec<u8> {
    let mut v: Vec<u8> = app.run.watched.clone();
    if let Some(c) = app.run.current {
        if !v.contains(&c) {
            v.push(c);
        }
    }
    if !v.contains(&app.run.selected) && v.len() < 3 {
        v.push(app.run.selected);
    }
    let skip = v.len().saturating_sub(3);
    v.drain(..skip);
    v
}

pub fn draw(app: &App, f: &mut Frame, area: Rect) {
    let log_h = (area.height * 2 / 5).max(5);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(log_h),
        ])
        .split(area);
    let head = match (&app.run.summary, app.run.active, app.run.mode) {
        // Where and what first: the long mode text is what a narrow screen cuts.
        (_, true, Some(m)) => format!(
            " running{}{}: {}",
            if app.run.sandbox { " · sandbox" } else { "" },
            match app.run.range {
                Some((from, to)) if (from, to) != (1, crate::phases::PHASE_COUNT) => {
                    format!(" · phases {from}-{to}")
                }
                _ => String::new(),
            },
            if m == RunMode::Apply {
                "plan + apply (asks before each apply)"
            } else {
                "plan only"
            },
        ),
        (Some(s), false, _) => format!(" {s}"),
        _ => " no run yet: p plans every phase, a plans and applies phase by phase".to_string(),
    };
    put_lines(
        f,
        rows[0],
        [Line::styled(
            truncate(&head, usize::from(rows[0].width)),
            Style::default().fg(Color::Cyan),
        )],
    );
    let shown = shown_phases(app);
    let n = u32::try_from(shown.len().max(1)).unwrap_or(1);
    let panes = Layout::default()
        .direction(Direction::Vertical)
        .constraints(vec![Constraint::Ratio(1, n); shown.len().max(1)])
        .split(rows[1]);
    for (i, p) in shown.iter().enumerate() {
        if let (Some(run), Some(area)) = (app.run.phase(*p), panes.get(i)) {
            phase_pane(app, *p, run, f, *area);
        }
    }
    log_pane(app, f, rows[2]);
}

/// `s` cut to its last `w` characters, with an ellipsis in front when cut.
fn truncate_front(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let tail: String = s.chars().skip(n - (w - 1)).collect();
    format!("…{tail}")
}

fn resource_color(s: ResourceStatus) -> Color {
    match s {
        ResourceStatus::Planned => Color::Blue,
        ResourceStatus::Drifted => Color::Yellow,
        ResourceStatus::InProgress => Color::Cyan,
        ResourceStatus::Complete => Color::Green,
        ResourceStatus::Errored => Color::Red,
    }
}

fn resource_word(s: ResourceStatus) -> &'static str {
    match s {
        ResourceStatus::Planned => "planned",
        ResourceStatus::Drifted => "drifted",
        ResourceStatus::InProgress => "running",
        ResourceStatus::Complete => "done",
        ResourceStatus::Errored => "errored",
    }
}

fn phase_pane(app: &App, n: u8, run: &PhaseRun, f: &mut Frame, area: Rect) {
    let title_txt = crate::phases::phase(n).map(|p| p.title).unwrap_or("");
    let mut title = format!(" {n} {title_txt} · {}", state_word(run.state));
    if let Some(step) = &run.step {
        let st = run.step_status.map(step_word).unwrap_or("…");
        title.push_str(&format!(" · {step} {st}"));
    }
    if let Some(c) = run.plan {
        title.push_str(&format!(" · plan {c}"));
    }
    if let Some(e) = run.elapsed_s {
        title.push_str(&format!(" · {e:.1}s"));
    }
    title.push(' ');
    let color = match run.state {
        PhaseState::Failed => Color::Red,
        PhaseState::Applied => Color::Green,
        PhaseState::Running => Color::Cyan,
        _ => Color::White,
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(color))
        .title(truncate(&title, usize::from(area.width.saturating_sub(2))));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = usize::from(inner.width);
    let h = usize::from(inner.height);
    let mut lines: Vec<Line> = Vec::new();
    if n == 14 {
        checklist(app, run, w, &mut lines);
    }
    // Diagnostics matter most: they go first, then the newest resource rows that fit.
    let diag_room = h
        .saturating_sub(lines.len())
        .min(run.diagnostics.len())
        .min(h / 2 + 1);
    let res_room = h.saturating_sub(lines.len() + diag_room);
    let skip = run.resources.len().saturating_sub(res_room);
    for r in run.resources.iter().skip(skip) {
        let elapsed = r.elapsed_s.map(|e| format!("{e:.1}s")).unwrap_or_default();
        let head = format!(
            "{:<7} {:<7} {:>6}  ",
            truncate(&r.action, 7),
            resource_word(r.status),
            elapsed
        );
        // Addresses are long and their end names the resource: cut the front.
        let room = w.saturating_sub(head.chars().count());
        let text = format!("{head}{}", truncate_front(&r.address, room));
        lines.push(Line::styled(
            text,
            Style::default().fg(resource_color(r.status)),
        ));
    }
    for d in run.diagnostics.iter().rev().take(diag_room).rev() {
        let c = if d.starts_with("error") {
            Color::Red
        } else {
            Color::Yellow
        };
        lines.push(Line::styled(truncate(d, w), Style::default().fg(c)));
    }
    if lines.is_empty() {
        let text = match (run.state, &run.reason) {
            (PhaseState::NotStarted, _) => "not started".to_string(),
            (_, Some(r)) => r.clone(),
            (PhaseState::Running, None) => "working…".to_string(),
            _ => "no resource changes".to_string(),
        };
        lines.push(Line::styled(
            truncate(&text, w),
            Style::default().fg(Color::Gray),
        ));
    }
    put_lines(f, inner, lines);
}

/// Phase 14: one row per smoke check. Until the checks exist in this build (or in the sandbox,
/// where there is nothing to probe), the row says why there is nothing.
fn checklist(app: &App, run: &PhaseRun, w: usize, lines: &mut Vec<Line>) {
    if run.checks.is_empty() {
        let why = if app.run.sandbox || app.opts.sandbox {
            "skipped (sandbox)"
        } else {
            "not available"
        };
        let text = format!("{:<10} smoke checks: {why}", "skipped");
        lines.push(Line::styled(
            truncate(&text, w),
            Style::default().fg(Color::Yellow),
        ));
        return;
    }
    for c in &run.checks {
        let (word, color) = match c.status {
            StepStatus::Ok => ("pass", Color::Green),
            StepStatus::Failed => ("FAIL", Color::Red),
            StepStatus::Skipped => ("skipped", Color::Yellow),
            StepStatus::Interrupted => ("stopped", Color::Magenta),
        };
        let text = match (c.status, c.message.as_deref()) {
            // A skipped check did not run: its reason is its status (`skipped (sandbox)`), and
            // there is no time worth showing.
            (StepStatus::Skipped, Some(why)) => {
                format!("{:<16}  {}", format!("{word} ({why})"), c.name)
            }
            (_, msg) => {
                let msg = msg.map(|m| format!("  {m}")).unwrap_or_default();
                format!("{word:<8} {:>6.1}s  {}{msg}", c.elapsed_s, c.name)
            }
        };
        lines.push(Line::styled(truncate(&text, w), Style::default().fg(color)));
    }
}

fn log_pane(app: &App, f: &mut Frame, area: Rect) {
    let log = &app.run.log;
    let dropped = log.total.saturating_sub(log.len() as u64);
    let mut title = format!(" Log · {} lines", log.len());
    if dropped > 0 {
        title.push_str(&format!(" ({dropped} older dropped)"));
    }
    title.push_str(if app.run.log_scroll == 0 {
        " · following "
    } else {
        " · scrolled (G follows) "
    });
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = usize::from(inner.width);
    let _ = w;
    let lines = log
        .window(usize::from(inner.height), app.run.log_scroll)
        .map(|l| Line::raw(l.as_str()));
    put_lines(f, inner, lines);
}
