//! The sandbox workspace: a scratch copy of the Terraform tree wired to the stand-in providers.
//!
//! Layout under the output directory `DIR`:
//!
//! ```text
//! DIR/.mobi/sandbox/
//!   terraformrc                     CLI config: filesystem mirror only, no direct downloads
//!   mirror/registry.terraform.io/<ns>/<type>/<version>/linux_amd64/terraform-provider-<type>_v<version>
//!   <env>/tree/                     copy of DIR/infra/terraform (no .terraform/, state, lock file)
//!   <env>/tree/envs/<env>/backend_override.tf   swaps the S3 backend for a local one
//!   <env>/terraform.tfstate         sandbox state, kept between runs until reset
//! ```
//!
//! Why a copy: `terraform init` writes `.terraform/` and a lock file recording the hashes of the
//! binaries it installed; in the sandbox those are mobi-tui itself, so the user's lock file and
//! provider cache must never see them. The copy is resynchronised on every `prepare`, writing only
//! files whose bytes changed, so Terraform's own caches in the copy stay warm.
//!
//! Why links to `current_exe()` in the mirror: the binary is its own providers (see
//! [`super::run_as_plugin_if_launched`]), picking which one from the file name it was started as.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use super::catalog::PROVIDERS;
use super::plugin::LATENCY_ENV;
use super::SandboxError;

/// Name of the override file written in the env directory of the copy.
pub const BACKEND_OVERRIDE: &str = "backend_override.tf";

/// The frontend bucket's admin principal: the access key ID Terraform runs as (a real run sets
/// it to `$SCW_ACCESS_KEY`). Without it the tree creates no public-read policy, so the website
/// cannot pass; the sandbox stands in an ID of the right shape (`SCW` + 17 characters) when the
/// user has not set one, as it stands in the credentials, and the "before a real run" list says
/// so ([`crate::headless::advice::Advice::stood_in`]).
pub const ADMIN_KEY_VAR: &str = "TF_VAR_scw_access_key_id";
pub const ADMIN_KEY_STAND_IN: &str = "SCWSANDBOX0000000001";

/// How to prepare a workspace.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceOptions {
    /// Delete the sandbox state first, as if nothing had ever been applied.
    pub reset: bool,
    /// Simulated duration of each apply (a quarter of it for each plan).
    pub latency: Duration,
    /// The mobi-tui binary the mirror links to; `None` means `current_exe()`. Tests set it,
    /// because their own executable is the test harness, not mobi-tui.
    pub provider_binary: Option<PathBuf>,
    /// Start real local servers behind the data resources (see [`super::services`]). Runs of
    /// the CLI and the wizard turn it on; code driving a workspace directly (validate, tests)
    /// gets the stand-ins' fake endpoints and leaves no daemon behind.
    pub data_plane: bool,
}

/// A prepared sandbox workspace for one environment.
#[derive(Debug, Clone)]
pub struct Workspace {
    real_tree: PathBuf,
    tree: PathBuf,
    env_dir: PathBuf,
    state: PathBuf,
    cli_config: PathBuf,
    latency: Duration,
    data_plane: bool,
    /// `DIR/.mobi/sandbox/<env>`: state, the cluster's objects, the providers' check counts.
    env_root: PathBuf,
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> SandboxError {
    let path = path.to_path_buf();
    move |source| SandboxError::Io {
        action,
        path,
        source,
    }
}

impl Workspace {
    /// Prepares (or refreshes) the sandbox for environment `env` of the tree in `repo_out_dir`.
    pub fn prepare(
        repo_out_dir: &Path,
        env: &str,
        opts: &WorkspaceOptions,
    ) -> Result<Workspace, SandboxError> {
        // The name becomes a path component under .mobi/sandbox: refuse anything that could escape.
        if env.is_empty() || env == "." || env == ".." || env.contains(['/', '\\']) {
            return Err(SandboxError::InvalidEnv(env.to_owned()));
        }
        let real_tree = repo_out_dir.join("infra").join("terraform");
        if !real_tree.is_dir() {
            return Err(SandboxError::NoTree(real_tree));
        }
        let real_env = real_tree.join("envs").join(env);
        if !real_env.is_dir() {
            return Err(SandboxError::NoEnv(real_env));
        }
        // An absolute root keeps the state path and mirror path valid from any working directory.
        let out = std::path::absolute(repo_out_dir).map_err(io("resolve", repo_out_dir))?;
        let sandbox = out.join(".mobi").join("sandbox");
        let env_root = sandbox.join(env);
        let tree = env_root.join("tree");
        let env_dir = tree.join("envs").join(env);
        let state = env_root.join("terraform.tfstate");

        if opts.reset {
            Self::reset(repo_out_dir, env)?;
        }
        fs::create_dir_all(&tree).map_err(io("create", &tree))?;
        sync_tree(&real_tree, &tree)?;
        // A tree copied or moved elsewhere brings its scratch copy along, whose `.terraform/`
        // still names the old backend path and provider links: start that folder afresh (the
        // state itself moved with the tree), or init stops with "Backend configuration changed".
        let location_path = env_root.join("location");
        let location = out.to_string_lossy().into_owned();
        if fs::read_to_string(&location_path).ok().as_deref() != Some(location.as_str()) {
            let dot = env_dir.join(".terraform");
            if dot.exists() {
                fs::remove_dir_all(&dot).map_err(io("remove", &dot))?;
            }
            fs::write(&location_path, &location).map_err(io("write", &location_path))?;
        }

        let exe = match &opts.provider_binary {
            Some(p) => p.clone(),
            None => std::env::current_exe()
                .map_err(io("locate", Path::new("the current executable")))?,
        };
        ensure_mirror(&sandbox.join("mirror"), &exe)?;
        // The copy's lock file records the hashes of the binary that was in the mirror at its
        // last init. The mirror is shared by every env, so each env remembers which binary its
        // lock was made with and drops the lock when that changed; the next init records anew.
        let stamp_path = env_root.join("providers.stamp");
        let stamp = binary_stamp(&exe)?;
        if fs::read_to_string(&stamp_path).ok().as_deref() != Some(stamp.as_str()) {
            let lock = env_dir.join(".terraform.lock.hcl");
            if lock.exists() {
                fs::remove_file(&lock).map_err(io("remove", &lock))?;
            }
            fs::write(&stamp_path, &stamp).map_err(io("write", &stamp_path))?;
        }

        let override_path = env_dir.join(BACKEND_OVERRIDE);
        let override_text = format!(
            "# Written by mobi-tui's sandbox: the state stays on this machine.\n\
             terraform {{\n  backend \"local\" {{\n    path = {}\n  }}\n}}\n",
            hcl_string(&state.to_string_lossy())
        );
        write_if_changed(&override_path, override_text.as_bytes())?;

        let cli_config = sandbox.join("terraformrc");
        write_if_changed(
            &cli_config,
            cli_config_text(&sandbox.join("mirror")).as_bytes(),
        )?;

        Ok(Workspace {
            real_tree,
            tree,
            env_dir,
            state,
            cli_config,
            latency: opts.latency,
            data_plane: opts.data_plane,
            env_root,
        })
    }

    /// Deletes the sandbox state of `env` (and its backup and lock), keeping the tree copy.
    pub fn reset(repo_out_dir: &Path, env: &str) -> Result<(), SandboxError> {
        let env_root = repo_out_dir.join(".mobi").join("sandbox").join(env);
        for name in [
            "terraform.tfstate",
            "terraform.tfstate.backup",
            ".terraform.tfstate.lock.info",
            // `mobi-tui bootstrap --sandbox` keeps the state bucket root's state here.
            "bootstrap.tfstate",
            "bootstrap.tfstate.backup",
        ] {
            let p = env_root.join(name);
            match fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io("remove", &p)(e)),
            }
        }
        // The cluster's objects and the data plane's servers go with the state that created
        // them: every service is stopped and its port freed.
        super::cluster::Cluster::reset(&env_root).map_err(io("reset", &env_root))?;
        super::services::Services::at(&env_root)
            .remove_all()
            .map_err(|e| SandboxError::Services(e.to_string()))?;
        Ok(())
    }

    /// `DIR/.mobi/sandbox/<env>`, the env's sandbox folder.
    pub fn sandbox_dir(&self) -> &Path {
        &self.env_root
    }

    /// Starts a count of the checks the stand-in providers apply (see [`Workspace::checks`]).
    pub fn reset_checks(&self) {
        let _ = fs::remove_file(self.env_root.join(super::provider::CHECKS_FILE));
    }

    /// Provider and API checks applied since [`Workspace::reset_checks`], per stage
    /// (`validate`, `plan`, `apply`, `read`).
    pub fn checks(&self) -> std::collections::BTreeMap<String, usize> {
        let mut out = std::collections::BTreeMap::new();
        let text = fs::read_to_string(self.env_root.join(super::provider::CHECKS_FILE))
            .unwrap_or_default();
        for line in text.lines() {
            if let Some((stage, n)) = line.split_once(' ') {
                *out.entry(stage.to_owned()).or_default() += n.trim().parse::<usize>().unwrap_or(0);
            }
        }
        out
    }

    /// The environment's directory inside the copy: run `terraform` here.
    pub fn env_dir(&self) -> &Path {
        &self.env_dir
    }

    /// Root of the copy (mirrors `DIR/infra/terraform`).
    pub fn tree_dir(&self) -> &Path {
        &self.tree
    }

    /// The user's real `DIR/infra/terraform`.
    pub fn real_tree_dir(&self) -> &Path {
        &self.real_tree
    }

    /// The sandbox state file of this environment.
    pub fn state_path(&self) -> &Path {
        &self.state
    }

    /// The generated Terraform CLI configuration.
    pub fn cli_config_path(&self) -> &Path {
        &self.cli_config
    }

    /// Environment for every `terraform` child run in the workspace.
    ///
    /// Variables that must be *unset* are given empty values, which Terraform treats as unset:
    /// a plugin cache or data dir would bypass the mirror, and `MOBI_SANDBOX_PROVIDER` would make
    /// every provider the same one.
    pub fn command_env(&self) -> Vec<(String, String)> {
        let admin_key_set = std::env::var(ADMIN_KEY_VAR).is_ok_and(|v| !v.is_empty());
        let mut env = vec![
            (
                "TF_CLI_CONFIG_FILE".to_owned(),
                self.cli_config.to_string_lossy().into_owned(),
            ),
            ("CHECKPOINT_DISABLE".to_owned(), "1".to_owned()),
            // Terraform's own switch (HashiCorp's plugin test harness uses it): plain gRPC on
            // loopback instead of AutoMTLS, which saves a TLS handshake on every provider
            // launch. The stand-ins still serve AutoMTLS when a client asks for it.
            ("TF_DISABLE_PLUGIN_TLS".to_owned(), "1".to_owned()),
            ("TF_IN_AUTOMATION".to_owned(), "1".to_owned()),
            ("TF_INPUT".to_owned(), "0".to_owned()),
            (LATENCY_ENV.to_owned(), self.latency.as_millis().to_string()),
            (
                super::services::DATA_PLANE_ENV.to_owned(),
                if self.data_plane { "1" } else { "0" }.to_owned(),
            ),
            (
                super::cluster::SANDBOX_DIR_ENV.to_owned(),
                self.env_root.to_string_lossy().into_owned(),
            ),
        ];
        if !admin_key_set {
            env.push((ADMIN_KEY_VAR.to_owned(), ADMIN_KEY_STAND_IN.to_owned()));
        }
        for unset in [
            "TF_PLUGIN_CACHE_DIR",
            "TF_DATA_DIR",
            super::plugin::PROVIDER_ENV,
        ] {
            env.push((unset.to_owned(), String::new()));
        }
        env
    }

    /// Maps a path inside the copy back to the same path in the user's tree; other paths are
    /// returned unchanged. Relative paths are taken relative to [`Workspace::env_dir`].
    pub fn to_real_path(&self, p: &Path) -> PathBuf {
        let abs = normalize(&self.env_dir.join(p));
        match abs.strip_prefix(&self.tree) {
            Ok(rest) => self.real_tree.join(rest),
            Err(_) => abs,
        }
    }
}

/// Lexical normalisation (`a/b/../c` -> `a/c`), enough for Terraform's `../../modules/x` paths.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A string literal for HCL (paths may hold quotes or backslashes).
fn hcl_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

fn cli_config_text(mirror: &Path) -> String {
    let sources: Vec<String> = PROVIDERS
        .iter()
        .map(|p| hcl_string(&format!("registry.terraform.io/{}", p.source())))
        .collect();
    let list = sources.join(", ");
    format!(
        "# Written by mobi-tui's sandbox: providers come only from the local mirror.\n\
         disable_checkpoint = true\n\
         provider_installation {{\n  filesystem_mirror {{\n    path    = {}\n    include = [{list}]\n  }}\n  \
         direct {{\n    exclude = [{list}]\n  }}\n}}\n",
        hcl_string(&mirror.to_string_lossy())
    )
}

/// Files of the real tree that never belong in the copy.
fn skipped(name: &str, is_dir: bool) -> bool {
    if is_dir {
        name == ".terraform"
    } else {
        name.contains(".tfstate") || name == ".terraform.lock.hcl"
    }
}

/// Makes `dst` hold the same files as `src` (minus skipped ones), writing only changed files and
/// removing files that disappeared from `src`. Terraform's own files in the copy are left alone.
fn sync_tree(src: &Path, dst: &Path) -> Result<(), SandboxError> {
    fs::create_dir_all(dst).map_err(io("create", dst))?;
    let mut seen = BTreeSet::new();
    for entry in fs::read_dir(src).map_err(io("read", src))? {
        let entry = entry.map_err(io("read", src))?;
        let name = entry.file_name();
        let name_s = name.to_string_lossy();
        let path = entry.path();
        // Follows symlinks: the copy holds real files.
        let meta = fs::metadata(&path).map_err(io("read", &path))?;
        if skipped(&name_s, meta.is_dir()) {
            continue;
        }
        seen.insert(name.clone());
        let target = dst.join(&name);
        if meta.is_dir() {
            if target.is_file() {
                fs::remove_file(&target).map_err(io("remove", &target))?;
            }
            sync_tree(&path, &target)?;
        } else if meta.is_file() {
            if target.is_dir() {
                fs::remove_dir_all(&target).map_err(io("remove", &target))?;
            }
            let bytes = fs::read(&path).map_err(io("read", &path))?;
            write_if_changed(&target, &bytes)?;
        }
    }
    for entry in fs::read_dir(dst).map_err(io("read", dst))? {
        let entry = entry.map_err(io("read", dst))?;
        let name = entry.file_name();
        let name_s = name.to_string_lossy();
        let path = entry.path();
        let is_dir = path.is_dir();
        if seen.contains(&name) || skipped(&name_s, is_dir) || name_s == BACKEND_OVERRIDE {
            continue;
        }
        if is_dir {
            fs::remove_dir_all(&path).map_err(io("remove", &path))?;
        } else {
            fs::remove_file(&path).map_err(io("remove", &path))?;
        }
    }
    Ok(())
}

fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), SandboxError> {
    if fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io("create", parent))?;
    }
    fs::write(path, bytes).map_err(io("write", path))
}

/// Identity of a binary build: size and modification time (cargo rewrites the file on rebuild).
fn binary_stamp(exe: &Path) -> Result<String, SandboxError> {
    let m = fs::metadata(exe).map_err(io("read", exe))?;
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .unwrap_or_default();
    Ok(format!(
        "{} {}.{:09}\n",
        m.len(),
        mtime.as_secs(),
        mtime.subsec_nanos()
    ))
}

/// Lays out the filesystem mirror with links to the running binary. Returns whether any entry was
/// (re)created.
fn ensure_mirror(mirror: &Path, exe: &Path) -> Result<bool, SandboxError> {
    use std::os::unix::fs::MetadataExt as _;
    let exe_meta = fs::metadata(exe).map_err(io("read", exe))?;
    let mut refreshed = false;
    for p in PROVIDERS {
        let dir = mirror
            .join("registry.terraform.io")
            .join(p.namespace)
            .join(p.type_name)
            .join(p.version)
            .join(platform());
        let file = dir.join(p.plugin_file_name());
        let current = match fs::metadata(&file) {
            // Same inode: a hard link to this very binary.
            Ok(m) if m.dev() == exe_meta.dev() && m.ino() == exe_meta.ino() => true,
            // A copy (the mirror is on another filesystem): same size and not older.
            Ok(m) => m.len() == exe_meta.len() && m.modified().ok() >= exe_meta.modified().ok(),
            Err(_) => false,
        };
        if current {
            continue;
        }
        fs::create_dir_all(&dir).map_err(io("create", &dir))?;
        if file.exists() {
            fs::remove_file(&file).map_err(io("remove", &file))?;
        }
        if fs::hard_link(exe, &file).is_err() {
            fs::copy(exe, &file).map_err(io("copy the provider binary to", &file))?;
        }
        refreshed = true;
    }
    Ok(refreshed)
}

/// Terraform's `<os>_<arch>` name for this machine.
fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    format!("{}_{arch}", std::env::consts::OS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_handles_parent_dirs() {
        assert_eq!(
            normalize(Path::new("/a/b/envs/dev/../../modules/x/main.tf")),
            Path::new("/a/b/modules/x/main.tf")
        );
    }

    #[test]
    fn sync_copies_changes_and_skips_terraform_files() {
        let src = tempfile::tempdir().unwrap();
        let dst = tempfile::tempdir().unwrap();
        fs::create_dir_all(src.path().join("envs/dev/.terraform")).unwrap();
        fs::write(src.path().join("envs/dev/main.tf"), "a").unwrap();
        fs::write(src.path().join("envs/dev/terraform.tfstate"), "s").unwrap();
        fs::write(src.path().join("envs/dev/.terraform.lock.hcl"), "l").unwrap();
        fs::write(src.path().join("envs/dev/old.tf"), "o").unwrap();
        sync_tree(src.path(), dst.path()).unwrap();
        assert_eq!(
            fs::read_to_string(dst.path().join("envs/dev/main.tf")).unwrap(),
            "a"
        );
        assert!(!dst.path().join("envs/dev/terraform.tfstate").exists());
        assert!(!dst.path().join("envs/dev/.terraform.lock.hcl").exists());
        assert!(!dst.path().join("envs/dev/.terraform").exists());
        fs::remove_file(src.path().join("envs/dev/old.tf")).unwrap();
        fs::write(src.path().join("envs/dev/main.tf"), "b").unwrap();
        sync_tree(src.path(), dst.path()).unwrap();
        assert_eq!(
            fs::read_to_string(dst.path().join("envs/dev/main.tf")).unwrap(),
            "b"
        );
        assert!(!dst.path().join("envs/dev/old.tf").exists());
    }

    #[test]
    fn prepare_refuses_escaping_env_names() {
        let d = tempfile::tempdir().unwrap();
        for bad in ["", "..", "a/b"] {
            let err = Workspace::prepare(d.path(), bad, &WorkspaceOptions::default()).unwrap_err();
            assert!(matches!(err, SandboxError::InvalidEnv(_)), "{bad}: {err}");
        }
    }

    #[test]
    fn prepare_names_the_missing_tree() {
        let d = tempfile::tempdir().unwrap();
        let err = Workspace::prepare(d.path(), "dev", &WorkspaceOptions::default()).unwrap_err();
        assert!(err.to_string().contains("infra/terraform"), "{err}");
    }
}
