//! Small drawing helpers shared by the screens: the phase list, status glyphs, a centred box.
//!
//! Pure functions of the state, like the views: they take `&App` and a `Frame`.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;

use super::app::{state_word, App, PhaseState, Screen};
use crate::phases::PHASES;

/// What the phase list says about a phase: the run's state once it ran, else the wizard's.
pub fn phase_status(app: &App, n: u8) -> (&'static str, &'static str, Color) {
    let run = app.run.phase(n).map(|p| p.state).unwrap_or_default();
    match run {
        PhaseState::Running => ("▶", "running", Color::Cyan),
        PhaseState::Planned => ("◐", "planned", Color::Blue),
        PhaseState::Applied => ("●", "applied", Color::Green),
        PhaseState::Failed => ("✗", "failed", Color::Red),
        PhaseState::Skipped => ("-", "skipped", Color::Yellow),
        PhaseState::Interrupted => ("!", "interrupted", Color::Magenta),
        PhaseState::NotStarted => {
            if app.phase_has_errors(n) {
                ("!", "invalid", Color::Red)
            } else if app.visited.get(usize::from(n)).copied().unwrap_or(false) {
                ("○", "answered", Color::White)
            } else {
                ("·", state_word(PhaseState::NotStarted), Color::DarkGray)
            }
        }
    }
}

/// The 14 phases with their status; the wizard's phase (or the run's selection) highlighted.
pub fn phase_list(app: &App, f: &mut Frame, area: Rect) {
    let selected = match app.screen {
        Screen::Run => app.run.selected,
        _ => app.phase,
    };
    let inner_w = usize::from(area.width.saturating_sub(2));
    let block = Block::default().borders(Borders::ALL).title(" Phases ");
    let inner = block.inner(area);
    f.render_widget(block, area);
    // Show the status words when there is room for them beside a useful part of the title.
    let show_word = inner_w >= 30;
    let rows = PHASES.iter().map(|p| {
        let (glyph, word, color) = phase_status(app, p.number);
        let head = format!("{glyph} {:>2} ", p.number);
        let word_w = if show_word {
            word.chars().count() + 1
        } else {
            0
        };
        let title_w = inner_w.saturating_sub(head.chars().count() + word_w);
        let title = truncate(p.title, title_w);
        let pad = title_w.saturating_sub(title.chars().count());
        let is_selected = p.number == selected;
        let mut spans = vec![
            Span::styled(head, Style::default().fg(color)),
            Span::raw(title),
        ];
        if show_word {
            spans.push(Span::raw(" ".repeat(pad + 1)));
            spans.push(Span::styled(word, Style::default().fg(color)));
        } else if is_selected {
            // The highlight spans the whole row.
            spans.push(Span::raw(" ".repeat(pad)));
        }
        let line = Line::from(spans);
        if is_selected {
            line.style(Style::default().add_modifier(Modifier::REVERSED))
        } else {
            line
        }
    });
    put_lines(f, inner, rows);
    // Too narrow for the status words: a legend of the glyphs under the list, if it fits.
    if !show_word && area.height >= 14 + 2 + 5 {
        let dim = Style::default().fg(Color::DarkGray);
        let legend = [
            Line::styled("· not started ○ answered", dim),
            Line::styled("◐ planned   ● applied", dim),
            Line::styled("▶ running   ✗ failed", dim),
            Line::styled("! invalid   - skipped", dim),
        ];
        let r = Rect {
            x: inner.x,
            y: area.y + area.height - 1 - 4,
            width: inner.width,
            height: 4,
        };
        put_lines(f, r, legend);
    }
}

/// `s` cut to `w` characters, with an ellipsis when cut.
pub fn truncate(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(w - 1).collect();
    out.push('…');
    out
}

/// A box of at most `w`×`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Writes lines straight into the frame's buffer, one per row, cut at the area's width.
///
/// Why not a `Paragraph`: the run view redraws many times a second while Terraform streams, and
/// a paragraph's wrapping and alignment machinery is wasted on lines already cut to width; this
/// keeps the log and resource panes close to the cost of an empty frame (`benches/tui.rs`).
pub fn put_lines<'a>(f: &mut Frame, area: Rect, lines: impl IntoIterator<Item = Line<'a>>) {
    let buf = f.buffer_mut();
    let right = area.x.saturating_add(area.width);
    for (i, line) in lines.into_iter().take(usize::from(area.height)).enumerate() {
        let y = area.y + u16::try_from(i).unwrap_or(u16::MAX);
        let mut x = area.x;
        for span in &line.spans {
            if x >= right {
                break;
            }
            let style = line.style.patch(span.style);
            if span.content.is_ascii() {
                // Fast path: one cell per byte, no grapheme segmentation. Control bytes (a tab,
                // an escape in raw output) would corrupt the screen: they are skipped.
                for b in span.content.bytes().filter(|b| !b.is_ascii_control()) {
                    if x >= right {
                        break;
                    }
                    if let Some(cell) = buf.cell_mut((x, y)) {
                        cell.set_char(char::from(b)).set_style(style);
                    }
                    x += 1;
                }
            } else {
                let (nx, _) = buf.set_stringn(x, y, &span.content, usize::from(right - x), style);
                x = nx;
            }
        }
    }
}
