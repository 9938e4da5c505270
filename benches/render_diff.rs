//! Criterion benchmarks: render for each overlay combination users compose.
//! (Diff on large generated live exports joins when diff mode lands.)

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use milvus_l7::output;
use milvus_l7::params::{ParamInputs, Setting};
use milvus_l7::render::{render, Sources};
use serde_json::json;

#[path = "live_export.rs"]
#[allow(dead_code)]
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
        origin: "bench".into(),
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

criterion_group!(benches, bench_render);
criterion_main!(benches);
