//! The API server's built-in checks end to end (`validate` prints the
//! server's own wording), and `validate --schema-only`, which checks each
//! object alone as the server admits it (issue 20).

use crate::common::{milvus_l7, stderr, tempdir, write_file};
use std::path::Path;

/// `validate --schema-only` of `text` written to a file: exit 2; stderr.
fn schema_only_refusal(text: &str) -> String {
    let tmp = tempdir();
    write_file(tmp.path(), "objects.yaml", text);
    refused(tmp.path(), &["--schema-only", "objects.yaml"])
}

/// `milvus-l7 validate <args>` in `dir`: exit 2, nothing on stdout; stderr.
fn refused(dir: &Path, args: &[&str]) -> String {
    let out = milvus_l7(dir).arg("validate").args(args).assert().code(2);
    assert!(
        out.get_output().stdout.is_empty(),
        "{args:?} printed on stdout"
    );
    stderr(out.get_output())
}

const ROUTE: &str = r#"apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: milvus
  namespace: default
spec:
  parentRefs:
    - name: shared-gateway
      namespace: infra
  hostnames: ["milvus.example.com"]
  rules:
    - backendRefs:
        - name: my-release-milvus
          port: 19530
"#;

#[test]
fn schema_only_validates_a_standalone_route_without_its_gateway() {
    let tmp = tempdir();
    write_file(tmp.path(), "route.yaml", ROUTE);
    // The whole check relates the route to its Gateway, which is elsewhere.
    let message = refused(tmp.path(), &["route.yaml"]);
    assert!(message.contains("shared-gateway"), "{message}");
    milvus_l7(tmp.path())
        .args(["validate", "--schema-only", "route.yaml"])
        .assert()
        .success();
}

#[test]
fn schema_only_still_applies_the_api_servers_checks() {
    let ingress = r#"apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: milvus
  namespace: default
spec:
  rules:
    - host: 10.0.0.7
      http:
        paths:
          - path: api//v1
            pathType: Prefix
            backend:
              service:
                name: milvus
                port:
                  number: 19530
"#;
    let message = schema_only_refusal(ingress);
    for expected in [
        r#"spec.rules[0].host: Invalid value: "10.0.0.7": must be a DNS name, not an IP address"#,
        r#"spec.rules[0].http.paths[0].path: Invalid value: "api//v1": must be an absolute path"#,
        r#"spec.rules[0].http.paths[0].path: Invalid value: "api//v1": must not contain '//'"#,
        "objects.yaml",
        "pkg/apis/networking/validation/validation.go",
    ] {
        assert!(message.contains(expected), "{expected}\n{message}");
    }
}

#[test]
fn schema_only_needs_paths() {
    let tmp = tempdir();
    let out = milvus_l7(tmp.path())
        .args(["validate", "--schema-only"])
        .assert()
        .code(2);
    assert!(stderr(out.get_output()).contains("PATH"));
}

#[test]
fn a_service_with_duplicate_ports_is_refused_as_the_server_words_it() {
    let service = r#"apiVersion: v1
kind: Service
metadata:
  name: my-release-milvus
  namespace: default
spec:
  ports:
    - name: milvus
      port: 19530
    - name: milvus
      port: 19530
"#;
    let message = schema_only_refusal(service);
    assert!(
        message.contains(r#"spec.ports[1].name: Duplicate value: "milvus""#),
        "{message}"
    );
    assert!(
        message.contains(r#"spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP""#),
        "{message}"
    );
}

#[test]
fn a_tls_secret_without_its_key_is_refused_and_no_data_is_shown() {
    let secret = r#"apiVersion: v1
kind: Secret
metadata:
  name: milvus-tls
  namespace: default
  labels:
    tier: "front end"
type: kubernetes.io/tls
data:
  tls.crt: c2VjcmV0LWRhdGE=
"#;
    let message = schema_only_refusal(secret);
    assert!(
        message.contains("data[tls.key]: Required value"),
        "{message}"
    );
    assert!(
        message.contains(
            r#"metadata.labels: Invalid value: "front end": a valid label must be an empty string"#
        ),
        "{message}"
    );
    assert!(!message.contains("c2VjcmV0"), "{message}");
}
