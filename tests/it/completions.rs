//! `mobi-tui completions <shell>` and `mobi-tui man`: generated from the same clap definition
//! as the parser, so they list every subcommand; bash must parse the script, and the man page
//! must render as roff (`man -l`, groff underneath).

use std::process::Command;

use crate::support::*;

const SUBCOMMANDS: [&str; 6] = [
    "generate",
    "validate",
    "smoke",
    "doctor",
    "completions",
    "man",
];

#[test]
fn bash_completion_parses_and_offers_every_subcommand() {
    let o = mobi(&["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let script = stdout(&o);
    for s in SUBCOMMANDS {
        assert!(script.contains(s), "no {s} in the bash completion");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mobi-tui.bash");
    std::fs::write(&file, &script).unwrap();
    let check = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(check.status.success(), "bash -n: {}", stderr(&check));
    // Sourced, it completes the subcommand names after `mobi-tui `.
    let probe = format!(
        "source {}; COMP_WORDS=(mobi-tui va); COMP_CWORD=1; COMP_LINE='mobi-tui va'; COMP_POINT=11; _mobi__tui mobi-tui va mobi-tui; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display()
    );
    let run = Command::new("bash").args(["-c", &probe]).output().unwrap();
    assert!(
        stdout(&run).lines().any(|l| l == "validate"),
        "completing `va`: {}{}",
        stdout(&run),
        stderr(&run)
    );
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let o = mobi(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        assert!(stdout(&o).contains("validate"), "{shell}");
    }
    let o = mobi(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("tcsh"), "{}", stderr(&o));
}

#[test]
fn man_page_renders_and_lists_the_subcommands() {
    let o = mobi(&["man"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let roff = stdout(&o);
    assert!(
        roff.starts_with(".ie") || roff.contains(".TH"),
        "not roff: {roff:.200}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mobi-tui.1");
    std::fs::write(&file, &roff).unwrap();
    let r = Command::new("man")
        .arg("-l")
        .arg(&file)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
        .unwrap();
    assert!(r.status.success(), "man -l: {}", stderr(&r));
    let text = stdout(&r);
    assert!(text.contains("mobi-tui"), "{text}");
    for s in SUBCOMMANDS {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("mobi-tui-{s}("))),
            "no {s} in the SUBCOMMANDS section:\n{text}"
        );
    }
    assert!(text.contains("--preset"), "{text}");
}
