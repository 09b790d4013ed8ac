//! The impact guard: before a targeted phase applies its saved plan, the plan's destructive
//! changes to resources holding data are matched against what the user confirmed
//! (`--allow-replace`, `--allow-destroy-data`); the rest stop the phase as `blocked`. The impact
//! of the plan on the preset is reported on the way (see [`impact`]).

use std::path::Path;

use super::run::{PhaseResult, Run};
use super::{impact, RunEvent};
use crate::phases::Phase;

/// Which destructive changes an apply may make: a targeted phase whose plan replaces or deletes
/// a resource holding data (see [`impact::holds_data`]) stops as `blocked` unless its address
/// is listed or `allow_destroy_data` is set. The default confirms nothing.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    /// Addresses confirmed for replacement or deletion (`--allow-replace ADDRESS`).
    pub allow_replace: Vec<String>,
    /// Every destructive change confirmed (`--allow-destroy-data`).
    pub allow_destroy_data: bool,
}

impl Guard {
    /// Is this destructive change confirmed?
    pub fn allows(&self, address: &str) -> bool {
        self.allow_destroy_data || self.allow_replace.iter().any(|a| a == address)
    }
}

impl Run<'_> {
    /// The impact of a phase's saved plan: emitted as `impact` events (when the env has an
    /// applied preset to compare with), and the destructive changes the guard does not confirm.
    pub(super) async fn phase_impact(
        &mut self,
        p: &Phase,
        file: &Path,
    ) -> Result<Vec<impact::ResourceImpact>, PhaseResult> {
        let mut planned = std::mem::take(&mut self.planned);
        if planned
            .iter()
            .any(|c| matches!(c.action, impact::Action::Replace | impact::Action::Delete))
        {
            // Only the saved plan says which attributes force a replacement.
            let tf = self.tf()?;
            match impact::saved_plan_changes(&tf, file, self.interrupt).await {
                Ok(full) => planned = full,
                Err(impact::ImpactError::Interrupted) => return Err(PhaseResult::interrupted()),
                Err(e) => (self.emit)(RunEvent::Note {
                    phase: p.number,
                    message: format!("reading the saved plan for its impact: {e}"),
                }),
            }
        }
        let changes = self
            .baseline
            .as_ref()
            .map(|b| impact::diff_presets(b, &self.cfg().preset))
            .unwrap_or_default();
        let imp = impact::attribute(self.env(), self.baseline.is_some(), changes, &planned);
        if imp.applied {
            for ev in imp.events() {
                (self.emit)(ev);
            }
        }
        let guard = &self.engine.guard;
        Ok(imp
            .resources
            .into_iter()
            .filter(|r| r.destructive && !guard.allows(&r.address))
            .collect())
    }
}
