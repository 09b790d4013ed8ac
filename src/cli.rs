//! Command-line interface: the bare command (wizard), `--preset` (headless), the subcommands.
//!
//! Kept small on purpose: each area owns its flags (`headless::RunArgs`, `headless::doctor::
//! DoctorArgs`) and this file only assembles them and maps results to exit codes. Usage errors
//! exit with 2 (clap's default).
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::headless::{self, doctor::DoctorArgs, RunArgs, Wiring};

#[derive(Debug, Parser)]
#[command(name = "mobi-tui", version, about, args_conflicts_with_subcommands = true)]
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
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Doctor(args)) => headless::doctor::main(args),
        None if cli.run.preset.is_some() => headless::main(cli.run, Wiring::default()),
        None => {
            eprintln!("mobi-tui: the wizard is not wired into this build yet; run headless with --preset FILE");
            2
        }
    };
    ExitCode::from(code)
}
