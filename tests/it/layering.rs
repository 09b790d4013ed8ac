//! Which module may import which: the wizard (`src/tui/`) is launched by the CLI and must not
//! reach back into it (exit codes live in `crate::exit`), so `cli` → `tui` stays one way.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_tui_does_not_import_the_cli() {
    let tui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let files = rust_files(&tui);
    assert!(
        files.len() > 3,
        "expected the wizard's sources under {}",
        tui.display()
    );
    let offenders: Vec<String> = files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).expect("read");
            text.lines()
                .enumerate()
                .filter(|(_, l)| l.contains("crate::cli") || l.contains("mobi_tui::cli"))
                .map(|(n, l)| format!("{}:{}: {}", f.display(), n + 1, l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "src/tui must not import crate::cli (move what it needs out of cli.rs):\n{}",
        offenders.join("\n")
    );
}
