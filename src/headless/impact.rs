//! `mobi-tui impact --preset FILE [--out DIR] [--sandbox] [--json]`: what the preset would do to
//! the env as last applied, before anything is written to the tree or applied.
//!
//! Exit codes: 0 nothing destructive, 3 a resource holding data would be replaced or deleted
//! (so CI can stop a merge on it), 1 the plan failed, 2 bad input, 130 interrupted.

use std::io::Write;
use std::path::PathBuf;

use crate::engine::impact::{self, ImpactError, ImpactRequest};
use crate::terraform::{self, Interrupt, TERRAFORM_BIN_ENV};

/// Exit code of an impact with a destructive change.
pub const EXIT_DESTRUCTIVE: u8 = 3;

#[derive(Debug, Clone, clap::Args)]
pub struct ImpactArgs {
    /// The candidate preset (TOML, format version 1).
    #[arg(long, value_name = "FILE")]
    pub preset: PathBuf,
    /// Repository root of the env: its tree, journal and (with --sandbox) sandbox state.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Plan against the env's sandbox state (stand-in providers, offline).
    #[arg(long)]
    pub sandbox: bool,
    /// One `impact` event per (key, resource) on stdout, as JSON lines.
    #[arg(long)]
    pub json: bool,
    /// The terraform (or tofu) binary; default: terraform, then tofu, on PATH.
    #[arg(long, value_name = "PATH", env = TERRAFORM_BIN_ENV)]
    pub terraform_bin: Option<PathBuf>,
}

/// Entry point from the CLI.
pub fn main(args: ImpactArgs) -> u8 {
    let preset = match crate::preset::load(&args.preset) {
        Ok(p) => p,
        Err(e) => {
            crate::cli::print_error(&e);
            return 2;
        }
    };
    // The scratch copy and the env's state belong to one mobi-tui at a time: an impact planned
    // while another run applies would read a state that is changing under it.
    let _lock = match crate::engine::run_lock::RunLock::acquire(&args.out, &preset.project.env) {
        Ok(l) => l,
        Err(e) => {
            crate::exit::print_error(&e);
            return 2;
        }
    };
    let terraform_bin = match terraform::find_binary(args.terraform_bin.as_deref()) {
        Ok(b) => b,
        Err(e) => {
            crate::cli::print_error(&e);
            return 2;
        }
    };
    if !args.sandbox {
        let missing = crate::engine::missing_credentials();
        if !missing.is_empty() {
            crate::cli::print_error(format_args!(
                "missing Scaleway credentials: {} (the impact plan reads the real state; use --sandbox for the sandbox state)",
                missing.join(", ")
            ));
            return 2;
        }
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            crate::cli::print_error(format_args!("cannot start the async runtime: {e}"));
            return 2;
        }
    };
    let req = ImpactRequest {
        out_dir: args.out.clone(),
        candidate: preset,
        sandbox: args.sandbox,
        terraform_bin,
        provider_binary: None,
        env: Vec::new(),
        background: false,
    };
    let interrupt = Interrupt::new();
    let result = rt.block_on(async {
        if let Err(e) = interrupt.forward_signals() {
            crate::cli::print_error(format_args!("cannot install signal handlers: {e}"));
        }
        impact::compute(&req, &interrupt).await
    });
    let imp = match result {
        Ok(i) => i,
        Err(ImpactError::Interrupted) => return 130,
        Err(e) => {
            crate::cli::print_error(&e);
            return 1;
        }
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        for ev in imp.events() {
            if let Ok(line) = serde_json::to_string(&ev) {
                let _ = writeln!(out, "{line}");
            }
        }
    } else {
        for line in imp.lines() {
            let _ = writeln!(out, "{line}");
        }
    }
    let _ = out.flush();
    if imp.destructive() {
        EXIT_DESTRUCTIVE
    } else {
        0
    }
}
