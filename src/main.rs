//! Thin entry point: everything lives in the library so tests drive it too.
use std::process::ExitCode;

fn main() -> ExitCode {
    // Terraform launches this same binary as each stand-in provider of the sandbox.
    if let Some(c) = mobi_tui::sandbox::run_as_plugin_if_launched() {
        return c;
    }
    mobi_tui::cli::main()
}
