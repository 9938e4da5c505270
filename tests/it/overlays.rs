//! The production overlays: each adds what it promises, they compose, and
//! combinations that cannot work are refused. Their full output is golden
//! (see GOLDEN in tests/render.rs); these tests pin the behaviour.

use crate::common::{find_kind, milvus_l7, read_yaml, render, render_to_dir, stderr, testdata};
use serde_json::{json, Value};

fn helm_values(args: &[&str]) -> Value {
    let tmp = crate::common::tempdir();
    let out = tmp.path().join("out");
    render_to_dir(args, &out);
    read_yaml(&out.join("helm/values.yaml"))
}

fn refused(args: &[&str], expected: &str) {
    let assert = milvus_l7(&testdata())
        .arg("render")
        .args(args)
        .assert()
        .code(2)
        .stdout("");
    let stderr = stderr(assert.get_output());
    assert!(
        stderr.contains(expected),
        "{args:?}: expected {expected:?} in {stderr}"
    );
}

#[test]
fn https_only_closes_port_80_or_redirects_it() {
    let closed = render(&["--overlay", "https-only"]);
    let annotations = &find_kind(&closed, "Ingress").unwrap()["metadata"]["annotations"];
    assert_eq!(annotations["kubernetes.io/ingress.allow-http"], "false");
    assert!(find_kind(&closed, "FrontendConfig").is_none());

    let redirect = render(&["--overlay", "https-only", "--set", "redirect=true"]);
    let annotations = &find_kind(&redirect, "Ingress").unwrap()["metadata"]["annotations"];
    assert_eq!(
        annotations["kubernetes.io/ingress.allow-http"],
        Value::Null,
        "a redirect needs port 80 open"
    );
    assert_eq!(
        annotations["networking.gke.io/v1beta1.FrontendConfig"],
        "my-release-frontendconfig"
    );
    let frontend = find_kind(&redirect, "FrontendConfig").unwrap();
    assert_eq!(frontend["apiVersion"], "networking.gke.io/v1beta1");
    assert_eq!(frontend["spec"]["redirectToHttps"]["enabled"], true);
}

#[test]
fn static_ip_names_the_address_on_ingress_or_gateway_in_any_order() {
    let ingress = render(&["--overlay", "static-ip", "--set", "staticIpName=milvus-ip"]);
    assert_eq!(
        find_kind(&ingress, "Ingress").unwrap()["metadata"]["annotations"]
            ["kubernetes.io/ingress.global-static-ip-name"],
        "milvus-ip"
    );
    for order in [["static-ip", "gateway"], ["gateway", "static-ip"]] {
        let docs = render(&[
            "--overlay",
            order[0],
            "--overlay",
            order[1],
            "--set",
            "staticIpName=milvus-ip",
            "--set",
            "certMap=m",
        ]);
        assert_eq!(
            find_kind(&docs, "Gateway").unwrap()["spec"]["addresses"],
            json!([{"type": "NamedAddress", "value": "milvus-ip"}]),
            "{order:?}"
        );
    }
    refused(&["--overlay", "static-ip"], "staticIpName");
}

#[test]
fn grpc_timeouts_raise_the_30_second_default() {
    let docs = render(&["--overlay", "grpc-timeouts", "--set", "timeoutSec=7200"]);
    let spec = &find_kind(&docs, "BackendConfig").unwrap()["spec"];
    assert_eq!(spec["timeoutSec"], 7200);
    assert_eq!(spec["connectionDraining"]["drainingTimeoutSec"], 25);
    assert_eq!(
        spec["healthCheck"]["port"], 9091,
        "the base health check stays"
    );
    assert_eq!(spec["healthCheck"]["checkIntervalSec"], 15);
    let gateway = render(&[
        "--overlay",
        "gateway",
        "--overlay",
        "grpc-timeouts",
        "--set",
        "certMap=m",
    ]);
    assert_eq!(
        find_kind(&gateway, "GCPBackendPolicy").unwrap()["spec"]["default"]["timeoutSec"],
        3600
    );
    assert_eq!(
        find_kind(&gateway, "HealthCheckPolicy").unwrap()["spec"]["default"]["unhealthyThreshold"],
        2
    );
}

#[test]
fn backend_tls_mounts_the_certificate_where_the_chart_reads_it() {
    let cluster = helm_values(&["--overlay", "self-managed", "--overlay", "backend-tls"]);
    let user_yaml: Value =
        serde_saphyr::from_str(cluster["extraConfigFiles"]["user.yaml"].as_str().unwrap()).unwrap();
    assert_eq!(
        user_yaml["tls"]["serverPemPath"],
        "/etc/milvus/certs/tls.crt"
    );
    assert_eq!(user_yaml["common"]["security"]["tlsMode"], 1);
    assert_eq!(
        cluster["proxy"]["volumes"][0]["secret"]["secretName"],
        "my-release-milvus-tls"
    );
    assert_eq!(
        cluster["proxy"]["volumeMounts"][0]["mountPath"],
        "/etc/milvus/certs"
    );
    assert_eq!(cluster["volumes"], Value::Null);

    let standalone = helm_values(&[
        "--overlay",
        "google-managed",
        "--overlay",
        "backend-tls",
        "--set",
        "mode=standalone",
        "--set",
        "backendTlsSecret=milvus-backend",
    ]);
    assert_eq!(
        standalone["volumes"][0]["secret"]["secretName"],
        "milvus-backend"
    );
    assert_eq!(
        standalone["proxy"],
        Value::Null,
        "standalone honours only top-level volumes"
    );
}

#[test]
fn gateway_replaces_the_ingress_objects() {
    let docs = render(&["--overlay", "gateway", "--overlay", "self-managed"]);
    for gone in ["Ingress", "BackendConfig", "ManagedCertificate"] {
        assert!(find_kind(&docs, gone).is_none(), "{gone} should be gone");
    }
    let gateway = find_kind(&docs, "Gateway").unwrap();
    assert_eq!(
        gateway["spec"]["gatewayClassName"],
        "gke-l7-global-external-managed"
    );
    let listener = &gateway["spec"]["listeners"][0];
    assert_eq!(
        (listener["port"].clone(), listener["hostname"].clone()),
        (json!(443), json!("my-release.milvus.io"))
    );
    assert_eq!(
        listener["tls"]["certificateRefs"],
        json!([{"kind": "Secret", "name": "my-release-milvus-tls"}])
    );
    assert!(
        gateway["metadata"]["annotations"].is_null(),
        "no certmap with a Secret: GKE forbids both"
    );

    let route = find_kind(&docs, "HTTPRoute").unwrap();
    assert_eq!(
        route["spec"]["rules"][0]["backendRefs"],
        json!([{"name": "my-release-milvus-gateway", "port": 19530}])
    );
    let service = find_kind(&docs, "Service").unwrap();
    assert_eq!(service["metadata"]["name"], "my-release-milvus-gateway");
    assert_eq!(service["spec"]["ports"][0]["appProtocol"], "HTTP2");
    assert_eq!(
        service["spec"]["selector"]["app.kubernetes.io/instance"],
        "my-release"
    );
    let health = find_kind(&docs, "HealthCheckPolicy").unwrap();
    assert_eq!(
        health["spec"]["default"]["config"]["httpHealthCheck"]["port"],
        9091
    );
    assert_eq!(
        health["spec"]["targetRef"]["name"],
        "my-release-milvus-gateway"
    );

    let values = helm_values(&["--overlay", "gateway", "--overlay", "self-managed"]);
    assert_eq!(
        values["service"],
        json!({"type": "ClusterIP"}),
        "Ingress-only annotations are dropped"
    );
}

#[test]
fn gateway_with_a_certificate_manager_map() {
    let docs = render(&["--overlay", "gateway", "--set", "certMap=milvus-map"]);
    let gateway = find_kind(&docs, "Gateway").unwrap();
    assert_eq!(
        gateway["metadata"]["annotations"]["networking.gke.io/certmap"],
        "milvus-map"
    );
    assert!(gateway["spec"]["listeners"][0]["tls"]["certificateRefs"].is_null());
}

#[test]
fn incompatible_combinations_are_refused_with_the_reason() {
    refused(
        &["--overlay", "gateway", "--overlay", "google-managed"],
        "ManagedCertificate works with Ingress only",
    );
    refused(
        &["--overlay", "google-managed", "--overlay", "gateway"],
        "ManagedCertificate works with Ingress only",
    );
    refused(
        &["--overlay", "internal", "--overlay", "google-managed"],
        "only for the global external load balancer",
    );
    refused(
        &["--overlay", "self-managed", "--overlay", "google-managed"],
        "cannot be combined",
    );
    refused(
        &["--overlay", "grpc-timeouts", "--overlay", "grpc-timeouts"],
        "selected twice",
    );
}

#[test]
fn every_builtin_overlay_is_documented_in_the_manual() {
    let manual = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rendering.md"),
    )
    .unwrap();
    for entry in
        std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("overlays"))
            .unwrap()
    {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            manual.contains(&format!("| `{name}` |")),
            "docs/rendering.md overlay table lacks {name}"
        );
    }
}
