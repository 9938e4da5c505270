//! Messages say things one way: field paths are kubectl's dotted form in
//! every kind of problem.

use crate::common::{milvus_l7, stderr, tempdir, write_file};

/// Objects with schema errors (unknown fields, wrong types, in arrays and
/// maps) and with lint problems, validated together.
const BROKEN: &str = "\
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata: {name: my-release-backendconfig, namespace: default, annotations: {cloud.google.com/x: 1}}
spec:
  healthCheck: {port: 19530, requestPth: /healthz, type: HTTP, checkIntervalSec: '5'}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: my-release-milvus
  namespace: default
  annotations: {networking.gke.io/managed-certificates: my-release-milvus-tls}
spec:
  ingressClassName: gce
  rules:
  - host: my-release.milvus.io
    http:
      paths:
      - {path: /, pathTyp: Prefix, backend: {service: {name: my-release-milvus, port: {number: 19530}}}}
---
apiVersion: networking.gke.io/v1
kind: ManagedCertificate
metadata: {name: my-release-milvus-tls, namespace: default}
spec:
  domains: [my-release.milvus.io]
";

#[test]
fn every_problem_names_its_field_the_kubectl_way() {
    let tmp = tempdir();
    write_file(tmp.path(), "broken.yaml", BROKEN);
    let out = milvus_l7(tmp.path())
        .args(["validate", "broken.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    for dotted in [
        // schema: unknown fields, in a map and in arrays; a wrong type;
        // a key with dots and a slash kept whole
        "spec.healthCheck.requestPth: unknown field",
        "spec.rules[0].http.paths[0].pathTyp: unknown field",
        "spec.healthCheck.checkIntervalSec: ",
        "metadata.annotations[cloud.google.com/x]: ",
        // lint
        "spec.healthCheck.port is 19530",
        "spec.ingressClassName is `gce`",
    ] {
        assert!(text.contains(dotted), "no {dotted:?} in:\n{text}");
    }
    // No JSON Pointer anywhere: `/spec/...`, `/metadata/...`, or a bare `/`
    // standing for the whole object.
    for word in text.split_whitespace() {
        let pointer = word.starts_with('/')
            && word[1..].starts_with(|c: char| c.is_ascii_alphabetic())
            && (word[1..].contains('/') || word.ends_with(':'));
        assert!(!pointer, "JSON Pointer {word:?} in:\n{text}");
        assert_ne!(word, "/:", "{text}");
    }
}
