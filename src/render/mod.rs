//! The Terraform tree, rendered from templates embedded in the binary, and written safely.
//!
//! Rendering is pure ([`render_tree`]: preset → list of files); writing is the only IO
//! ([`writer`]). Templates live under `templates/` laid out as they are written:
//! - `infra/terraform/modules/**`: copied verbatim. Modules are env-agnostic, so they are
//!   byte-identical whatever preset renders them and two envs share one `modules/`. Each module's
//!   README gets the block terraform-docs would write for the module (see [`docs`]), so the
//!   pre-commit `terraform_docs` hook of the generated repository leaves it unchanged.
//! - `infra/terraform/envs/*.tera`: rendered once per env into `infra/terraform/envs/<env>/`.
//! - any other `*.tera`: rendered in place (minus the suffix); other files copied verbatim.
//! - the root `.gitignore` is merged, never replaced (see [`writer`]).

pub mod docs;
pub mod writer;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::preset::Preset;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

/// Lines the root `.gitignore` must contain (the seed's Step 1.2, plus mobi-tui's own scratch).
pub const GITIGNORE_ENTRIES: &[&str] = &[
    ".terraform/",
    "*.tfstate",
    "*.tfstate.backup",
    "crash.log",
    ".terraform.tfstate*",
    "terraform.tfvars",
    "*.tfplan",
    "tfplan",
    "plan.txt",
    "kubeconfig.yaml",
    ".mobi/",
];

/// One file of the tree: where it goes (relative to the output root) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    pub path: PathBuf,
    pub contents: Vec<u8>,
    /// Files people keep private (they may add secrets to them): written 0600.
    pub private: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {template}: {reason}")]
    Template { template: String, reason: String },
    #[error("{path}: {reason}")]
    Io { path: String, reason: String },
    #[error(
        "{count} generated file(s) changed since mobi-tui wrote them: {paths} (re-run with --force to overwrite, or --dry-run to see the diff)",
        count = .paths.len(), paths = .paths.join(", ")
    )]
    Conflicts { paths: Vec<String> },
}

/// The names of the modules, in phase order; `project` first (every module takes its id).
pub const MODULES: &[&str] = &[
    "project",
    "network",
    "object_storage",
    "postgres",
    "redis",
    "kubernetes_cluster",
    "app_backend",
    "app_workers",
    "app_frontend",
    "external_apis",
    "observability",
];

fn tera_error(template: &str, e: tera::Error) -> RenderError {
    // Tera nests the useful part in `source()`; flatten it to one line.
    let mut reason = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        reason.push_str(": ");
        reason.push_str(&s.to_string());
        src = s.source();
    }
    RenderError::Template {
        template: template.into(),
        reason: reason.replace('\n', " "),
    }
}

fn utf8(path: &str, bytes: &[u8]) -> Result<String, RenderError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| RenderError::Template {
        template: path.into(),
        reason: "not UTF-8".into(),
    })
}

/// Renders the whole tree for one preset. Pure: no file is read or written.
pub fn render_tree(preset: &Preset) -> Result<Vec<RenderedFile>, RenderError> {
    let mut ctx = tera::Context::new();
    ctx.insert("preset", preset);
    ctx.insert("zone", &format!("{}-1", preset.project.region));
    ctx.insert(
        "generator",
        &format!("mobi-tui {}", env!("CARGO_PKG_VERSION")),
    );

    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![]);
    let mut out: BTreeMap<PathBuf, RenderedFile> = BTreeMap::new();
    let mut verbatim: BTreeMap<String, &[u8]> = BTreeMap::new();

    for (path, bytes) in embedded::TEMPLATES {
        if let Some(stem) = path.strip_suffix(".tera") {
            let text = utf8(path, bytes)?;
            tera.add_raw_template(path, &text)
                .map_err(|e| tera_error(path, e))?;
            let rendered = tera.render(path, &ctx).map_err(|e| tera_error(path, e))?;
            let target = match stem.strip_prefix("infra/terraform/envs/") {
                Some(name) if !name.contains('/') => PathBuf::from(format!(
                    "infra/terraform/envs/{}/{name}",
                    preset.project.env
                )),
                _ => PathBuf::from(stem),
            };
            let private = target.file_name().is_some_and(|n| n == "terraform.tfvars");
            out.insert(
                target.clone(),
                RenderedFile {
                    path: target,
                    contents: rendered.into_bytes(),
                    private,
                },
            );
        } else {
            verbatim.insert(path.to_string(), bytes);
        }
    }

    for (path, bytes) in &verbatim {
        let contents = match path.strip_suffix("/README.md") {
            Some(dir) if dir.starts_with("infra/terraform/modules/") => {
                // Every `.tf` file directly in the module folder, as terraform-docs reads it.
                let prefix = format!("{dir}/");
                let tf_files: Vec<(String, String)> = verbatim
                    .iter()
                    .filter_map(|(p, b)| {
                        let name = p.strip_prefix(&prefix)?;
                        (name.ends_with(".tf") && !name.contains('/'))
                            .then(|| (name.to_string(), String::from_utf8_lossy(b).into_owned()))
                    })
                    .collect();
                let content = docs::module_docs(&tf_files);
                docs::fill_readme(&utf8(path, bytes)?, &content).into_bytes()
            }
            _ => bytes.to_vec(),
        };
        let p = PathBuf::from(path);
        out.insert(
            p.clone(),
            RenderedFile {
                path: p,
                contents,
                private: false,
            },
        );
    }
    Ok(out.into_values().collect())
}

/// Renders the preset's tree and writes it under `out` (the repository root).
pub fn generate(
    preset: &Preset,
    out: &Path,
    opts: writer::WriteOptions,
) -> Result<writer::WriteReport, RenderError> {
    let files = render_tree(preset)?;
    writer::write_tree(out, &files, opts)
}
