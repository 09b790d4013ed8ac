//! Command-line interface: argument parsing, dispatch and exit codes.
//!
//! Exit codes ([`crate::exit`], documented in the README): 0 ok, 1 a step failed, 2 usage or bad input,
//! 130 interrupted. Errors print as one line prefixed `mobi-tui: error:`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory as _, Parser, Subcommand};

use crate::engine::{BoxError, WorkspaceDirs};
use crate::headless::{self, doctor::DoctorArgs, RunArgs, Wiring};
use crate::preset;
use crate::render::{self, writer::WriteOptions, RenderError};

pub use crate::exit::{
    print_error, print_warning, ERROR_PREFIX, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE,
    WARNING_PREFIX,
};

#[derive(Debug, Parser)]
#[command(
    name = "mobi-tui",
    version,
    about = "From an empty repository to a running Scaleway platform, phase by phase.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Headless run flags (`mobi-tui --preset FILE ...`).
    #[command(flatten)]
    pub run: RunArgs,
    /// Open the wizard prefilled from this preset and save the answers back to it.
    #[arg(long, value_name = "FILE", conflicts_with = "preset")]
    pub edit: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the Terraform tree for a preset (phase 1) into DIR.
    Generate(GenerateArgs),
    /// Run `terraform validate` on the tree as it is on disk (offline with --sandbox).
    Validate(crate::sandbox::validate::ValidateArgs),
    /// Run the phase-14 smoke checks against a deployed environment.
    Smoke(crate::checks::SmokeArgs),
    /// Check that Terraform, kubectl, credentials, the state bucket and the sandbox are ready.
    Doctor(DoctorArgs),
    /// Create the Terraform state bucket (infra/terraform/bootstrap), the step before phase 2.
    Bootstrap(headless::bootstrap::BootstrapArgs),
    /// What a preset would do to the env as last applied (exit 3 when data would be lost).
    Impact(headless::impact::ImpactArgs),
    /// Show, start or stop the sandbox's local services (PostgreSQL, Redis) of each env.
    Sandbox(crate::sandbox::services::cli::SandboxArgs),
    /// Print the shell completion script for SHELL to stdout
    /// (e.g. `mobi-tui completions bash > ~/.local/share/bash-completion/completions/mobi-tui`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout (e.g. `mobi-tui man > mobi-tui.1`).
    Man,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Preset file (TOML, format version 1).
    #[arg(long, value_name = "FILE")]
    pub preset: PathBuf,
    /// Repository root: the tree goes to DIR/infra/terraform.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Print a unified diff of what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite generated files that were edited since mobi-tui wrote them.
    #[arg(long)]
    pub force: bool,
}

/// An error for the user: one line, and the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl From<preset::PresetError> for Failure {
    fn from(e: preset::PresetError) -> Self {
        Failure {
            code: EXIT_USAGE,
            message: e.to_string(),
        }
    }
}

impl From<RenderError> for Failure {
    fn from(e: RenderError) -> Self {
        let code = match e {
            RenderError::Conflicts { .. } => EXIT_USAGE,
            _ => EXIT_FAILED,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

pub fn main() -> ExitCode {
    ExitCode::from(run_from(std::env::args_os()))
}

/// Parses `args` (the first is the program name) and runs; returns the exit code. Tests call this
/// to drive the real argument parsing in-process.
pub fn run_from<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) if e.use_stderr() => {
            // clap's own lines start `error: `; the prefix gives them ours, like
            // every other error (clap picks the colours, anstream drops them off a terminal).
            use std::io::Write as _;
            let _ = anstream::AutoStream::auto(std::io::stderr().lock())
                .write_fmt(format_args!("mobi-tui: {}", e.render().ansi()));
            return u8::try_from(e.exit_code()).unwrap_or(EXIT_USAGE);
        }
        Err(e) => {
            // --help and --version: to stdout, as clap prints them.
            let _ = e.print();
            return u8::try_from(e.exit_code()).unwrap_or(EXIT_USAGE);
        }
    };
    let result = match cli.command {
        Some(Command::Generate(args)) => run_generate(&args),
        Some(Command::Validate(args)) => Ok(crate::sandbox::validate::run_validate(args)),
        Some(Command::Smoke(args)) => crate::checks::run_smoke(args).map_err(|e| Failure {
            code: EXIT_USAGE,
            message: format!("{e:#}"),
        }),
        Some(Command::Doctor(args)) => Ok(headless::doctor::main(args)),
        Some(Command::Bootstrap(args)) => Ok(headless::bootstrap::main(args)),
        Some(Command::Impact(args)) => Ok(headless::impact::main(args)),
        Some(Command::Sandbox(args)) => Ok(crate::sandbox::services::cli::main(args)),
        Some(Command::Completions { shell }) => print_to_stdout("completions", |out| {
            clap_complete::generate(shell, &mut Cli::command(), "mobi-tui", out);
            Ok(())
        }),
        Some(Command::Man) => print_to_stdout("man page", |out| {
            clap_mangen::Man::new(Cli::command()).render(out)
        }),
        None if cli.run.preset.is_some() => {
            let wiring = wiring(&cli.run);
            Ok(headless::main(cli.run, wiring))
        }
        None if cli.run.from > cli.run.to => Err(Failure {
            code: EXIT_USAGE,
            message: format!(
                "--from {} --to {}: the first phase must not come after the last",
                cli.run.from, cli.run.to
            ),
        }),
        None => {
            // The wizard gets the same wiring as headless runs: renderer, sandbox, checks.
            let wiring = wiring(&cli.run);
            Ok(crate::tui::main(
                crate::tui::TuiArgs::from_run(&cli.run, cli.edit),
                wiring,
            ))
        }
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            print_error(&f.message);
            f.code
        }
    }
}

/// Writes generated text (completions, the man page) to stdout; a failed write (a closed pipe)
/// is one line and exit 1, not a panic.
fn print_to_stdout(
    what: &str,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<u8, Failure> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    write(&mut out)
        .and_then(|()| out.flush())
        .map(|()| EXIT_OK)
        .map_err(|e| Failure {
            code: EXIT_FAILED,
            message: format!("cannot write the {what}: {e}"),
        })
}

/// The engine's injection points: the real renderer (phase 1), the sandbox workspace and the
/// smoke checks (phase 14).
pub fn wiring(args: &RunArgs) -> Wiring {
    let options = crate::sandbox::WorkspaceOptions {
        reset: false,
        latency: args.sandbox_latency.unwrap_or_default(),
        provider_binary: None,
        data_plane: crate::sandbox::services::enabled_by_user(),
    };
    // Reset once per run, not at every prepare (the engine prepares again after phase 1).
    let reset_pending = std::sync::atomic::AtomicBool::new(args.sandbox_reset);
    let sandbox =
        move |tree_root: &std::path::Path, env: &str| -> Result<WorkspaceDirs, BoxError> {
            // The engine hands over DIR/infra/terraform; the workspace wants DIR.
            let out = tree_root
                .parent()
                .and_then(std::path::Path::parent)
                .unwrap_or(tree_root);
            if reset_pending.swap(false, std::sync::atomic::Ordering::SeqCst) {
                crate::sandbox::Workspace::reset(out, env)?;
            }
            let ws = crate::sandbox::Workspace::prepare(out, env, &options)?;
            Ok(WorkspaceDirs {
                root: ws.tree_dir().to_path_buf(),
                env_dir: ws.env_dir().to_path_buf(),
                env: ws.command_env(),
                sandbox: true,
            })
        };
    let checks = crate::terraform::find_binary(args.terraform_bin.as_deref())
        .ok()
        .map(|terraform_bin| -> Box<dyn crate::engine::SmokeChecks> {
            Box::new(crate::checks::phase::EngineChecks { terraform_bin })
        });
    Wiring {
        sandbox: Some(Box::new(sandbox)),
        checks,
        tree: if args.keep_tree {
            Box::new(crate::engine::ExistingTree)
        } else {
            Box::new(render_tree_step)
        },
    }
}

/// Phase 1 as a run performs it: the preset's tree, written with the same edit protection as
/// `generate` (a hand-edited file stops the phase, naming it).
fn render_tree_step(
    preset: &preset::Preset,
    _preset_path: &std::path::Path,
    out: &std::path::Path,
) -> Result<String, BoxError> {
    let report = render::generate(preset, out, WriteOptions::default())?;
    Ok(format!(
        "{} created, {} updated, {} unchanged",
        report.created.len(),
        report.updated.len(),
        report.unchanged
    ))
}

pub fn run_generate(args: &GenerateArgs) -> Result<u8, Failure> {
    let preset = preset::load(&args.preset)?;
    let report = render::generate(
        &preset,
        &args.out,
        WriteOptions {
            dry_run: args.dry_run,
            force: args.force,
        },
    )?;
    if args.dry_run {
        print!("{}", report.diff);
        eprintln!(
            "dry run: {} to create, {} to update, {} unchanged; nothing written",
            report.created.len(),
            report.updated.len() + report.overwritten.len(),
            report.unchanged
        );
    } else {
        for p in &report.created {
            println!("created   {p}");
        }
        for p in &report.updated {
            println!("updated   {p}");
        }
        for p in &report.overwritten {
            println!("overwrote {p} (--force)");
        }
        println!(
            "{} env {}: {} created, {} updated, {} unchanged in {}",
            preset.project.name,
            preset.project.env,
            report.created.len(),
            report.updated.len() + report.overwritten.len(),
            report.unchanged,
            args.out.join("infra/terraform").display()
        );
    }
    Ok(EXIT_OK)
}
