//! The process exit codes, documented in the README: 0 ok, 1 a step failed, 2 usage or bad input,
//! 130 interrupted. Defined apart from [`crate::cli`] so that what the CLI launches (the wizard,
//! the headless run, the run status) returns them without importing the CLI: `cli` → `tui`
//! stays one way (a test in `tests/it/layering.rs` holds it).

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_INTERRUPTED: u8 = 130;
