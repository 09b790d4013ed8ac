//! Command-line interface: the bare command (wizard), `--preset` (headless), the subcommands.
//!
//! Kept small on purpose: each area owns its flags (`headless::RunArgs`, `headless::doctor::
//! DoctorArgs`) and this file only assembles them and maps results to exit codes. Usage errors
//! exit with 2 (clap's default).
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::headless::{self, doctor::DoctorArgs, RunArgs, Wiring};

#[derive(Debug, Parser)]
#[command(
    name = "mobi-tui",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check that Terraform, kubectl, credentials, the state bucket and the sandbox are ready.
    Doctor(DoctorArgs),
}

pub fn main() -> ExitCode {
    ExitCode::from(run_from(std::env::args_os()))
}

/// Parse `args` (the first is the program name) and run; returns the exit code. Tests call this
/// to drive the real argument parsing in-process.
pub fn run_from<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return u8::try_from(e.exit_code()).unwrap_or(2);
        }
    };
    match cli.command {
        Some(Command::Doctor(args)) => headless::doctor::main(args),
        None if cli.run.preset.is_some() => headless::main(cli.run, Wiring::default()),
        None => {
            eprintln!("mobi-tui: the wizard is not wired into this build yet; run headless with --preset FILE");
            2
        }
    }
}
