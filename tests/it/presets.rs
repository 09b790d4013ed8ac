//! Every bad-input fixture is refused with one line naming the file and the key path, exit 2, no
//! panic and no file written. The expected message is the fixture's first line (`# expect: …`).

use crate::support::*;

fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = repo().join("tests/fixtures/presets/bad");
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

fn expectation(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("# expect: "))
        .unwrap_or_else(|| panic!("{} lacks a `# expect:` first line", path.display()))
        .to_string()
}

#[test]
fn there_are_at_least_25_distinct_bad_inputs() {
    let expects: std::collections::BTreeSet<String> =
        fixtures().iter().map(|p| expectation(p)).collect();
    assert!(
        expects.len() >= 25,
        "only {} distinct expectations",
        expects.len()
    );
}

#[test]
fn library_refuses_each_fixture_with_its_message() {
    for f in fixtures() {
        let err = mobi_tui::preset::load(&f).expect_err(&format!("{} was accepted", f.display()));
        let msg = err.to_string();
        let want = expectation(&f);
        assert!(
            msg.contains(&want),
            "{}:\n  got:  {msg}\n  want: …{want}…",
            f.display()
        );
        assert!(
            !msg.contains('\n'),
            "{}: message is not one line: {msg:?}",
            f.display()
        );
        assert!(
            msg.starts_with(&f.display().to_string()),
            "{}: message does not name the file: {msg}",
            f.display()
        );
    }
}

#[test]
fn binary_exits_2_with_one_line_and_writes_nothing() {
    for f in fixtures() {
        let out = tempfile::tempdir().unwrap();
        let o = mobi(&[
            "generate",
            "--preset",
            f.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", f.display());
        assert_eq!(err.lines().count(), 1, "{}: {err}", f.display());
        assert!(err.contains(&expectation(&f)), "{}: {err}", f.display());
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            files_under(out.path()).is_empty(),
            "{}: wrote {:?}",
            f.display(),
            files_under(out.path())
        );
    }
}

#[test]
fn shipped_presets_are_valid_and_sized_for_their_purpose() {
    let load = |n: &str| mobi_tui::preset::load(&repo().join("presets").join(n)).unwrap();
    let (dev, staging, prod) = (load("dev.toml"), load("staging.toml"), load("prod.toml"));
    assert_eq!(
        (
            dev.project.env.as_str(),
            staging.project.env.as_str(),
            prod.project.env.as_str()
        ),
        ("dev", "staging", "prod")
    );
    assert!(
        prod.postgres.ha && !dev.postgres.ha,
        "prod Postgres is HA, dev is not"
    );
    assert!(prod.redis.cluster_size > 1);
    assert!(prod.kubernetes.autoscaling && prod.kubernetes.pool_min > dev.kubernetes.pool_min);
    assert!(prod.backend.replicas > dev.backend.replicas);
    assert!(!prod.object_storage.force_destroy);
}

#[test]
fn a_preset_round_trips_through_the_saved_form() {
    let p = mobi_tui::preset::load(&repo().join("presets/prod.toml")).unwrap();
    let text = mobi_tui::preset::to_toml(&p);
    let back = mobi_tui::preset::parse(&text, "saved.toml").unwrap();
    assert_eq!(p, back);
}
