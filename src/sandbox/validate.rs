//! `mobi-tui validate`: Terraform's own validation of the tree as it is on disk.
//!
//! The tree is not regenerated: this checks what the user will apply, including hand edits. With
//! `--sandbox` the check runs in the sandbox workspace against the stand-in providers (offline,
//! real schemas); without it, in the real env directory with `-backend=false` and the real
//! providers. Either way diagnostics are printed as `file:line: severity: summary: detail`, with
//! paths pointing into the user's tree, never into the scratch copy.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use serde::Deserialize;

use super::workspace::{Workspace, WorkspaceOptions};
// `validate -json` and `init -json` diagnostics have the run stream's shape: one type for all.
use crate::terraform::json::Diagnostic;

/// Arguments of `mobi-tui validate`.
#[derive(Debug, Clone, clap::Args)]
pub struct ValidateArgs {
    /// Preset whose `project.env` names the environment to validate.
    #[arg(long, value_name = "FILE")]
    pub preset: PathBuf,
    /// Directory holding `infra/terraform` (the output directory of a previous run).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Validate against the offline stand-in providers instead of downloading the real ones.
    #[arg(long)]
    pub sandbox: bool,
    /// Delete the sandbox state of the environment first.
    #[arg(long, requires = "sandbox")]
    pub sandbox_reset: bool,
    /// Simulated duration of each sandbox apply (`250ms`, `1s`, `2m`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "sandbox")]
    pub sandbox_latency: Option<Duration>,
    /// The terraform (or tofu) binary; default: terraform, then tofu, on PATH.
    #[arg(long, value_name = "PATH", env = crate::terraform::TERRAFORM_BIN_ENV)]
    pub terraform_bin: Option<PathBuf>,
}

/// Parses `250ms`, `1s`, `1.5s`, `2m`; a bare number is milliseconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration like 250ms or 1s"))?;
    let ms = match unit {
        "" | "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        _ => return Err(format!("unknown unit {unit:?} in {s:?} (use ms, s or m)")),
    };
    if !ms.is_finite() || ms < 0.0 {
        return Err(format!("{s:?} is not a duration"));
    }
    Ok(Duration::from_millis(ms.round() as u64))
}

fn preset_env(path: &Path) -> anyhow::Result<String> {
    // The strict loader: its error names the file and the key path, and `project.env` is known
    // to be a plain folder name once it passes.
    let p = crate::preset::load(path)?;
    let env = p.project.env;
    if env.is_empty() || env.contains(['/', '\\']) || env == "." || env == ".." {
        anyhow::bail!("invalid project.env {env:?} in {}", path.display());
    }
    Ok(env)
}

#[derive(Debug, Deserialize)]
struct ValidateOutput {
    valid: bool,
    #[serde(default)]
    diagnostics: Vec<Diagnostic>,
}

/// Runs the command; exit code 0 valid, 1 invalid, 2 bad input.
pub fn run_validate(args: ValidateArgs) -> u8 {
    match validate(&args) {
        Ok(valid) => u8::from(!valid),
        Err(e) => {
            crate::cli::print_error(format_args!("{e:#}"));
            2
        }
    }
}

/// Where terraform runs and how paths map back to the user's tree.
struct Site {
    dir: PathBuf,
    env: Vec<(String, String)>,
    workspace: Option<Workspace>,
}

impl Site {
    fn real_path(&self, file: &str) -> PathBuf {
        match &self.workspace {
            Some(ws) => ws.to_real_path(Path::new(file)),
            None => super::workspace::normalize(&self.dir.join(file)),
        }
    }

    /// Terraform's human output with scratch paths replaced by real ones.
    fn map_text(&self, text: &str) -> String {
        match &self.workspace {
            Some(ws) => text.replace(
                &ws.tree_dir().to_string_lossy().into_owned(),
                &ws.real_tree_dir().to_string_lossy(),
            ),
            None => text.to_owned(),
        }
    }
}

fn validate(args: &ValidateArgs) -> anyhow::Result<bool> {
    let env = preset_env(&args.preset)?;
    // The one lookup every command uses: --terraform-bin, MOBI_TERRAFORM, then PATH.
    let terraform = crate::terraform::find_binary(args.terraform_bin.as_deref())?;
    let site = if args.sandbox {
        let opts = WorkspaceOptions {
            reset: args.sandbox_reset,
            latency: args.sandbox_latency.unwrap_or_default(),
            provider_binary: None,
            data_plane: false,
        };
        let ws = Workspace::prepare(&args.out, &env, &opts)?;
        Site {
            dir: ws.env_dir().to_owned(),
            env: ws.command_env(),
            workspace: Some(ws),
        }
    } else {
        let dir = args
            .out
            .join("infra")
            .join("terraform")
            .join("envs")
            .join(&env);
        anyhow::ensure!(dir.is_dir(), "no environment directory {}", dir.display());
        Site {
            dir,
            env: vec![
                ("CHECKPOINT_DISABLE".into(), "1".into()),
                ("TF_IN_AUTOMATION".into(), "1".into()),
            ],
            workspace: None,
        }
    };

    if let Some(ws) = &site.workspace {
        ws.reset_checks();
    }
    // `init -json` so configuration errors found by init come out as diagnostics too.
    let mut init_args = vec!["init", "-input=false", "-no-color", "-json"];
    if !args.sandbox {
        init_args.push("-backend=false");
    }
    let init = run(&terraform, &site, &init_args)?;
    if !init.status.success() {
        let diags = init_diagnostics(&init.stdout);
        for d in &diags {
            println!("{}", format_diagnostic(&site, d));
        }
        if diags.is_empty() {
            eprint!("{}", site.map_text(&String::from_utf8_lossy(&init.stderr)));
        }
        crate::cli::print_error(format_args!(
            "terraform init failed in {}",
            site.real_path(".").display()
        ));
        return Ok(false);
    }

    let out = run(&terraform, &site, &["validate", "-json", "-no-color"])?;
    let parsed: ValidateOutput = serde_json::from_slice(&out.stdout).with_context(|| {
        format!(
            "unreadable `terraform validate -json` output: {}",
            site.map_text(&String::from_utf8_lossy(&out.stderr))
        )
    })?;
    for d in &parsed.diagnostics {
        println!("{}", format_diagnostic(&site, d));
    }
    if let Some(ws) = &site.workspace {
        let checks = ws.checks();
        let total: usize = checks.values().sum();
        let parts: Vec<String> = checks.iter().map(|(k, n)| format!("{k} {n}")).collect();
        eprintln!(
            "sandbox: {total} provider and API checks applied ({}); validate judges configuration only: plan and apply rules run with `mobi-tui --preset … --sandbox`",
            if parts.is_empty() { "none".to_owned() } else { parts.join(", ") }
        );
    }
    Ok(parsed.valid)
}

/// Diagnostics of an `init -json` stream (one JSON message per line; other messages ignored).
fn init_diagnostics(stdout: &[u8]) -> Vec<Diagnostic> {
    #[derive(Deserialize)]
    struct Message {
        diagnostic: Option<Diagnostic>,
    }
    String::from_utf8_lossy(stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Message>(l).ok()?.diagnostic)
        .collect()
}

fn format_diagnostic(site: &Site, d: &Diagnostic) -> String {
    let place = match &d.range {
        Some(r) => format!("{}:{}", site.real_path(&r.filename).display(), r.start.line),
        None => site.real_path(".").display().to_string(),
    };
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut line = format!("{place}: {}: {}", d.severity, one_line(&d.summary));
    if !d.detail.is_empty() {
        line.push_str(": ");
        line.push_str(&site.map_text(&one_line(&d.detail)));
    }
    line
}

fn run(terraform: &Path, site: &Site, args: &[&str]) -> anyhow::Result<std::process::Output> {
    let mut cmd = duct::cmd(terraform, args)
        .dir(&site.dir)
        .stdout_capture()
        .stderr_capture()
        .unchecked();
    for (k, v) in &site.env {
        cmd = cmd.env(k, v);
    }
    cmd.run()
        .with_context(|| format!("cannot run {} {}", terraform.display(), args.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1s"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("40"), Ok(Duration::from_millis(40)));
        assert!(parse_duration("1h").is_err());
        assert!(parse_duration("fast").is_err());
    }

    #[test]
    fn preset_env_is_read_and_checked() {
        let d = tempfile::tempdir().unwrap();
        let dev = concat!(env!("CARGO_MANIFEST_DIR"), "/presets/dev.toml");
        assert_eq!(preset_env(Path::new(dev)).unwrap(), "dev");
        let p = d.path().join("p.toml");
        let text = std::fs::read_to_string(dev)
            .unwrap()
            .replacen("\"dev\"", "\"../x\"", 1);
        std::fs::write(&p, text).unwrap();
        assert!(preset_env(&p).is_err());
        std::fs::write(&p, "[project]\nenv = \"dev\"\n").unwrap();
        assert!(preset_env(&p).is_err(), "incomplete presets are refused");
    }
}
