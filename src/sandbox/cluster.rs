//! The sandbox's Kubernetes cluster, reduced to what its API decides for this platform: which
//! namespaces exist. Kept per environment under `DIR/.mobi/sandbox/<env>/cluster/`, so every
//! provider process Terraform starts (they are short-lived) sees the same cluster.
//!
//! Why namespaces: the API's NamespaceLifecycle admission rejects any object created in a
//! namespace that does not exist yet (`namespaces "<ns>" not found`), and neither the
//! kubernetes nor the helm provider checks it. A Terraform graph that creates a namespace and an
//! object in it without a dependency between them races on a real cluster; the sandbox makes
//! namespace creation take a moment ([`NAMESPACE_CREATE_TIME`]) so the race is lost every time
//! instead of now and then.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Environment variable naming the env's sandbox folder (`DIR/.mobi/sandbox/<env>`).
pub const SANDBOX_DIR_ENV: &str = "MOBI_SANDBOX_DIR";

/// How long the sandbox takes to create a namespace (a real create plus the wait for its
/// default service account takes longer). Objects whose apply starts meanwhile find it missing.
pub const NAMESPACE_CREATE_TIME: Duration = Duration::from_millis(200);

/// Namespaces every cluster starts with.
const BUILT_IN: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

/// One env's cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    dir: PathBuf,
}

/// The env's sandbox folder the workspace named for the provider processes, if it did.
pub fn sandbox_dir_from_env() -> Option<PathBuf> {
    std::env::var_os(SANDBOX_DIR_ENV)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

impl Cluster {
    /// The cluster of the env whose sandbox folder the workspace named, if it did.
    pub fn from_env() -> Option<Cluster> {
        Some(Cluster::at(&sandbox_dir_from_env()?))
    }

    pub fn at(sandbox_env_dir: &Path) -> Cluster {
        Cluster {
            dir: sandbox_env_dir.join("cluster").join("namespaces"),
        }
    }

    pub fn has_namespace(&self, name: &str) -> bool {
        BUILT_IN.contains(&name) || self.dir.join(name).is_file()
    }

    pub fn add_namespace(&self, name: &str) -> std::io::Result<()> {
        if BUILT_IN.contains(&name) || name.contains(['/', '\\']) || name.starts_with('.') {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        std::fs::write(self.dir.join(name), b"")
    }

    pub fn remove_namespace(&self, name: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.dir.join(name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Forgets every object (with `--sandbox-reset`).
    pub fn reset(sandbox_env_dir: &Path) -> std::io::Result<()> {
        match std::fs::remove_dir_all(sandbox_env_dir.join("cluster")) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_persist_per_env_and_built_ins_always_exist() {
        let d = tempfile::tempdir().unwrap();
        let c = Cluster::at(d.path());
        assert!(c.has_namespace("default"));
        assert!(!c.has_namespace("workers"));
        c.add_namespace("workers").unwrap();
        assert!(Cluster::at(d.path()).has_namespace("workers"));
        c.remove_namespace("workers").unwrap();
        assert!(!c.has_namespace("workers"));
        c.remove_namespace("workers").unwrap();
        c.add_namespace("x").unwrap();
        Cluster::reset(d.path()).unwrap();
        assert!(!c.has_namespace("x"));
    }
}
