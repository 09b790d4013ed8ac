//! What a phase or a saved plan was made from: the hashes of its inputs (preset sections and
//! module files), of the tree and of the state. The journal compares them to tell a phase done
//! from a stale one, and a saved plan is applied only while they have not moved.

use std::path::PathBuf;

use super::hash;
use super::run::{PhaseResult, Run};
use crate::phases::Phase;
use crate::terraform;

impl Run<'_> {
    /// Hash of what a phase depends on: its preset sections and its module's files (or, for the
    /// phases without a module, the whole tree).
    pub(super) fn inputs_hash(&self, p: &Phase) -> String {
        let preset = hash::preset_sections_hash(&self.cfg().preset, p.preset_sections);
        let tree = match (&self.ws, p.module) {
            (Some(ws), Some(m)) => {
                hash::hash_dirs(&ws.root, &[ws.root.join("modules").join(m)]).unwrap_or_default()
            }
            (Some(ws), None) if p.number >= 13 => {
                hash::tree_hash(&ws.root, &ws.env_dir).unwrap_or_default()
            }
            _ => String::new(),
        };
        hash::combine(&[&preset, &tree])
    }

    /// Hash of the state as Terraform sees it now.
    pub(super) async fn state_hash(&mut self) -> Result<String, PhaseResult> {
        let ws = self.ws()?;
        let local = ws.env_dir.join("terraform.tfstate");
        let backend_cfg = ws.env_dir.join(".terraform").join("terraform.tfstate");
        // With the default local backend the state is a file we can hash directly (no process);
        // with any configured backend, ask Terraform.
        if !backend_cfg.exists() {
            return Ok(if local.exists() {
                hash::hash_file(&local).unwrap_or_default()
            } else {
                hash::hash_bytes(b"")
            });
        }
        let cmd = self.tf()?.state_pull();
        match terraform::run_capture(&cmd, self.interrupt).await {
            Ok(text) => Ok(hash::state_text_hash(&text)),
            Err(_) if self.interrupt.is_requested() => Err(PhaseResult::interrupted()),
            Err(e) => Err(PhaseResult::failed(format!("reading the state: {e}"))),
        }
    }

    pub(super) fn plan_path(&self, p: &Phase) -> PathBuf {
        self.cfg()
            .out_dir
            .join(".mobi")
            .join("plans")
            .join(self.env())
            .join(format!(
                "phase-{:02}-{}.tfplan",
                p.number,
                p.module.unwrap_or("all")
            ))
    }

    pub(super) fn current_tree_hash(&self) -> String {
        self.ws
            .as_ref()
            .and_then(|w| hash::tree_hash(&w.root, &w.env_dir).ok())
            .unwrap_or_default()
    }
}
