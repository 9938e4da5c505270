//! Criterion benchmarks: render for each overlay combination users compose,
//! and diff against a generated 10k-object live export in each format
//! kubectl writes (load, match, normalize, compare; the report is small).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use milvus_l7::render::output;
use milvus_l7::render::params::{ParamInputs, Setting};
use milvus_l7::render::{render, Sources};
use serde_json::json;

#[path = "live_export.rs"]
mod live_export;

const COMBINATIONS: &[&[&str]] = &[
    &["google-managed"],
    &["self-managed"],
    &["google-managed", "https-only", "static-ip", "grpc-timeouts"],
    &[
        "gateway",
        "self-managed",
        "grpc-timeouts",
        "static-ip",
        "backend-tls",
    ],
];

fn inputs(overlays: &[&str]) -> ParamInputs {
    let set = |key: &str, value| Setting {
        key: key.into(),
        value,
        origin: milvus_l7::render::params::Origin::Flag("bench".into()),
    };
    ParamInputs {
        flags: vec![
            set("overlays", json!(overlays)),
            set("staticIpName", json!("ip")),
        ]
        .into_iter()
        .filter(|s| s.key != "staticIpName" || overlays.contains(&"static-ip"))
        .collect(),
        ..Default::default()
    }
}

fn bench_render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    for overlays in COMBINATIONS {
        let inputs = inputs(overlays);
        group.bench_with_input(
            BenchmarkId::from_parameter(overlays.join("+")),
            &inputs,
            |b, inputs| {
                b.iter(|| {
                    // Sources are loaded per run, as the binary does on every start.
                    let rendered = render(inputs, &Sources::builtin()).unwrap();
                    output::files(&rendered)
                })
            },
        );
    }
    group.finish();
}

fn bench_diff(c: &mut Criterion) {
    let rendered = render(&inputs(&["google-managed"]), &Sources::builtin()).unwrap();
    let objects = live_export::generate(10_000, 42);
    let mut group = c.benchmark_group("diff-10k");
    group.sample_size(10);
    for (name, format) in [
        ("list", live_export::Format::List),
        ("stream", live_export::Format::Stream),
        ("json", live_export::Format::Json),
    ] {
        let text = live_export::write(&objects, format);
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
            b.iter(|| {
                // As `milvus-l7 diff` reads: objects it cannot use are dropped while parsing.
                let sieve = milvus_l7::diff::LiveSieve::new(&rendered);
                let keep = |id: &milvus_l7::k8s::resource::ResId, value: &serde_json::Value| {
                    sieve.keep(id, value)
                };
                let live = milvus_l7::load::live::LiveReader::keeping(&keep)
                    .parse(text, "bench")
                    .unwrap();
                let comparison = milvus_l7::diff::compare(
                    &rendered,
                    live,
                    milvus_l7::diff::projection::Scope::Managed,
                );
                assert!(!comparison.differs());
                milvus_l7::diff::report::text(&comparison, 3, false)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_render, bench_diff);
criterion_main!(benches);
