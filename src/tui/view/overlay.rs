//! Boxes drawn over the screen: the help (built from the keymap), questions, messages.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::tui::app::{App, Overlay};
use crate::tui::keymap::{keys_label, Ctx, BINDINGS};
use crate::tui::widgets::centered;

pub fn draw(app: &App, f: &mut Frame, area: Rect) {
    let Some(o) = &app.overlay else { return };
    match o {
        Overlay::Help { scroll } => help(f, area, *scroll),
        Overlay::ConfirmQuit { running, unsaved } => {
            let mut text = Vec::new();
            if *running {
                text.push("Terraform is running. Interrupt it (SIGINT, then it releases its lock) and quit?".to_string());
            }
            if *unsaved {
                text.push("Some answers are not saved (Ctrl-S saves). Quit anyway?".to_string());
            }
            dialog(f, area, " Quit? ", &text.join("\n"), "y quit · n stay");
        }
        Overlay::ConfirmApply { phase, changes } => {
            let title = crate::phases::phase(*phase).map(|p| p.title).unwrap_or("");
            dialog(
                f,
                area,
                " Apply? ",
                &format!("Apply phase {phase} ({title}): {changes}?"),
                "y apply · n stop the run here",
            );
        }
        Overlay::ConfirmForce { files } => {
            const SHOWN: usize = 5;
            let mut text = format!(
                "{} file(s) were edited by hand since mobi-tui wrote them:",
                files.len()
            );
            for f in files.iter().take(SHOWN) {
                text.push_str(&format!("\n  {f}"));
            }
            if files.len() > SHOWN {
                text.push_str(&format!("\n  … and {} more", files.len() - SHOWN));
            }
            text.push_str("\nOverwrite them with the generated text? The edits are lost.");
            dialog(f, area, " Overwrite? ", &text, "y overwrite · n keep them");
        }
        Overlay::ConfirmDestroy {
            phase,
            items,
            index,
            typed,
            mismatch,
            ..
        } => {
            let title = crate::phases::phase(*phase).map(|p| p.title).unwrap_or("");
            let mut text = format!("Phase {phase} ({title}) loses the data these resources hold:");
            for (i, r) in items.iter().enumerate() {
                let mark = if i < *index { "✓" } else { " " };
                let forced = if r.forced_by.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", r.forced_by.join(", "))
                };
                let verb = match r.action {
                    crate::engine::impact::Action::Delete => "DELETES",
                    _ => "REPLACES",
                };
                text.push_str(&format!("\n {mark} {verb} {}{forced}", r.address));
            }
            if let Some(r) = items.get(*index) {
                text.push_str(&format!(
                    "\nType {} to confirm it ({} of {}):\n> {typed}▏",
                    r.confirmation_text(),
                    index + 1,
                    items.len()
                ));
                if *mismatch {
                    text.push_str(&format!(
                        "\nthat is not {}: type the name exactly",
                        r.confirmation_text()
                    ));
                }
            }
            dialog(
                f,
                area,
                " Destroy data? ",
                &text,
                "Enter confirm · Esc keep it (the phase stops as blocked)",
            );
        }
        Overlay::Message { title, text } => {
            dialog(f, area, &format!(" {title} "), text, "Enter / Esc close")
        }
    }
}

fn dialog(f: &mut Frame, area: Rect, title: &str, text: &str, keys: &str) {
    let w = area.width.saturating_sub(8).min(70);
    // Rows: the wrapped text, a blank line, the keys, the borders.
    let text_w = usize::from(w.saturating_sub(2).max(1));
    let text_rows: usize = text
        .lines()
        .map(|l| l.chars().count().div_ceil(text_w).max(1))
        .sum();
    let h = u16::try_from(text_rows + 4).unwrap_or(u16::MAX);
    let r = centered(area, w, h);
    f.render_widget(Clear, r);
    let mut lines: Vec<Line> = text.lines().map(|l| Line::raw(l.to_string())).collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        keys.to_string(),
        Style::default().fg(Color::Cyan),
    ));
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(title.to_string()),
        ),
        r,
    );
}

/// Every binding of the keymap, grouped by context.
pub fn help_lines() -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let ctxs = [
        Ctx::Global,
        Ctx::Wizard,
        Ctx::Editing,
        Ctx::Review,
        Ctx::Run,
        Ctx::Dialog,
        Ctx::Typing,
        Ctx::Help,
    ];
    for ctx in ctxs {
        lines.push(Line::styled(
            ctx.title().to_string(),
            Style::default()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
        ));
        for b in BINDINGS.iter().filter(|b| b.ctx == ctx) {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<16}", keys_label(b)),
                    Style::default().fg(Color::Yellow),
                ),
                Span::raw(b.help.to_string()),
            ]));
        }
        if ctx == Ctx::Editing {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<16}", "any character"),
                    Style::default().fg(Color::Yellow),
                ),
                Span::raw("typed into the field; checked as you type"),
            ]));
        }
        if ctx == Ctx::Run {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<16}", "mouse wheel"),
                    Style::default().fg(Color::Yellow),
                ),
                Span::raw("scroll the log"),
            ]));
        }
    }
    lines
}

fn help(f: &mut Frame, area: Rect, scroll: u16) {
    let r = centered(area, 76, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(help_lines()).scroll((scroll, 0)).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Keys (j/k scroll · Esc close) "),
        ),
        r,
    );
}
