//! `milvus-l7 validate`: the render (every overlay combination the golden
//! tests use) is valid, a user's own manifests are checked with the same
//! schemas and lints, a misspelled field is caught in every kind, and every
//! problem is listed.

use crate::common::golden::GOLDEN;
use crate::common::{
    live_fixture, milvus_l7, render_to_dir, stderr, stdout, tempdir, testdata, write_file,
    SELF_MANAGED_WITH_FILES,
};

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    stderr(assert.get_output())
}

/// Renders that are not golden cases but must validate too.
const MORE_VALID_RENDERS: &[&[&str]] = &[
    &[],
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
];

/// No schema or lint fires on any golden output or on the other renders.
#[test]
fn every_golden_render_and_the_other_parameters_are_valid() {
    let golden = GOLDEN.iter().map(|(_, args)| *args);
    for args in golden.chain(MORE_VALID_RENDERS.iter().copied()) {
        let assert = milvus_l7(&testdata())
            .arg("validate")
            .args(args)
            .assert()
            .success()
            .stdout("");
        assert!(stderr_of(&assert).contains("valid:"), "{args:?}");
    }
}

/// The golden directories as files (objects, helm/values.yaml,
/// kustomization.yaml) pass `validate DIR` with their render parameters.
#[test]
fn every_golden_directory_validates_as_a_users_manifests() {
    for (case, args) in GOLDEN {
        let dir = format!("golden/{case}");
        let assert = milvus_l7(&testdata())
            .args(["validate", &dir])
            .args(*args)
            .assert();
        let output = assert.get_output();
        assert_eq!(output.status.code(), Some(0), "{case}: {}", stderr(output));
        assert!(stderr(output).contains("valid:"), "{case}");
    }
}

#[test]
fn a_rendered_directory_validates_including_its_helm_values() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    render_to_dir(SELF_MANAGED_WITH_FILES, &out);
    milvus_l7(tmp.path())
        .args(["validate", "out"])
        .assert()
        .success()
        .stdout("");

    // Break the Helm values the chart turns into the Service: the lint that
    // keys app-protocols by port name fires, and names the object's source.
    let values = out.join("helm/values.yaml");
    let text = std::fs::read_to_string(&values).unwrap();
    write_file(
        &out,
        "helm/values.yaml",
        &text.replace("{\\\"milvus\\\":", "{\\\"grpc\\\":"),
    );
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
        "spec.rules[0].http.paths[0].pathTyp",
    ),
    (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\ntype: Opaque\nstringData: {a: b}\n",
        "stringData",
        "stringDat",
    ),
    (
        "apiVersion: v1\nkind: Service\nmetadata: {name: my-release-milvus, namespace: default}\nspec:\n  type: ClusterIP\n  ports: [{name: milvus, port: 19530, targetPort: milvus}]\n",
        "targetPort",
        "spec.ports[0].targetPor",
    ),
    (
        "apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata: {name: b, namespace: default}\nspec:\n  healthCheck: {port: 9091, requestPath: /healthz, type: HTTP}\n",
        "requestPath",
        "spec.healthCheck.requestPat",
    ),
    (
        "apiVersion: networking.gke.io/v1\nkind: ManagedCertificate\nmetadata: {name: c, namespace: default}\nspec:\n  domains: [my-release.milvus.io]\n",
        "domains",
        "spec.domain",
    ),
    (
        "apiVersion: networking.gke.io/v1beta1\nkind: FrontendConfig\nmetadata: {name: f, namespace: default}\nspec:\n  redirectToHttps: {enabled: true}\n",
        "redirectToHttps",
        "spec.redirectToHttp",
    ),
    (
        "apiVersion: networking.gke.io/v1\nkind: HealthCheckPolicy\nmetadata: {name: h, namespace: default}\nspec:\n  default:\n    config:\n      type: HTTP\n      httpHealthCheck: {port: 9091, requestPath: /healthz}\n  targetRef: {group: '', kind: Service, name: my-release-milvus}\n",
        "requestPath",
        "spec.default.config.httpHealthCheck.requestPat",
    ),
    (
        "apiVersion: networking.gke.io/v1\nkind: GCPBackendPolicy\nmetadata: {name: g, namespace: default}\nspec:\n  default: {timeoutSec: 3600}\n  targetRef: {group: '', kind: Service, name: my-release-milvus}\n",
        "timeoutSec",
        "spec.default.timeoutSe",
    ),
    (
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: my-release-milvus, namespace: default}\nspec:\n  gatewayClassName: gke-l7-global-external-managed\n  listeners:\n  - name: https\n    protocol: HTTPS\n    port: 443\n    hostname: my-release.milvus.io\n    tls: {mode: Terminate, certificateRefs: [{kind: Secret, name: my-release-milvus-tls}]}\n    allowedRoutes: {namespaces: {from: Same}}\n",
        "allowedRoutes",
        "spec.listeners[0].allowedRoute",
    ),
    (
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: default}\nspec:\n  hostnames: [my-release.milvus.io]\n  rules:\n  - matches: [{path: {type: PathPrefix, value: /}}]\n    backendRefs: [{name: my-release-milvus, port: 19530}]\n",
        "backendRefs",
        "spec.rules[0].backendRef",
    ),
];

#[test]
fn a_misspelled_field_is_rejected_in_every_kind() {
    let tmp = tempdir();
    for (index, (yaml, field, path)) in KINDS.iter().enumerate() {
        let good = write_file(tmp.path(), &format!("good{index}.yaml"), yaml);
        let assert = milvus_l7(tmp.path()).arg("validate").arg(&good).assert();
        assert!(
            !stderr_of(&assert).contains("unknown field"),
            "{yaml}\n{}",
            stderr_of(&assert)
        );

        let misspelled = field[..field.len() - 1].to_string();
        let bad = write_file(
            tmp.path(),
            &format!("bad{index}.yaml"),
            &yaml.replace(&format!("{field}:"), &format!("{misspelled}:")),
        );
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

#[test]
fn every_problem_of_a_broken_setup_is_listed() {
    let tmp = tempdir();
    let dir = tmp.path();
    // The guide's objects with the classic mistakes: ingressClassName alone,
    // health check on the serving port, a wildcard managed domain, a
    // managed-certificates name that does not exist, and a typo.
    write_file(dir, "ingress.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: my-release-milvus\n  namespace: default\n  annotations:\n    networking.gke.io/managed-certificates: my-release-milvus-tls,missing\nspec:\n  ingressClassName: gce\n  rules:\n  - host: my-release.milvus.io\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: my-release-milvus\n            port: {number: 19530}\n");
    write_file(dir, "backendconfig.yaml", "apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata: {name: my-release-backendconfig, namespace: default}\nspec:\n  healthCheck: {port: 19530, requestPath: /healthz, tpye: HTTP}\n");
    write_file(dir, "managed-crt.yaml", "apiVersion: networking.gke.io/v1\nkind: ManagedCertificate\nmetadata: {name: my-release-milvus-tls, namespace: default}\nspec:\n  domains: ['*.example.com']\n");
    write_file(dir, "kustomization.yaml", "resources: [ingress.yaml]\n");
    write_file(dir, "README.md", "not YAML");
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
        "spec.healthCheck.tpye: unknown field",
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
    write_file(tmp.path(), "ingress.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: prod\n  namespace: default\n  annotations: {ingress.gcp.kubernetes.io/pre-shared-cert: my-cert}\nspec:\n  rules:\n  - host: milvus.example.com\n    http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: milvus-prod, port: {number: 19530}}}}\n");
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
    write_file(tmp.path(), "notes.txt", "hello");
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
    let stdout = stdout(assert.get_output());
    assert!(stdout.contains("namespace: \"on\""), "{stdout}");
    assert!(
        stdout.contains("app.kubernetes.io/instance: \"no\""),
        "{stdout}"
    );
}

// --- the Gateway variant's rules, on the render and on a user's files -----------

/// Runs `milvus-l7 <args>` from testdata/, expects exit 2 with nothing on
/// stdout, and returns stderr.
fn refused(args: &[&str]) -> String {
    refused_in(&testdata(), args)
}

/// [`refused`], run from `dir`.
fn refused_in(dir: &std::path::Path, args: &[&str]) -> String {
    let assert = milvus_l7(dir).args(args).assert().code(2).stdout("");
    stderr(assert.get_output())
}

#[test]
fn a_gateway_without_certificate_map_or_secret_is_refused_naming_cert_map() {
    for command in ["render", "validate", "diff"] {
        let mut args = vec![command, "--overlay", "gateway"];
        if command == "diff" {
            args.extend(["--live", "live/milvus-gateway.yaml"]);
        }
        let stderr = refused(&args);
        for expected in [
            "networking.gke.io/certmap annotation is empty",
            "`certMap`",
            "--set certMap=NAME",
            "--overlay self-managed",
        ] {
            assert!(
                stderr.contains(expected),
                "{command}: {expected:?} in {stderr}"
            );
        }
    }
}

#[test]
fn a_health_check_timeout_longer_than_its_interval_is_refused() {
    for (variant, field) in [
        (
            &["--overlay", "google-managed"][..],
            "spec.healthCheck.timeoutSec (30)",
        ),
        (
            &["--overlay", "gateway", "--set", "certMap=m"][..],
            "spec.default.timeoutSec (30)",
        ),
    ] {
        let mut args = vec!["render", "--overlay", "grpc-timeouts"];
        args.extend(variant);
        args.extend(["--set", "healthCheckTimeoutSec=30"]);
        let stderr = refused(&args);
        assert!(stderr.contains(field), "{variant:?}: {stderr}");
        assert!(stderr.contains("checkIntervalSec (15)"), "{stderr}");
        assert!(stderr.contains("--set healthCheckTimeoutSec=N"), "{stderr}");
    }
    milvus_l7(&testdata())
        .args([
            "render",
            "--overlay",
            "grpc-timeouts",
            "--overlay",
            "google-managed",
        ])
        .args(["--set", "healthCheckTimeoutSec=15"])
        .assert()
        .success();
}

/// The live export of the Gateway variant (status, controller annotations
/// and all) passes the strict schemas and the lints.
#[test]
fn the_live_gateway_export_validates() {
    let assert = milvus_l7(&testdata())
        .args(["validate", "live/milvus-gateway.yaml"])
        .args(["--overlay", "gateway", "--overlay", "self-managed"])
        .assert()
        .success();
    assert!(stderr_of(&assert).contains("valid: 6 objects"));
}

#[test]
fn every_gateway_rule_fires_on_a_users_broken_files() {
    let tmp = tempdir();
    let broken = live_fixture("milvus-gateway.yaml")
        // A certificate map next to the Secret reference.
        .replacen(
            "      networking.gke.io/backend-services:",
            "      networking.gke.io/certmap: milvus-map\n      networking.gke.io/backend-services:",
            1,
        )
        // A listener that does not exist.
        .replacen("      sectionName: https\n    rules:", "      sectionName: http\n    rules:", 1)
        // A policy for a Service that does not exist.
        .replacen("      name: my-release-milvus-gateway\n  status:\n    conditions:\n    - lastTransitionTime: '2025-03-04T09:31:40Z'\n      message: Application of GCPBackendPolicy",
            "      name: milvus-gateway\n  status:\n    conditions:\n    - lastTransitionTime: '2025-03-04T09:31:40Z'\n      message: Application of GCPBackendPolicy", 1)
        // An appProtocol GKE's Gateway does not speak (it does speak
        // kubernetes.io/h2c, clear-text HTTP/2).
        .replacen("- appProtocol: HTTP2", "- appProtocol: kubernetes.io/ws", 1);
    let file = write_file(tmp.path(), "live.yaml", &broken);
    let assert = milvus_l7(tmp.path())
        .arg("validate")
        .arg(&file)
        .args(["--overlay", "gateway", "--overlay", "self-managed"])
        .assert()
        .code(2)
        .stdout("");
    let stderr = stderr_of(&assert);
    for expected in [
        "4 problems",
        "has tls.certificateRefs and the Gateway has the networking.gke.io/certmap annotation: GKE does not accept both",
        "sectionName is `http`, which is not a listener of Gateway `my-release-milvus` (listeners: https)",
        "spec.targetRef names Service `milvus-gateway`",
        "has appProtocol `kubernetes.io/ws`",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
    assert!(
        stderr.contains("live.yaml: "),
        "problems name the file: {stderr}"
    );
}

#[test]
fn a_gateways_tls_secret_must_cover_the_listener_hostname() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let mut args = vec!["--overlay", "gateway"];
    args.extend(SELF_MANAGED_WITH_FILES);
    render_to_dir(&args, &out);
    milvus_l7(tmp.path())
        .args(["validate", "out"])
        .assert()
        .success();
    let gateway = "gateway.networking.k8s.io_v1_gateway_my-release-milvus.yaml";
    let text = std::fs::read_to_string(out.join(gateway)).unwrap();
    write_file(
        &out,
        gateway,
        &text.replace(
            "hostname: my-release.milvus.io",
            "hostname: other.milvus.io",
        ),
    );
    let stderr = refused_in(tmp.path(), &["validate", "out"]);
    assert!(
        stderr.contains("v1/Secret/default/my-release-milvus-tls")
            && stderr.contains("not for `other.milvus.io`"),
        "{stderr}"
    );
}

/// validate reads with diff's loader: errors point at file:line:column.
#[test]
fn malformed_files_are_named_with_line_and_column() {
    let tmp = tempdir();
    write_file(
        tmp.path(),
        "broken.json",
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\" \"Service\"\n}\n",
    );
    write_file(
        tmp.path(),
        "broken.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: [x\n",
    );
    for (file, location) in [
        ("broken.json", "broken.json:3:"),
        ("broken.yaml", "broken.yaml:"),
    ] {
        let assert = milvus_l7(tmp.path())
            .args(["validate", file])
            .assert()
            .code(2)
            .stdout("");
        let stderr = stderr_of(&assert);
        assert!(
            stderr.starts_with(&format!("error: {location}")),
            "{stderr}"
        );
    }
}

/// Every problem line `validate` printed: the first line of a single
/// problem, or each listed one of several.
fn problem_lines(stderr: &str) -> Vec<String> {
    let first = stderr.lines().next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    if !first.ends_with(" problems:") {
        return vec![first.to_string()];
    }
    stderr
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && !l.starts_with("  hint:"))
        .map(|l| l.trim_start().to_string())
        .collect()
}

/// The object a problem names: an id (`group/version/kind/namespace/name`),
/// or the Helm values and the Service the chart makes from them.
fn names_an_object(line: &str) -> bool {
    let id = regex_like_id(line);
    id || line.contains("the Helm values")
        || line.contains("(made by the Helm chart from the values)")
}

/// `…/v1/Kind/namespace/name` somewhere in the line.
fn regex_like_id(line: &str) -> bool {
    line.split([' ', ',']).any(|word| {
        let parts: Vec<&str> = word.trim_end_matches(':').split('/').collect();
        parts.len() == 5 && parts[1].starts_with('v') && parts[2].starts_with(char::is_uppercase)
    })
}

/// Each problem names the file(s) to edit (before the first `: `, files
/// that exist, relative to where validate ran) and the object in them.
fn assert_every_problem_names_file_and_object(dir: &std::path::Path, args: &[&str]) {
    let assert = milvus_l7(dir).args(args).assert().code(2).stdout("");
    let stderr = stderr_of(&assert);
    let lines = problem_lines(&stderr);
    assert!(!lines.is_empty(), "{stderr}");
    for line in &lines {
        let (files, _) = line.split_once(": ").unwrap_or_default();
        assert!(
            !files.is_empty() && files.split(", ").all(|f| dir.join(f).is_file()),
            "{args:?}: no file named in {line:?}\n{stderr}"
        );
        assert!(
            names_an_object(line),
            "{args:?}: no object named in {line:?}\n{stderr}"
        );
    }
}

#[test]
fn every_problem_names_its_file_and_object() {
    // A certificate problem read from a live file (the issue's example).
    assert_every_problem_names_file_and_object(
        &testdata(),
        &[
            "validate",
            "--overlay",
            "self-managed",
            "live/milvus-self-managed.yaml",
        ],
    );

    // Schema and lint problems, and an object in two files.
    let tmp = tempdir();
    let dir = tmp.path();
    write_file(dir, "ingress.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: my-release-milvus\n  namespace: default\n  annotations:\n    networking.gke.io/managed-certificates: my-release-milvus-tls,missing\nspec:\n  ingressClassName: gce\n  rules:\n  - host: my-release.milvus.io\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: my-release-milvus\n            port: {number: 19530}\n");
    let backend_config = "apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata: {name: my-release-backendconfig, namespace: default}\nspec:\n  healthCheck: {port: 19530, requestPath: /healthz, tpye: HTTP}\n";
    write_file(dir, "backendconfig.yaml", backend_config);
    write_file(dir, "copy/backendconfig.yaml", backend_config);
    write_file(dir, "managed-crt.yaml", "apiVersion: networking.gke.io/v1\nkind: ManagedCertificate\nmetadata: {name: my-release-milvus-tls, namespace: default}\nspec:\n  domains: ['*.example.com']\n");
    assert_every_problem_names_file_and_object(dir, &["validate", "."]);

    // A rendered directory: the Helm values, the Service the chart makes
    // from them, and a TLS Secret whose certificate does not cover the host.
    let tmp = tempdir();
    let out = tmp.path().join("out");
    render_to_dir(SELF_MANAGED_WITH_FILES, &out);
    let values = std::fs::read_to_string(out.join("helm/values.yaml")).unwrap();
    write_file(
        &out,
        "helm/values.yaml",
        &values.replace("{\\\"milvus\\\":", "{\\\"grpc\\\":"),
    );
    let ingress = "networking.k8s.io_v1_ingress_my-release-milvus.yaml";
    let text = std::fs::read_to_string(out.join(ingress)).unwrap();
    write_file(
        &out,
        ingress,
        &text.replace("my-release.milvus.io", "other.example.com"),
    );
    assert_every_problem_names_file_and_object(tmp.path(), &["validate", "out"]);
}

/// A List of `count` ConfigMaps (over a MiB: parsed in pieces on several
/// threads), with a BackendConfig out of GKE's range and an Ingress without
/// a certificate every 1000 items; with `alias`, the last item uses an
/// anchor of the first, so the pieces fail and the List is parsed again
/// whole.
fn big_list(count: usize, alias: bool) -> String {
    let mut text = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..count {
        if i % 1000 == 0 {
            let anchor = if i == 0 { " &common" } else { "" };
            text.push_str(&format!("- apiVersion: cloud.google.com/v1\n  kind: BackendConfig\n  metadata:\n    name: b{i}\n    namespace: default\n    labels:{anchor} {{team: a}}\n  spec:\n    timeoutSec: 0\n    healthCheck: {{port: 9091, requestPath: /healthz, type: HTTP}}\n"));
            text.push_str(&format!("- apiVersion: networking.k8s.io/v1\n  kind: Ingress\n  metadata:\n    name: i{i}\n    namespace: default\n  spec:\n    defaultBackend:\n      service: {{name: my-release-milvus, port: {{number: 19530}}}}\n"));
        }
        text.push_str(&format!("- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c{i}\n    namespace: default\n  data:\n    text: \"{}\"\n", "x".repeat(60)));
    }
    if alias {
        text.push_str("- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: aliased\n    namespace: default\n    labels: *common\n");
    }
    text
}

/// `validate` checks each object alone on the thread that parsed it: the
/// findings still come in input order, each once, also when the pieces are
/// given up for one whole parse (and every object is checked again).
#[test]
fn a_big_lists_findings_come_once_each_in_input_order() {
    let tmp = tempdir();
    for alias in [false, true] {
        let text = big_list(12_000, alias);
        assert!(text.len() > 1 << 20);
        write_file(tmp.path(), "list.yaml", &text);
        let stderr = refused_in(tmp.path(), &["validate", "list.yaml"]);
        let names_in = |marker: &str| -> Vec<String> {
            stderr
                .lines()
                .filter(|line| line.contains(marker))
                .map(|line| {
                    let after = line.split("/default/").nth(1).unwrap_or("");
                    after.split(':').next().unwrap_or("").to_string()
                })
                .collect()
        };
        let expected = |prefix: &str| -> Vec<String> {
            (0..12).map(|k| format!("{prefix}{}", k * 1000)).collect()
        };
        assert_eq!(names_in("timeoutSec is 0"), expected("b"), "{stderr}");
        assert_eq!(names_in("has no certificate"), expected("i"), "{stderr}");
        assert!(stderr.contains("12 problems:"), "{stderr}");
    }
}

/// Objects are checked alone as they are read and then cut down: each must
/// be checked exactly once, whole. JSON streams a List's `items` before its
/// `kind` (kubectl sorts the keys), and a custom resource may have an
/// `items` field of its own, object-like, which is no List.
#[test]
fn json_lists_and_a_custom_resources_own_items_are_checked_as_written() {
    let tmp = tempdir();
    let dir = tmp.path();
    // Valid Services that a cut-down copy would fail: two ports told apart
    // by protocol, a headless and an ExternalName Service without ports.
    let services = r#"{"apiVersion":"v1","kind":"List","items":[
 {"apiVersion":"v1","kind":"Service","metadata":{"name":"kube-dns","namespace":"kube-system"},
  "spec":{"selector":{"k8s-app":"kube-dns"},"ports":[{"name":"dns","port":53,"protocol":"UDP","targetPort":53},{"name":"dns-tcp","port":53,"protocol":"TCP","targetPort":53}]}},
 {"apiVersion":"v1","kind":"List","items":[
  {"apiVersion":"v1","kind":"Service","metadata":{"name":"headless","namespace":"default"},"spec":{"clusterIP":"None","selector":{"app":"x"}}}]},
 {"apiVersion":"v1","kind":"Service","metadata":{"name":"ext","namespace":"default"},"spec":{"type":"ExternalName","externalName":"example.com"}}]}"#;
    write_file(dir, "services.json", services);
    for args in [
        &["validate", "services.json"][..],
        &["validate", "--schema-only", "services.json"],
    ] {
        milvus_l7(dir)
            .args(args)
            .assert()
            .success()
            .stdout("")
            .stderr("valid: 3 objects\n");
    }
    milvus_l7(dir)
        .args(["validate", "-"])
        .write_stdin(services)
        .assert()
        .success()
        .stderr("valid: 3 objects\n");

    // A Bundle's items are its own data, not objects: small JSON, and YAML
    // over a MiB (which would otherwise be cut at its entries).
    let bundle = r#"{"apiVersion": "example.com/v1", "kind": "Bundle", "metadata": {"name": "b", "namespace": "default"},
 "items": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "default"}, "spec": {"ports": [{"name": "a", "port": 80}], "bogus": 1}}]}"#;
    write_file(dir, "bundle.json", bundle);
    let mut big = String::from("apiVersion: example.com/v1\nkind: Bundle\nmetadata:\n  name: b\n  namespace: default\nitems:\n");
    for i in 0..6000 {
        big.push_str(&format!("- apiVersion: v1\n  kind: Service\n  metadata: {{name: s{i}, namespace: default}}\n  spec:\n    ports:\n    - {{name: a, port: 80}}\n  extra: {}\n", "x".repeat(150)));
    }
    assert!(big.len() > 1 << 20);
    write_file(dir, "bundle.yaml", &big);
    for file in ["bundle.json", "bundle.yaml"] {
        milvus_l7(dir)
            .args(["validate", file])
            .assert()
            .success()
            .stderr("valid: 1 objects\n");
    }
}
