//! Command-line interface.
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "mobi-tui", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run `terraform validate` on the tree as it is on disk (optionally offline, in the sandbox).
    Validate(crate::sandbox::validate::ValidateArgs),
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match cli.command {
        Some(Command::Validate(args)) => crate::sandbox::validate::run_validate(args)
            .unwrap_or_else(|e| {
                eprintln!("mobi-tui: {e:#}");
                ExitCode::from(2)
            }),
        None => ExitCode::SUCCESS,
    }
}
