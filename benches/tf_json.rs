//! Parsing Terraform's `-json` stream: the typed, lenient parser (`terraform::parse_line`) against
//! a plain `serde_json::Value` parse of the same lines, in MB/s.
//!
//! Input: the recorded streams in `tests/fixtures/tf-json/*.jsonl` (real Terraform 1.11.4 runs),
//! repeated to about 1 MB so timings are stable.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

fn corpus() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tf-json");
    let mut lines = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    for p in entries {
        if p.extension().is_some_and(|x| x == "jsonl") {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            lines.extend(text.lines().map(str::to_string));
        }
    }
    let one: usize = lines.iter().map(|l| l.len() + 1).sum();
    let copies = (1_000_000 / one.max(1)).max(1);
    let mut all = Vec::with_capacity(lines.len() * copies);
    for _ in 0..copies {
        all.extend(lines.iter().cloned());
    }
    all
}

fn bench(c: &mut Criterion) {
    let lines = corpus();
    let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
    let mut g = c.benchmark_group("tf_json");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(20);
    g.bench_function("typed_parse_line", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(mobi_tui::terraform::parse_line(black_box(l)));
            }
        })
    });
    g.bench_function("serde_json_value", |b| {
        b.iter(|| {
            for l in &lines {
                black_box(serde_json::from_str::<serde_json::Value>(black_box(l)).ok());
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
