//! Properties of render over generated parameters (proptest).

use crate::common::setting;
use milvus_l7::diff::compare;
use milvus_l7::diff::projection::Scope;
use milvus_l7::k8s::resource::Resource;
use milvus_l7::render::output;
use milvus_l7::render::params::ParamInputs;
use milvus_l7::render::{render, Sources};
use milvus_l7::yaml;
use proptest::prelude::*;
use serde_json::{json, Value};

/// What the API server, Helm and GKE's controllers add to a live object,
/// one switch per kind of addition (see research-gke.md §2).
pub(crate) const ADDITIONS: usize = 8;

pub(crate) fn decorate(
    object: &Resource,
    switches: &[bool; ADDITIONS],
    seed: u32,
    made_by_helm: bool,
) -> Resource {
    let mut value = object.value.clone();
    let kind = object.id.kind.as_str();
    let meta = value["metadata"].as_object_mut().unwrap();
    if switches[0] {
        meta.insert(
            "uid".into(),
            json!(format!("5687946c-096f-4c77-b945-{seed:012}")),
        );
        meta.insert("resourceVersion".into(), json!(seed.to_string()));
        meta.insert("generation".into(), json!(seed % 9 + 1));
        meta.insert("creationTimestamp".into(), json!("2026-11-01T10:00:00Z"));
        meta.insert("selfLink".into(), json!(format!("/apis/x/{seed}")));
    }
    if switches[1] {
        meta.insert("managedFields".into(), json!([{"manager": "glbc", "operation": "Update", "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {}}}]));
    }
    if switches[2] {
        let applied = object.value.to_string();
        let annotations = meta.entry("annotations").or_insert_with(|| json!({}));
        annotations["kubectl.kubernetes.io/last-applied-configuration"] = json!(applied);
    }
    if switches[3] {
        meta.insert(
            "finalizers".into(),
            json!(["networking.gke.io/ingress-finalizer-V2"]),
        );
    }
    let annotations = meta.entry("annotations").or_insert_with(|| json!({}));
    match kind {
        "Ingress" if switches[4] => {
            annotations["ingress.kubernetes.io/backends"] =
                json!(format!("{{\"k8s1-{seed}\":\"HEALTHY\"}}"));
            annotations["ingress.kubernetes.io/url-map"] = json!(format!("k8s2-um-{seed}"));
            annotations["ingress.kubernetes.io/https-forwarding-rule"] =
                json!(format!("k8s2-fs-{seed}"));
            if annotations
                .get("networking.gke.io/managed-certificates")
                .is_some()
            {
                annotations["ingress.gcp.kubernetes.io/pre-shared-cert"] =
                    json!(format!("mcrt-{seed}"));
            }
        }
        "Service" if switches[4] => {
            annotations["cloud.google.com/neg-status"] = json!(format!("{{\"network_endpoint_groups\":{{\"19530\":\"k8s1-{seed}\"}},\"zones\":[\"us-central1-a\"]}}"));
            if made_by_helm {
                annotations["meta.helm.sh/release-name"] = json!("r");
            }
        }
        _ => {}
    }
    // JSON-valued annotations as a person or GKE might space them.
    if switches[5] {
        for (_, v) in annotations.as_object_mut().unwrap().iter_mut() {
            if let Some(text) = v.as_str().filter(|t| t.starts_with('{')) {
                if let Ok(parsed) = serde_json::from_str::<Value>(text) {
                    *v = json!(serde_json::to_string_pretty(&parsed).unwrap());
                }
            }
        }
    }
    if annotations.as_object().unwrap().is_empty() {
        meta.remove("annotations");
    }
    if switches[6] {
        value["status"] = json!({"loadBalancer": {"ingress": [{"ip": "34.1.2.3"}]}});
    }
    if kind == "Service" && switches[7] {
        let spec = value["spec"].as_object_mut().unwrap();
        spec.insert("clusterIP".into(), json!("10.0.0.7"));
        spec.insert("clusterIPs".into(), json!(["10.0.0.7"]));
        spec.insert("ipFamilies".into(), json!(["IPv4"]));
        spec.insert("ipFamilyPolicy".into(), json!("SingleStack"));
        spec.insert("internalTrafficPolicy".into(), json!("Cluster"));
        spec.insert("sessionAffinity".into(), json!("None"));
        for port in spec["ports"].as_array_mut().unwrap() {
            port["protocol"] = json!("TCP");
        }
    }
    Resource::new(value).unwrap()
}

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

    #[test]
    fn diff_of_the_render_against_itself_plus_server_additions_is_empty(
        inputs in inputs(),
        switches in proptest::array::uniform8(any::<bool>()),
        seed in 1u32..1_000_000,
    ) {
        let rendered = render(&inputs, &Sources::builtin()).unwrap();
        let mut live: Vec<Resource> = rendered.resources.iter().map(|o| decorate(o, &switches, seed, false)).collect();
        live.push(decorate(&rendered.chart_service().to_resource(), &switches, seed, true));
        for scope in [Scope::Managed, Scope::Strict] {
            let comparison = compare(&rendered, live.clone(), scope);
            prop_assert!(!comparison.differs(), "{:?} {:?}: {:#?}", scope, switches, comparison.objects.iter().filter(|o| o.status != milvus_l7::diff::Status::Unchanged).collect::<Vec<_>>());
        }
    }
}
