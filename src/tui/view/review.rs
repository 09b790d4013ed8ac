//! The review screen: the preset that will be saved and every file that will be written or
//! changed, each with its diff against the disk. Confirming writes (the outer loop does it).

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph};
use ratatui::Frame;

use crate::render::writer::FileAction;
use crate::tui::app::App;
use crate::tui::widgets::truncate;

pub fn action_word(a: FileAction) -> (&'static str, Color) {
    match a {
        FileAction::Create => ("create", Color::Green),
        FileAction::Update => ("update", Color::Yellow),
        FileAction::Unchanged => ("same", Color::DarkGray),
        FileAction::Conflict => ("EDITED", Color::Red),
        FileAction::Overwrite => ("overwrite", Color::Red),
    }
}

pub fn draw(app: &App, f: &mut Frame, area: Rect) {
    let Some(r) = &app.review else {
        f.render_widget(
            Paragraph::new("Nothing to review yet: press r in the wizard.")
                .block(Block::default().borders(Borders::ALL).title(" Review ")),
            area,
        );
        return;
    };
    // The impact on the applied env comes first: per phase the counts by action, then every
    // destructive change in red, above the file diffs.
    let impact = impact_lines(app);
    let area = if impact.is_empty() {
        area
    } else {
        let h = u16::try_from(impact.len() + 2)
            .unwrap_or(u16::MAX)
            .min(area.height / 3)
            .max(3);
        let rows = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Length(h), Constraint::Min(5)])
            .split(area);
        f.render_widget(
            Paragraph::new(impact).block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" Impact on the applied env "),
            ),
            rows[0],
        );
        rows[1]
    };
    let list_w = (area.width / 3).clamp(24, 48);
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Length(list_w), Constraint::Min(10)])
        .split(area);
    let changed = r
        .entries
        .iter()
        .filter(|e| e.action != FileAction::Unchanged)
        .count();
    let inner_w = usize::from(list_w.saturating_sub(2));
    let items: Vec<ListItem> = r
        .entries
        .iter()
        .map(|e| {
            let (word, color) = action_word(e.action);
            let path_w = inner_w.saturating_sub(word.len() + 1);
            // Paths are long: keep their end, which names the file.
            let path = if e.path.chars().count() > path_w {
                let tail: String = e
                    .path
                    .chars()
                    .rev()
                    .take(path_w.saturating_sub(1))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                format!("…{tail}")
            } else {
                e.path.clone()
            };
            ListItem::new(Line::from(vec![
                Span::styled(format!("{word:<7}"), Style::default().fg(color)),
                Span::raw(path),
            ]))
        })
        .collect();
    let title = format!(" {changed} of {} change ", r.entries.len());
    let list = List::new(items)
        .block(Block::default().borders(Borders::ALL).title(title))
        .highlight_style(Style::default().add_modifier(Modifier::REVERSED));
    let mut state = ListState::default().with_selected(Some(r.selected));
    f.render_stateful_widget(list, cols[0], &mut state);

    let entry = r.entries.get(r.selected);
    let title = entry
        .map(|e| {
            format!(
                " {} ",
                truncate(&e.path, usize::from(cols[1].width.saturating_sub(4)))
            )
        })
        .unwrap_or_default();
    let lines: Vec<Line> = match entry {
        Some(e) if e.diff.is_empty() => vec![Line::styled(
            "no change",
            Style::default().fg(Color::DarkGray),
        )],
        Some(e) => e
            .diff
            .lines()
            .skip(usize::from(r.scroll))
            .take(usize::from(cols[1].height))
            .map(|l| {
                let color = if l.starts_with("+++") || l.starts_with("---") {
                    Color::White
                } else if l.starts_with('+') {
                    Color::Green
                } else if l.starts_with('-') {
                    Color::Red
                } else if l.starts_with("@@") {
                    Color::Cyan
                } else {
                    Color::Gray
                };
                Line::styled(l.to_string(), Style::default().fg(color))
            })
            .collect(),
        None => Vec::new(),
    };
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        cols[1],
    );
}

/// The impact pane's lines; empty when there is nothing applied to compare with.
fn impact_lines(app: &App) -> Vec<Line<'static>> {
    let i = &app.impact;
    if i.applied.is_none() || i.changed_keys.is_empty() {
        return Vec::new();
    }
    let imp = match &i.result {
        _ if i.pending => {
            return vec![Line::styled(
                "… planning the impact",
                Style::default().fg(Color::Yellow),
            )]
        }
        Some(Ok(imp)) => imp,
        Some(Err(e)) => {
            return vec![Line::styled(
                format!("impact unknown: {e}"),
                Style::default().fg(Color::Yellow),
            )]
        }
        None => return Vec::new(),
    };
    let mut out: Vec<Line> = Vec::new();
    for ph in imp.phases() {
        let counts = imp
            .counts(ph)
            .into_iter()
            .map(|(a, n)| format!("{n} to {}", a.name()))
            .collect::<Vec<_>>()
            .join(", ");
        let label = ph
            .and_then(crate::phases::phase)
            .map(|p| format!("phase {} {}", p.number, p.title))
            .unwrap_or_else(|| "outside the phases".into());
        out.push(Line::raw(format!("{label}: {counts}")));
    }
    for r in imp.resources.iter().filter(|r| r.destructive) {
        out.push(Line::styled(
            crate::engine::impact::resource_line(r),
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        ));
    }
    if out.is_empty() {
        out.push(Line::raw("no resource changes"));
    }
    out
}
