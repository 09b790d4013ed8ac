//! One error prefix: every user-facing error line on stderr starts `mobi-tui: error: `, whichever
//! command printed it. A scan of `src/` keeps new code on `exit::print_error`, and a few bad
//! inputs per command check what the real binary prints.

use std::path::{Path, PathBuf};

use crate::support::{mobi, repo, stderr};

const PREFIX: &str = "mobi-tui: error: ";

/// Lines written to stderr whose text starts like an error or names the program must go
/// through `exit::print_error` / `exit::print_warning`, which own the prefix.
#[test]
fn stderr_errors_in_src_go_through_the_one_helper() {
    // Exceptions, each with its reason:
    // - the stand-in provider runs as Terraform's plugin child: its stderr lands in Terraform's
    //   plugin log, not in front of the user, and says which process wrote it;
    // - `sandbox services` prints the right prefix by hand (that module is being reworked apart
    //   from this change); the text is the same as `print_error`'s.
    let allowed: &[(&str, &str)] = &[
        ("src/sandbox/plugin.rs", "mobi-tui sandbox: "),
        ("src/sandbox/provider.rs", "mobi-tui sandbox: "),
        ("src/sandbox/services/cli.rs", PREFIX),
    ];
    let stderr_write = regex::Regex::new(
        r#"(?s)(?:\beprintln!|\beprint!|\bwriteln!\s*\(\s*[\w:]*stderr\(\)[^,]*,|\bwrite!\s*\(\s*[\w:]*stderr\(\)[^,]*,)\s*\(?\s*"([^"]*)""#,
    )
    .unwrap();
    let error_like = regex::Regex::new(r"(?i)^\s*(mobi-tui\b|error\b|warning\b|fatal\b)").unwrap();
    let mut bad = Vec::new();
    for file in rust_files(&repo().join("src")) {
        let rel = file
            .strip_prefix(repo())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "src/exit.rs" {
            // The helper itself (its literal is the prefix constant, not a format string).
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for c in stderr_write.captures_iter(&text) {
            let literal = &c[1];
            if !error_like.is_match(literal) {
                continue;
            }
            if allowed
                .iter()
                .any(|(f, p)| *f == rel && literal.starts_with(p))
            {
                continue;
            }
            let line = text[..c.get(0).unwrap().start()].matches('\n').count() + 1;
            bad.push(format!("{rel}:{line}: {literal:?}"));
        }
        // The prefix spelled out by hand somewhere else is a second way of printing it.
        if text.contains(PREFIX) && !allowed.iter().any(|(f, p)| *f == rel && *p == PREFIX) {
            bad.push(format!(
                "{rel}: spells out {PREFIX:?} (use exit::print_error)"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "stderr lines that look like errors but do not go through exit::print_error:\n{}",
        bad.join("\n")
    );
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Bad input to each command: exit 2 and a first stderr line with the one prefix (clap's own
/// usage errors included).
#[test]
fn bad_input_to_each_command_prints_the_one_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml");
    let missing = missing.to_str().unwrap();
    let out = dir.path().to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["--no-such-flag"],
        &["--from", "5", "--to", "3"],
        &["--preset", missing, "--out", out],
        &["generate", "--preset", missing, "--out", out],
        &["smoke", "--preset", missing],
        &["impact", "--preset", missing, "--out", out],
        &["bootstrap", "--preset", missing, "--out", out],
    ];
    for args in cases {
        let o = mobi(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.starts_with(PREFIX),
            "{args:?}: stderr does not start with {PREFIX:?}:\n{err}"
        );
    }
}
