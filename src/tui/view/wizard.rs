//! The wizard pane: the current phase's questions, each with its answer and, right under it, what
//! is wrong with it (validation runs on every keystroke in `update`).

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::questions::{Kind, WorkerField, WORKERS_PHASE};
use crate::tui::app::{App, FieldRef};
use crate::tui::widgets::truncate;

const PROMPT_W: usize = 20;

pub fn draw(app: &App, f: &mut Frame, area: Rect) {
    let phase = crate::phases::phase(app.phase);
    let title = phase
        .map(|p| format!(" Phase {} · {} ", p.number, p.title))
        .unwrap_or_default();
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let width = usize::from(inner.width);

    let mut lines: Vec<Line> = Vec::new();
    if let Some(p) = phase {
        for l in wrap(p.purpose, width) {
            lines.push(Line::styled(l, Style::default().fg(Color::Gray)));
        }
    }
    if app.phase == WORKERS_PHASE {
        lines.push(Line::styled(
            format!(
                "{} worker kind(s) · a add · d remove the focused one · edit the name to rename",
                app.workers.len()
            ),
            Style::default().fg(Color::Gray),
        ));
        if let Some(e) = app.errors.get("workers") {
            for l in wrap(&format!("✗ workers: {e}"), width) {
                lines.push(Line::styled(l, Style::default().fg(Color::Red)));
            }
        }
    }
    lines.push(Line::raw(""));

    let fields = app.fields(app.phase);
    if fields.is_empty() {
        lines.push(Line::styled(
            "No questions here: this phase only runs (see the run view, x).",
            Style::default().fg(Color::Gray),
        ));
    }
    let mut focus_span = (0, 0);
    for (i, field) in fields.iter().enumerate() {
        if let FieldRef::Worker {
            slot,
            field: WorkerField::Name,
        } = field
        {
            let name = app
                .workers
                .get(*slot)
                .map(|w| w.name.as_str())
                .unwrap_or("");
            let head = format!("── worker {name} ");
            let fill = width.saturating_sub(head.chars().count());
            lines.push(Line::styled(
                format!("{head}{}", "─".repeat(fill)),
                Style::default().fg(Color::Cyan),
            ));
        }
        let focused = i == app.focus;
        let start = lines.len();
        lines.push(field_line(app, *field, focused, width));
        if let Some(e) = app.error(*field) {
            for l in wrap(&format!("✗ {e}"), width.saturating_sub(4)) {
                lines.push(Line::styled(
                    format!("    {l}"),
                    Style::default().fg(Color::Red),
                ));
            }
        } else if focused {
            lines.push(Line::styled(
                format!(
                    "    {}",
                    truncate(app.help(*field), width.saturating_sub(4))
                ),
                Style::default().fg(Color::DarkGray),
            ));
        }
        if let Some((text, destructive)) = app.impact.line(&app.key(*field)) {
            let style = if destructive {
                Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
            } else {
                Style::default().fg(Color::Yellow)
            };
            // Wrapped, not cut: the end says whether data is lost.
            for (n, l) in wrap(&text, width.saturating_sub(6)).into_iter().enumerate() {
                let lead = if n == 0 { "    ⇒ " } else { "      " };
                lines.push(Line::styled(format!("{lead}{l}"), style));
            }
        }
        if focused {
            focus_span = (start, lines.len());
        }
    }
    // Scroll so the focused question and its message are visible.
    let h = usize::from(inner.height);
    let offset = if focus_span.1 > h {
        (focus_span.1 - h).min(focus_span.0)
    } else {
        0
    };
    let offset = u16::try_from(offset).unwrap_or(u16::MAX);
    f.render_widget(Paragraph::new(lines).scroll((offset, 0)), inner);
}

fn field_line(app: &App, field: FieldRef, focused: bool, width: usize) -> Line<'static> {
    let marker = if focused { "▸ " } else { "  " };
    let prompt = truncate(&app.prompt(field), PROMPT_W);
    let prompt = format!("{marker}{prompt:<PROMPT_W$} ");
    let value_w = width.saturating_sub(prompt.chars().count()).max(1);
    let text = app.text(field);
    let shown: String = if app.is_secret(field) {
        if text.is_empty() {
            "(not set)".into()
        } else {
            "•".repeat(text.chars().count().min(32))
        }
    } else {
        text.to_string()
    };
    let err = app.error(field).is_some();
    let value_style = if err {
        Style::default().fg(Color::Red)
    } else {
        Style::default().fg(Color::White)
    };
    let prompt_style = if focused {
        Style::default().add_modifier(Modifier::BOLD)
    } else {
        Style::default()
    };
    let mut spans = vec![Span::styled(prompt, prompt_style)];
    match app.kind(field) {
        Kind::Flag => spans.push(Span::styled(
            if text == "true" { "[x] yes" } else { "[ ] no" }.to_string(),
            value_style,
        )),
        Kind::Choice(_) if !(focused && app.editing) => spans.push(Span::styled(
            format!("‹ {} ›", truncate(&shown, value_w.saturating_sub(4))),
            value_style,
        )),
        _ if focused && app.editing => {
            // Keep the cursor in view: show the tail of a long value.
            let chars: Vec<char> = shown.chars().collect();
            let cursor = app.cursor.min(chars.len());
            let start = (cursor + 1).saturating_sub(value_w);
            let before: String = chars[start..cursor].iter().collect();
            let at: String = chars
                .get(cursor)
                .map(|c| c.to_string())
                .unwrap_or_else(|| " ".into());
            let after: String = chars
                .iter()
                .skip(cursor + 1)
                .take(value_w.saturating_sub(cursor - start + 1))
                .collect();
            let edit = value_style.add_modifier(Modifier::UNDERLINED);
            spans.push(Span::styled(before, edit));
            spans.push(Span::styled(at, edit.add_modifier(Modifier::REVERSED)));
            spans.push(Span::styled(after, edit));
        }
        _ => spans.push(Span::styled(truncate(&shown, value_w), value_style)),
    }
    Line::from(spans)
}

/// Word-wraps `s` to `w` columns (hard-cuts words longer than a line).
pub fn wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(8);
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in s.split(' ') {
        let mut word = word.to_string();
        while word.chars().count() > w {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            let head: String = word.chars().take(w).collect();
            word = word.chars().skip(w).collect();
            out.push(head);
        }
        let need = cur.chars().count() + usize::from(!cur.is_empty()) + word.chars().count();
        if need > w && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&word);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}
