//! The "before a real run" list: what a sandbox run could not settle for the user.
//!
//! Why gathered at the end: a sandbox run prints the tree's own warnings (check blocks saying a
//! variable is empty, a principal missing) once per command that evaluates them, so the same
//! advice scrolls past three or four times between plan and apply output. Collected here,
//! deduplicated, it becomes one short to-do list the user reads after the summary: the
//! variables to set and the keys to create before dropping `--sandbox`.
//!
//! Pure: fed with events, asked for lines; the reporters decide where the lines go.

use std::collections::BTreeSet;

use crate::engine::{RunEvent, CREDENTIAL_VARS};

/// Warnings Terraform prints on every targeted plan/apply: expected in a phased run, so never
/// the user's to fix (they stay in `--json` and in the log).
pub const EXPECTED_WARNINGS: [&str; 2] = [
    "Resource targeting is in effect",
    "Applied changes may be incomplete",
];

/// Is this warning one every phased run gets (not the user's to act on)?
pub fn is_expected_warning(severity: &str, summary: &str) -> bool {
    severity != "error" && EXPECTED_WARNINGS.contains(&summary)
}

/// One user warning, as it will be listed (deduplicated on all three parts).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Item {
    text: String,
    at: String,
}

/// Collects the user's warnings of a run.
#[derive(Debug, Default, Clone)]
pub struct Advice {
    sandbox: bool,
    /// In first-seen order; `seen` deduplicates.
    items: Vec<Item>,
    /// Variables the sandbox filled with stand-ins (listed first, after the credentials).
    stand_ins: Vec<Item>,
    seen: BTreeSet<Item>,
}

impl Advice {
    pub fn new() -> Self {
        Self::default()
    }

    /// The sandbox filled `var` with a stand-in; `what` says what a real run sets it to.
    pub fn stood_in(&mut self, var: &str, what: &str) {
        self.stand_ins.push(Item {
            text: format!("{var}: {what} (the sandbox stood in a placeholder)"),
            at: String::new(),
        });
    }

    pub fn event(&mut self, ev: &RunEvent) {
        match ev {
            RunEvent::RunStart { sandbox, .. } => self.sandbox = *sandbox,
            RunEvent::Diagnostic {
                severity,
                summary,
                detail,
                file,
                line,
                ..
            } if severity == "warning" && !is_expected_warning(severity, summary) => {
                // The detail says what to do ("set TF_VAR_x …"); the summary is generic
                // ("Check block assertion failed"), so the detail leads when there is one.
                let detail = detail.split_whitespace().collect::<Vec<_>>().join(" ");
                let text = if detail.is_empty() {
                    summary.clone()
                } else {
                    detail
                };
                let at = match (file, line) {
                    (Some(f), Some(l)) => format!("{f}:{l}"),
                    (Some(f), None) => f.clone(),
                    _ => String::new(),
                };
                let item = Item { text, at };
                if self.seen.insert(item.clone()) {
                    self.items.push(item);
                }
            }
            _ => {}
        }
    }

    /// The list printed after the summary of a sandbox run; empty for a real run (its warnings
    /// were printed where they happened and the credentials were checked in phase 2).
    pub fn lines(&self) -> Vec<String> {
        if !self.sandbox {
            return Vec::new();
        }
        let mut out = vec!["before a real run (what the sandbox did not need):".to_string()];
        out.push(format!(
            "  - Scaleway credentials in the environment: {} (an IAM API key: Scaleway console > IAM > API keys)",
            CREDENTIAL_VARS.join(", ")
        ));
        for i in self.stand_ins.iter().chain(&self.items) {
            if i.at.is_empty() {
                out.push(format!("  - {}", i.text));
            } else {
                out.push(format!("  - {} ({})", i.text, i.at));
            }
        }
        let vars = self.variables();
        if !vars.is_empty() {
            out.push(format!("  variables to set: {}", vars.join(", ")));
        }
        out
    }

    /// The `TF_VAR_*` names the warnings ask for, sorted, each once.
    fn variables(&self) -> Vec<String> {
        let mut vars = BTreeSet::new();
        for i in self.stand_ins.iter().chain(&self.items) {
            for word in i
                .text
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            {
                if word.starts_with("TF_VAR_") && word.len() > "TF_VAR_".len() {
                    vars.insert(word.to_string());
                }
            }
        }
        vars.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(summary: &str, detail: &str, file: &str, line: u64) -> RunEvent {
        RunEvent::Diagnostic {
            phase: 13,
            severity: "warning".into(),
            summary: summary.into(),
            detail: detail.into(),
            file: Some(file.into()),
            line: Some(line),
            address: None,
        }
    }

    fn start(sandbox: bool) -> RunEvent {
        RunEvent::RunStart {
            env: "dev".into(),
            dir: "/x".into(),
            mode: crate::engine::RunMode::Apply,
            from: 1,
            to: 14,
            terraform: "terraform".into(),
            sandbox,
        }
    }

    #[test]
    fn repeated_warnings_are_listed_once_with_the_variables_they_name() {
        let mut a = Advice::new();
        a.event(&start(true));
        let apis = warning(
            "Check block assertion failed",
            "ancpi_api_key or seismic_api_key is empty: set TF_VAR_ancpi_api_key and\nTF_VAR_seismic_api_key.",
            "../../modules/external_apis/main.tf",
            31,
        );
        let admin = warning(
            "Check block assertion failed",
            "No bucket admin principal: set TF_VAR_scw_access_key_id=$SCW_ACCESS_KEY.",
            "main.tf",
            239,
        );
        for ev in [&apis, &admin, &admin, &apis] {
            a.event(ev);
        }
        a.event(&warning(
            "Resource targeting is in effect",
            "You are creating a plan with -target",
            "",
            0,
        ));
        let lines = a.lines();
        assert_eq!(lines.len(), 5, "{lines:#?}");
        assert!(lines[1].contains("SCW_SECRET_KEY"), "{}", lines[1]);
        assert_eq!(
            lines[2],
            "  - ancpi_api_key or seismic_api_key is empty: set TF_VAR_ancpi_api_key and TF_VAR_seismic_api_key. (../../modules/external_apis/main.tf:31)"
        );
        assert!(lines[3].ends_with("(main.tf:239)"), "{}", lines[3]);
        assert_eq!(
            lines[4],
            "  variables to set: TF_VAR_ancpi_api_key, TF_VAR_scw_access_key_id, TF_VAR_seismic_api_key"
        );
    }

    #[test]
    fn a_real_run_has_no_list() {
        let mut a = Advice::new();
        a.event(&start(false));
        a.event(&warning("Check block assertion failed", "x", "main.tf", 1));
        assert!(a.lines().is_empty());
    }

    #[test]
    fn a_stand_in_is_listed_with_its_variable() {
        let mut a = Advice::new();
        a.event(&start(true));
        a.stood_in("TF_VAR_scw_access_key_id", "set it to $SCW_ACCESS_KEY");
        let lines = a.lines();
        assert_eq!(
            lines[2],
            "  - TF_VAR_scw_access_key_id: set it to $SCW_ACCESS_KEY (the sandbox stood in a placeholder)"
        );
        assert_eq!(
            lines.last().map(String::as_str),
            Some("  variables to set: TF_VAR_scw_access_key_id")
        );
    }
}
