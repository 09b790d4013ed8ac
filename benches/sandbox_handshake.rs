//! Sandbox start-up costs: what Terraform pays each time it launches a stand-in provider (two or
//! three times per command), and what the first schema request costs on top.
//!
//! `cargo bench --bench sandbox_handshake`

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use mobi_tui::sandbox::catalog;
use mobi_tui::sandbox::schema::ProviderSchema;

const MOBI_TUI: &str = env!("CARGO_BIN_EXE_mobi-tui");

/// Process start to the go-plugin handshake line on stdout, as the sandbox launches a stand-in:
/// plain gRPC on loopback (`TF_DISABLE_PLUGIN_TLS=1`, so no `PLUGIN_CLIENT_CERT`; a default
/// build refuses AutoMTLS).
fn handshake(c: &mut Criterion) {
    c.bench_function("plugin start -> handshake line", |b| {
        b.iter(|| {
            let mut child = Command::new(MOBI_TUI)
                .env(
                    "TF_PLUGIN_MAGIC_COOKIE",
                    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
                )
                .env_remove("PLUGIN_CLIENT_CERT")
                .env("MOBI_SANDBOX_PROVIDER", "scaleway")
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("mobi-tui starts");
            let mut line = String::new();
            BufReader::new(child.stdout.take().expect("stdout"))
                .read_line(&mut line)
                .expect("handshake line");
            assert!(line.starts_with("1|6|tcp|127.0.0.1:"), "{line}");
            // Only the child this iteration started is stopped.
            let _ = child.kill();
            let _ = child.wait();
        })
    });
}

/// Decompress + parse + convert: the first GetProviderSchema of a plugin process.
fn schema(c: &mut Criterion) {
    for name in ["scaleway", "kubernetes"] {
        let info = catalog::find(name).expect("known provider");
        c.bench_function(&format!("load + convert schema: {name}"), |b| {
            b.iter(|| ProviderSchema::load(info).expect("loads").to_proto())
        });
    }
}

/// What a launch pays for its schema answer with the on-disk cache warm: read + decode. The
/// baseline is `load + convert` above (what every launch paid before the cache).
fn cached_schema(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tmp");
    let env_dir = dir.path().join("dev");
    std::fs::create_dir_all(&env_dir).expect("env dir");
    std::env::set_var("MOBI_SANDBOX_DIR", &env_dir);
    for name in ["scaleway", "kubernetes"] {
        let info = catalog::find(name).expect("known provider");
        // The first call builds and stores the answer; the measured ones read it back.
        mobi_tui::sandbox::schema_cache::response(info).expect("answer");
        c.bench_function(&format!("cached schema answer: {name}"), |b| {
            b.iter(|| mobi_tui::sandbox::schema_cache::response(info).expect("answer"))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(5));
    targets = handshake, schema, cached_schema
}
criterion_main!(benches);
