//! GKE round 3 (issue 22): certificates that already exist in the project
//! (the `pre-shared` overlay) and global access for internal Gateways
//! (`allowGlobalAccess`), rendered, validated and refused where GKE refuses.

use crate::common::{milvus_l7, parse_yaml_stream, stderr, testdata};
use serde_json::Value;

fn render(args: &[&str]) -> Vec<Value> {
    let out = milvus_l7(&testdata())
        .arg("render")
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    parse_yaml_stream(&String::from_utf8(out.stdout).unwrap())
}

fn of_kind<'a>(docs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    docs.iter().filter(|d| d["kind"] == kind).collect()
}

#[test]
fn pre_shared_certificates_on_an_ingress_external_or_internal() {
    // Internal with https-only: GKE refuses an internal Ingress that serves
    // HTTP and HTTPS without a shared static address (lint::refusals).
    for extra in [
        &[][..],
        &["--overlay", "internal", "--overlay", "https-only"][..],
    ] {
        let mut args = vec![
            "--overlay",
            "pre-shared",
            "--set",
            "preSharedCerts=milvus-2026,milvus-2025",
        ];
        args.extend_from_slice(extra);
        let docs = render(&args);
        let ingress = of_kind(&docs, "Ingress")[0];
        assert_eq!(
            ingress["metadata"]["annotations"]["ingress.gcp.kubernetes.io/pre-shared-cert"],
            "milvus-2026,milvus-2025",
            "{extra:?}"
        );
        assert!(ingress["spec"].get("tls").is_none());
        assert!(of_kind(&docs, "ManagedCertificate").is_empty());
        assert!(of_kind(&docs, "Secret").is_empty());
    }
}

#[test]
fn pre_shared_certificates_on_a_gateway_listener() {
    let docs = render(&[
        "--overlay",
        "gateway",
        "--overlay",
        "internal",
        "--overlay",
        "pre-shared",
        "--set",
        "preSharedCerts=milvus-regional",
    ]);
    let gateway = of_kind(&docs, "Gateway")[0];
    assert_eq!(gateway["spec"]["gatewayClassName"], "gke-l7-rilb");
    let tls = &gateway["spec"]["listeners"][0]["tls"];
    assert_eq!(tls["mode"], "Terminate");
    assert_eq!(
        tls["options"]["networking.gke.io/pre-shared-certs"],
        "milvus-regional"
    );
    assert!(tls.get("certificateRefs").is_none());
    assert!(
        gateway["metadata"].get("annotations").is_none(),
        "no certmap next to pre-shared certificates: {gateway}"
    );
}

#[test]
fn pre_shared_needs_its_names_and_is_one_certificate_source() {
    let out = milvus_l7(&testdata())
        .args(["render", "--overlay", "pre-shared"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("preSharedCerts"), "{}", stderr(&out));
    for other in ["google-managed", "self-managed"] {
        let out = milvus_l7(&testdata())
            .args([
                "render",
                "--overlay",
                other,
                "--overlay",
                "pre-shared",
                "--set",
                "preSharedCerts=a",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{other}");
        assert!(
            stderr(&out).contains("cannot be combined with"),
            "{other}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn global_access_for_an_internal_gateway() {
    let base = [
        "--overlay",
        "gateway",
        "--overlay",
        "internal",
        "--overlay",
        "self-managed",
    ];
    let mut args = base.to_vec();
    args.extend(["--set", "allowGlobalAccess=true"]);
    let docs = render(&args);
    let policies = of_kind(&docs, "GCPGatewayPolicy");
    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0]["spec"]["default"]["allowGlobalAccess"], true);
    assert_eq!(policies[0]["spec"]["targetRef"]["kind"], "Gateway");
    assert_eq!(
        policies[0]["spec"]["targetRef"]["name"],
        of_kind(&docs, "Gateway")[0]["metadata"]["name"]
    );
    // Off by default.
    assert!(of_kind(&render(&base), "GCPGatewayPolicy").is_empty());
    // With https-only's SSL policy: one policy carries both.
    args.extend(["--overlay", "https-only", "--set", "sslPolicy=tls12"]);
    let docs = render(&args);
    let policies = of_kind(&docs, "GCPGatewayPolicy");
    assert_eq!(policies.len(), 1, "one GCPGatewayPolicy per Gateway");
    assert_eq!(policies[0]["spec"]["default"]["allowGlobalAccess"], true);
    assert_eq!(policies[0]["spec"]["default"]["sslPolicy"], "tls12");
}

#[test]
fn global_access_on_an_internal_ingress_is_refused() {
    let out = milvus_l7(&testdata())
        .args([
            "render",
            "--overlay",
            "internal",
            "--overlay",
            "self-managed",
            "--set",
            "allowGlobalAccess=true",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let message = stderr(&out);
    assert!(
        message.contains("overlay `internal`: allowGlobalAccess=true needs the gateway overlay")
            && message.contains("hint: add --overlay gateway"),
        "{message}"
    );
}
