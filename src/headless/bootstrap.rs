//! `mobi-tui bootstrap --preset FILE`: the step before phase 2 — the Terraform state bucket.
//!
//! Phase 2 onwards keep their state in the S3 bucket the preset's `state.bucket` names, so that
//! bucket cannot be created by those phases (the seed's Step 2.2). The generated root
//! `infra/terraform/bootstrap/` creates it (versioned, old versions expired, a policy admitting
//! only the admin/CI principals); this command renders the tree as phase 1 does (the same edit
//! protection), then runs `init`, a saved `plan` and, with `--apply`, the apply of that plan in
//! that root. Its state is local to the root (git-ignored); in the sandbox it lives in the env's
//! sandbox folder (`DIR/.mobi/sandbox/<env>/bootstrap.tfstate`) and goes with `--sandbox-reset`.
//!
//! The inputs the preset does not hold (they name people and a project, not the platform) come
//! from flags: `--project-id` (default `SCW_DEFAULT_PROJECT_ID`) and `--admin` (repeatable). The
//! sandbox fills both with stand-in values and says so, so a rehearsal needs no account.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::preset::{self, Preset};
use crate::render::{self, writer::WriteOptions};
use crate::terraform::{self, Interrupt, TfCommand, TfMessage, TERRAFORM_BIN_ENV};

/// Name of the plan file the command saves in the root and applies.
pub const PLAN_FILE: &str = "bootstrap.tfplan";
/// The sandbox's stand-in project (any UUID: the stand-ins accept it).
const SANDBOX_PROJECT_ID: &str = "6fa8889f-ddeb-4443-a220-6368d3de8c2c";
/// The sandbox's stand-in admin principal.
const SANDBOX_ADMIN: &str = "user_id:11111111-1111-4111-8111-111111111111";
/// The file name of the sandbox's bootstrap state under `DIR/.mobi/sandbox/<env>/`.
pub const SANDBOX_STATE: &str = "bootstrap.tfstate";

#[derive(Debug, Clone, clap::Args)]
pub struct BootstrapArgs {
    /// Preset file: `state.bucket` and `project.region` name the bucket and its region.
    #[arg(long, value_name = "FILE")]
    pub preset: PathBuf,
    /// Repository root: the root is DIR/infra/terraform/bootstrap.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Project that owns the state bucket (default: SCW_DEFAULT_PROJECT_ID).
    #[arg(long, value_name = "UUID")]
    pub project_id: Option<String>,
    /// A principal the bucket policy admits, `user_id:<uuid>` or `application_id:<uuid>`;
    /// repeat for each person and CI application that runs Terraform. List yourself.
    #[arg(long = "admin", value_name = "PRINCIPAL")]
    pub admins: Vec<String>,
    /// Run against the stand-in providers in the env's sandbox copy (no account needed).
    #[arg(long)]
    pub sandbox: bool,
    /// Apply the saved plan (asks on a terminal). Without it: plan only.
    #[arg(long)]
    pub apply: bool,
    /// Apply without asking (required with --apply when there is no terminal).
    #[arg(long, requires = "apply")]
    pub auto_approve: bool,
    /// The terraform (or tofu) binary; default: terraform, then tofu, on PATH.
    #[arg(long, value_name = "PATH", env = TERRAFORM_BIN_ENV)]
    pub terraform_bin: Option<PathBuf>,
    /// Seconds Terraform gets to stop after an interrupt before it is killed.
    #[arg(long, value_name = "SECONDS", default_value_t = 20)]
    pub grace: u64,
}

/// What can stop the bootstrap before or while Terraform runs: one line each.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error(transparent)]
    Preset(#[from] preset::PresetError),
    #[error("{file}: state.backend is {backend:?}: the bootstrap creates an S3 state bucket, so it needs state.backend = \"s3\" and state.bucket")]
    NotS3 { file: String, backend: String },
    #[error(
        "{file}: state.bucket is not set: the bootstrap needs the name of the bucket to create"
    )]
    NoBucket { file: String },
    #[error("--project-id (or SCW_DEFAULT_PROJECT_ID) is required: the project that owns the state bucket")]
    NoProject,
    #[error("--project-id {0:?}: expected a project UUID (8-4-4-4-12 lowercase hex)")]
    BadProject(String),
    #[error("--admin is required (at least once): the principals the state bucket admits, user_id:<uuid> or application_id:<uuid>; list yourself, or the policy locks you out")]
    NoAdmin,
    #[error("--admin {0:?}: expected user_id:<uuid> or application_id:<uuid>")]
    BadAdmin(String),
    #[error("missing credentials: {0} (export them, or rehearse with --sandbox)")]
    Credentials(String),
    #[error("--apply without a terminal needs --auto-approve")]
    NeedsAutoApprove,
    #[error(transparent)]
    Render(#[from] render::RenderError),
    #[error(transparent)]
    Sandbox(#[from] crate::sandbox::SandboxError),
    #[error(transparent)]
    Terraform(#[from] terraform::TerraformError),
    #[error(transparent)]
    Locked(#[from] crate::engine::run_lock::RunLockError),
}

/// The root's input variables, resolved from the preset and the flags (pure: tests call it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootstrapVars {
    pub project_id: String,
    pub region: String,
    pub state_bucket_name: String,
    pub admin_principals: Vec<String>,
    /// Values the sandbox filled in, to say so (a real run must pass them).
    pub stand_ins: Vec<&'static str>,
}

impl BootstrapVars {
    /// `-var=…` arguments for `terraform plan`.
    pub fn plan_args(&self) -> Vec<String> {
        let admins = self
            .admin_principals
            .iter()
            .map(|p| format!("{p:?}"))
            .collect::<Vec<_>>()
            .join(",");
        vec![
            format!("-var=project_id={}", self.project_id),
            format!("-var=region={}", self.region),
            format!("-var=state_bucket_name={}", self.state_bucket_name),
            format!("-var=admin_principals=[{admins}]"),
        ]
    }
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// Resolves the variables: the bucket and region from the preset, the project and admins from
/// the flags (`env_project` is `SCW_DEFAULT_PROJECT_ID`), stand-ins only in the sandbox.
pub fn resolve_vars(
    preset: &Preset,
    preset_file: &Path,
    project_id: Option<&str>,
    env_project: Option<&str>,
    admins: &[String],
    sandbox: bool,
) -> Result<BootstrapVars, BootstrapError> {
    let file = preset_file.display().to_string();
    if preset.state.backend != "s3" {
        return Err(BootstrapError::NotS3 {
            file,
            backend: preset.state.backend.clone(),
        });
    }
    let bucket = preset
        .state
        .bucket
        .clone()
        .filter(|b| !b.is_empty())
        .ok_or(BootstrapError::NoBucket { file })?;
    let mut stand_ins = Vec::new();
    let project_id = match project_id.or(env_project).filter(|p| !p.is_empty()) {
        Some(p) if is_uuid(p) => p.to_owned(),
        Some(p) => return Err(BootstrapError::BadProject(p.to_owned())),
        None if sandbox => {
            stand_ins.push("--project-id");
            SANDBOX_PROJECT_ID.to_owned()
        }
        None => return Err(BootstrapError::NoProject),
    };
    for a in admins {
        let ok = a
            .strip_prefix("user_id:")
            .or_else(|| a.strip_prefix("application_id:"))
            .is_some_and(is_uuid);
        if !ok {
            return Err(BootstrapError::BadAdmin(a.clone()));
        }
    }
    let admin_principals = if admins.is_empty() {
        if !sandbox {
            return Err(BootstrapError::NoAdmin);
        }
        stand_ins.push("--admin");
        vec![SANDBOX_ADMIN.to_owned()]
    } else {
        admins.to_vec()
    };
    Ok(BootstrapVars {
        project_id,
        region: preset.project.region.clone(),
        state_bucket_name: bucket,
        admin_principals,
        stand_ins,
    })
}

/// Entry point from the CLI: returns the exit code (0 ok, 1 Terraform failed or the apply was
/// declined, 2 bad input, 130 interrupted).
pub fn main(args: BootstrapArgs) -> u8 {
    let rt = match crate::terraform::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            crate::cli::print_error(format_args!("cannot start the async runtime: {e}"));
            return 2;
        }
    };
    let code = rt.block_on(async {
        let interrupt = Interrupt::new();
        if let Err(e) = interrupt.forward_signals() {
            crate::cli::print_error(format_args!("cannot install signal handlers: {e}"));
            return 2;
        }
        match run(&args, &interrupt, &mut std::io::stdout()).await {
            Ok(code) => code,
            Err(e) => {
                crate::cli::print_error(&e);
                match e {
                    BootstrapError::Terraform(_) | BootstrapError::Sandbox(_) => 1,
                    BootstrapError::Render(render::RenderError::Conflicts { .. }) => 2,
                    BootstrapError::Render(_) => 1,
                    _ => 2,
                }
            }
        }
    });
    rt.shutdown_timeout(Duration::from_millis(100));
    code
}

/// Where Terraform runs and with which environment.
struct Root {
    dir: PathBuf,
    env: Vec<(String, String)>,
}

/// The bootstrap, reporting one line per step to `out`.
pub async fn run(
    args: &BootstrapArgs,
    interrupt: &Interrupt,
    out: &mut (dyn Write + Send),
) -> Result<u8, BootstrapError> {
    let preset = preset::load(&args.preset)?;
    let env_project = std::env::var("SCW_DEFAULT_PROJECT_ID").ok();
    let vars = resolve_vars(
        &preset,
        &args.preset,
        args.project_id.as_deref(),
        env_project.as_deref(),
        &args.admins,
        args.sandbox,
    )?;
    if !args.sandbox {
        let missing: Vec<&str> = crate::engine::missing_credentials()
            .into_iter()
            .filter(|v| *v != "SCW_DEFAULT_PROJECT_ID")
            .collect();
        if !missing.is_empty() {
            return Err(BootstrapError::Credentials(missing.join(", ")));
        }
    }
    if args.apply && !args.auto_approve && !std::io::stdin().is_terminal() {
        return Err(BootstrapError::NeedsAutoApprove);
    }
    // The bucket is shared by every env: one bootstrap at a time per output directory.
    let _lock = crate::engine::run_lock::RunLock::acquire(&args.out, "bootstrap")?;
    let terraform_bin = terraform::find_binary(args.terraform_bin.as_deref())?;
    let report = render::generate(&preset, &args.out, WriteOptions::default())?;
    let _ = writeln!(
        out,
        "bootstrap: tree {} created, {} updated, {} unchanged",
        report.created.len(),
        report.updated.len(),
        report.unchanged
    );
    let root = if args.sandbox {
        let ws = crate::sandbox::Workspace::prepare(
            &args.out,
            &preset.project.env,
            &crate::sandbox::WorkspaceOptions::default(),
        )?;
        let dir = ws.tree_dir().join("bootstrap");
        write_sandbox_backend(&dir, &ws.sandbox_dir().join(SANDBOX_STATE))?;
        Root {
            dir,
            env: ws.command_env(),
        }
    } else {
        Root {
            dir: args.out.join(crate::engine::TREE_SUBDIR).join("bootstrap"),
            env: vec![("TF_IN_AUTOMATION".into(), "1".into())],
        }
    };
    if !vars.stand_ins.is_empty() {
        let _ = writeln!(
            out,
            "bootstrap: sandbox stand-ins for {} (a real run must pass them)",
            vars.stand_ins.join(" and ")
        );
    }
    let tf = terraform::Terraform::new(&terraform_bin, &root.dir).with_env(root.env.clone());
    let grace = Duration::from_secs(args.grace);
    let step = |name: &'static str, cmd: TfCommand| async move {
        let outcome = terraform::run(&cmd, interrupt, grace, &mut |_m: &TfMessage| {}).await?;
        Ok::<_, BootstrapError>((name, cmd, outcome))
    };

    let (_, cmd, o) = step("init", tf.init(true)).await?;
    if let Some(code) = finished(out, "init", &cmd, &o) {
        return Ok(code);
    }
    let plan_path = root.dir.join(PLAN_FILE);
    let mut plan = tf.plan(None, Some(&plan_path));
    plan.args
        .extend(vars.plan_args().into_iter().map(Into::into));
    let (_, cmd, o) = step("plan", plan).await?;
    if let Some(code) = finished(out, "plan", &cmd, &o) {
        return Ok(code);
    }
    let summary = o.summary.unwrap_or_default();
    let _ = writeln!(
        out,
        "bootstrap: plan +{} ~{} -{} (bucket {} in {})",
        summary.add, summary.change, summary.remove, vars.state_bucket_name, vars.region
    );
    if !args.apply {
        let _ = writeln!(
            out,
            "bootstrap: plan only; apply it with --apply, then run phases 2-14"
        );
        return Ok(0);
    }
    if summary.is_empty() {
        let _ = writeln!(out, "bootstrap: state bucket up to date; nothing to apply");
        return Ok(0);
    }
    if !args.auto_approve
        && !ask(&format!(
            "apply the bootstrap: +{} ~{} -{}? [y/N] ",
            summary.add, summary.change, summary.remove
        ))
    {
        let _ = writeln!(out, "bootstrap: apply declined");
        return Ok(1);
    }
    let (_, cmd, o) = step("apply", tf.apply_saved(&plan_path)).await?;
    if let Some(code) = finished(out, "apply", &cmd, &o) {
        return Ok(code);
    }
    let _ = std::fs::remove_file(&plan_path);
    let _ = writeln!(
        out,
        "bootstrap: state bucket {} ready; next: mobi-tui --preset {} --from 2",
        vars.state_bucket_name,
        args.preset.display()
    );
    Ok(0)
}

/// `Some(exit code)` when a step ended the bootstrap (failed or interrupted), after saying why.
fn finished(
    out: &mut (dyn Write + Send),
    name: &str,
    cmd: &TfCommand,
    o: &terraform::RunOutcome,
) -> Option<u8> {
    if o.interrupted {
        let _ = writeln!(out, "bootstrap: {name} interrupted");
        return Some(130);
    }
    if o.success(cmd) {
        return None;
    }
    let why = o
        .first_error()
        .map(|d| {
            let at = d
                .range
                .as_ref()
                .map(|r| format!(" ({}:{})", r.filename, r.start.line))
                .unwrap_or_default();
            format!("{}{at}", d.summary)
        })
        .unwrap_or_else(|| format!("exit code {:?}", o.exit_code));
    let _ = writeln!(out, "bootstrap: {name} failed: {why}");
    Some(1)
}

fn ask(question: &str) -> bool {
    let mut err = std::io::stderr();
    let _ = write!(err, "{question}");
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).is_ok()
        && matches!(line.trim(), "y" | "Y" | "yes" | "Yes" | "YES")
}

/// Points the sandbox copy of the root at a local state in the env's sandbox folder, so the
/// state survives the copy's resync and goes with `--sandbox-reset`.
fn write_sandbox_backend(dir: &Path, state: &Path) -> Result<(), BootstrapError> {
    let text = format!(
        "# Written by mobi-tui for the sandbox: the bootstrap's state lives in the sandbox folder.\nterraform {{\n  backend \"local\" {{\n    path = {:?}\n  }}\n}}\n",
        state.to_string_lossy()
    );
    let path = dir.join(crate::sandbox::workspace::BACKEND_OVERRIDE);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&path, text).map_err(|source| {
            BootstrapError::Terraform(terraform::TerraformError::Io {
                what: format!("write {}", path.display()),
                source,
            })
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dev() -> Preset {
        preset::load(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/presets/dev.toml"
        )))
        .unwrap()
    }

    const P: &str = "0a0b0c0d-1111-4222-8333-444455556666";

    #[test]
    fn vars_come_from_the_preset_and_the_flags() {
        let v = resolve_vars(
            &dev(),
            Path::new("dev.toml"),
            Some(P),
            None,
            &[format!("application_id:{P}")],
            false,
        )
        .unwrap();
        assert_eq!(v.state_bucket_name, "mobi-tfstate-example");
        assert_eq!(v.region, "fr-par");
        assert!(v.stand_ins.is_empty());
        assert_eq!(
            v.plan_args()[3],
            format!("-var=admin_principals=[\"application_id:{P}\"]")
        );
    }

    #[test]
    fn a_real_run_needs_project_and_admin_the_sandbox_stands_in() {
        let p = dev();
        let f = Path::new("dev.toml");
        let e = resolve_vars(&p, f, None, None, &[format!("user_id:{P}")], false).unwrap_err();
        assert!(e.to_string().starts_with("--project-id"), "{e}");
        let e = resolve_vars(&p, f, Some(P), None, &[], false).unwrap_err();
        assert!(e.to_string().starts_with("--admin is required"), "{e}");
        let e = resolve_vars(&p, f, Some("nope"), None, &[], false).unwrap_err();
        assert!(e.to_string().contains("\"nope\""), "{e}");
        let e = resolve_vars(&p, f, Some(P), None, &["user:me".into()], false).unwrap_err();
        assert!(e.to_string().contains("user_id:<uuid>"), "{e}");
        // The env var stands for the flag.
        assert!(resolve_vars(&p, f, None, Some(P), &[format!("user_id:{P}")], false).is_ok());
        let v = resolve_vars(&p, f, None, None, &[], true).unwrap();
        assert_eq!(v.stand_ins, ["--project-id", "--admin"]);
    }

    #[test]
    fn a_preset_without_an_s3_bucket_is_refused_naming_the_key() {
        let mut p = dev();
        p.state.bucket = None;
        let e = resolve_vars(&p, Path::new("x.toml"), Some(P), None, &[], true).unwrap_err();
        assert!(e.to_string().starts_with("x.toml: state.bucket"), "{e}");
        p.state.backend = "local".into();
        let e = resolve_vars(&p, Path::new("x.toml"), Some(P), None, &[], true).unwrap_err();
        assert!(e.to_string().contains("state.backend"), "{e}");
    }
}
