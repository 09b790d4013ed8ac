//! Command-line interface.
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mobi-tui: from an empty repository to a running Scaleway platform.
#[derive(Debug, Parser)]
#[command(name = "mobi-tui", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the phase-14 smoke checks against a deployed environment.
    Smoke(crate::checks::SmokeArgs),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Some(Command::Smoke(args)) => match crate::checks::run_smoke(args) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(2)
            }
        },
        None => ExitCode::SUCCESS,
    }
}
