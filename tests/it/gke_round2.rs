//! Issue 13, "GKE, round 2": the defects a source-checked review found,
//! each asserted on the real binary's output.

use crate::common::{by_kind, milvus_l7, render, stderr, stdout, testdata};

/// Runs `milvus-l7 render <args>` from testdata/ and expects exit 2 with
/// nothing on stdout; returns stderr.
fn render_refused(args: &[&str]) -> String {
    let assert = milvus_l7(&testdata())
        .arg("render")
        .args(args)
        .assert()
        .code(2);
    let out = assert.get_output();
    assert_eq!(stdout(out), "", "nothing on stdout on error");
    stderr(out)
}

#[test]
fn a_certmap_gateway_listener_has_no_tls() {
    let docs = render(&["--overlay", "gateway", "--set", "certMap=milvus-map"]);
    let listener = &by_kind(&docs, "Gateway")["spec"]["listeners"][0];
    assert_eq!(listener["protocol"], "HTTPS");
    assert!(listener.get("tls").is_none(), "{listener}");
    // With a Secret the listener keeps tls.certificateRefs.
    let docs = render(&["--overlay", "gateway", "--overlay", "self-managed"]);
    let listener = &by_kind(&docs, "Gateway")["spec"]["listeners"][0];
    assert_eq!(
        listener["tls"]["certificateRefs"][0]["name"],
        "my-release-milvus-tls"
    );
}

#[test]
fn backend_tls_with_google_managed_needs_its_own_secret() {
    // certificateName names the ManagedCertificate: no Secret to mount.
    let err = render_refused(&["--overlay", "google-managed", "--overlay", "backend-tls"]);
    assert!(
        err.contains("mounts Secret `my-release-milvus-tls`") && err.contains("backendTlsSecret"),
        "{err}"
    );
    let docs = render(&[
        "--overlay",
        "google-managed",
        "--overlay",
        "backend-tls",
        "--set",
        "backendTlsSecret=milvus-backend-tls",
    ]);
    assert!(!docs.is_empty());
    // self-managed renders the Secret the default names: fine.
    render(&["--overlay", "self-managed", "--overlay", "backend-tls"]);
}

#[test]
fn out_of_range_numbers_exit_2_before_apply() {
    for (set, expected) in [
        (
            "timeoutSec=0",
            "spec.timeoutSec is 0, outside 1..2147483647",
        ),
        (
            "timeoutSec=1000000000000",
            "spec.timeoutSec is 1000000000000, outside 1..2147483647",
        ),
        ("drainingTimeoutSec=3601", "is 3601, outside 0..3600"),
        ("checkIntervalSec=301", "is 301, outside 1..300"),
        ("healthyThreshold=0", "is 0, outside 1..10"),
        ("unhealthyThreshold=11", "is 11, outside 1..10"),
    ] {
        for variant in [
            &["--overlay", "google-managed"][..],
            &["--overlay", "gateway", "--set", "certMap=m"][..],
        ] {
            let mut args = variant.to_vec();
            args.extend(["--overlay", "grpc-timeouts", "--set", set]);
            let err = render_refused(&args);
            // The Gateway policies' schemas word it as the API server does.
            let schema = err.contains("in body should be greater than or equal to")
                || err.contains("in body should be less than or equal to");
            assert!(err.contains(expected) || schema, "{args:?}: {err}");
        }
    }
}

#[test]
fn draining_defaults_below_the_pods_grace_period_and_longer_is_a_warning() {
    let docs = render(&["--overlay", "google-managed", "--overlay", "grpc-timeouts"]);
    let draining = &by_kind(&docs, "BackendConfig")["spec"]["connectionDraining"];
    assert!(
        draining["drainingTimeoutSec"].as_u64().unwrap() < 30,
        "{draining}"
    );
    let assert = milvus_l7(&testdata())
        .args([
            "render",
            "--overlay",
            "google-managed",
            "--overlay",
            "grpc-timeouts",
        ])
        .args(["--set", "drainingTimeoutSec=60"])
        .assert()
        .success();
    let err = stderr(assert.get_output());
    assert!(
        err.contains("drainingTimeoutSec is 60 s, longer than the 30 s"),
        "{err}"
    );
}

#[test]
fn google_managed_certificates_refuse_a_regional_class() {
    for class in ["gce-internal", "gce-regional-external"] {
        let err = render_refused(&[
            "--overlay",
            "google-managed",
            "--set",
            &format!("ingressClass={class}"),
        ]);
        assert!(err.contains("only for the global external"), "{err}");
    }
}

#[test]
fn static_ip_on_a_regional_ingress_uses_the_regional_key() {
    let docs = render(&[
        "--overlay",
        "self-managed",
        "--overlay",
        "static-ip",
        "--set",
        "staticIpName=milvus-ip",
        "--set",
        "ingressClass=gce-internal",
    ]);
    let annotations = &by_kind(&docs, "Ingress")["metadata"]["annotations"];
    assert_eq!(
        annotations["kubernetes.io/ingress.regional-static-ip-name"],
        "milvus-ip"
    );
    assert!(annotations
        .get("kubernetes.io/ingress.global-static-ip-name")
        .is_none());
}

#[test]
fn cloud_armor_names_the_policy_on_both_variants() {
    let docs = render(&[
        "--overlay",
        "google-managed",
        "--overlay",
        "cloud-armor",
        "--set",
        "securityPolicy=waf",
    ]);
    assert_eq!(
        by_kind(&docs, "BackendConfig")["spec"]["securityPolicy"]["name"],
        "waf"
    );
    let docs = render(&[
        "--overlay",
        "gateway",
        "--set",
        "certMap=m",
        "--overlay",
        "cloud-armor",
        "--set",
        "securityPolicy=waf",
    ]);
    assert_eq!(
        by_kind(&docs, "GCPBackendPolicy")["spec"]["default"]["securityPolicy"],
        "waf"
    );
    // Required while selected; unknown while not.
    assert!(
        render_refused(&["--overlay", "google-managed", "--overlay", "cloud-armor"])
            .contains("`securityPolicy`")
    );
    assert!(render_refused(&["--set", "securityPolicy=waf"]).contains("--overlay cloud-armor"));
}

#[test]
fn access_logging_scales_the_rate_for_the_gateway_and_checks_its_range() {
    let docs = render(&[
        "--overlay",
        "google-managed",
        "--overlay",
        "access-logging",
        "--set",
        "logSampleRate=0.25",
    ]);
    let logging = &by_kind(&docs, "BackendConfig")["spec"]["logging"];
    assert_eq!(
        (logging["enable"].clone(), logging["sampleRate"].clone()),
        (true.into(), 0.25.into())
    );
    let docs = render(&[
        "--overlay",
        "gateway",
        "--set",
        "certMap=m",
        "--overlay",
        "access-logging",
        "--set",
        "logSampleRate=0.25",
    ]);
    let logging = &by_kind(&docs, "GCPBackendPolicy")["spec"]["default"]["logging"];
    assert_eq!(
        (logging["enabled"].clone(), logging["sampleRate"].clone()),
        (true.into(), 250000.into())
    );
    for bad in ["1.5", "-0.1"] {
        let set = format!("logSampleRate={bad}");
        let err = render_refused(&[
            "--overlay",
            "google-managed",
            "--overlay",
            "access-logging",
            "--set",
            &set,
        ]);
        assert!(err.contains("sampleRate"), "{err}");
        render_refused(&[
            "--overlay",
            "gateway",
            "--set",
            "certMap=m",
            "--overlay",
            "access-logging",
            "--set",
            &set,
        ]);
    }
    assert!(render_refused(&[
        "--overlay",
        "google-managed",
        "--overlay",
        "access-logging",
        "--set",
        "logSampleRate=NaN"
    ])
    .contains("a number"));
}

#[test]
fn internal_makes_a_regional_internal_load_balancer() {
    // https-only: GKE refuses an internal Ingress serving HTTP and HTTPS
    // without a shared static address.
    let docs = render(&[
        "--overlay",
        "self-managed",
        "--overlay",
        "internal",
        "--overlay",
        "https-only",
    ]);
    assert_eq!(
        by_kind(&docs, "Ingress")["metadata"]["annotations"]["kubernetes.io/ingress.class"],
        "gce-internal"
    );
    let docs = render(&[
        "--overlay",
        "gateway",
        "--overlay",
        "self-managed",
        "--overlay",
        "internal",
    ]);
    assert_eq!(
        by_kind(&docs, "Gateway")["spec"]["gatewayClassName"],
        "gke-l7-rilb"
    );
    let err = render_refused(&["--overlay", "internal", "--overlay", "google-managed"]);
    assert!(err.contains("only for the global external"), "{err}");
}

#[test]
fn gateway_and_https_only_compose() {
    // Without redirect: no port-80 listener at all, no extra route.
    let docs = render(&[
        "--overlay",
        "gateway",
        "--set",
        "certMap=m",
        "--overlay",
        "https-only",
    ]);
    let listeners = by_kind(&docs, "Gateway")["spec"]["listeners"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(listeners.len(), 1);
    assert_eq!(docs.iter().filter(|d| d["kind"] == "HTTPRoute").count(), 1);
    assert!(docs
        .iter()
        .all(|d| d["kind"] != "FrontendConfig" && d["kind"] != "GCPGatewayPolicy"));
    // With redirect and an SSL policy: an HTTP listener, a redirect-only route, a GCPGatewayPolicy.
    let docs = render(&[
        "--overlay",
        "gateway",
        "--set",
        "certMap=m",
        "--overlay",
        "https-only",
        "--set",
        "redirect=true",
        "--set",
        "sslPolicy=tls12",
    ]);
    let http = &by_kind(&docs, "Gateway")["spec"]["listeners"][1];
    assert_eq!(
        (http["protocol"].as_str(), http["port"].as_u64()),
        (Some("HTTP"), Some(80))
    );
    let redirect = docs
        .iter()
        .find(|d| d["kind"] == "HTTPRoute" && d["spec"]["parentRefs"][0]["sectionName"] == "http")
        .unwrap();
    let rule = &redirect["spec"]["rules"][0];
    assert!(rule.get("backendRefs").is_none(), "{rule}");
    assert_eq!(
        rule["filters"][0]["requestRedirect"],
        serde_json::json!({"scheme": "https", "statusCode": 301})
    );
    let policy = by_kind(&docs, "GCPGatewayPolicy");
    assert_eq!(policy["spec"]["default"]["sslPolicy"], "tls12");
    assert_eq!(policy["spec"]["targetRef"]["kind"], "Gateway");
}
