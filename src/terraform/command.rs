//! A typed builder for the Terraform commands mobi-tui runs.
//!
//! Why typed: the safety rules of the runner (always `-input=false`, plans always saved to a file
//! and applied from that file, `-json` where Terraform streams) are easier to keep when no caller
//! assembles argv by hand. The builder yields a [`TfCommand`] holding the argv, the working
//! directory and the extra environment; [`TfCommand::argv_display`] is what events and the
//! journal record.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// What Terraform prints, which decides how the runner reads stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// One JSON message per line (`init`, `plan`, `apply` with `-json`).
    JsonStream,
    /// One JSON document at the end (`validate -json`, `show -json`, `output -json`).
    JsonDocument,
    /// Plain text (`fmt`, `force-unlock`, `state pull` prints a document too but we hash it raw).
    Text,
}

/// A Terraform invocation, ready to run.
#[derive(Debug, Clone)]
pub struct TfCommand {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub cwd: PathBuf,
    pub env: Vec<(String, String)>,
    pub output: OutputKind,
    /// Exit code 2 means "changes present", not failure (`plan -detailed-exitcode`).
    pub detailed_exitcode: bool,
    /// Run at a lower CPU priority (see [`Terraform::in_background`]).
    pub background: bool,
    /// An interrupt cancels the command outright rather than letting it finish: Terraform gets
    /// the second SIGINT that makes it "exit immediately" right after the first. Only for
    /// commands that write no state (the wizard's impact plans): Terraform still releases the
    /// state lock on that path, whereas a single SIGINT lets a plan run to its end (Terraform
    /// only stops an apply between resources).
    pub cancel_outright: bool,
}

impl TfCommand {
    /// The argv as one would type it, for events, logs and the journal.
    pub fn argv_display(&self) -> Vec<String> {
        let name = self
            .program
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "terraform".into());
        std::iter::once(name)
            .chain(self.args.iter().map(|a| a.to_string_lossy().into_owned()))
            .collect()
    }
}

/// Builds commands for one Terraform binary in one working directory.
#[derive(Debug, Clone)]
pub struct Terraform {
    program: PathBuf,
    cwd: PathBuf,
    env: Vec<(String, String)>,
    background: bool,
}

impl Terraform {
    pub fn new(program: impl Into<PathBuf>, cwd: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            cwd: cwd.into(),
            env: Vec::new(),
            background: false,
        }
    }

    /// Every command runs niced (Terraform and the providers it starts inherit it). For work
    /// nobody waits on at a prompt, such as the wizard's impact plans: on a small machine
    /// Terraform and its providers can take every core, and the wizard's frames must not wait
    /// behind them. Terraform's Go collector also runs lazier there
    /// ([`super::process::BACKGROUND_GOGC`]), which cuts the CPU a plan takes.
    pub fn in_background(mut self, background: bool) -> Self {
        self.background = background;
        self
    }

    /// Extra environment for every command (the sandbox's `TF_CLI_CONFIG_FILE`, `TF_VAR_*`).
    pub fn with_env(mut self, env: Vec<(String, String)>) -> Self {
        self.env = env;
        self
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    pub fn program(&self) -> &Path {
        &self.program
    }

    fn cmd(&self, args: Vec<OsString>, output: OutputKind) -> TfCommand {
        TfCommand {
            program: self.program.clone(),
            args,
            cwd: self.cwd.clone(),
            env: self.env.clone(),
            output,
            detailed_exitcode: false,
            background: self.background,
            cancel_outright: false,
        }
    }

    /// `init -json -input=false`; `backend = false` for the extra envs phase 13 validates.
    pub fn init(&self, backend: bool) -> TfCommand {
        let mut a = args(&["init", "-json", "-input=false"]);
        if !backend {
            a.push("-backend=false".into());
        }
        self.cmd(a, OutputKind::JsonStream)
    }

    /// `plan -json -input=false -detailed-exitcode [-target=…] [-out=FILE]`.
    pub fn plan(&self, target: Option<&str>, out: Option<&Path>) -> TfCommand {
        let mut a = args(&["plan", "-json", "-input=false", "-detailed-exitcode"]);
        if let Some(t) = target {
            a.push(format!("-target={t}").into());
        }
        if let Some(o) = out {
            let mut s = OsString::from("-out=");
            s.push(o);
            a.push(s);
        }
        let mut c = self.cmd(a, OutputKind::JsonStream);
        c.detailed_exitcode = true;
        c
    }

    /// `apply -json -input=false FILE`: only ever a saved plan, never a fresh one.
    pub fn apply_saved(&self, plan: &Path) -> TfCommand {
        let mut a = args(&["apply", "-json", "-input=false"]);
        a.push(plan.into());
        self.cmd(a, OutputKind::JsonStream)
    }

    /// `show -json [FILE]`.
    pub fn show(&self, plan: Option<&Path>) -> TfCommand {
        let mut a = args(&["show", "-json"]);
        if let Some(p) = plan {
            a.push(p.into());
        }
        self.cmd(a, OutputKind::JsonDocument)
    }

    /// `state pull`: the raw state, hashed to detect a state change between plan and apply.
    pub fn state_pull(&self) -> TfCommand {
        self.cmd(args(&["state", "pull"]), OutputKind::Text)
    }

    pub fn validate(&self) -> TfCommand {
        self.cmd(args(&["validate", "-json"]), OutputKind::JsonDocument)
    }

    /// `fmt -check -recursive -list=true DIR` (lists the files that need formatting).
    pub fn fmt_check(&self, dir: &Path) -> TfCommand {
        let mut a = args(&["fmt", "-check", "-recursive", "-list=true"]);
        a.push(dir.into());
        self.cmd(a, OutputKind::Text)
    }

    /// `output -json`. Callers must not print sensitive values (see `json::OutputValue`).
    pub fn output(&self) -> TfCommand {
        self.cmd(args(&["output", "-json"]), OutputKind::JsonDocument)
    }

    pub fn force_unlock(&self, lock_id: &str) -> TfCommand {
        let mut a = args(&["force-unlock", "-force"]);
        a.push(lock_id.into());
        self.cmd(a, OutputKind::Text)
    }

    pub fn version(&self) -> TfCommand {
        self.cmd(args(&["version", "-json"]), OutputKind::JsonDocument)
    }
}

fn args(a: &[&str]) -> Vec<OsString> {
    a.iter().map(OsString::from).collect()
}

/// The exact command a user runs to release a lock left behind, with the env dir.
pub fn force_unlock_hint(program: &Path, env_dir: &Path, lock_id: &str) -> String {
    let name = program
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "terraform".into());
    format!(
        "{name} -chdir={} force-unlock -force {lock_id}",
        shell_quote(&env_dir.to_string_lossy())
    )
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_is_targeted_and_saved() {
        let tf = Terraform::new("/usr/bin/terraform", "/x");
        let c = tf.plan(Some("module.network"), Some(Path::new("/p/a.tfplan")));
        assert_eq!(
            c.argv_display(),
            [
                "terraform",
                "plan",
                "-json",
                "-input=false",
                "-detailed-exitcode",
                "-target=module.network",
                "-out=/p/a.tfplan"
            ]
        );
        assert!(c.detailed_exitcode);
    }

    #[test]
    fn unlock_hint_quotes_paths() {
        let h = force_unlock_hint(Path::new("/bin/terraform"), Path::new("/a b/dev"), "id1");
        assert_eq!(h, "terraform -chdir='/a b/dev' force-unlock -force id1");
    }
}
