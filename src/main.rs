//! Thin entry point: everything lives in the library so tests drive it too.
use std::process::ExitCode;

fn main() -> ExitCode {
    mobi_tui::cli::main()
}
