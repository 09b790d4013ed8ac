//! The one keymap: every key the TUI reacts to, with the context it applies in and the line the
//! help overlay shows for it.
//!
//! Why a table: [`lookup`] (handling) and the help overlay (drawing) read the same [`BINDINGS`],
//! so a key cannot work without being documented, nor be documented without working. Typing
//! into a field is the one input not listed key by key (any printable character inserts itself).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies. `Global` bindings are tried after the context's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    Global,
    Wizard,
    Editing,
    Review,
    Run,
    Dialog,
    /// A dialog that asks for a resource's name to be typed.
    Typing,
    Help,
}

impl Ctx {
    pub fn title(self) -> &'static str {
        match self {
            Ctx::Global => "Anywhere",
            Ctx::Wizard => "Wizard",
            Ctx::Editing => "Editing a field",
            Ctx::Review => "Review",
            Ctx::Run => "Run",
            Ctx::Dialog => "Questions",
            Ctx::Typing => "Confirming a destructive change",
            Ctx::Help => "This help",
        }
    }
}

/// What a key asks for; `update` gives each its meaning in the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Quit,
    ForceQuit,
    Help,
    Save,
    Up,
    Down,
    NextField,
    PrevField,
    PrevPhase,
    NextPhase,
    Activate,
    StopEdit,
    Backspace,
    Delete,
    CursorLeft,
    CursorRight,
    Home,
    End,
    ClearField,
    AddWorker,
    RemoveWorker,
    OpenReview,
    OpenRun,
    Back,
    Confirm,
    /// Review: overwrite files edited by hand (asks first).
    ForceWrite,
    PageUp,
    PageDown,
    Top,
    Bottom,
    RunPlan,
    RunApply,
    Interrupt,
    Watch,
    Yes,
    No,
}

/// A key with its modifiers (Shift is ignored for characters: `?` arrives with or without it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn k(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}
const fn c(ch: char) -> Key {
    Key {
        code: KeyCode::Char(ch),
        ctrl: false,
    }
}
const fn ctrl(ch: char) -> Key {
    Key {
        code: KeyCode::Char(ch),
        ctrl: true,
    }
}

pub struct Binding {
    pub ctx: Ctx,
    pub keys: &'static [Key],
    pub cmd: Cmd,
    pub help: &'static str,
}

const fn b(ctx: Ctx, keys: &'static [Key], cmd: Cmd, help: &'static str) -> Binding {
    Binding {
        ctx,
        keys,
        cmd,
        help,
    }
}

use Ctx::*;
use KeyCode::*;

/// Every binding. Order matters only for the help overlay.
pub static BINDINGS: &[Binding] = &[
    b(
        Global,
        &[ctrl('s')],
        Cmd::Save,
        "save the answers and write the tree",
    ),
    b(
        Global,
        &[ctrl('c')],
        Cmd::ForceQuit,
        "quit (asks first while terraform runs)",
    ),
    b(Wizard, &[c('?')], Cmd::Help, "this help"),
    b(
        Wizard,
        &[c('q')],
        Cmd::Quit,
        "quit (asks first if unsaved or running)",
    ),
    b(Wizard, &[k(Down), c('j')], Cmd::Down, "next question"),
    b(Wizard, &[k(Up), c('k')], Cmd::Up, "previous question"),
    b(
        Wizard,
        &[k(Tab)],
        Cmd::NextField,
        "next question (on to the next phase)",
    ),
    b(Wizard, &[k(BackTab)], Cmd::PrevField, "previous question"),
    b(
        Wizard,
        &[k(Left), c('h'), c('[')],
        Cmd::PrevPhase,
        "previous phase",
    ),
    b(
        Wizard,
        &[k(Right), c('l'), c(']')],
        Cmd::NextPhase,
        "next phase",
    ),
    b(
        Wizard,
        &[k(Enter), c('i'), c(' ')],
        Cmd::Activate,
        "edit / toggle / cycle the answer",
    ),
    b(Wizard, &[c('a')], Cmd::AddWorker, "add a worker (phase 9)"),
    b(
        Wizard,
        &[c('d')],
        Cmd::RemoveWorker,
        "remove the focused worker (phase 9)",
    ),
    b(
        Wizard,
        &[c('r')],
        Cmd::OpenReview,
        "review the preset and the files",
    ),
    b(Wizard, &[c('x')], Cmd::OpenRun, "run view"),
    b(Editing, &[k(Enter)], Cmd::Confirm, "accept, next question"),
    b(
        Editing,
        &[k(Esc)],
        Cmd::StopEdit,
        "stop editing (the text is kept)",
    ),
    b(Editing, &[k(Tab)], Cmd::NextField, "accept, next question"),
    b(
        Editing,
        &[k(BackTab)],
        Cmd::PrevField,
        "accept, previous question",
    ),
    b(
        Editing,
        &[k(Backspace)],
        Cmd::Backspace,
        "delete before the cursor",
    ),
    b(Editing, &[k(Delete)], Cmd::Delete, "delete at the cursor"),
    b(Editing, &[k(Left)], Cmd::CursorLeft, "cursor left"),
    b(Editing, &[k(Right)], Cmd::CursorRight, "cursor right"),
    b(
        Editing,
        &[k(Home), ctrl('a')],
        Cmd::Home,
        "start of the field",
    ),
    b(Editing, &[k(End), ctrl('e')], Cmd::End, "end of the field"),
    b(Editing, &[ctrl('u')], Cmd::ClearField, "clear the field"),
    b(
        Typing,
        &[k(Enter)],
        Cmd::Confirm,
        "confirm (the typed text must be the resource's name)",
    ),
    b(
        Typing,
        &[k(Esc)],
        Cmd::No,
        "do not confirm: the phase stops as blocked",
    ),
    b(
        Typing,
        &[k(Backspace)],
        Cmd::Backspace,
        "delete the last character",
    ),
    b(
        Typing,
        &[ctrl('u')],
        Cmd::ClearField,
        "clear the typed text",
    ),
    b(Review, &[c('?')], Cmd::Help, "this help"),
    b(Review, &[c('q')], Cmd::Quit, "quit"),
    b(Review, &[k(Down), c('j')], Cmd::Down, "next file"),
    b(Review, &[k(Up), c('k')], Cmd::Up, "previous file"),
    b(
        Review,
        &[k(PageDown), c(' ')],
        Cmd::PageDown,
        "scroll the diff down",
    ),
    b(
        Review,
        &[k(PageUp), c('b')],
        Cmd::PageUp,
        "scroll the diff up",
    ),
    b(
        Review,
        &[k(Enter), c('w')],
        Cmd::Confirm,
        "write the tree and save the preset",
    ),
    b(
        Review,
        &[c('F')],
        Cmd::ForceWrite,
        "write, overwriting files edited by hand (asks first)",
    ),
    b(Review, &[k(Esc)], Cmd::Back, "back to the wizard"),
    b(Run, &[c('?')], Cmd::Help, "this help"),
    b(
        Run,
        &[c('q')],
        Cmd::Quit,
        "quit (asks first while terraform runs)",
    ),
    b(Run, &[c('p')], Cmd::RunPlan, "plan every phase"),
    b(
        Run,
        &[c('a')],
        Cmd::RunApply,
        "plan and apply, phase by phase (asks before each apply)",
    ),
    b(
        Run,
        &[c('i')],
        Cmd::Interrupt,
        "interrupt terraform (SIGINT; twice: kill)",
    ),
    b(Run, &[k(Down), c('j')], Cmd::Down, "next phase"),
    b(Run, &[k(Up), c('k')], Cmd::Up, "previous phase"),
    b(
        Run,
        &[c('w')],
        Cmd::Watch,
        "watch / unwatch the selected phase",
    ),
    b(
        Run,
        &[k(PageUp), c('K')],
        Cmd::PageUp,
        "scroll the log up (mouse wheel too)",
    ),
    b(
        Run,
        &[k(PageDown), c('J')],
        Cmd::PageDown,
        "scroll the log down",
    ),
    b(Run, &[c('g')], Cmd::Top, "oldest log line"),
    b(Run, &[c('G')], Cmd::Bottom, "follow the log"),
    b(Run, &[k(Esc)], Cmd::Back, "back to the wizard"),
    b(Dialog, &[c('y'), k(Enter)], Cmd::Yes, "yes"),
    b(Dialog, &[c('n'), k(Esc)], Cmd::No, "no / cancel"),
    b(Help, &[k(Down), c('j')], Cmd::Down, "scroll"),
    b(Help, &[k(Up), c('k')], Cmd::Up, "scroll"),
    b(Help, &[k(Esc), c('?'), c('q')], Cmd::Back, "close"),
];

fn matches(key: &Key, ev: &KeyEvent) -> bool {
    let ev_ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    if key.ctrl != ev_ctrl {
        return false;
    }
    match (key.code, ev.code) {
        (Char(a), Char(b)) => a == b,
        (a, b) => a == b,
    }
}

/// The command bound to `ev` in `ctx` (the context's own bindings first, then the global ones).
pub fn lookup(ctx: Ctx, ev: &KeyEvent) -> Option<Cmd> {
    let find = |c: Ctx| {
        BINDINGS
            .iter()
            .filter(|b| b.ctx == c)
            .find(|b| b.keys.iter().any(|k| matches(k, ev)))
            .map(|b| b.cmd)
    };
    find(ctx).or_else(|| find(Global))
}

/// How a key is written in the help and the status bar.
pub fn label(key: &Key) -> String {
    let base = match key.code {
        Char(' ') => "Space".to_string(),
        Char(ch) => ch.to_string(),
        Enter => "Enter".into(),
        Esc => "Esc".into(),
        Tab => "Tab".into(),
        BackTab => "S-Tab".into(),
        Backspace => "Bksp".into(),
        Delete => "Del".into(),
        Left => "←".into(),
        Right => "→".into(),
        Up => "↑".into(),
        Down => "↓".into(),
        Home => "Home".into(),
        End => "End".into(),
        PageUp => "PgUp".into(),
        PageDown => "PgDn".into(),
        other => format!("{other:?}"),
    };
    if key.ctrl {
        format!("C-{base}")
    } else {
        base
    }
}

/// All keys of a binding, as `↓/j`.
pub fn keys_label(b: &Binding) -> String {
    b.keys.iter().map(label).collect::<Vec<_>>().join("/")
}

/// The first key bound to `cmd` in `ctx`, for the status bar hints.
pub fn first_key(ctx: Ctx, cmd: Cmd) -> Option<String> {
    BINDINGS
        .iter()
        .find(|b| b.ctx == ctx && b.cmd == cmd)
        .and_then(|b| b.keys.first())
        .map(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for bnd in &BINDINGS[i + 1..] {
                if a.ctx == bnd.ctx {
                    for key in a.keys {
                        assert!(
                            !bnd.keys.contains(key),
                            "{:?} bound twice in {:?}",
                            key,
                            a.ctx
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn lookup_finds_context_then_global() {
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(lookup(Ctx::Wizard, &q), Some(Cmd::Quit));
        assert_eq!(lookup(Ctx::Editing, &q), None);
        let s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(lookup(Ctx::Editing, &s), Some(Cmd::Save));
    }
}
