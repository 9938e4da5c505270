//! `milvus-l7 graph`: the references it draws are read from the render.

use crate::common::{milvus_l7, setting, testdata};
use milvus_l7::graph::{self, Graph, NodeKind};
use milvus_l7::render::params::ParamInputs;
use milvus_l7::render::{render, Sources};
use serde_json::{json, Value};

fn graph_of(flags: &[(&str, Value)]) -> Graph {
    let inputs = ParamInputs {
        flags: flags
            .iter()
            .map(|(key, value)| setting(key, value.clone()))
            .collect(),
        ..Default::default()
    };
    graph::build(&render(&inputs, &Sources::builtin()).unwrap())
}

/// The label of the edge `from → to`, failing with the whole graph if absent.
fn edge(graph: &Graph, from: &str, to: &str) -> String {
    graph
        .edge(from, to)
        .unwrap_or_else(|| panic!("no edge {from} → {to} in {graph:#?}"))
        .label
        .clone()
}

fn lines(graph: &Graph, id: &str) -> String {
    graph
        .node(id)
        .unwrap_or_else(|| panic!("no node {id}"))
        .lines
        .join("\n")
}

#[test]
fn google_managed_draws_the_guides_chain() {
    let g = graph_of(&[("overlays", json!(["google-managed"]))]);
    assert_eq!(
        edge(&g, "dns_my_release_milvus_io", "ingress_my_release_milvus"),
        "host rule"
    );
    assert_eq!(
        edge(&g, "ingress_my_release_milvus", "service_my_release_milvus"),
        "/ → port 19530"
    );
    assert_eq!(
        edge(
            &g,
            "service_my_release_milvus",
            "backendconfig_my_release_backendconfig"
        ),
        "backend-config"
    );
    assert!(lines(&g, "backendconfig_my_release_backendconfig")
        .contains("health check HTTP :9091 /healthz"));
    assert_eq!(
        edge(
            &g,
            "ingress_my_release_milvus",
            "managedcertificate_my_release_milvus_tls"
        ),
        "managed-certificates"
    );
    assert_eq!(
        edge(&g, "helm_my_release", "service_my_release_milvus"),
        "makes (service values)"
    );
    let service = lines(&g, "service_my_release_milvus");
    assert!(
        service.contains("port 19530 (milvus)") && service.contains("app-protocol HTTP2"),
        "{service}"
    );
    assert_eq!(
        g.node("service_my_release_milvus").unwrap().kind,
        NodeKind::MadeByHelm
    );
    assert!(g.nodes.iter().all(|n| n.kind != NodeKind::NotRendered));
}

#[test]
fn self_managed_points_at_the_tls_secret_rendered_or_not() {
    let without_files = graph_of(&[("overlays", json!(["self-managed"]))]);
    assert_eq!(
        edge(
            &without_files,
            "ingress_my_release_milvus",
            "secret_my_release_milvus_tls"
        ),
        "TLS (spec.tls)"
    );
    assert_eq!(
        without_files
            .node("secret_my_release_milvus_tls")
            .unwrap()
            .kind,
        NodeKind::NotRendered,
        "an existing Secret is referenced, not rendered"
    );
    assert!(without_files
        .node("managedcertificate_my_release_milvus_tls")
        .is_none());

    let certs = testdata().join("certs");
    let with_files = graph_of(&[
        ("overlays", json!(["self-managed"])),
        (
            "tlsCert",
            json!(certs.join("tls.crt").display().to_string()),
        ),
        ("tlsKey", json!(certs.join("tls.key").display().to_string())),
    ]);
    let secret = with_files.node("secret_my_release_milvus_tls").unwrap();
    assert_eq!(secret.kind, NodeKind::Rendered);
    assert_eq!(
        secret.lines.join(" "),
        "Secret my-release-milvus-tls kubernetes.io/tls"
    );
}

#[test]
fn names_and_ports_follow_the_parameters() {
    let g = graph_of(&[
        ("release", json!("search")),
        ("domain", json!("search.example.org")),
        ("serviceName", json!("search-proxy")),
        ("servicePort", json!(19531)),
        ("servicePortName", json!("grpc")),
        ("backendConfigName", json!("search-health")),
    ]);
    assert_eq!(
        edge(&g, "dns_search_example_org", "ingress_search_proxy"),
        "host rule"
    );
    assert_eq!(
        edge(&g, "ingress_search_proxy", "service_search_proxy"),
        "/ → port 19531"
    );
    assert!(lines(&g, "service_search_proxy").contains("port 19531 (grpc)"));
    assert_eq!(
        edge(&g, "service_search_proxy", "backendconfig_search_health"),
        "backend-config"
    );
    assert_eq!(
        edge(&g, "helm_search", "service_search_proxy"),
        "makes (service values)"
    );
    assert!(g.nodes.iter().all(|n| !n.id.contains("my_release")));
}

#[test]
fn output_is_deterministic_in_both_formats() {
    for format in ["mermaid", "dot"] {
        let run = || {
            milvus_l7(&testdata())
                .args(["graph", "--overlay", "self-managed", "--format", format])
                .output()
                .unwrap()
        };
        let (a, b) = (run(), run());
        assert!(a.status.success());
        assert!(!a.stdout.is_empty());
        assert_eq!(a.stdout, b.stdout, "{format}");
    }
}

#[test]
fn formats_have_their_headers() {
    let mermaid = milvus_l7(&testdata()).arg("graph").output().unwrap();
    assert!(String::from_utf8_lossy(&mermaid.stdout).starts_with("flowchart LR\n"));
    let dot = milvus_l7(&testdata())
        .args(["graph", "--format", "dot"])
        .output()
        .unwrap();
    let dot = String::from_utf8(dot.stdout).unwrap();
    assert!(dot.starts_with("digraph milvus_l7 {") && dot.ends_with("}\n"));
    if !crate::common::tool_available("dot", &["-V"]) {
        return;
    }
    match std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
    {
        Ok(mut child) => {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(dot.as_bytes())
                .unwrap();
            assert!(child.wait().unwrap().success(), "Graphviz rejects:\n{dot}");
        }
        Err(e) => panic!("running dot: {e}"),
    }
}

#[test]
fn a_bad_parameter_fails_graph_like_render() {
    milvus_l7(&testdata())
        .args(["graph", "--release", "Bad"])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn readme_shows_the_current_default_graph() {
    let out = milvus_l7(&testdata()).arg("graph").output().unwrap();
    let graph = String::from_utf8(out.stdout).unwrap();
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    assert!(
        readme.contains(&format!("```mermaid\n{graph}```")),
        "README's ```mermaid block differs from `milvus-l7 graph`; paste:\n{graph}"
    );
}

#[test]
fn gateway_draws_listener_route_policies_and_certificate() {
    let g = graph_of(&[
        ("overlays", json!(["gateway", "self-managed"])),
        ("domain", json!("vec.example.com")),
    ]);
    assert_eq!(
        edge(&g, "dns_vec_example_com", "gateway_my_release_milvus"),
        "listener https :443"
    );
    assert_eq!(
        edge(
            &g,
            "gateway_my_release_milvus",
            "secret_my_release_milvus_tls"
        ),
        "TLS (certificateRefs)"
    );
    assert_eq!(
        edge(
            &g,
            "httproute_my_release_milvus",
            "gateway_my_release_milvus"
        ),
        "parentRef"
    );
    assert_eq!(
        edge(
            &g,
            "httproute_my_release_milvus",
            "service_my_release_milvus_gateway"
        ),
        "backendRef → port 19530"
    );
    assert_eq!(
        edge(
            &g,
            "healthcheckpolicy_my_release_milvus_gateway",
            "service_my_release_milvus_gateway"
        ),
        "targetRef"
    );
    assert!(lines(&g, "healthcheckpolicy_my_release_milvus_gateway").contains(":9091 /healthz"));
    assert!(
        g.node("ingress_my_release_milvus").is_none(),
        "the gateway replaces the Ingress"
    );

    let certmap = graph_of(&[
        ("overlays", json!(["gateway"])),
        ("certMap", json!("milvus-map")),
    ]);
    assert_eq!(
        edge(
            &certmap,
            "gateway_my_release_milvus",
            "certificatemap_milvus_map"
        ),
        "certmap"
    );
}
