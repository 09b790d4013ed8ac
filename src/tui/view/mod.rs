//! Drawing: `draw(&App, &mut Frame)`. Views read the state and never change it (`&App`), so a
//! screen is a function of the state and a snapshot test pins it.
//!
//! Layout shared by every screen: a title bar, the body (phases on the left, the screen's pane on
//! the right), and a status bar with the keys of the current context (taken from the keymap).

mod overlay;
mod review;
mod run;
mod wizard;

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::app::{App, Screen};
use super::keymap::{first_key, Cmd, Ctx};
use super::update::context;
use super::widgets::{phase_list, put_lines, truncate};

/// The help overlay's text, plain (for tests and docs).
pub fn help_text() -> String {
    overlay::help_lines()
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Draws the whole screen.
pub fn draw(app: &App, f: &mut Frame) {
    let area = f.area();
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .split(area);
    title_bar(app, f, rows[0]);
    let left_w = if area.width >= 110 { 48 } else { 26 };
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Length(left_w), Constraint::Min(10)])
        .split(rows[1]);
    match app.screen {
        Screen::Wizard => {
            phase_list(app, f, cols[0]);
            wizard::draw(app, f, cols[1]);
        }
        Screen::Review => review::draw(app, f, rows[1]),
        Screen::Run => {
            phase_list(app, f, cols[0]);
            run::draw(app, f, cols[1]);
        }
    }
    status_bar(app, f, rows[2]);
    overlay::draw(app, f, area);
}

fn title_bar(app: &App, f: &mut Frame, area: Rect) {
    let tab = |s: Screen, name: &str| {
        let style = if app.screen == s {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::default().fg(Color::Gray)
        };
        Span::styled(format!(" {name} "), style)
    };
    let mut spans = vec![
        Span::styled(" mobi-tui ", Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(format!(
            "{} · {} · {} ",
            app.built.project.name, app.built.project.env, app.built.project.region
        )),
        tab(Screen::Wizard, "Wizard"),
        tab(Screen::Review, "Review"),
        tab(Screen::Run, "Run"),
    ];
    if app.dirty {
        spans.push(Span::styled(
            " ● unsaved",
            Style::default().fg(Color::Yellow),
        ));
    }
    if app.opts.sandbox {
        spans.push(Span::styled(" sandbox", Style::default().fg(Color::Cyan)));
    }
    if app.running() {
        spans.push(Span::styled(" ▶ running", Style::default().fg(Color::Cyan)));
    }
    put_lines(f, area, [Line::from(spans)]);
}

/// An information dialog (no question): its keys are Enter / Esc close, not yes / no.
fn message_dialog(app: &App) -> bool {
    matches!(app.overlay, Some(super::app::Overlay::Message { .. }))
}

/// The last message, then the keys of the current context, each hint whole.
fn status_bar(app: &App, f: &mut Frame, area: Rect) {
    let ctx = context(app);
    let hints: &[(Cmd, &str)] = match ctx {
        Ctx::Wizard => &[
            (Cmd::Activate, "edit"),
            (Cmd::Down, "next"),
            (Cmd::NextPhase, "phase"),
            (Cmd::OpenReview, "review"),
            (Cmd::OpenRun, "run"),
            (Cmd::Help, "help"),
            (Cmd::Quit, "quit"),
        ],
        Ctx::Editing => &[
            (Cmd::Confirm, "accept"),
            (Cmd::StopEdit, "stop"),
            (Cmd::NextField, "next"),
        ],
        Ctx::Review => &[
            (Cmd::Confirm, "write"),
            (Cmd::ForceWrite, "force"),
            (Cmd::Down, "file"),
            (Cmd::PageDown, "scroll"),
            (Cmd::Back, "back"),
            (Cmd::Help, "help"),
        ],
        Ctx::Run => &[
            (Cmd::RunPlan, "plan"),
            (Cmd::RunApply, "apply"),
            (Cmd::Interrupt, "interrupt"),
            (Cmd::Watch, "watch"),
            (Cmd::Back, "wizard"),
            (Cmd::Help, "help"),
            (Cmd::Quit, "quit"),
        ],
        Ctx::Dialog => &[(Cmd::Yes, "yes"), (Cmd::No, "no")],
        Ctx::Typing => &[(Cmd::Confirm, "confirm"), (Cmd::No, "keep")],
        Ctx::Help | Ctx::Global => &[(Cmd::Back, "close")],
    };
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0usize;
    // The last message first: it is what the user is waiting to read.
    if !app.status.is_empty() {
        let room = usize::from(area.width / 2).max(20);
        let text = format!("{} ", truncate(&app.status, room));
        used += text.chars().count();
        spans.push(Span::styled(text, Style::default().fg(Color::Yellow)));
    }
    // The keys, as pairs that the bar shows whole or not at all: a hint cut in the middle
    // (`C-` without its `s save`) reads as a different key.
    let mut pairs: Vec<(String, &str)> = if message_dialog(app) {
        // An information dialog closes on Enter or Esc (y and n do too): say what the dialog says.
        vec![(" Enter".into(), "close"), (" Esc".into(), "close")]
    } else {
        hints
            .iter()
            .filter_map(|(cmd, word)| first_key(ctx, *cmd).map(|k| (format!(" {k}"), *word)))
            .collect()
    };
    if !matches!(ctx, Ctx::Help | Ctx::Dialog | Ctx::Typing) {
        pairs.push((" C-s".into(), "save"));
    }
    let width = usize::from(area.width);
    for (key, word) in pairs {
        let word = format!(" {word} ");
        let w = key.chars().count() + word.chars().count();
        // The trailing space may fall off the edge; the hint itself may not.
        if used + w - 1 > width {
            break;
        }
        used += w;
        spans.push(Span::styled(
            key,
            Style::default().fg(Color::Black).bg(Color::Gray),
        ));
        spans.push(Span::raw(word));
    }
    put_lines(f, area, [Line::from(spans)]);
}
