//! The parts the engine does not own, injected so the engine runs (and is tested) without them
//! and against the sandbox: phase 1's tree writer, the workspace Terraform runs in, and phase 14's
//! smoke checks. Each trait is also implemented for a closure, so a caller wires a part in with
//! one line.

use std::path::{Path, PathBuf};

use futures::future::BoxFuture;

use super::{BoxError, RunEvent, TREE_SUBDIR};
use crate::preset::Preset;
use crate::terraform::Interrupt;

/// Phase 1: writes (or refreshes) the tree for a preset under `out` (the tree goes to
/// `out/infra/terraform`), returning a one-line summary. The generator plugs in here:
/// `|p, path, out| render::generate(p, path, out, opts).map(|r| r.to_string()).map_err(Into::into)`.
pub trait TreeWriter: Send + Sync {
    fn write_tree(
        &self,
        preset: &Preset,
        preset_path: &Path,
        out: &Path,
    ) -> Result<String, BoxError>;
}

impl<F> TreeWriter for F
where
    F: Fn(&Preset, &Path, &Path) -> Result<String, BoxError> + Send + Sync,
{
    fn write_tree(&self, p: &Preset, pp: &Path, out: &Path) -> Result<String, BoxError> {
        self(p, pp, out)
    }
}

/// A tree writer that writes nothing and requires the tree to be there already: for trees
/// written by hand or by an earlier run, and the stand-in until the generator is wired in.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExistingTree;

impl TreeWriter for ExistingTree {
    fn write_tree(&self, preset: &Preset, _: &Path, out: &Path) -> Result<String, BoxError> {
        let env_dir = out.join(TREE_SUBDIR).join("envs").join(&preset.project.env);
        if env_dir.is_dir() {
            Ok(format!("using the existing tree at {}", env_dir.display()))
        } else {
            Err(format!(
                "no Terraform tree at {} (the generator is not wired into this build)",
                env_dir.display()
            )
            .into())
        }
    }
}

/// Where Terraform runs for one env.
#[derive(Debug, Clone)]
pub struct WorkspaceDirs {
    /// The tree root Terraform sees (`…/infra/terraform` or the sandbox's copy of it).
    pub root: PathBuf,
    /// `root/envs/<env>`: the working directory of every command.
    pub env_dir: PathBuf,
    /// Extra environment for Terraform (`TF_CLI_CONFIG_FILE`, `TF_VAR_*`, ...).
    pub env: Vec<(String, String)>,
    pub sandbox: bool,
}

/// Prepares the workspace after phase 1. The sandbox plugs in here:
/// `|root, env| { let ws = Workspace::prepare(root, env, opts)?; Ok(WorkspaceDirs { .. ws.command_env() .. }) }`.
pub trait WorkspaceProvider: Send + Sync {
    fn prepare(&self, tree_root: &Path, env: &str) -> Result<WorkspaceDirs, BoxError>;
}

impl<F> WorkspaceProvider for F
where
    F: Fn(&Path, &str) -> Result<WorkspaceDirs, BoxError> + Send + Sync,
{
    fn prepare(&self, tree_root: &Path, env: &str) -> Result<WorkspaceDirs, BoxError> {
        self(tree_root, env)
    }
}

/// Terraform runs in the tree itself, against the real providers.
#[derive(Debug, Clone, Copy, Default)]
pub struct InPlace;

impl WorkspaceProvider for InPlace {
    fn prepare(&self, root: &Path, env: &str) -> Result<WorkspaceDirs, BoxError> {
        Ok(WorkspaceDirs {
            root: root.to_path_buf(),
            env_dir: root.join("envs").join(env),
            env: Vec::new(),
            sandbox: false,
        })
    }
}

/// Phase 14. Implementations emit one [`RunEvent::Check`] per check and return `Err` with a
/// one-line message when any check failed.
pub trait SmokeChecks: Send + Sync {
    fn run<'a>(
        &'a self,
        preset: &'a Preset,
        ws: &'a WorkspaceDirs,
        interrupt: &'a Interrupt,
        emit: &'a mut (dyn FnMut(RunEvent) + Send),
    ) -> BoxFuture<'a, Result<(), BoxError>>;
}
