//! `milvus-l7 diff`: the fixtures in testdata/live/milvus-*.yaml are exactly
//! what render produces plus everything the API server, Helm and GKE add, so
//! they compare clean; every single meaningful change is then found and
//! named. Real exports (testdata/live/, sources in their headers) check
//! normalization and that other apps' objects are left alone.

use crate::common::{
    live_fixture, live_path, milvus_l7, parse_yaml_stream, stderr, stdout, tempdir, testdata,
    write_file,
};
use base64::Engine;
use milvus_l7::diff::normalize::{self, Origin};
use milvus_l7::load::live;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

const GOOGLE_MANAGED: &str = "milvus-google-managed.yaml";
const SELF_MANAGED: &str = "milvus-self-managed.yaml";
const GATEWAY: &str = "milvus-gateway.yaml";
const GATEWAY_ARGS: &[&str] = &["--overlay", "gateway", "--overlay", "self-managed"];

/// Runs `diff <args> --live -` with `input` on stdin, in an empty directory.
fn diff_stdin(args: &[&str], input: &str) -> Output {
    let dir = tempdir();
    milvus_l7(dir.path())
        .arg("diff")
        .args(args)
        .args(["--live", "-"])
        .write_stdin(input.to_string())
        .output()
        .expect("runs")
}

/// Runs `diff <args> --live <path>` in an empty directory.
fn diff_path(args: &[&str], path: &Path) -> Output {
    let dir = tempdir();
    milvus_l7(dir.path())
        .arg("diff")
        .args(args)
        .arg("--live")
        .arg(path)
        .output()
        .expect("runs")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited")
}

/// Replaces exactly one occurrence, so a test fails loudly when the
/// fixture changes under it.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` occurs once");
    text.replacen(from, to, 1)
}

fn assert_clean(out: &Output, objects: usize) {
    assert_eq!(
        code(out),
        0,
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
    assert_eq!(
        stdout(out),
        format!("0 changed, 0 missing, 0 extra, {objects} unchanged\n")
    );
}

fn assert_differs(out: &Output) -> String {
    assert_eq!(
        code(out),
        1,
        "stdout:\n{}\nstderr:\n{}",
        stdout(out),
        stderr(out)
    );
    stdout(out)
}

// --- the fixtures compare clean -------------------------------------------

#[test]
fn google_managed_render_plus_gke_fields_has_no_difference() {
    let path = live_path(GOOGLE_MANAGED);
    assert_clean(&diff_path(&[], &path), 4);
    assert_clean(&diff_path(&["--strict"], &path), 4);
}

#[test]
fn self_managed_render_plus_gke_fields_has_no_difference() {
    let path = live_path(SELF_MANAGED);
    assert_clean(&diff_path(&["--overlay", "self-managed"], &path), 3);
    assert_clean(
        &diff_path(&["--overlay", "self-managed", "--strict"], &path),
        3,
    );
}

#[test]
fn gateway_render_plus_gke_fields_has_no_difference() {
    // The Gateway controller's annotations, finalizer and status, and the
    // CRD defaults of the references, are all normalized away.
    let path = live_path(GATEWAY);
    assert_clean(&diff_path(GATEWAY_ARGS, &path), 6);
    let strict: Vec<&str> = GATEWAY_ARGS.iter().chain(&["--strict"]).copied().collect();
    assert_clean(&diff_path(&strict, &path), 6);
}

#[test]
fn stdin_input_is_read_with_a_dash() {
    assert_clean(&diff_stdin(&[], &live_fixture(GOOGLE_MANAGED)), 4);
}

#[test]
fn json_input_loads_like_yaml() {
    let docs = parse_yaml_stream(&live_fixture(GOOGLE_MANAGED));
    assert_eq!(docs.len(), 1, "the fixture is one kind: List");
    let json = serde_json::to_string_pretty(&docs[0]).unwrap();
    let dir = tempdir();
    let path = write_file(dir.path(), "live.json", &json);
    assert_clean(&diff_path(&[], &path), 4);
    assert_clean(&diff_stdin(&[], &json), 4);
}

#[test]
fn a_directory_of_yaml_and_json_files_loads_and_other_files_are_skipped() {
    let docs = parse_yaml_stream(&live_fixture(SELF_MANAGED));
    assert_eq!(docs.len(), 4);
    let dir = tempdir();
    for (i, doc) in docs.iter().enumerate() {
        let name = if i % 2 == 0 {
            format!("{i}.yaml")
        } else {
            format!("{i}.json")
        };
        let text = if name.ends_with("json") {
            serde_json::to_string(doc).unwrap()
        } else {
            milvus_l7::yaml::to_string(doc)
        };
        write_file(dir.path(), &name, &text);
    }
    write_file(dir.path(), "notes.txt", "not: [yaml");
    let out = diff_path(&["--overlay", "self-managed"], dir.path());
    assert_clean(&out, 3);
}

#[test]
fn json_annotations_compare_parsed_and_numbers_as_numbers() {
    let text = live_fixture(GOOGLE_MANAGED);
    let text = replace_once(
        &text,
        r#"cloud.google.com/neg: '{"ingress":true}'"#,
        r#"cloud.google.com/neg: '{"ingress": true}'"#,
    );
    let text = replace_once(
        &text,
        r#"cloud.google.com/backend-config: '{"default":"my-release-backendconfig"}'"#,
        r#"cloud.google.com/backend-config: '{ "default" : "my-release-backendconfig" }'"#,
    );
    let text = replace_once(
        &text,
        "port: 9091\n      requestPath",
        "port: 9091.0\n      requestPath",
    );
    assert_clean(&diff_stdin(&[], &text), 4);
}

#[test]
fn the_charts_metrics_port_is_not_a_difference_wherever_it_is() {
    let text = live_fixture(GOOGLE_MANAGED);
    let milvus =
        "    - name: milvus\n      port: 19530\n      protocol: TCP\n      targetPort: milvus\n";
    let metrics =
        "    - name: metrics\n      port: 9091\n      protocol: TCP\n      targetPort: metrics\n";
    let swapped = replace_once(
        &text,
        &format!("{milvus}{metrics}"),
        &format!("{metrics}{milvus}"),
    );
    assert_clean(&diff_stdin(&[], &swapped), 4);
    assert_clean(&diff_stdin(&["--strict"], &swapped), 4);
}

#[test]
fn other_apps_objects_in_a_whole_namespace_export_are_ignored() {
    // Real exports of other apps (default namespace and others) next to ours.
    let dir = tempdir();
    for name in [
        GOOGLE_MANAGED,
        "agones-ingress-selfmanaged-tls.yaml",
        "devsecops-service-neg-status.yaml",
        "devsecops-service-lb-auto-neg-annotation.yaml",
        "kubevious-ingress-managedcert.yaml",
        "kubevious-managedcertificate-active.yaml",
        "visulate-backendconfig.yaml",
    ] {
        std::fs::copy(live_path(name), dir.path().join(name)).unwrap();
    }
    assert_clean(&diff_path(&[], dir.path()), 4);
}

// --- each single meaningful change is found and named -----------------------

#[test]
fn a_wrong_health_check_port_is_shown_on_the_backendconfig() {
    let text = replace_once(
        &live_fixture(GOOGLE_MANAGED),
        "port: 9091\n      requestPath",
        "port: 9090\n      requestPath",
    );
    let report = assert_differs(&diff_stdin(&[], &text));
    assert!(report
        .contains("--- live/cloud.google.com/v1/BackendConfig/default/my-release-backendconfig\n"));
    assert!(report.contains("-    port: 9090\n"), "{report}");
    assert!(report.contains("+    port: 9091\n"), "{report}");
    assert!(report.ends_with("1 changed, 0 missing, 0 extra, 3 unchanged\n"));

    let json = diff_stdin(&["--output", "json"], &text);
    assert_eq!(code(&json), 1);
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let backend = report["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "cloud.google.com/v1/BackendConfig/default/my-release-backendconfig")
        .unwrap();
    assert_eq!(backend["status"], "changed");
    assert_eq!(
        backend["changes"],
        serde_json::json!([{"path": "/spec/healthCheck/port", "before": 9090, "after": 9091}])
    );
}

#[test]
fn a_changed_listener_hostname_is_shown_on_the_gateway() {
    let text = replace_once(
        &live_fixture(GATEWAY),
        "      hostname: my-release.milvus.io\n",
        "      hostname: old.milvus.io\n",
    );
    let report = assert_differs(&diff_stdin(GATEWAY_ARGS, &text));
    assert!(report
        .contains("--- live/gateway.networking.k8s.io/v1/Gateway/default/my-release-milvus\n"));
    assert!(
        report.contains("-    hostname: old.milvus.io\n"),
        "{report}"
    );
    assert!(
        report.contains("+    hostname: my-release.milvus.io\n"),
        "{report}"
    );
    assert!(report.ends_with("1 changed, 0 missing, 0 extra, 5 unchanged\n"));

    let json_args: Vec<&str> = GATEWAY_ARGS
        .iter()
        .chain(&["--output", "json"])
        .copied()
        .collect();
    let json = diff_stdin(&json_args, &text);
    assert_eq!(code(&json), 1);
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let gateway = report["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "gateway.networking.k8s.io/v1/Gateway/default/my-release-milvus")
        .unwrap();
    assert_eq!(
        gateway["changes"],
        serde_json::json!([{"path": "/spec/listeners/0/hostname",
            "before": "old.milvus.io", "after": "my-release.milvus.io"}])
    );
}

#[test]
fn a_users_certificate_map_annotation_is_compared_not_dropped() {
    // GKE's own networking.gke.io/* annotations go; certmap is the user's.
    let text = replace_once(
        &live_fixture(GATEWAY),
        "      networking.gke.io/addresses:",
        "      networking.gke.io/certmap: milvus-map\n      networking.gke.io/addresses:",
    );
    let strict: Vec<&str> = GATEWAY_ARGS.iter().chain(&["--strict"]).copied().collect();
    let report = assert_differs(&diff_stdin(&strict, &text));
    assert!(
        report.contains("-    networking.gke.io/certmap: milvus-map\n"),
        "{report}"
    );
    assert!(!report.contains("networking.gke.io/addresses"), "{report}");
}

#[test]
fn a_missing_backend_config_annotation_on_the_service_shows_and_is_hinted() {
    let text = replace_once(
        &live_fixture(GOOGLE_MANAGED),
        "      cloud.google.com/backend-config: '{\"default\":\"my-release-backendconfig\"}'\n",
        "",
    );
    let out = diff_stdin(&[], &text);
    let report = assert_differs(&out);
    assert!(report.contains("--- live/core/v1/Service/default/my-release-milvus\n"));
    assert!(
        report.contains(
            "+    cloud.google.com/backend-config: \"{\\\"default\\\":\\\"my-release-backendconfig\\\"}\"\n"
        ),
        "{report}"
    );
    assert!(report.ends_with("1 changed, 0 missing, 0 extra, 3 unchanged\n"));
    assert!(
        stderr(&out).contains("lacks the `cloud.google.com/backend-config` annotation"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains(
        "helm upgrade --install my-release milvus/milvus -n default -f out/helm/values.yaml"
    ));
}

#[test]
fn a_missing_app_protocols_annotation_on_the_service_shows_and_is_hinted() {
    let text = replace_once(
        &live_fixture(GOOGLE_MANAGED),
        "      cloud.google.com/app-protocols: '{\"milvus\":\"HTTP2\"}'\n",
        "",
    );
    let out = diff_stdin(&[], &text);
    let report = assert_differs(&out);
    assert!(
        report.contains("+    cloud.google.com/app-protocols:"),
        "{report}"
    );
    assert!(stderr(&out).contains("lacks the `cloud.google.com/app-protocols` annotation"));
}

#[test]
fn another_domain_shows_on_the_ingress_and_the_certificate() {
    let out = diff_path(
        &["--domain", "milvus.example.com"],
        &live_path(GOOGLE_MANAGED),
    );
    let report = assert_differs(&out);
    assert!(
        report.contains("-  - host: my-release.milvus.io\n"),
        "{report}"
    );
    assert!(
        report.contains("+  - host: milvus.example.com\n"),
        "{report}"
    );
    assert!(report.contains("-  - my-release.milvus.io\n"), "{report}");
    assert!(report.contains("+  - milvus.example.com\n"), "{report}");
    assert!(report.ends_with("2 changed, 0 missing, 0 extra, 2 unchanged\n"));
}

#[test]
fn switching_google_managed_to_self_managed_shows_the_left_over_certificate() {
    let out = diff_path(&["--overlay", "self-managed"], &live_path(GOOGLE_MANAGED));
    let report = assert_differs(&out);
    assert!(
        report.contains("-    networking.gke.io/managed-certificates: my-release-milvus-tls\n"),
        "{report}"
    );
    assert!(report.contains("+  tls:\n"), "{report}");
    assert!(report.contains(
        "--- live/networking.gke.io/v1/ManagedCertificate/default/my-release-milvus-tls\n"
    ));
    assert!(report.ends_with("1 changed, 0 missing, 1 extra, 2 unchanged\n"));
    assert!(
        stderr(&out).contains("kubectl delete managedcertificate my-release-milvus-tls -n default")
    );
}

#[test]
fn switching_self_managed_to_google_managed_shows_the_missing_certificate() {
    let out = diff_path(&[], &live_path(SELF_MANAGED));
    let report = assert_differs(&out);
    assert!(report.contains("-  tls:\n"), "{report}");
    assert!(
        report.contains("+    networking.gke.io/managed-certificates: my-release-milvus-tls\n"),
        "{report}"
    );
    // The Secret the live Ingress used is ours and no longer referenced.
    assert!(report.contains("--- live/core/v1/Secret/default/my-release-milvus-tls\n"));
    assert!(report.ends_with("1 changed, 1 missing, 1 extra, 2 unchanged\n"));
}

#[test]
fn a_service_still_of_type_load_balancer_shows_and_is_hinted() {
    let text = replace_once(
        &live_fixture(GOOGLE_MANAGED),
        "    sessionAffinity: None\n    type: ClusterIP\n",
        "    sessionAffinity: None\n    type: LoadBalancer\n    externalTrafficPolicy: Cluster\n    allocateLoadBalancerNodePorts: true\n",
    );
    let out = diff_stdin(&[], &text);
    let report = assert_differs(&out);
    assert!(report.contains("-  type: LoadBalancer\n"), "{report}");
    assert!(report.contains("+  type: ClusterIP\n"), "{report}");
    assert!(stderr(&out).contains("is of type LoadBalancer, not ClusterIP"));
}

#[test]
fn a_service_missing_from_the_export_is_reported_with_the_helm_command() {
    let docs = parse_yaml_stream(&live_fixture(SELF_MANAGED));
    let without_service: Vec<String> = docs
        .iter()
        .filter(|d| d["kind"] != "Service")
        .map(milvus_l7::yaml::to_string)
        .collect();
    let out = diff_stdin(
        &["--overlay", "self-managed"],
        &without_service.join("---\n"),
    );
    let report = assert_differs(&out);
    assert!(report.contains("+++ rendered/core/v1/Service/default/my-release-milvus\n"));
    assert!(report.ends_with("0 changed, 1 missing, 0 extra, 2 unchanged\n"));
    assert!(stderr(&out).contains("is not in the live export"));
    assert!(stderr(&out).contains("-f out/helm/values.yaml"));
}

#[test]
fn strict_mode_shows_fields_default_mode_leaves_alone() {
    let text = replace_once(
        &live_fixture(GOOGLE_MANAGED),
        "      app.kubernetes.io/managed-by: milvus-l7\n    managedFields:\n    - apiVersion: cloud.google.com/v1\n",
        "      app.kubernetes.io/managed-by: milvus-l7\n      team: search\n    managedFields:\n    - apiVersion: cloud.google.com/v1\n",
    );
    assert_clean(&diff_stdin(&[], &text), 4);
    let report = assert_differs(&diff_stdin(&["--strict"], &text));
    assert!(
        report.contains("     app.kubernetes.io/managed-by: milvus-l7\n-    team: search\n"),
        "{report}"
    );
}

#[test]
fn context_lines_follow_dash_c() {
    let text = replace_once(
        &live_fixture(GOOGLE_MANAGED),
        "port: 9091\n      requestPath",
        "port: 9090\n      requestPath",
    );
    let none = assert_differs(&diff_stdin(&["-C", "0"], &text));
    assert!(!none.contains(" requestPath"), "{none}");
    let some = assert_differs(&diff_stdin(&["-C", "1"], &text));
    assert!(some.contains(" requestPath"), "{some}");
}

#[test]
fn colour_only_when_forced_or_on_a_terminal_and_never_with_no_color() {
    let run = |no_color: bool| {
        let dir = tempdir();
        let mut cmd = milvus_l7(dir.path());
        cmd.env_remove("NO_COLOR").env("CLICOLOR_FORCE", "1");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd
            .args(["diff", "--domain", "milvus.example.com", "--live"])
            .arg(live_path(GOOGLE_MANAGED))
            .output()
            .unwrap();
        assert_eq!(code(&out), 1);
        stdout(&out)
    };
    assert!(run(false).contains("\u{1b}[31m-  - host: my-release.milvus.io\u{1b}[0m"));
    assert!(!run(true).contains('\u{1b}'));
    let dir = tempdir();
    let piped = milvus_l7(dir.path())
        .env_remove("NO_COLOR")
        .args(["diff", "--domain", "milvus.example.com", "--live"])
        .arg(live_path(GOOGLE_MANAGED))
        .output()
        .unwrap();
    assert_eq!(code(&piped), 1);
    assert!(!stdout(&piped).contains('\u{1b}'), "a pipe gets no colour");
}

#[test]
fn an_old_extensions_ingress_is_matched_with_the_rendered_one() {
    // Real export (kubevious): extensions/v1beta1 Ingress with a managed cert.
    let out = diff_path(
        &[
            "--output",
            "json",
            "--namespace",
            "kubevious",
            "--set",
            "serviceName=kubevious-ui",
        ],
        &live_path("kubevious-ingress-managedcert.yaml"),
    );
    assert_eq!(code(&out), 1);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ingress = report["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "networking.k8s.io/v1/Ingress/kubevious/kubevious-ui")
        .unwrap();
    assert_eq!(ingress["status"], "changed");
    assert_eq!(
        ingress["liveId"],
        "extensions/v1beta1/Ingress/kubevious/kubevious-ui"
    );
    assert_eq!(report["summary"]["extra"], 0);
}

// --- Secrets are never shown --------------------------------------------------

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Every form of the key material that must never appear in output.
fn forbidden(cert: &str, key: &str) -> Vec<String> {
    let key_body: String = key
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("");
    let cert_body: String = cert
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("");
    vec![
        b64(cert.as_bytes()),
        b64(key.as_bytes()),
        key_body[..40].to_string(),
        cert_body[..40].to_string(),
        b64(b"placeholder certificate"),
        b64(b"placeholder key"),
        "placeholder".to_string(),
    ]
}

fn assert_no_secret_bytes(out: &Output, forbidden: &[String]) {
    let all = format!("{}{}", stdout(out), stderr(out));
    for secret in forbidden {
        assert!(
            !all.contains(secret.as_str()),
            "output contains Secret data"
        );
    }
}

#[test]
fn a_secret_whose_data_differs_shows_only_masked_lines() {
    let certs = testdata().join("certs");
    let (cert_path, key_path) = (certs.join("tls.crt"), certs.join("tls.key"));
    let cert = std::fs::read_to_string(&cert_path).unwrap();
    let key = std::fs::read_to_string(&key_path).unwrap();
    let args = [
        "--overlay",
        "self-managed",
        "--tls-cert",
        cert_path.to_str().unwrap(),
        "--tls-key",
        key_path.to_str().unwrap(),
    ];
    let forbidden = forbidden(&cert, &key);

    // The live Secret holds the placeholders: both values differ.
    let placeholders = live_fixture(SELF_MANAGED);
    let text_out = diff_stdin(&args, &placeholders);
    let report = assert_differs(&text_out);
    assert!(
        report.contains("-  tls.crt: \"*** (before)\"\n"),
        "masked diff"
    );
    assert!(
        report.contains("+  tls.crt: \"*** (after)\"\n"),
        "masked diff"
    );
    assert!(
        report.contains("-  tls.key: \"*** (before)\"\n"),
        "masked diff"
    );
    assert_no_secret_bytes(&text_out, &forbidden);
    for extra in [&["--strict"][..], &["--output", "json"][..]] {
        let args: Vec<&str> = args.iter().chain(extra).copied().collect();
        let out = diff_stdin(&args, &placeholders);
        assert_eq!(code(&out), 1);
        assert_no_secret_bytes(&out, &forbidden);
    }
    let json = diff_stdin(
        &[&args[..], &["--output", "json"][..]].concat(),
        &placeholders,
    );
    assert!(stdout(&json).contains("\"before\": \"*** (before)\""));

    // The live Secret holds exactly the files (and, applied from the render,
    // its labels): no difference, nothing shown.
    let labelled = replace_once(
        &placeholders,
        "  creationTimestamp: \"2025-03-04T09:10:12Z\"\n",
        "  creationTimestamp: \"2025-03-04T09:10:12Z\"\n  labels:\n    app.kubernetes.io/instance: my-release\n    app.kubernetes.io/managed-by: milvus-l7\n",
    );
    let same = replace_once(
        &replace_once(
            &labelled,
            &b64(b"placeholder certificate"),
            &b64(cert.as_bytes()),
        ),
        &b64(b"placeholder key"),
        &b64(key.as_bytes()),
    );
    let out = diff_stdin(&args, &same);
    assert_clean(&out, 4);
    assert_no_secret_bytes(&out, &forbidden);

    // Only the key differs: the certificate line shows as equal.
    let key_only = replace_once(
        &placeholders,
        &b64(b"placeholder certificate"),
        &b64(cert.as_bytes()),
    );
    let out = diff_stdin(
        &["-C", "5"].iter().chain(&args).copied().collect::<Vec<_>>(),
        &key_only,
    );
    let report = assert_differs(&out);
    assert!(
        report.contains("   tls.crt: \"***\"\n"),
        "equal value masked"
    );
    assert_no_secret_bytes(&out, &forbidden);
}

#[test]
fn a_left_over_secret_and_a_malformed_one_never_show_their_data() {
    // The live Secret is extra under google-managed: shown masked.
    let out = diff_path(&[], &live_path(SELF_MANAGED));
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains("-  tls.key: \"***\"\n"));
    let placeholder_forbidden = [b64(b"placeholder key"), b64(b"placeholder certificate")];
    assert_no_secret_bytes(&out, &placeholder_forbidden);

    // A parse error right inside the Secret's data quotes nothing.
    let broken = replace_once(
        &live_fixture(SELF_MANAGED),
        &format!("tls.key: {}", b64(b"placeholder key")),
        &format!("tls.key: [{}", b64(b"placeholder key")),
    );
    let out = diff_stdin(&["--overlay", "self-managed"], &broken);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("<stdin>:"));
    assert_no_secret_bytes(&out, &placeholder_forbidden);
}

// --- bad input -----------------------------------------------------------------

#[test]
fn malformed_yaml_exits_2_with_file_and_line() {
    let dir = tempdir();
    let path = write_file(
        dir.path(),
        "broken.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  annotations:\n    a: b\n   c: d\n",
    );
    let out = diff_path(&[], &path);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    let location = format!("{}:", path.display());
    assert!(err.contains(&location), "{err}");
    let line: String = err[err.find(&location).unwrap() + location.len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(line.parse::<u32>().unwrap() >= 6, "{err}");
}

#[test]
fn malformed_json_exits_2_with_file_line_and_column() {
    let dir = tempdir();
    let path = write_file(
        dir.path(),
        "broken.json",
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\" \"Service\"\n}\n",
    );
    let out = diff_path(&[], &path);
    assert_eq!(code(&out), 2);
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains(&format!("{}:3:", path.display())),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_missing_live_file_exits_2() {
    let out = diff_path(&[], Path::new("/nonexistent/live.yaml"));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("/nonexistent/live.yaml"));
}

// --- normalization of real exports ------------------------------------------------

#[test]
fn real_exports_lose_every_server_and_controller_field() {
    for name in [
        "devsecops-service-neg-status.yaml",
        "devsecops-service-lb-auto-neg-annotation.yaml",
        "kubevious-ingress-managedcert.yaml",
        "kubevious-managedcertificate-active.yaml",
        "agones-ingress-selfmanaged-tls.yaml",
        "visulate-backendconfig.yaml",
        "milvushelm71-ingress-nginx-class.yaml",
    ] {
        let text = live_fixture(name);
        let objects = live::parse(&text, name).unwrap();
        assert_eq!(objects.len(), 1, "{name}");
        let mut value = objects[0].value.clone();
        normalize::live(&mut value, Origin::Rendered);
        let printed = value.to_string();
        assert!(value.get("status").is_none(), "{name}");
        let metadata = &value["metadata"];
        for field in [
            "uid",
            "resourceVersion",
            "managedFields",
            "selfLink",
            "creationTimestamp",
            "generation",
            "finalizers",
        ] {
            assert!(metadata.get(field).is_none(), "{name}: {field}");
        }
        for text in ["neg-status", "last-applied-configuration", "mcrt-"] {
            assert!(!printed.contains(text), "{name}: {text}");
        }
        let annotations = metadata.get("annotations").and_then(Value::as_object);
        for key in annotations.into_iter().flat_map(|a| a.keys()) {
            assert!(!key.starts_with("ingress.kubernetes.io/"), "{name}: {key}");
        }
    }
}

#[test]
fn real_exports_keep_what_people_decided() {
    let objects = live::parse(
        &live_fixture("devsecops-service-neg-status.yaml"),
        "devsecops",
    )
    .unwrap();
    let mut service = objects[0].value.clone();
    normalize::live(&mut service, Origin::Rendered);
    assert_eq!(
        service["metadata"]["annotations"]["cloud.google.com/backend-config"],
        r#"{"default":"ingress-neg-api-backend-config"}"#
    );
    assert_eq!(service["spec"]["type"], "ClusterIP");
    assert_eq!(
        service["spec"]["ports"],
        serde_json::json!([{"port": 8000}])
    );

    let objects = live::parse(&live_fixture("kubevious-ingress-managedcert.yaml"), "k").unwrap();
    let mut ingress = objects[0].value.clone();
    normalize::live(&mut ingress, Origin::Rendered);
    let annotations = ingress["metadata"]["annotations"].as_object().unwrap();
    let keys: Vec<&str> = annotations.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "kubernetes.io/ingress.allow-http",
            "kubernetes.io/ingress.global-static-ip-name",
            "meta.helm.sh/release-name",
            "meta.helm.sh/release-namespace",
            "networking.gke.io/managed-certificates"
        ]
    );
}

// --- scale ---------------------------------------------------------------------------

#[test]
fn a_ten_thousand_object_export_loads_and_only_ours_are_compared() {
    let mut items: Vec<Value> = (0..10_000)
        .map(|i| {
            serde_json::json!({
                "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                "metadata": {"name": format!("app-{i}"), "namespace": format!("ns-{}", i % 50),
                             "uid": format!("u-{i}"), "annotations": {"ingress.kubernetes.io/url-map": "k8s2-um"}},
                "spec": {"rules": [{"host": format!("app-{i}.example.com")}]},
                "status": {"loadBalancer": {}}
            })
        })
        .collect();
    let ours = parse_yaml_stream(&live_fixture(GOOGLE_MANAGED));
    items.extend(ours[0]["items"].as_array().unwrap().iter().cloned());
    let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
    let out = diff_stdin(&[], &list.to_string());
    assert_clean(&out, 4);
}

#[test]
fn an_ingress_read_through_an_older_served_version_is_the_same_object() {
    let old = replace_once(
        &live_fixture(GOOGLE_MANAGED),
        "- apiVersion: networking.k8s.io/v1\n  kind: Ingress",
        "- apiVersion: extensions/v1beta1\n  kind: Ingress",
    );
    assert_clean(&diff_stdin(&[], &old), 4);
}

#[test]
fn an_export_over_max_input_bytes_is_refused_with_the_flag_named() {
    let out = diff_stdin(
        &["--max-input-bytes", "1000"],
        &live_fixture(GOOGLE_MANAGED),
    );
    assert_eq!(code(&out), 2);
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.contains("larger than 1000 bytes") && err.contains("--max-input-bytes"),
        "{err}"
    );
    assert_clean(
        &diff_stdin(
            &["--max-input-bytes", "1000000"],
            &live_fixture(GOOGLE_MANAGED),
        ),
        4,
    );
}
