//! `mobi-tui generate`: layout, formatting, env-agnostic modules, idempotence, user edits.

use std::path::Path;
use std::process::Command;

use crate::support::*;

const MODULE_FILES: &[&str] = &[
    "main.tf",
    "variables.tf",
    "outputs.tf",
    "versions.tf",
    "README.md",
];
const ENV_FILES: &[&str] = &[
    "main.tf",
    "providers.tf",
    "backend.tf",
    "variables.tf",
    "outputs.tf",
    "terraform.tfvars",
    "terraform.tfvars.example",
];

fn generate(preset: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "generate",
        "--preset",
        preset.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    mobi(&args)
}

fn generate_ok(preset: &Path, out: &Path) {
    let o = generate(preset, out, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "generate {}: {}{}",
        preset.display(),
        stdout(&o),
        stderr(&o)
    );
}

fn assert_layout(out: &Path, env: &str) {
    let tf = out.join("infra/terraform");
    for m in mobi_tui::render::MODULES {
        for f in MODULE_FILES {
            assert!(
                tf.join("modules").join(m).join(f).is_file(),
                "missing modules/{m}/{f}"
            );
        }
    }
    for f in ENV_FILES {
        assert!(
            tf.join("envs").join(env).join(f).is_file(),
            "missing envs/{env}/{f}"
        );
    }
    for f in [
        ".gitignore",
        "Makefile",
        ".github/workflows/terraform.yml",
        "infra/terraform/README.md",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
}

fn terraform_fmt_check(dir: &Path) {
    let o = Command::new(terraform())
        .args(["fmt", "-check", "-recursive", "-diff"])
        .arg(dir)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "terraform fmt -check failed:\n{}{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn shipped_presets_generate_the_full_layout_fmt_clean() {
    for env in ["dev", "staging", "prod"] {
        let out = tempfile::tempdir().unwrap();
        generate_ok(&repo().join(format!("presets/{env}.toml")), out.path());
        assert_layout(out.path(), env);
        terraform_fmt_check(&out.path().join("infra/terraform"));
    }
}

#[test]
fn modules_are_env_agnostic_and_envs_share_them() {
    let out = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    generate_ok(&repo().join("presets/dev.toml"), out.path());
    let modules_after_dev: Vec<(String, Vec<u8>)> =
        files_under(&out.path().join("infra/terraform/modules"))
            .into_iter()
            .map(|f| {
                let b = std::fs::read(out.path().join("infra/terraform/modules").join(&f)).unwrap();
                (f, b)
            })
            .collect();
    generate_ok(&repo().join("presets/prod.toml"), out.path());
    generate_ok(&repo().join("presets/prod.toml"), other.path());
    for (f, bytes) in &modules_after_dev {
        let after = std::fs::read(out.path().join("infra/terraform/modules").join(f)).unwrap();
        assert_eq!(&after, bytes, "modules/{f} changed when prod was generated");
        let fresh = std::fs::read(other.path().join("infra/terraform/modules").join(f)).unwrap();
        assert_eq!(
            &fresh, bytes,
            "modules/{f} differs between dev and prod renderings"
        );
    }
    let envs = files_under(&out.path().join("infra/terraform/envs"));
    assert!(
        envs.iter().any(|f| f.starts_with("dev/")) && envs.iter().any(|f| f.starts_with("prod/")),
        "{envs:?}"
    );
}

#[test]
fn other_values_and_five_workers_reach_the_worker_map() {
    let dir = tempfile::tempdir().unwrap();
    let preset = preset_variant(
        "dev.toml",
        &[
            ("region = \"fr-par\"", "region = \"nl-ams\""),
            ("env    = \"dev\"", "env    = \"qa2\""),
            ("name   = \"mobi\"", "name   = \"acme-mobi\""),
            ("172.16.0.0/22", "192.168.64.0/24"),
            ("mobi-media-dev-example", "acme-media-qa2"),
            ("mobi-frontend-dev-example", "acme-front-qa2"),
            (
                "[external_apis]",
                "[workers.gpod]\nimage = \"rg.nl-ams.scw.cloud/acme/worker-gis\"\ntag = \"2.0.0-rc1\"\nreplicas = 3\nstream = \"gis.tiles\"\nmax_replicas = 5\n\n[external_apis]",
            ),
        ],
        dir.path(),
        "qa2.toml",
    );
    let out = tempfile::tempdir().unwrap();
    generate_ok(&preset, out.path());
    assert_layout(out.path(), "qa2");
    terraform_fmt_check(&out.path().join("infra/terraform"));
    let env_dir = out.path().join("infra/terraform/envs/qa2");
    let env_text: String = ENV_FILES
        .iter()
        .filter(|f| f.ends_with(".tf"))
        .map(|f| std::fs::read_to_string(env_dir.join(f)).unwrap())
        .collect();
    for (worker, stream) in [
        ("vpod", "media.video"),
        ("ipod", "media.photo"),
        ("dpod", "media.document"),
        ("ppod", "public.data"),
        ("gpod", "gis.tiles"),
    ] {
        assert!(
            env_text.contains(worker) && env_text.contains(stream),
            "worker {worker} ({stream}) missing from envs/qa2"
        );
    }
    assert!(
        env_text.contains("nl-ams")
            && env_text.contains("192.168.64.0/24")
            && env_text.contains("acme-media-qa2")
    );
    assert!(
        env_text.contains("default     = \"nl-ams\""),
        "region default is not the preset's"
    );
    assert!(
        !env_text.contains("default     = \"fr-par\""),
        "a value of the dev preset leaked into another env"
    );
    assert!(
        !env_text.contains("\"172.16.0.0/22\""),
        "the dev CIDR leaked into another env"
    );
}

fn snapshot_mtimes(dir: &Path) -> Vec<(String, std::time::SystemTime, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .map(|f| {
            let p = dir.join(&f);
            (
                f,
                std::fs::metadata(&p).unwrap().modified().unwrap(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn same_preset_twice_rewrites_nothing() {
    let out = tempfile::tempdir().unwrap();
    let preset = repo().join("presets/dev.toml");
    generate_ok(&preset, out.path());
    let before = snapshot_mtimes(out.path());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let o = generate(&preset, out.path(), &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("0 created, 0 updated"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        snapshot_mtimes(out.path()),
        before,
        "a no-op re-run touched files"
    );
}

#[test]
fn user_edits_survive_without_force_and_dry_run_writes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let preset = repo().join("presets/dev.toml");
    generate_ok(&preset, out.path());
    let main_tf = out.path().join("infra/terraform/envs/dev/main.tf");
    let edited = format!(
        "{}\n# local tweak by a human\n",
        std::fs::read_to_string(&main_tf).unwrap()
    );
    std::fs::write(&main_tf, &edited).unwrap();
    // The preset changes too, so the generator has a reason to rewrite other files.
    let dir = tempfile::tempdir().unwrap();
    let changed = preset_variant(
        "dev.toml",
        &[(
            "tag      = \"0.1.0\"\nreplicas = 2",
            "tag      = \"0.2.0\"\nreplicas = 2",
        )],
        dir.path(),
        "dev.toml",
    );
    let before = snapshot_mtimes(out.path());

    let o = generate(&changed, out.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("infra/terraform/envs/dev/main.tf"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).lines().count(), 1);
    assert_eq!(
        snapshot_mtimes(out.path()),
        before,
        "a refused run wrote files"
    );

    let o = generate(&changed, out.path(), &["--dry-run"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("--- a/infra/terraform/envs/dev/main.tf"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("-# local tweak by a human"),
        "{}",
        stdout(&o)
    );
    assert_eq!(snapshot_mtimes(out.path()), before, "--dry-run wrote files");

    let o = generate(&changed, out.path(), &["--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!std::fs::read_to_string(&main_tf)
        .unwrap()
        .contains("local tweak"));
}

#[test]
fn no_secret_in_any_file_and_gitignore_covers_the_seed() {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(bin())
        .args(["generate", "--preset"])
        .arg(repo().join("presets/prod.toml"))
        .arg("--out")
        .arg(out.path())
        .env("SCW_ACCESS_KEY", "SCWMARKERACCESS0000")
        .env("SCW_SECRET_KEY", "11111111-marker-secret-key")
        .env("TF_VAR_ancpi_api_key", "marker-ancpi-key")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for f in files_under(out.path()) {
        let text = std::fs::read_to_string(out.path().join(&f)).unwrap_or_default();
        for marker in [
            "SCWMARKERACCESS0000",
            "marker-secret-key",
            "marker-ancpi-key",
        ] {
            assert!(
                !text.contains(marker),
                "{f} contains a secret from the environment"
            );
        }
        for line in text.lines() {
            let l = line.trim();
            let assigns_literal =
                |k: &str| l.starts_with(k) && l.contains("= \"") && !l.contains("${");
            assert!(
                !(assigns_literal("password")
                    || assigns_literal("secret_key")
                    || assigns_literal("access_key")),
                "{f} assigns a literal credential: {l}"
            );
        }
    }
    let gi = std::fs::read_to_string(out.path().join(".gitignore")).unwrap();
    for entry in [
        ".terraform/",
        "*.tfstate",
        "*.tfstate.backup",
        "crash.log",
        ".terraform.tfstate*",
        "terraform.tfvars",
    ] {
        assert!(
            gi.lines().any(|l| l.trim() == entry),
            ".gitignore lacks {entry}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(
            out.path()
                .join("infra/terraform/envs/prod/terraform.tfvars"),
        )
        .unwrap()
        .permissions()
        .mode();
        assert_eq!(mode & 0o077, 0, "terraform.tfvars is readable by others");
    }
}

#[test]
fn existing_gitignore_is_merged_not_replaced() {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join(".gitignore"), "node_modules/\n*.tfstate\n").unwrap();
    generate_ok(&repo().join("presets/dev.toml"), out.path());
    let gi = std::fs::read_to_string(out.path().join(".gitignore")).unwrap();
    assert!(gi.starts_with("node_modules/\n*.tfstate\n"), "{gi}");
    assert_eq!(gi.matches("*.tfstate\n").count(), 1, "{gi}");
    assert!(gi.contains("terraform.tfvars"));
}

#[test]
fn every_variable_is_typed_and_described_and_every_output_described() {
    use mobi_tui::render::docs::parse_blocks;
    let preset = mobi_tui::preset::load(&repo().join("presets/prod.toml")).unwrap();
    let files = mobi_tui::render::render_tree(&preset).unwrap();
    let mut checked = 0;
    for f in files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "tf"))
    {
        let text = String::from_utf8(f.contents.clone()).unwrap();
        for v in parse_blocks(&text, &["variable"]) {
            assert!(
                v.attr("type").is_some(),
                "{}: variable {} has no type",
                f.path.display(),
                v.name
            );
            let d = v.attr("description").unwrap_or("");
            assert!(
                d.len() > 2,
                "{}: variable {} has no description",
                f.path.display(),
                v.name
            );
            checked += 1;
        }
        for o in parse_blocks(&text, &["output"]) {
            assert!(
                o.attr("description").is_some_and(|d| d.len() > 2),
                "{}: output {} has no description",
                f.path.display(),
                o.name
            );
            checked += 1;
        }
    }
    assert!(
        checked > 100,
        "only {checked} blocks found: is the parser blind?"
    );
}

#[test]
fn env_outputs_carry_the_contract_names() {
    let preset = mobi_tui::preset::load(&repo().join("presets/dev.toml")).unwrap();
    let files = mobi_tui::render::render_tree(&preset).unwrap();
    let outputs = files
        .iter()
        .find(|f| f.path.ends_with("envs/dev/outputs.tf"))
        .expect("envs/dev/outputs.tf");
    let blocks = mobi_tui::render::docs::parse_blocks(
        std::str::from_utf8(&outputs.contents).unwrap(),
        &["output"],
    );
    for name in [
        "media_bucket_name",
        "frontend_bucket_name",
        "s3_endpoint",
        "database_host",
        "database_port",
        "database_name",
        "redis_host",
        "redis_port",
        "api_url",
        "frontend_url",
        "cluster_id",
        "kubeconfig",
    ] {
        assert!(
            blocks.iter().any(|b| b.name == name),
            "envs/dev/outputs.tf lacks output {name}"
        );
    }
    let kubeconfig = blocks.iter().find(|b| b.name == "kubeconfig").unwrap();
    assert_eq!(
        kubeconfig.attr("sensitive"),
        Some("true"),
        "kubeconfig must be sensitive"
    );
}

#[test]
fn user_facing_env_variables_have_validation_blocks() {
    let preset = mobi_tui::preset::load(&repo().join("presets/dev.toml")).unwrap();
    let files = mobi_tui::render::render_tree(&preset).unwrap();
    let vars = files
        .iter()
        .find(|f| f.path.ends_with("envs/dev/variables.tf"))
        .unwrap();
    let text = std::str::from_utf8(&vars.contents).unwrap();
    for name in [
        "region",
        "private_cidr",
        "backend_image_tag",
        "backend_hostname",
        "frontend_domain",
        "workers",
    ] {
        let start = text
            .find(&format!("variable \"{name}\" {{"))
            .unwrap_or_else(|| panic!("no variable {name}"));
        let end = text[start + 1..]
            .find("\nvariable ")
            .map(|e| e + start + 1)
            .unwrap_or(text.len());
        assert!(
            text[start..end].contains("validation {"),
            "variable {name} has no validation block"
        );
    }
}

/// What people review in a pull request: the rendered env root of each shipped preset, held by
/// snapshots (modules are verbatim templates; the env files are where the preset shows).
#[test]
fn rendered_env_files_match_their_snapshots() {
    for env in ["dev", "prod"] {
        let preset = mobi_tui::preset::load(&repo().join(format!("presets/{env}.toml"))).unwrap();
        let files = mobi_tui::render::render_tree(&preset).unwrap();
        for f in files
            .iter()
            .filter(|f| f.path.starts_with(format!("infra/terraform/envs/{env}")))
        {
            let name = format!(
                "{env}__{}",
                f.path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .replace('.', "_")
            );
            insta::assert_snapshot!(name, String::from_utf8_lossy(&f.contents));
        }
    }
}

#[test]
fn doctor_finds_terraform_serves_the_sandbox_and_never_prints_credentials() {
    let run = |creds: bool| {
        let mut c = Command::new(bin());
        c.arg("doctor");
        for v in mobi_tui::engine::CREDENTIAL_VARS {
            if creds {
                c.env(v, "doctor-marker-value");
            } else {
                c.env_remove(v);
            }
        }
        c.output().unwrap()
    };
    let o = run(false);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("terraform: 1."), "{out}");
    assert!(out.contains("sandbox: scaleway 2.79.0"), "{out}");
    assert!(out.contains("missing SCW_ACCESS_KEY"), "{out}");
    assert!(out.contains("SCW_DEFAULT_ORGANIZATION_ID"), "{out}");
    let o = run(true);
    assert!(
        !stdout(&o).contains("doctor-marker-value"),
        "{}",
        stdout(&o)
    );
    assert!(
        !stdout(&o).contains("missing SCW_ACCESS_KEY"),
        "{}",
        stdout(&o)
    );
}

// --- Rendered-tree assertions for issue 9 (each fails on the tree before its fix) ------------

fn rendered(preset: &str) -> Vec<mobi_tui::render::RenderedFile> {
    let preset = mobi_tui::preset::load(&repo().join("presets").join(preset)).unwrap();
    mobi_tui::render::render_tree(&preset).unwrap()
}

fn rendered_variant(edits: &[(&str, &str)]) -> Vec<mobi_tui::render::RenderedFile> {
    let dir = tempfile::tempdir().unwrap();
    let p = preset_variant("dev.toml", edits, dir.path(), "dev.toml");
    let preset = mobi_tui::preset::load(&p).unwrap();
    mobi_tui::render::render_tree(&preset).unwrap()
}

fn text_of(files: &[mobi_tui::render::RenderedFile], path: &str) -> String {
    let f = files
        .iter()
        .find(|f| f.path == Path::new(path))
        .unwrap_or_else(|| panic!("{path} is not rendered"));
    String::from_utf8(f.contents.clone()).unwrap()
}

/// The text of the top-level block that starts with `header` (e.g. `variable "x" {`).
fn block<'a>(text: &'a str, header: &str) -> &'a str {
    let start = text
        .find(header)
        .unwrap_or_else(|| panic!("no block {header}"));
    let end = text[start..]
        .find("\n}\n")
        .map(|e| start + e + 3)
        .unwrap_or(text.len());
    &text[start..end]
}

#[test]
fn helm_chart_versions_are_exact_and_validated_everywhere() {
    let exact = regex::Regex::new(r"^v?[0-9]+\.[0-9]+\.[0-9]+$").unwrap();
    let files = rendered("prod.toml");
    let mut releases = 0;
    for m in ["app_backend", "observability"] {
        let main = text_of(&files, &format!("infra/terraform/modules/{m}/main.tf"));
        let vars = text_of(&files, &format!("infra/terraform/modules/{m}/variables.tf"));
        for line in main
            .lines()
            .filter(|l| l.trim_start().starts_with("version "))
        {
            let var = line
                .split("var.")
                .nth(1)
                .expect("chart version from a variable");
            let v = block(&vars, &format!("variable \"{}\" {{", var.trim()));
            let default = v
                .lines()
                .find_map(|l| l.trim().strip_prefix("default     = "))
                .unwrap_or_else(|| panic!("modules/{m}: {var} has no default"));
            assert!(
                exact.is_match(default.trim_matches('"')),
                "modules/{m}: {var} defaults to {default}, not an exact version"
            );
            assert!(
                v.contains("validation {"),
                "modules/{m}: {var} is not validated"
            );
            releases += 1;
        }
    }
    assert_eq!(releases, 3, "traefik, cert-manager, k8s-monitoring");
    let env_main = text_of(&files, "infra/terraform/envs/prod/main.tf");
    assert!(
        block(&env_main, "module \"observability\" {")
            .contains("chart_version          = var.k8s_monitoring_version"),
        "the env does not pass the preset's k8s-monitoring version"
    );
    let env_vars = text_of(&files, "infra/terraform/envs/prod/variables.tf");
    for var in [
        "traefik_version",
        "cert_manager_version",
        "k8s_monitoring_version",
    ] {
        let b = block(&env_vars, &format!("variable \"{var}\" {{"));
        assert!(b.contains("validation {"), "envs: {var} is not validated");
    }
    let custom = rendered_variant(&[(
        "[external_apis]",
        "[observability]\nk8s_monitoring_version = \"2.1.9\"\n\n[external_apis]",
    )]);
    assert!(
        text_of(&custom, "infra/terraform/envs/dev/variables.tf")
            .contains("default     = \"2.1.9\""),
        "observability.k8s_monitoring_version does not reach the tree"
    );
}

/// Every `resource "<kind>" "<name>" {` block of the rendered `.tf` files, as (path, name, text).
fn resources_of(
    files: &[mobi_tui::render::RenderedFile],
    kind: &str,
) -> Vec<(String, String, String)> {
    let header = format!("resource \"{kind}\" \"");
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "tf"))
    {
        let text = String::from_utf8_lossy(&f.contents).into_owned();
        let mut rest = text.as_str();
        while let Some(i) = rest.find(&header) {
            let b = block(rest, &rest[i..i + rest[i..].find('{').unwrap() + 1]);
            let name = b[header.len()..].split('"').next().unwrap().to_string();
            out.push((f.path.display().to_string(), name, b.to_string()));
            rest = &rest[i + header.len()..];
        }
    }
    out
}

#[test]
fn organization_id_flows_from_the_project_into_every_iam_resource() {
    for preset in ["dev.toml", "prod.toml"] {
        let files = rendered(preset);
        let mut iam = 0;
        for kind in ["scaleway_iam_application", "scaleway_iam_policy"] {
            for (path, name, b) in resources_of(&files, kind) {
                assert!(
                    b.contains("organization_id = var.organization_id"),
                    "{path}: {kind}.{name} gets no organization_id:\n{b}"
                );
                iam += 1;
            }
        }
        assert!(iam >= 2, "{preset}: only {iam} IAM resources found");
        let outputs = text_of(&files, "infra/terraform/modules/project/outputs.tf");
        assert!(outputs.contains("output \"organization_id\""), "{outputs}");
        let env = preset.trim_end_matches(".toml");
        let main = text_of(&files, &format!("infra/terraform/envs/{env}/main.tf"));
        assert!(
            block(&main, "module \"object_storage\" {")
                .contains("organization_id         = module.project.organization_id"),
            "object_storage does not get the project's organization"
        );
        let example = text_of(
            &files,
            &format!("infra/terraform/envs/{env}/terraform.tfvars.example"),
        );
        let workflow = text_of(&files, ".github/workflows/terraform.yml");
        let readme = text_of(&files, "infra/terraform/README.md");
        for (what, text) in [
            ("tfvars.example", &example),
            ("workflow", &workflow),
            ("README", &readme),
        ] {
            assert!(
                text.contains("SCW_DEFAULT_ORGANIZATION_ID"),
                "{what} does not name SCW_DEFAULT_ORGANIZATION_ID"
            );
        }
    }
    // A new project needs an organization: the resource refuses the plan without one.
    let project = text_of(
        &rendered("dev.toml"),
        "infra/terraform/modules/project/main.tf",
    );
    let create = block(&project, "resource \"scaleway_account_project\" \"this\" {");
    assert!(
        create.contains("precondition {") && create.contains("SCW_DEFAULT_ORGANIZATION_ID"),
        "{create}"
    );
    assert!(mobi_tui::engine::CREDENTIAL_VARS.contains(&"SCW_DEFAULT_ORGANIZATION_ID"));
    let own_readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(own_readme.contains("SCW_DEFAULT_ORGANIZATION_ID"));
}

#[test]
fn kapsule_minor_version_goes_to_the_cluster_without_a_version_lookup() {
    let files = rendered("dev.toml");
    let main = text_of(&files, "infra/terraform/modules/kubernetes_cluster/main.tf");
    // A lookup exists only for "latest": the data source cannot resolve a minor name.
    let mut rest = main.as_str();
    while let Some(i) = rest.find("data \"scaleway_k8s_version\"") {
        let b = block(rest, &rest[i..i + rest[i..].find('{').unwrap() + 1]);
        assert!(
            b.contains("count = var.kubernetes_version == \"latest\" ? 1 : 0")
                && b.contains("name   = \"latest\""),
            "a scaleway_k8s_version lookup of a non-latest name:\n{b}"
        );
        rest = &rest[i + 1..];
    }
    let cluster = block(&main, "resource \"scaleway_k8s_cluster\" \"this\" {");
    let version = cluster
        .lines()
        .find(|l| l.trim_start().starts_with("version "))
        .unwrap();
    assert!(
        version.trim_end().ends_with(": var.kubernetes_version"),
        "the cluster does not take the minor version directly: {version}"
    );
    let env = text_of(&files, "infra/terraform/envs/dev/variables.tf");
    assert!(block(&env, "variable \"kubernetes_version\" {").contains("default     = \"1.35\""));
}

#[test]
fn external_api_secret_waits_for_the_workers_namespace() {
    let files = rendered("dev.toml");
    let main = text_of(&files, "infra/terraform/envs/dev/main.tf");
    let m = block(&main, "module \"external_apis\" {");
    assert!(
        m.contains("namespace       = module.app_workers.namespace"),
        "the external API Secret's namespace is not taken from module.app_workers (races it):\n{m}"
    );
}

#[test]
fn pool_upgrade_policy_is_sent_at_create_and_a_fixed_pool_can_be_resized() {
    let files = rendered("dev.toml");
    let main = text_of(&files, "infra/terraform/modules/kubernetes_cluster/main.tf");
    let pool = block(&main, "resource \"scaleway_k8s_pool\" \"this\" {");
    // The provider sends upgrade_policy values at create only when non-zero (d.GetOk): a 0 is
    // replaced by the API default and the second plan shows a diff.
    for key in ["max_surge", "max_unavailable"] {
        let v: u32 = pool
            .lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .and_then(|rest| rest.trim().trim_start_matches('=').trim().parse().ok())
            .unwrap_or_else(|| panic!("no numeric upgrade_policy.{key}:\n{pool}"));
        assert!(v > 0, "upgrade_policy.{key} = 0 is dropped at create");
    }
    assert!(
        !pool.contains("ignore_changes = [size]"),
        "size is ignored even when autoscaling is off: a fixed pool cannot be resized"
    );
}

#[test]
fn module_validations_and_notes_agree_with_the_provider() {
    let files = rendered("prod.toml");
    let module = |m: &str, f: &str| text_of(&files, &format!("infra/terraform/modules/{m}/{f}"));
    let k8s = module("kubernetes_cluster", "variables.tf");
    let rvt = block(&k8s, "variable \"root_volume_type\" {");
    assert!(
        !rvt.contains("\"b_ssd\""),
        "b_ssd is not available for new pools:\n{rvt}"
    );
    let cni = block(&k8s, "variable \"cni\" {");
    for c in mobi_tui::preset::rules::CNIS {
        assert!(
            cni.contains(&format!("\"{c}\"")),
            "the preset accepts cni {c}, the module refuses it"
        );
    }
    let pg = module("postgres", "variables.tf");
    assert!(
        block(&pg, "variable \"volume_size_gb\" {").contains("% 5 == 0"),
        "the provider refuses RDB volume sizes that are not multiples of 5"
    );
    assert!(
        !block(&pg, "variable \"ha_enabled\" {").contains("recreates"),
        "is_ha_cluster is changed in place, not by replacement"
    );
    let redis = module("redis", "variables.tf");
    assert!(
        block(&redis, "variable \"cluster_size\" {").contains("contains([1, 2], var.cluster_size)"),
        "cluster mode is accepted though the apps get a single-node URL"
    );
    let obs = module("observability", "variables.tf");
    assert!(
        !obs.contains("recreates the source"),
        "Cockpit retention_days is not ForceNew"
    );
    let env = text_of(&files, "infra/terraform/envs/prod/variables.tf");
    for var in [
        "kubernetes_cni",
        "postgres_volume_size_gb",
        "redis_cluster_size",
        "kubernetes_root_volume_size_gb",
    ] {
        assert!(
            block(&env, &format!("variable \"{var}\" {{")).contains("validation {"),
            "envs: {var} is not validated"
        );
    }
}

#[test]
fn edge_services_plan_is_owned_only_by_an_env_that_owns_its_project() {
    let edits = [(
        "domain = \"app.dev.mobi.example.com\"",
        "domain = \"app.dev.mobi.example.com\"\ncdn = true",
    )];
    let files = rendered_variant(&edits);
    let vars = text_of(&files, "infra/terraform/modules/app_frontend/variables.tf");
    assert!(
        block(&vars, "variable \"cdn_manage_plan\" {").contains("default     = false"),
        "every env subscribes (and on destroy unsubscribes) the shared project's plan"
    );
    let main = text_of(&files, "infra/terraform/envs/dev/main.tf");
    assert!(block(&main, "module \"app_frontend\" {")
        .contains("cdn_manage_plan  = var.cdn_manage_plan"));
    let env = text_of(&files, "infra/terraform/envs/dev/variables.tf");
    assert!(block(&env, "variable \"cdn_manage_plan\" {").contains("default     = false"));
    let own = rendered_variant(&[
        edits[0],
        (
            "region = \"fr-par\"",
            "region = \"fr-par\"\ncreate_project = true",
        ),
    ]);
    let env = text_of(&own, "infra/terraform/envs/dev/variables.tf");
    assert!(block(&env, "variable \"cdn_manage_plan\" {").contains("default     = true"));
}

#[test]
fn a_custom_frontend_domain_is_only_pointed_at_the_cdn() {
    let files = rendered("dev.toml");
    let main = text_of(&files, "infra/terraform/modules/app_frontend/main.tf");
    let target = main
        .lines()
        .find(|l| l.trim_start().starts_with("cname_target"))
        .expect("local cname_target");
    assert!(
        !target.contains("website_endpoint"),
        "the custom domain is CNAME'd to the bucket website, which cannot serve it: {target}"
    );
    let record = block(&main, "resource \"scaleway_domain_record\" \"this\" {");
    assert!(
        record.contains("var.cdn_enabled"),
        "a record is created without the CDN:\n{record}"
    );
    assert!(main.contains("check \"custom_domain_needs_the_cdn\""));
}

#[test]
fn ingress_ip_is_reserved_pinned_output_and_given_an_a_record() {
    let files = rendered_variant(&[(
        "domain = \"app.dev.mobi.example.com\"",
        "domain = \"app.dev.mobi.example.com\"\ncdn = true\ndns_zone = \"dev.mobi.example.com\"",
    )]);
    let main = text_of(&files, "infra/terraform/modules/app_backend/main.tf");
    assert!(main.contains("resource \"scaleway_lb_ip\" \"ingress\" {"));
    let traefik = block(&main, "resource \"helm_release\" \"traefik\" {");
    assert!(
        traefik.contains("\"service.beta.kubernetes.io/scw-loadbalancer-ip-ids\" = element(split(\"/\", scaleway_lb_ip.ingress.id), 1)"),
        "the reserved IP is not pinned to the ingress Service:\n{traefik}"
    );
    let record = block(&main, "resource \"scaleway_domain_record\" \"api\" {");
    assert!(
        record.contains("type       = \"A\"")
            && record.contains("scaleway_lb_ip.ingress.ip_address")
    );
    let outputs = text_of(&files, "infra/terraform/envs/dev/outputs.tf");
    let ip = block(&outputs, "output \"ingress_ip\" {");
    assert!(ip.contains("module.app_backend.ingress_ip"), "{ip}");
    let module_outputs = text_of(&files, "infra/terraform/modules/app_backend/outputs.tf");
    assert!(
        !module_outputs.contains("load_balancer[0].ingress[0].ip"),
        "an ingress IP read from the Service status is always null with use-hostname"
    );
    let env = text_of(&files, "infra/terraform/envs/dev/main.tf");
    assert!(block(&env, "module \"app_backend\" {").contains("dns_zone     = local.api_dns_zone"));
    assert!(env.contains("api_dns_zone = var.dns_zone != null"));
}

#[test]
fn every_pod_pulls_from_the_private_registry_with_a_read_only_key() {
    let files = rendered("dev.toml");
    let os = text_of(&files, "infra/terraform/modules/object_storage/main.tf");
    let policy = block(&os, "resource \"scaleway_iam_policy\" \"registry_pull\" {");
    assert!(
        policy.contains("permission_set_names = [\"ContainerRegistryReadOnly\"]"),
        "{policy}"
    );
    assert!(os.contains("resource \"scaleway_iam_api_key\" \"registry_pull\" {"));
    let mut deployments = 0;
    for m in ["app_backend", "app_workers"] {
        let main = text_of(&files, &format!("infra/terraform/modules/{m}/main.tf"));
        let secret = block(&main, "resource \"kubernetes_secret_v1\" \"registry\" {");
        assert!(
            secret.contains("type = \"kubernetes.io/dockerconfigjson\""),
            "{m}: no dockerconfigjson Secret"
        );
        for (path, name, d) in resources_of(&files, "kubernetes_deployment_v1")
            .into_iter()
            .filter(|(p, _, _)| p.contains(m))
        {
            assert!(
                d.contains("image_pull_secrets {")
                    && d.contains("kubernetes_secret_v1.registry.metadata[0].name"),
                "{path}: {name} pulls from a private registry without credentials"
            );
            assert!(
                d.contains("wait_for_rollout = var.wait_for_rollout"),
                "{path}: {name}"
            );
            deployments += 1;
        }
    }
    assert_eq!(deployments, 2);
    let env = text_of(&files, "infra/terraform/envs/dev/variables.tf");
    assert!(block(&env, "variable \"wait_for_rollout\" {").contains("default     = true"));
    let off = rendered_variant(&[(
        "pool_max  = 3\n",
        "pool_max  = 3\nwait_for_rollout = false\n",
    )]);
    let env = text_of(&off, "infra/terraform/envs/dev/variables.tf");
    assert!(
        block(&env, "variable \"wait_for_rollout\" {").contains("default     = false"),
        "kubernetes.wait_for_rollout does not reach the tree"
    );
}

#[test]
fn redis_tls_certificate_reaches_every_pod_as_a_file_named_by_redis_ca_file() {
    let files = rendered("dev.toml");
    let env = text_of(&files, "infra/terraform/envs/dev/main.tf");
    for m in ["app_backend", "app_workers"] {
        assert!(
            block(&env, &format!("module \"{m}\" {{"))
                .contains("ca_certificate = module.redis.certificate"),
            "{m} does not get the Redis certificate"
        );
        let main = text_of(&files, &format!("infra/terraform/modules/{m}/main.tf"));
        assert!(
            block(&main, "resource \"kubernetes_secret_v1\" \"redis_ca\" {")
                .contains("\"ca.pem\" = var.redis.ca_certificate")
        );
        assert!(
            block(&main, "resource \"kubernetes_config_map_v1\" \"this\" {")
                .contains("REDIS_CA_FILE = \"${var.redis_ca_dir}/ca.pem\""),
            "{m}: no env var names the CA file"
        );
        for (path, name, d) in resources_of(&files, "kubernetes_deployment_v1")
            .into_iter()
            .filter(|(p, _, _)| p.contains(m))
        {
            assert!(
                d.contains("mount_path = var.redis_ca_dir")
                    && d.contains("secret_name = kubernetes_secret_v1.redis_ca.metadata[0].name"),
                "{path}: {name} does not mount the Redis CA"
            );
        }
    }
}

#[test]
fn bucket_names_are_preset_prefixes_with_a_stable_unique_suffix() {
    let files = rendered("dev.toml");
    let os = text_of(&files, "infra/terraform/modules/object_storage/main.tf");
    assert!(os.contains("resource \"random_id\" \"bucket_suffix\" {"));
    for b in ["media", "frontend"] {
        let bucket = block(
            &os,
            &format!("resource \"scaleway_object_bucket\" \"{b}\" {{"),
        );
        assert!(
            bucket.contains(&format!("name          = local.{b}_bucket_name")),
            "the {b} bucket takes the preset's name verbatim:\n{bucket}"
        );
        assert!(os.contains(&format!(
            "{b}_bucket_name{} = \"${{var.{b}_bucket_prefix}}-${{random_id.bucket_suffix.hex}}\"",
            if b == "media" { "   " } else { "" }
        )));
    }
    let env = text_of(&files, "infra/terraform/envs/dev/variables.tf");
    assert!(block(&env, "variable \"media_bucket_prefix\" {")
        .contains("default     = \"mobi-media-dev-example\""));
}

#[test]
fn traefik_trusts_proxy_headers_from_the_private_network_only() {
    let files = rendered("dev.toml");
    let main = text_of(&files, "infra/terraform/modules/app_backend/main.tf");
    let traefik = block(&main, "resource \"helm_release\" \"traefik\" {");
    assert!(
        !traefik.contains("insecure = true"),
        "Traefik trusts PROXY headers from anyone"
    );
    assert_eq!(
        traefik
            .matches("trustedIPs = [var.proxy_trusted_cidr]")
            .count(),
        2
    );
    let env = text_of(&files, "infra/terraform/envs/dev/main.tf");
    assert!(block(&env, "module \"app_backend\" {")
        .contains("proxy_trusted_cidr   = module.network.ipv4_cidr"));
}

/// The text of the job `name` of a GitHub workflow (from `  name:` to the next job).
fn workflow_job<'a>(workflow: &'a str, name: &str) -> &'a str {
    let header = format!("\n  {name}:\n");
    let start = workflow
        .find(&header)
        .unwrap_or_else(|| panic!("no job {name}"))
        + 1;
    let rest = &workflow[start + header.len() - 1..];
    let end = rest
        .match_indices("\n  ")
        .find(|(i, _)| {
            let line = &rest[i + 3..];
            !line.starts_with(' ') && !line.starts_with('#') && line.contains(':')
        })
        .map(|(i, _)| start + header.len() - 1 + i)
        .unwrap_or(workflow.len());
    &workflow[start..end]
}

#[test]
fn ci_workflow_pins_node24_actions_by_sha_and_uploads_no_binary_plan() {
    let files = rendered("dev.toml");
    let wf = text_of(&files, ".github/workflows/terraform.yml");
    let pinned = regex::Regex::new(
        r"^\s*- uses: (actions/checkout|hashicorp/setup-terraform|actions/upload-artifact)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$",
    )
    .unwrap();
    let uses: Vec<&str> = wf.lines().filter(|l| l.contains("uses:")).collect();
    assert!(uses.len() >= 8, "{uses:?}");
    for line in &uses {
        let c = pinned
            .captures(line)
            .unwrap_or_else(|| panic!("not pinned by SHA with a version comment: {line}"));
        // The first majors that run on Node 24 (Node 20 is gone from the runners).
        let (major, min) = match &c[1] {
            "actions/checkout" => (c[3][1..].split('.').next().unwrap().to_owned(), 5),
            "hashicorp/setup-terraform" => (c[3][1..].split('.').next().unwrap().to_owned(), 4),
            _ => (c[3][1..].split('.').next().unwrap().to_owned(), 6),
        };
        assert!(major.parse::<u32>().unwrap() >= min, "old major: {line}");
    }
    let plan = workflow_job(&wf, "plan");
    let upload = &plan[plan.find("actions/upload-artifact").unwrap()..];
    assert!(
        !upload.contains("/tfplan\n"),
        "the binary plan (secrets in clear) is uploaded"
    );
    assert!(upload.contains("plan.txt") && upload.contains("plan-summary.json"));
    assert!(plan.contains("rm -f tfplan"));
    assert!(plan.contains("terraform show -json tfplan"));
}

#[test]
fn ci_workflow_never_cancels_a_state_lock_holder_and_inits_from_the_lock_file() {
    let files = rendered("dev.toml");
    let wf = text_of(&files, ".github/workflows/terraform.yml");
    let before_jobs = &wf[..wf.find("\njobs:\n").unwrap()];
    assert!(
        !before_jobs.contains("cancel-in-progress"),
        "a workflow-wide cancel-in-progress reaches the plan and apply jobs"
    );
    for job in ["plan", "apply"] {
        let j = workflow_job(&wf, job);
        assert!(
            j.contains("cancel-in-progress: false") && !j.contains("cancel-in-progress: true"),
            "{job} holds the state lock: {j}"
        );
    }
    let inits: Vec<&str> = wf
        .lines()
        .filter(|l| l.contains("run: terraform init"))
        .collect();
    assert!(inits.len() >= 2);
    for l in inits {
        assert!(l.contains("-lockfile=readonly"), "{l}");
    }
    // mobi-tui's own init in the apply job (one per phase) is held to the lock file too.
    let apply = workflow_job(&wf, "apply");
    assert!(
        apply.contains("TF_CLI_ARGS_init: -lockfile=readonly"),
        "the apply job's mobi-tui runs init without -lockfile=readonly: {apply}"
    );
    assert!(wf.contains("providers lock"));
    assert!(wf.contains("-platform=linux_amd64") && wf.contains("-platform=darwin_arm64"));
    let readme = text_of(&files, "infra/terraform/README.md");
    assert!(readme.contains(".terraform.lock.hcl") && readme.contains("-platform=linux_amd64"));
}

#[test]
fn ci_workflow_applies_each_env_on_merge_phase_by_phase_behind_its_environment() {
    let files = rendered("prod.toml");
    let wf = text_of(&files, ".github/workflows/terraform.yml");
    let apply = workflow_job(&wf, "apply");
    assert!(apply.contains("if: github.event_name == 'push' && github.ref == 'refs/heads/main'"));
    assert!(apply.contains("environment: ${{ matrix.env }}"));
    assert!(apply.contains("PRESET: presets/${{ matrix.env }}.toml"));
    assert!(apply.contains("set -euo pipefail"));
    assert!(apply.contains("--from \"$phase\" --to \"$phase\""));
    assert!(apply.contains("--apply --auto-approve --json"));
    assert!(apply.contains("mobi-tui smoke --preset \"$PRESET\" --out . --junit"));
    let upload = &apply[apply.rfind("actions/upload-artifact").unwrap()..];
    assert!(upload.contains("if: always()") && upload.contains("smoke-${{ matrix.env }}.xml"));
    assert!(wf.contains("required reviewers"));
    let readme = text_of(&files, "infra/terraform/README.md");
    assert!(readme.contains("required reviewers") && readme.contains("--auto-approve"));
}

#[test]
fn generated_workflow_passes_actionlint() {
    let dir = tempfile::tempdir().unwrap();
    generate_ok(&repo().join("presets/dev.toml"), dir.path());
    let wf = dir.path().join(".github/workflows/terraform.yml");
    let out = Command::new("actionlint")
        .arg("-no-color")
        .arg(&wf)
        .output()
        .unwrap_or_else(|e| {
            panic!("actionlint not runnable ({e}): run scripts/install-test-deps.sh")
        });
    assert!(
        out.status.success(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn kubernetes_api_allow_list_is_a_preset_decision_with_its_ci_consequence_said() {
    let files = rendered_variant(&[(
        "[kubernetes]",
        "[kubernetes]\napi_allowed_cidrs = [\"203.0.113.0/24\"]",
    )]);
    let vars = text_of(&files, "infra/terraform/envs/dev/variables.tf");
    let v = block(&vars, "variable \"kubernetes_api_allowed_cidrs\" {");
    assert!(v.contains("default     = [\"203.0.113.0/24\"]"), "{v}");
    assert!(v.contains("validation {") && v.contains("GitHub-hosted CI runners"));
    let example = text_of(&files, "infra/terraform/envs/dev/terraform.tfvars.example");
    assert!(example.contains("kubernetes_api_allowed_cidrs = [\"203.0.113.0/24\"]"));
    let prod = std::fs::read_to_string(repo().join("presets/prod.toml")).unwrap();
    assert!(
        prod.contains("\napi_allowed_cidrs = "),
        "prod decides explicitly"
    );
    let readme = text_of(&files, "infra/terraform/README.md");
    assert!(
        readme.contains("`kubernetes.api_allowed_cidrs`")
            && readme.contains("GitHub-hosted CI runners")
    );
}

#[test]
fn permission_sets_per_phase_are_a_table_in_the_tree_readme() {
    let files = rendered("dev.toml");
    let readme = text_of(&files, "infra/terraform/README.md");
    let section = &readme[readme
        .find("## Permissions each phase needs")
        .expect("no permission table")..];
    let section = &section[..section[3..].find("\n## ").unwrap() + 3];
    assert!(section.contains("| phase | module / what | permission sets |"));
    for set in [
        "VPCFullAccess",
        "PrivateNetworksFullAccess",
        "ObjectStorageFullAccess",
        "IAMManager",
        "RelationalDatabasesFullAccess",
        "RedisFullAccess",
        "KubernetesFullAccess",
        "LoadBalancersFullAccess",
        "EdgeServicesFullAccess",
        "ObservabilityFullAccess",
    ] {
        assert!(section.contains(set), "{set} missing from the table");
    }
}

#[test]
fn state_bucket_bootstrap_root_is_versioned_expires_old_versions_and_admits_only_admins() {
    let files = rendered("dev.toml");
    let dir = "infra/terraform/bootstrap";
    for f in [
        "main.tf",
        "variables.tf",
        "outputs.tf",
        "versions.tf",
        "README.md",
    ] {
        text_of(&files, &format!("{dir}/{f}"));
    }
    let main = text_of(&files, &format!("{dir}/main.tf"));
    let bucket = block(&main, "resource \"scaleway_object_bucket\" \"this\" {");
    assert!(bucket.contains("versioning {\n    enabled = true"));
    assert!(bucket.contains("noncurrent_version_expiration {"));
    assert!(bucket.contains("prevent_destroy = true"));
    let policy = block(
        &main,
        "resource \"scaleway_object_bucket_policy\" \"this\" {",
    );
    assert!(policy.contains("Principal = { SCW = var.admin_principals }"));
    assert!(
        !policy.contains("Principal = \"*\""),
        "the state bucket admits anyone"
    );
    let vars = text_of(&files, &format!("{dir}/variables.tf"));
    let names: Vec<&str> = vars
        .lines()
        .filter_map(|l| l.strip_prefix("variable \""))
        .map(|l| &l[..l.find('"').unwrap()])
        .collect();
    assert!(names.contains(&"admin_principals") && names.contains(&"state_bucket_name"));
    for n in names {
        let b = block(&vars, &format!("variable \"{n}\" {{"));
        for part in ["type ", "description ", "validation {"] {
            assert!(b.contains(part), "variable {n} lacks {part}");
        }
    }
    let admins = block(&vars, "variable \"admin_principals\" {");
    assert!(
        admins.contains("length(var.admin_principals) > 0"),
        "lockout"
    );
    let readme = text_of(&files, "infra/terraform/README.md");
    assert!(readme.contains("bootstrap/") && readme.contains("apps' S3 key is denied"));
}

// --- Module READMEs in terraform-docs' own format (issue 14 item 10) --------------------------

/// The `.tf` files of a module folder, as (file name, text), the way terraform-docs reads them.
fn tf_files_of(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "tf"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// The fixture module's README after our inject must be, byte for byte, what terraform-docs
/// v0.24.0 with its default settings writes (the expected file is derived from terraform-docs'
/// templates and goldens, see tests/fixtures/tfdocs/README.md), so the pre-commit hook is a no-op.
#[test]
fn module_readme_block_is_byte_for_byte_terraform_docs_output() {
    let fixture = repo().join("tests/fixtures/tfdocs");
    let module = fixture.join("module");
    let readme = std::fs::read_to_string(module.join("README.md")).unwrap();
    let expected = std::fs::read_to_string(fixture.join("README.expected.md")).unwrap();
    let content = mobi_tui::render::docs::module_docs(&tf_files_of(&module));
    let got = mobi_tui::render::docs::fill_readme(&readme, &content);
    if got != expected {
        let diff = similar::TextDiff::from_lines(&expected, &got);
        panic!(
            "README differs from terraform-docs' output (- expected, + ours):\n{}",
            diff.unified_diff()
        );
    }
    // Injecting again into the result changes nothing (what the hook checks on every commit).
    assert_eq!(
        mobi_tui::render::docs::fill_readme(&got, &content),
        expected
    );
}

/// Every module README as rendered: what people read on the registry page and what the
/// `terraform_docs` hook must leave alone. Reviewed as snapshots.
#[test]
fn rendered_module_readmes_match_their_snapshots() {
    let files = rendered("dev.toml");
    for m in mobi_tui::render::MODULES {
        let text = text_of(&files, &format!("infra/terraform/modules/{m}/README.md"));
        let block = &text[text.find(mobi_tui::render::docs::BEGIN).unwrap()..];
        assert!(
            block.contains("## Requirements") && block.contains("## Outputs"),
            "modules/{m}/README.md has no terraform-docs block"
        );
        insta::assert_snapshot!(format!("module_readme__{m}"), text);
    }
}

/// Every generated repository ships the pre-commit hooks (fmt, validate, docs, tflint) pinned to
/// a released tag and the TFLint config the tflint hook reads; both must parse (YAML by a YAML
/// parser, the HCL by terraform's own parser through `terraform fmt`).
#[test]
fn pre_commit_and_tflint_configs_are_rendered_for_every_preset_and_parse() {
    let release_tag = regex::Regex::new(r"^v\d+\.\d+\.\d+$").unwrap();
    for env in ["dev", "staging", "prod"] {
        let files = rendered(&format!("{env}.toml"));
        let yaml = text_of(&files, ".pre-commit-config.yaml");
        let doc: serde_yaml::Value = serde_yaml::from_str(&yaml)
            .unwrap_or_else(|e| panic!("{env}: .pre-commit-config.yaml: {e}"));
        let repos = doc["repos"].as_sequence().expect("repos list");
        let hooks = repos
            .iter()
            .find(|r| {
                r["repo"].as_str() == Some("https://github.com/antonbabenko/pre-commit-terraform")
            })
            .expect("pre-commit-terraform repo");
        let rev = hooks["rev"].as_str().expect("rev");
        assert!(release_tag.is_match(rev), "rev {rev} is not a release tag");
        let ids: Vec<&str> = hooks["hooks"]
            .as_sequence()
            .expect("hooks list")
            .iter()
            .map(|h| h["id"].as_str().expect("hook id"))
            .collect();
        assert_eq!(
            ids,
            [
                "terraform_fmt",
                "terraform_validate",
                "terraform_docs",
                "terraform_tflint"
            ]
        );
        assert!(yaml.contains("--args=--config=__GIT_WORKING_DIR__/.tflint.hcl"));
        // Our READMEs never read a lock file; the hook must not either (validate leaves one).
        let docs_hook = hooks["hooks"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|h| h["id"].as_str() == Some("terraform_docs"))
            .unwrap();
        assert!(
            docs_hook["args"].as_sequence().is_some_and(|a| a
                .iter()
                .any(|x| x.as_str() == Some("--args=--lockfile=false"))),
            "terraform_docs hook reads lock files: {yaml}"
        );

        let tflint = text_of(&files, ".tflint.hcl");
        let blocks = mobi_tui::render::docs::parse_file(&tflint);
        let plugin = blocks
            .iter()
            .find(|b| b.kind == "plugin" && b.labels == ["terraform"])
            .expect("plugin \"terraform\" block");
        assert_eq!(plugin.attr("enabled"), Some("true"));
        assert_eq!(plugin.attr("preset"), Some("\"recommended\""));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tflint.tf"), &tflint).unwrap();
        terraform_fmt_check(dir.path());
    }
}

/// terraform-docs' own example module against the output terraform-docs v0.24.0 published for it
/// (tests/fixtures/tfdocs/upstream-examples, provenance in tests/fixtures/tfdocs/README.md): real
/// tool output, not our reading of its source.
#[test]
fn terraform_docs_own_example_renders_to_its_published_output() {
    let dir = repo().join("tests/fixtures/tfdocs/upstream-examples");
    let expected = std::fs::read_to_string(dir.join("content.expected.md")).unwrap();
    let got = mobi_tui::render::docs::module_docs(&tf_files_of(&dir));
    if got != expected {
        let diff = similar::TextDiff::from_lines(&expected, &got);
        panic!(
            "differs from terraform-docs' published output (- expected, + ours):\n{}",
            diff.unified_diff()
        );
    }
}
