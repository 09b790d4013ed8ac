//! The 14 phases as data: one definition read by the engine, the TUI, the headless runner and
//! the docs, so a phase's title, its target module and its steps are never spelled twice.
//!
//! Why data and not code: the engine interprets [`StepKind`]s, so adding a step to a phase is an
//! edit here, and the TUI can show what a phase will do before it runs.

use serde::Serialize;

/// What a step does; the engine knows how to run each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Render the Terraform tree from the preset (the injected tree writer).
    WriteTree,
    /// Check the Scaleway credentials are present (skipped in the sandbox).
    CheckCredentials,
    /// `terraform init` (backend and providers).
    Init,
    /// `terraform plan -target=module.<m> -out=<file>`.
    Plan,
    /// `terraform apply <file>` of the plan just made, if still fresh.
    Apply,
    /// `terraform fmt -check -recursive` over the whole tree.
    FmtCheck,
    /// `terraform validate` in every env present.
    ValidateAll,
    /// An untargeted plan that must show no changes once everything is applied.
    FinalPlan,
    /// The phase-14 smoke checks (the injected checks runner).
    SmokeChecks,
}

impl StepKind {
    /// The name used in events and the journal.
    pub fn name(self) -> &'static str {
        match self {
            StepKind::WriteTree => "write_tree",
            StepKind::CheckCredentials => "check_credentials",
            StepKind::Init => "init",
            StepKind::Plan => "plan",
            StepKind::Apply => "apply",
            StepKind::FmtCheck => "fmt_check",
            StepKind::ValidateAll => "validate",
            StepKind::FinalPlan => "final_plan",
            StepKind::SmokeChecks => "smoke_checks",
        }
    }
}

/// One phase of the run.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    /// 1-based, as users and `--from/--to` count them.
    pub number: u8,
    pub title: &'static str,
    pub purpose: &'static str,
    /// The root module the phase targets (`module.<name>`), if any.
    pub module: Option<&'static str>,
    pub steps: &'static [StepKind],
    /// Top-level preset tables this phase's result depends on; `"*"` means the whole preset.
    /// A change in one of them makes the phase (and those after it) run again on `--resume`.
    pub preset_sections: &'static [&'static str],
}

impl Phase {
    /// `module.<name>`, the `-target` address.
    pub fn target(&self) -> Option<String> {
        self.module.map(|m| format!("module.{m}"))
    }

    /// Does this phase change infrastructure (so it needs an apply)?
    pub fn applies(&self) -> bool {
        self.steps.contains(&StepKind::Apply)
    }
}

const TARGETED: &[StepKind] = &[StepKind::Plan, StepKind::Apply];

/// The phases, in order. `PHASES[i].number == i + 1`.
pub static PHASES: [Phase; 14] = [
    Phase {
        number: 1,
        title: "Repository & Terraform layout",
        purpose: "Write the Terraform tree (envs/<env>, modules/*) from the preset.",
        module: None,
        steps: &[StepKind::WriteTree],
        // The engine refreshes the tree at the start of every run (it is idempotent), so a
        // preset change re-runs the phases that read the changed sections, not everything.
        preset_sections: &[],
    },
    Phase {
        number: 2,
        title: "Provider & state backend",
        purpose:
            "Check credentials, then `terraform init` the environment (backend and providers).",
        module: None,
        steps: &[StepKind::CheckCredentials, StepKind::Init],
        preset_sections: &["project", "state"],
    },
    Phase {
        number: 3,
        title: "Network",
        purpose: "The Private Network and its security rules.",
        module: Some("network"),
        steps: TARGETED,
        preset_sections: &["project", "network"],
    },
    Phase {
        number: 4,
        title: "Object Storage",
        purpose: "Media and frontend buckets.",
        module: Some("object_storage"),
        steps: TARGETED,
        preset_sections: &["project", "object_storage"],
    },
    Phase {
        number: 5,
        title: "PostgreSQL",
        purpose: "Managed PostgreSQL on the private network.",
        module: Some("postgres"),
        steps: TARGETED,
        preset_sections: &["project", "postgres"],
    },
    Phase {
        number: 6,
        title: "Redis",
        purpose: "Managed Redis (streams) on the private network.",
        module: Some("redis"),
        steps: TARGETED,
        preset_sections: &["project", "redis"],
    },
    Phase {
        number: 7,
        title: "Kubernetes cluster",
        purpose: "The Kapsule cluster and its node pool.",
        module: Some("kubernetes_cluster"),
        steps: TARGETED,
        preset_sections: &["project", "kubernetes"],
    },
    Phase {
        number: 8,
        title: "Backend",
        purpose: "The FastAPI backend: Deployment, Service, ingress and certificates.",
        module: Some("app_backend"),
        steps: TARGETED,
        preset_sections: &["project", "backend", "ingress"],
    },
    Phase {
        number: 9,
        title: "Workers",
        purpose: "One Deployment per worker kind, wired to Redis streams.",
        module: Some("app_workers"),
        steps: TARGETED,
        preset_sections: &["project", "workers"],
    },
    Phase {
        number: 10,
        title: "Frontend",
        purpose: "Static frontend hosting (bucket website, CDN, DNS).",
        module: Some("app_frontend"),
        steps: TARGETED,
        preset_sections: &["project", "frontend"],
    },
    Phase {
        number: 11,
        title: "External APIs",
        purpose: "Settings and secrets for the ANCPI and seismic-risk APIs.",
        module: Some("external_apis"),
        steps: TARGETED,
        preset_sections: &["project", "external_apis"],
    },
    Phase {
        number: 12,
        title: "Observability",
        purpose: "Cockpit sources and the monitoring agent.",
        module: Some("observability"),
        steps: TARGETED,
        preset_sections: &["project", "observability"],
    },
    Phase {
        number: 13,
        title: "Environments & promotion",
        purpose: "fmt check, validate every env, and a final untargeted plan that must converge.",
        module: None,
        steps: &[
            StepKind::FmtCheck,
            StepKind::ValidateAll,
            StepKind::FinalPlan,
        ],
        preset_sections: &["*"],
    },
    Phase {
        number: 14,
        title: "Final verification",
        purpose: "Smoke checks against the running platform.",
        module: None,
        steps: &[StepKind::SmokeChecks],
        preset_sections: &["smoke"],
    },
];

/// The phase numbered `n` (1-based).
pub fn phase(n: u8) -> Option<&'static Phase> {
    PHASES.get(usize::from(n).checked_sub(1)?)
}

/// Number of phases, for range checks of `--from/--to`.
pub const PHASE_COUNT: u8 = 14;

/// Markers around the generated phase table in `README.md` and `docs/headless.md`.
pub const TABLE_BEGIN: &str = "<!-- phases:begin (generated from src/phases.rs; do not edit) -->";
pub const TABLE_END: &str = "<!-- phases:end -->";

/// The phase table of the docs, from [`PHASES`]: number, title, `-target`, steps, purpose.
/// Why generated: the docs once said phase 14 was "not available" long after it was wired;
/// a test compares the docs with this, so they cannot drift again.
pub fn markdown_table() -> String {
    let mut out =
        String::from("| # | phase | target | steps | what it does |\n|---|---|---|---|---|\n");
    for p in &PHASES {
        let target = p
            .target()
            .map(|t| format!("`{t}`"))
            .unwrap_or_else(|| "—".into());
        let steps: Vec<String> = p.steps.iter().map(|s| format!("`{}`", s.name())).collect();
        out.push_str(&format!(
            "| {} | {} | {target} | {} | {} |\n",
            p.number,
            p.title,
            steps.join(", "),
            // `<env>` would be an HTML tag to a Markdown renderer.
            p.purpose.replace('<', "&lt;").replace('>', "&gt;")
        ));
    }
    out
}

/// `doc` with the text between the markers replaced by [`markdown_table`]; `None` when the
/// markers are missing.
pub fn with_generated_table(doc: &str) -> Option<String> {
    let begin = doc.find(TABLE_BEGIN)? + TABLE_BEGIN.len();
    let end = begin + doc[begin..].find(TABLE_END)?;
    Some(format!(
        "{}\n{}{}",
        &doc[..begin],
        markdown_table(),
        &doc[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_positions() {
        for (i, p) in PHASES.iter().enumerate() {
            assert_eq!(usize::from(p.number), i + 1);
        }
        assert_eq!(PHASES.len(), usize::from(PHASE_COUNT));
    }

    /// The README's and docs/headless.md's phase tables are `markdown_table()`.
    /// `MOBI_UPDATE_DOCS=1 cargo test --lib phases` rewrites them.
    #[test]
    fn docs_phase_tables_match_the_definition() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for rel in ["README.md", "docs/headless.md"] {
            let path = root.join(rel);
            let doc = std::fs::read_to_string(&path).unwrap_or_default();
            let want = with_generated_table(&doc)
                .unwrap_or_else(|| panic!("{rel}: no {TABLE_BEGIN} … {TABLE_END} markers"));
            if want != doc && std::env::var_os("MOBI_UPDATE_DOCS").is_some() {
                std::fs::write(&path, &want).unwrap_or_else(|e| panic!("{rel}: {e}"));
                continue;
            }
            assert!(
                want == doc,
                "{rel}: the phase table differs from src/phases.rs; rerun with MOBI_UPDATE_DOCS=1. Expected:\n{}",
                markdown_table()
            );
        }
        assert!(markdown_table().contains("| 14 | Final verification | — | `smoke_checks` |"));
    }

    #[test]
    fn targeted_phases_have_modules() {
        for p in &PHASES {
            assert_eq!(p.applies(), p.module.is_some(), "phase {}", p.number);
        }
        assert_eq!(
            phase(3).and_then(|p| p.target()).as_deref(),
            Some("module.network")
        );
    }
}
