//! `milvus-l7 validate`: the render (every overlay combination the golden
//! tests use) is valid, a user's own manifests are checked with the same
//! schemas and lints, a misspelled field is caught in every kind, and every
//! problem is listed.

mod common;

use common::{milvus_l7, tempdir, testdata};
use std::path::Path;

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

#[test]
fn the_render_is_valid_for_both_overlays_default_and_other_parameters() {
    let cases: &[&[&str]] = &[
        &[],
        &["--overlay", "google-managed"],
        &["--overlay", "self-managed"],
        &[
            "--overlay",
            "self-managed",
            "--tls-cert",
            "certs/tls.crt",
            "--tls-key",
            "certs/tls.key",
        ],
        &["--config", "configs/search.yaml"],
        &[
            "--release",
            "milvus-prod",
            "--namespace",
            "vectors",
            "--domain",
            "milvus.example.com",
            "--set",
            "servicePort=19531",
            "--set",
            "servicePortName=grpc",
            "--set",
            "healthCheckPort=9092",
            "--set",
            "ingressClass=gce",
        ],
        &[
            "--overlay",
            "google-managed",
            "--overlay",
            "https-only",
            "--overlay",
            "grpc-timeouts",
        ],
        &[
            "--overlay",
            "gateway",
            "--overlay",
            "self-managed",
            "--overlay",
            "grpc-timeouts",
        ],
        &["--overlay", "gateway", "--set", "certMap=milvus-map"],
    ];
    for args in cases {
        let assert = milvus_l7(&testdata())
            .arg("validate")
            .args(*args)
            .assert()
            .success()
            .stdout("");
        assert!(stderr_of(&assert).contains("valid:"), "{args:?}");
    }
}

#[test]
fn a_rendered_directory_validates_including_its_helm_values() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    milvus_l7(&testdata())
        .args([
            "render",
            "--overlay",
            "self-managed",
            "--tls-cert",
            "certs/tls.crt",
            "--tls-key",
            "certs/tls.key",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    milvus_l7(tmp.path())
        .args(["validate", "out"])
        .assert()
        .success()
        .stdout("");

    // Break the Helm values the chart turns into the Service: the lint that
    // keys app-protocols by port name fires, and names the object's source.
    let values = out.join("helm/values.yaml");
    let text = std::fs::read_to_string(&values).unwrap();
    std::fs::write(&values, text.replace("{\\\"milvus\\\":", "{\\\"grpc\\\":")).unwrap();
    let assert = milvus_l7(tmp.path())
        .args(["validate", "out"])
        .assert()
        .code(2)
        .stdout("");
    assert!(
        stderr_of(&assert).contains("keyed by `grpc`, which is not a port name"),
        "{}",
        stderr_of(&assert)
    );
}

/// A valid object of each kind with a schema, and a field to misspell.
const KINDS: &[(&str, &str, &str)] = &[
    (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: my-release-milvus, namespace: default, annotations: {networking.gke.io/managed-certificates: c}}\nspec:\n  rules:\n  - host: my-release.milvus.io\n    http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: my-release-milvus, port: {number: 19530}}}}\n",
        "pathType",
        "/spec/rules/0/http/paths/0/pathTyp",
    ),
    (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\ntype: Opaque\nstringData: {a: b}\n",
        "stringData",
        "/stringDat",
    ),
    (
        "apiVersion: v1\nkind: Service\nmetadata: {name: my-release-milvus, namespace: default}\nspec:\n  type: ClusterIP\n  ports: [{name: milvus, port: 19530, targetPort: milvus}]\n",
        "targetPort",
        "/spec/ports/0/targetPor",
    ),
    (
        "apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata: {name: b, namespace: default}\nspec:\n  healthCheck: {port: 9091, requestPath: /healthz, type: HTTP}\n",
        "requestPath",
        "/spec/healthCheck/requestPat",
    ),
    (
        "apiVersion: networking.gke.io/v1\nkind: ManagedCertificate\nmetadata: {name: c, namespace: default}\nspec:\n  domains: [my-release.milvus.io]\n",
        "domains",
        "/spec/domain",
    ),
    (
        "apiVersion: networking.gke.io/v1beta1\nkind: FrontendConfig\nmetadata: {name: f, namespace: default}\nspec:\n  redirectToHttps: {enabled: true}\n",
        "redirectToHttps",
        "/spec/redirectToHttp",
    ),
    (
        "apiVersion: networking.gke.io/v1\nkind: HealthCheckPolicy\nmetadata: {name: h, namespace: default}\nspec:\n  default:\n    config:\n      type: HTTP\n      httpHealthCheck: {port: 9091, requestPath: /healthz}\n  targetRef: {group: '', kind: Service, name: my-release-milvus}\n",
        "requestPath",
        "/spec/default/config/httpHealthCheck/requestPat",
    ),
    (
        "apiVersion: networking.gke.io/v1\nkind: GCPBackendPolicy\nmetadata: {name: g, namespace: default}\nspec:\n  default: {timeoutSec: 3600}\n  targetRef: {group: '', kind: Service, name: my-release-milvus}\n",
        "timeoutSec",
        "/spec/default/timeoutSe",
    ),
    (
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: my-release-milvus, namespace: default}\nspec:\n  gatewayClassName: gke-l7-global-external-managed\n  listeners:\n  - name: https\n    protocol: HTTPS\n    port: 443\n    hostname: my-release.milvus.io\n    tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: my-release-milvus-tls}]}\n    allowedRoutes: {namespaces: {from: Same}}\n",
        "allowedRoutes",
        "/spec/listeners/0/allowedRoute",
    ),
    (
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: default}\nspec:\n  hostnames: [my-release.milvus.io]\n  rules:\n  - matches: [{path: {type: PathPrefix, value: /}}]\n    backendRefs: [{name: my-release-milvus, port: 19530}]\n",
        "backendRefs",
        "/spec/rules/0/backendRef",
    ),
];

#[test]
fn a_misspelled_field_is_rejected_in_every_kind() {
    let tmp = tempdir();
    for (index, (yaml, field, path)) in KINDS.iter().enumerate() {
        let good = tmp.path().join(format!("good{index}.yaml"));
        std::fs::write(&good, yaml).unwrap();
        let assert = milvus_l7(tmp.path()).arg("validate").arg(&good).assert();
        assert!(
            !stderr_of(&assert).contains("unknown field"),
            "{yaml}\n{}",
            stderr_of(&assert)
        );

        let misspelled = field[..field.len() - 1].to_string();
        let bad = tmp.path().join(format!("bad{index}.yaml"));
        std::fs::write(
            &bad,
            yaml.replace(&format!("{field}:"), &format!("{misspelled}:")),
        )
        .unwrap();
        let assert = milvus_l7(tmp.path())
            .arg("validate")
            .arg(&bad)
            .assert()
            .code(2)
            .stdout("");
        let stderr = stderr_of(&assert);
        assert!(
            stderr.contains(&format!("{path}: unknown field")),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("did you mean `{field}`?")),
            "{stderr}"
        );
        assert!(stderr.contains(&format!("bad{index}.yaml:")), "{stderr}");
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn every_problem_of_a_broken_setup_is_listed() {
    let tmp = tempdir();
    let dir = tmp.path();
    // The guide's objects with the classic mistakes: ingressClassName alone,
    // health check on the serving port, a wildcard managed domain, a
    // managed-certificates name that does not exist, and a typo.
    write(dir, "ingress.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: my-release-milvus\n  namespace: default\n  annotations:\n    networking.gke.io/managed-certificates: my-release-milvus-tls,missing\nspec:\n  ingressClassName: gce\n  rules:\n  - host: my-release.milvus.io\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: my-release-milvus\n            port: {number: 19530}\n");
    write(dir, "backendconfig.yaml", "apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata: {name: my-release-backendconfig, namespace: default}\nspec:\n  healthCheck: {port: 19530, requestPath: /healthz, tpye: HTTP}\n");
    write(dir, "managed-crt.yaml", "apiVersion: networking.gke.io/v1\nkind: ManagedCertificate\nmetadata: {name: my-release-milvus-tls, namespace: default}\nspec:\n  domains: ['*.example.com']\n");
    write(dir, "kustomization.yaml", "resources: [ingress.yaml]\n");
    write(dir, "README.md", "not YAML");
    let assert = milvus_l7(dir)
        .args(["validate", ".", "-v"])
        .assert()
        .code(2)
        .stdout("");
    let stderr = stderr_of(&assert);
    for expected in [
        "GKE ignores this Ingress",
        "names ManagedCertificate `missing`",
        "host `my-release.milvus.io` is not among the certificate domains (*.example.com)",
        "spec.healthCheck.port is 19530, the gRPC serving port",
        "/spec/healthCheck/tpye: unknown field",
        "`*.example.com` is a wildcard",
        "note: skipped ./kustomization.yaml",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
}

#[test]
fn the_same_files_pass_once_fixed_and_stdin_json_is_read() {
    let object = serde_json::json!({
        "apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "cloud.google.com/v1", "kind": "BackendConfig",
             "metadata": {"name": "my-release-backendconfig", "namespace": "default"},
             "spec": {"healthCheck": {"port": 9091, "requestPath": "/healthz", "type": "HTTP"}}}
        ]
    });
    milvus_l7(&testdata())
        .args(["validate", "-"])
        .write_stdin(serde_json::to_string_pretty(&object).unwrap())
        .assert()
        .success()
        .stdout("");
}

#[test]
fn a_user_service_name_is_taken_from_the_parameters() {
    let tmp = tempdir();
    write(tmp.path(), "ingress.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: prod\n  namespace: default\n  annotations: {ingress.gcp.kubernetes.io/pre-shared-cert: my-cert}\nspec:\n  rules:\n  - host: milvus.example.com\n    http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: milvus-prod, port: {number: 19530}}}}\n");
    let assert = milvus_l7(tmp.path())
        .args(["validate", "ingress.yaml"])
        .assert()
        .code(2);
    assert!(stderr_of(&assert).contains(
        "names Service `milvus-prod`, which is not the Milvus Service (known: `my-release-milvus`)"
    ));
    milvus_l7(tmp.path())
        .args(["validate", "ingress.yaml", "--release", "milvus-prod"])
        .assert()
        .success();
}

#[test]
fn missing_paths_and_empty_inputs_are_errors() {
    let tmp = tempdir();
    milvus_l7(tmp.path())
        .args(["validate", "nothing-here.yaml"])
        .assert()
        .code(2)
        .stdout("");
    write(tmp.path(), "notes.txt", "hello");
    let assert = milvus_l7(tmp.path())
        .args(["validate", "."])
        .assert()
        .code(2)
        .stdout("");
    assert!(stderr_of(&assert).contains("no Kubernetes object found"));
}

#[test]
fn names_that_yaml_reads_as_booleans_stay_strings() {
    // `on` is a valid namespace and release, and a YAML 1.1 boolean.
    let assert = milvus_l7(&testdata())
        .args([
            "render",
            "--namespace",
            "on",
            "--release",
            "no",
            "--overlay",
            "gateway",
            "--set",
            "certMap=m",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("namespace: \"on\""), "{stdout}");
    assert!(
        stdout.contains("app.kubernetes.io/instance: \"no\""),
        "{stdout}"
    );
}
