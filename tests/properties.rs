//! Properties of render over generated parameters (proptest).

mod common;

use common::setting;
use milvus_l7::params::ParamInputs;
use milvus_l7::render::{render, Sources};
use milvus_l7::{output, yaml};
use proptest::prelude::*;
use serde_json::json;

/// Valid parameter sets: DNS-1035 releases, DNS-1123 namespaces, domains,
/// ports, and the overlay combinations users compose.
fn inputs() -> impl Strategy<Value = ParamInputs> {
    let combos = prop::sample::select(vec![
        vec!["google-managed"],
        vec!["self-managed"],
        vec!["google-managed", "https-only", "static-ip", "grpc-timeouts"],
        vec!["self-managed", "https-only", "backend-tls"],
        vec!["gateway", "self-managed", "grpc-timeouts"],
        vec!["gateway", "static-ip"],
    ]);
    (
        "[a-z][a-z0-9-]{0,20}[a-z0-9]",
        "[a-z][a-z0-9]{0,10}",
        "[a-z][a-z0-9]{0,10}\\.(example\\.com|milvus\\.io)",
        1024u16..65535,
        combos,
        any::<bool>(),
    )
        .prop_map(|(release, namespace, domain, port, overlays, redirect)| {
            let mut flags = vec![
                setting("release", json!(release)),
                setting("namespace", json!(namespace)),
                setting("domain", json!(domain)),
                setting("servicePort", json!(port)),
                setting("overlays", json!(overlays)),
            ];
            if overlays.contains(&"static-ip") {
                flags.push(setting("staticIpName", json!("ip")));
            }
            if overlays.contains(&"https-only") {
                flags.push(setting("redirect", json!(redirect)));
            }
            if overlays.contains(&"gateway") {
                flags.push(setting("certMap", json!("map")));
            }
            ParamInputs {
                flags,
                ..Default::default()
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn render_is_deterministic(inputs in inputs()) {
        let sources = Sources::builtin();
        let a = render(&inputs, &sources).unwrap();
        let b = render(&inputs, &sources).unwrap();
        prop_assert_eq!(output::stream(&a), output::stream(&b));
        prop_assert_eq!(output::files(&a), output::files(&b));
    }

    #[test]
    fn render_parse_render_is_a_fixed_point(inputs in inputs()) {
        let rendered = render(&inputs, &Sources::builtin()).unwrap();
        let text = output::stream(&rendered);
        let parsed = yaml::parse_stream(&text, "stream", yaml::Limits::default()).unwrap();
        prop_assert_eq!(parsed.len(), rendered.resources.len());
        let again = yaml::to_stream(&parsed.iter().collect::<Vec<_>>());
        prop_assert_eq!(again, text);
    }

    #[test]
    fn every_object_lands_in_the_chosen_namespace(inputs in inputs()) {
        let rendered = render(&inputs, &Sources::builtin()).unwrap();
        for r in &rendered.resources {
            prop_assert_eq!(&r.id.namespace, &rendered.params.namespace);
        }
    }
}
