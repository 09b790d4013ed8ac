//! The process exit codes, documented in the README: 0 ok, 1 a step failed, 2 usage or bad input,
//! 130 interrupted. Defined apart from [`crate::cli`] so that what the CLI launches (the wizard,
//! the headless run, the run status) returns them without importing the CLI: `cli` → `tui`
//! stays one way (a test in `tests/it/layering.rs` holds it). The one error-line printer lives
//! here for the same reason.

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_INTERRUPTED: u8 = 130;

/// How every user-facing error line on stderr starts, whichever command printed it.
pub const ERROR_PREFIX: &str = "mobi-tui: error: ";
/// How every user-facing warning line on stderr starts.
pub const WARNING_PREFIX: &str = "mobi-tui: warning: ";

/// Prints one error line on stderr, `mobi-tui: error: MESSAGE`. The only way the crate reports
/// an error to the user (a test scans `src/` for any other). A failed write is ignored: after a
/// hangup stderr may be the closed terminal, and reporting must not panic.
pub fn print_error(message: impl std::fmt::Display) {
    print_line(ERROR_PREFIX, message);
}

/// Prints one warning line on stderr, `mobi-tui: warning: MESSAGE`.
pub fn print_warning(message: impl std::fmt::Display) {
    print_line(WARNING_PREFIX, message);
}

fn print_line(prefix: &str, message: impl std::fmt::Display) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{prefix}{message}");
}
