//! Several domains (issue 22): `--domain` repeated renders one Ingress rule,
//! one TLS host, one ManagedCertificate domain and one Gateway listener per
//! name, each output passes `validate`; what GKE refuses (101 domains for a
//! ManagedCertificate, a wildcard with google-managed, a certificate that
//! misses a name) is refused with exit status 2 and nothing on stdout.

use crate::common::tools::tool_available;
use crate::common::{
    by_kind, milvus_l7, parse_yaml_stream, stderr, stdout_of_success, tempdir, write_file,
};
use serde_json::{json, Value};
use std::path::Path;

const TWO: [&str; 4] = ["--domain", "a.example.com", "--domain", "b.example.com"];

/// Renders `args` with the two domains in `dir` and checks the output with
/// `milvus-l7 validate`, which reads it back as a user's file would be read.
fn render_two_and_validate(dir: &Path, args: &[&str]) -> Vec<Value> {
    let mut all: Vec<&str> = vec!["render"];
    all.extend_from_slice(args);
    all.extend_from_slice(&TWO);
    let text = stdout_of_success(dir, &all);
    let file = write_file(dir, "rendered.yaml", &text);
    milvus_l7(dir).arg("validate").arg(&file).assert().success();
    parse_yaml_stream(&text)
}

fn hosts_of_rules(ingress: &Value) -> Vec<&str> {
    ingress["spec"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["host"].as_str().unwrap())
        .collect()
}

#[test]
fn google_managed_ingress_lists_every_domain() {
    let tmp = tempdir();
    let docs = render_two_and_validate(tmp.path(), &[]);
    assert_eq!(
        by_kind(&docs, "ManagedCertificate")["spec"]["domains"],
        json!(["a.example.com", "b.example.com"])
    );
    let ingress = by_kind(&docs, "Ingress");
    assert_eq!(hosts_of_rules(ingress), ["a.example.com", "b.example.com"]);
}

#[test]
fn self_managed_needs_a_certificate_for_every_domain() {
    let tmp = tempdir();
    let dir = tmp.path();
    milvus_l7(dir)
        .args(["cert", "--out-dir", "both"])
        .args(TWO)
        .assert()
        .success();
    if tool_available("openssl", &["version"]) {
        let out = std::process::Command::new("openssl")
            .args([
                "x509",
                "-noout",
                "-ext",
                "subjectAltName",
                "-in",
                "both/tls.crt",
            ])
            .current_dir(dir)
            .output()
            .unwrap();
        let sans = String::from_utf8_lossy(&out.stdout);
        assert!(
            sans.contains("DNS:a.example.com") && sans.contains("DNS:b.example.com"),
            "{sans}"
        );
    }
    let files = ["--tls-cert", "both/tls.crt", "--tls-key", "both/tls.key"];
    let mut args = vec!["--overlay", "self-managed"];
    args.extend_from_slice(&files);
    let docs = render_two_and_validate(dir, &args);
    assert_eq!(
        by_kind(&docs, "Ingress")["spec"]["tls"][0]["hosts"],
        json!(["a.example.com", "b.example.com"])
    );

    milvus_l7(dir)
        .args(["cert", "--out-dir", "one", "--domain", "a.example.com"])
        .assert()
        .success();
    let out = milvus_l7(dir)
        .args(["render", "--overlay", "self-managed"])
        .args(["--tls-cert", "one/tls.crt", "--tls-key", "one/tls.key"])
        .args(TWO)
        .assert()
        .code(2)
        .stdout("");
    assert!(stderr(out.get_output()).contains("b.example.com"));
}

/// Every `sectionName` of the routes names a listener of the Gateway.
fn assert_routes_attach_to_listeners(docs: &[Value], listeners: &[&str]) {
    for route in docs.iter().filter(|d| d["kind"] == "HTTPRoute") {
        for parent in route["spec"]["parentRefs"].as_array().unwrap() {
            let section = parent["sectionName"].as_str().unwrap();
            assert!(
                listeners.contains(&section),
                "{section} not in {listeners:?}"
            );
        }
        assert_eq!(
            route["spec"]["hostnames"],
            json!(["a.example.com", "b.example.com"])
        );
    }
}

#[test]
fn gateway_has_one_listener_per_domain() {
    let tmp = tempdir();
    for (args, expected) in [
        (
            &["--overlay", "gateway", "--overlay", "self-managed"][..],
            &[("https", "a.example.com"), ("https-2", "b.example.com")][..],
        ),
        (
            &[
                "--overlay",
                "gateway",
                "--overlay",
                "https-only",
                "--set",
                "certMap=m",
                "--set",
                "redirect=true",
            ][..],
            &[
                ("https", "a.example.com"),
                ("https-2", "b.example.com"),
                ("http", "a.example.com"),
                ("http-2", "b.example.com"),
            ][..],
        ),
    ] {
        let docs = render_two_and_validate(tmp.path(), args);
        let listeners: Vec<(&str, &str)> = by_kind(&docs, "Gateway")["spec"]["listeners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["name"].as_str().unwrap(), l["hostname"].as_str().unwrap()))
            .collect();
        assert_eq!(listeners, expected, "{args:?}");
        let names: Vec<&str> = listeners.iter().map(|(name, _)| *name).collect();
        assert_routes_attach_to_listeners(&docs, &names);
    }
}

#[test]
fn what_gke_refuses_is_refused() {
    let tmp = tempdir();
    let many: Vec<String> = (0..101)
        .flat_map(|i| ["--domain".to_string(), format!("d{i}.example.com")])
        .collect();
    let out = milvus_l7(tmp.path())
        .arg("render")
        .args(&many)
        .assert()
        .code(2)
        .stdout("");
    assert!(stderr(out.get_output()).contains("at most 100"));
    let out = milvus_l7(tmp.path())
        .args([
            "render",
            "--domain",
            "a.example.com",
            "--domain",
            "*.example.com",
        ])
        .assert()
        .code(2)
        .stdout("");
    assert!(stderr(out.get_output()).contains("wildcard"));
    // gateway-api's HTTPRoute takes at most 16 hostnames (its CRD's maxItems).
    let seventeen: Vec<String> = many[..34].to_vec();
    let out = milvus_l7(tmp.path())
        .args(["render", "--overlay", "gateway", "--set", "certMap=m"])
        .args(&seventeen)
        .assert()
        .code(2)
        .stdout("");
    let err = stderr(out.get_output());
    assert!(
        err.contains("Too many: 17: must have at most 16 items"),
        "{err}"
    );
}

#[test]
fn import_reads_every_host_back() {
    let tmp = tempdir();
    let dir = tmp.path();
    for overlays in [
        &[][..],
        &["--overlay", "gateway", "--overlay", "self-managed"][..],
    ] {
        let mut args = vec!["render"];
        args.extend_from_slice(overlays);
        args.extend_from_slice(&TWO);
        write_file(dir, "live.yaml", &stdout_of_success(dir, &args));
        let config = stdout_of_success(dir, &["import", "--live", "live.yaml"]);
        let config: Value = serde_json::to_value(parse_yaml_stream(&config)).unwrap();
        assert_eq!(
            config[0]["domain"],
            json!(["a.example.com", "b.example.com"]),
            "{overlays:?}"
        );
    }
}
