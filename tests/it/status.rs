//! `milvus-l7 status` on GKE exports (testdata/live: real ones and ones made
//! for the tests, its README says which; sources in each file's header)
//! and on the guide's Provisioning state: what is reported, the pymilvus
//! line, and the exit status `until` loops rely on.

use crate::common::{
    expire_time_in, live_fixture, milvus_l7, parse_yaml_stream, stderr, stdout, tempdir, testdata,
    write_file, SELF_MANAGED_WITH_FILES,
};
use std::path::Path;

/// Concatenates exports into one stream, like `kubectl get a,b -o yaml` would.
/// The certificates' `expireTime` (past by now) is moved 90 days ahead: these
/// tests are about the other checks.
fn stream(dir: &Path, names: &[&str]) -> String {
    let text = names
        .iter()
        .map(|n| with_expire_time(&live_fixture(n), &expire_time_in(90)))
        .collect::<Vec<_>>()
        .join("\n---\n");
    write_file(dir, "live.yaml", &text).display().to_string()
}

/// `text` with the value of every `expireTime:` line replaced.
pub(crate) fn with_expire_time(text: &str, expire_time: &str) -> String {
    text.lines()
        .map(|line| match line.split_once("expireTime: ") {
            Some((indent, _)) if indent.trim().is_empty() => {
                format!("{indent}expireTime: \"{expire_time}\"\n")
            }
            _ => format!("{line}\n"),
        })
        .collect()
}

/// `status` on the google-managed export with its certificate's
/// `expireTime` set to `expire_time` (None: as exported, 2025-06-02).
fn google_managed_status(expire_time: Option<&str>) -> assert_cmd::assert::Assert {
    let tmp = tempdir();
    let text = live_fixture("milvus-google-managed.yaml");
    let text = match expire_time {
        Some(t) => with_expire_time(&text, t),
        None => text,
    };
    let file = write_file(tmp.path(), "live.yaml", &text);
    milvus_l7(tmp.path())
        .args(["status", "--live"])
        .arg(&file)
        .assert()
}

#[test]
fn an_expired_managed_certificate_is_not_ready() {
    let assert = google_managed_status(None).code(1);
    let (stdout, stderr) = output(&assert);
    assert!(
        stdout.contains("action   certificate Active but expired on 2025-06-02T02:41:10.000-07:00"),
        "{stdout}"
    );
    assert!(stdout.contains("not ready: 1 check(s) pending"), "{stdout}");
    // An action is not "run again in a minute".
    assert!(
        stderr.contains("will not resolve without a change") && !stderr.contains("not ready yet"),
        "{stderr}"
    );
}

#[test]
fn a_managed_certificate_expiring_in_10_days_is_ready_with_a_warning() {
    let expires = expire_time_in(10);
    let assert = google_managed_status(Some(&expires)).code(0);
    let (stdout, stderr) = output(&assert);
    assert!(
        stdout.contains(&format!("ready    certificate Active (mcrt-7a1e5c2d-3b4f-4e6a-9c8d-0f1e2d3c4b5a, expires {expires}, in 10 days)")),
        "{stdout}"
    );
    assert!(
        stderr.contains("warning: networking.gke.io/v1/ManagedCertificate/default/my-release-milvus-tls: the certificate expires in 10 days"),
        "{stderr}"
    );
    // A warning is about the output itself: -q keeps it.
    let tmp = tempdir();
    let file = write_file(
        tmp.path(),
        "live.yaml",
        &with_expire_time(&live_fixture("milvus-google-managed.yaml"), &expires),
    );
    let quiet = milvus_l7(tmp.path())
        .args(["-q", "status", "--output", "json", "--live"])
        .arg(&file)
        .assert()
        .code(0);
    let (json, stderr) = output(&quiet);
    assert!(stderr.contains("expires in 10 days"), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        report["warnings"].as_array().map(Vec::len),
        Some(1),
        "{json}"
    );
}

#[test]
fn a_managed_certificate_valid_for_90_days_is_ready_without_a_warning() {
    let assert = google_managed_status(Some(&expire_time_in(90))).code(0);
    let (stdout, stderr) = output(&assert);
    assert!(stdout.contains(", in 90 days)"), "{stdout}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

/// The parameters that name the kubevious objects.
const KUBEVIOUS: &[&str] = &[
    "--namespace",
    "kubevious",
    "--set",
    "serviceName=kubevious-ui",
    "--set",
    "certificateName=kubevious-certificate",
    "--domain",
    "demo.kubevious.io",
];

fn output(assert: &assert_cmd::assert::Assert) -> (String, String) {
    (stdout(assert.get_output()), stderr(assert.get_output()))
}

#[test]
fn active_managed_certificate_and_healthy_ingress_are_ready() {
    let tmp = tempdir();
    let file = stream(
        tmp.path(),
        &[
            "kubevious-managedcertificate-active.yaml",
            "kubevious-ingress-managedcert.yaml",
        ],
    );
    let assert = milvus_l7(tmp.path())
        .args(["status", "--live", &file])
        .args(KUBEVIOUS)
        .assert()
        .code(0);
    let (stdout, _) = output(&assert);
    for expected in [
        "ready    certificate Active (mcrt-cc658f6a-f31a-45f8-ba34-813a0806c424, expires ",
        "ready    domain demo.kubevious.io: Active",
        "ready    address 34.107.207.168",
        "ready    HTTPS (443) served (forwarding rule k8s2-fs-8v07pag5-kubevious-kubevious-ui-der1giwq)",
        "ready    2 backend(s) HEALTHY",
        "connections.connect(\"default\", host=\"34.107.207.168\", port=\"443\", secure=True, server_name=\"demo.kubevious.io\")",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in:\n{stdout}");
    }
    assert!(!stdout.contains("server_pem_path"));
}

#[test]
fn the_guides_provisioning_state_is_not_ready() {
    let assert = milvus_l7(&testdata())
        .args([
            "status",
            "--live",
            "live/milvus-managedcertificate-provisioning.yaml",
        ])
        .assert()
        .code(1);
    let (stdout, stderr) = output(&assert);
    assert!(
        stdout.contains(
            "waiting  certificate Provisioning (mcrt-34446a53-d639-4764-8438-346d7871a76e)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("waiting  domain my-release.milvus.io: Provisioning"),
        "{stdout}"
    );
    assert!(stdout.contains("A record to 34.111.144.65"), "{stdout}");
    assert!(
        stdout.contains("ready    address 34.111.144.65"),
        "{stdout}"
    );
    assert!(stdout.contains("host=\"34.111.144.65\", port=\"443\", secure=True, server_name=\"my-release.milvus.io\""), "{stdout}");
    assert!(stderr.contains("not ready yet"), "{stderr}");
}

#[test]
fn unhealthy_backend_is_reported_with_what_to_do() {
    let assert = milvus_l7(&testdata())
        .args([
            "status",
            "--live",
            "live/kubevious-ingress-v1naming-unhealthy.yaml",
            "--namespace",
            "book",
            "--set",
            "serviceName=book-web-ingress",
            "--overlay",
            "self-managed",
            "--domain",
            "example.com",
        ])
        .assert()
        .code(1);
    let (stdout, _) = output(&assert);
    assert!(
        stdout.contains("action   backend(s) k8s-be-32348--ab64a690ed0b76be UNHEALTHY"),
        "{stdout}"
    );
    assert!(stdout.contains("/healthz on port 9091"), "{stdout}");
    // This Ingress has no certificate at all: 443 is never served.
    assert!(
        stdout.contains("action   HTTPS (443) is not served"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ready    address 34.107.196.144"),
        "{stdout}"
    );
}

#[test]
fn self_managed_ingress_prints_the_server_pem_path() {
    let assert = milvus_l7(&testdata())
        .args([
            "status",
            "--live",
            "live/agones-ingress-selfmanaged-tls.yaml",
            "--overlay",
            "self-managed",
            "--set",
            "serviceName=fleet-allocator-ingress",
            "--tls-cert",
            "certs/tls.crt",
            "--tls-key",
            "certs/tls.key",
        ])
        .assert()
        .code(0);
    let (stdout, _) = output(&assert);
    assert!(stdout.contains("HTTPS (443) served (forwarding rule k8s-fws-default-fleet-allocator-ingress--7e98a70481f48a13)"), "{stdout}");
    assert!(stdout.contains(
        "connections.connect(\"default\", host=\"35.186.225.103\", port=\"443\", server_pem_path=\"certs/tls.crt\", secure=True, server_name=\"my-release.milvus.io\")"
    ), "{stdout}");
}

#[test]
fn json_report_from_stdin_json_export() {
    // `kubectl get ... -o json` of the provisioning state, on stdin.
    let docs = parse_yaml_stream(&live_fixture("milvus-managedcertificate-provisioning.yaml"));
    let json_export = serde_json::to_string_pretty(&docs[0]).unwrap();
    let assert = milvus_l7(&testdata())
        .args(["status", "--live", "-", "--output", "json"])
        .write_stdin(json_export)
        .assert()
        .code(1);
    let (stdout, _) = output(&assert);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["ready"], false);
    assert_eq!(report["address"], "34.111.144.65");
    let states: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        ["waiting", "waiting", "ready", "waiting", "waiting"]
    );
}

#[test]
fn an_object_missing_from_the_export_is_an_error() {
    let assert = milvus_l7(&testdata())
        .args([
            "status",
            "--live",
            "live/kubevious-ingress-managedcert.yaml",
        ])
        .assert()
        .code(2)
        .stdout("");
    let (_, stderr) = output(&assert);
    assert!(stderr.contains("not in the live input"), "{stderr}");
    assert!(
        stderr.contains("kubectl get ingress,managedcertificate -n default -o yaml"),
        "{stderr}"
    );
}

#[test]
fn unreadable_export_is_an_error() {
    let tmp = tempdir();
    write_file(tmp.path(), "bad.yaml", "kind: [unclosed\n");
    milvus_l7(tmp.path())
        .args(["status", "--live", "bad.yaml"])
        .assert()
        .code(2)
        .stdout("");
}

/// The flags that render what testdata/live/milvus-gateway.yaml holds,
/// with the certificate file the pymilvus line names.
fn gateway_args() -> Vec<&'static str> {
    let mut args = vec!["--overlay", "gateway"];
    args.extend(SELF_MANAGED_WITH_FILES);
    args
}

#[test]
fn a_programmed_gateway_and_accepted_route_are_ready_with_the_gateway_address() {
    let assert = milvus_l7(&testdata())
        .args(["status", "--live", "live/milvus-gateway.yaml"])
        .args(gateway_args())
        .assert()
        .code(0);
    let (stdout, _) = output(&assert);
    for expected in [
        "gateway.networking.k8s.io/v1/Gateway/default/my-release-milvus\n  ready    address 34.149.120.17\n  ready    Accepted\n  ready    Programmed\n  ready    listener https: Accepted\n  ready    listener https: ResolvedRefs\n  ready    listener https: Programmed\n",
        "gateway.networking.k8s.io/v1/HTTPRoute/default/my-release-milvus\n  ready    parent my-release-milvus: Accepted\n  ready    parent my-release-milvus: ResolvedRefs\n",
        "networking.gke.io/v1/GCPBackendPolicy/default/my-release-milvus-gateway\n  ready    Attached\n",
        "networking.gke.io/v1/HealthCheckPolicy/default/my-release-milvus-gateway\n  ready    Attached\n",
        "\nready\n",
        "connections.connect(\"default\", host=\"34.149.120.17\", port=\"443\", server_pem_path=\"certs/tls.crt\", secure=True, server_name=\"my-release.milvus.io\")",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in:\n{stdout}");
    }
}

#[test]
fn a_gateway_not_programmed_yet_is_not_ready() {
    let tmp = tempdir();
    let pending = live_fixture("milvus-gateway.yaml").replacen(
        "      reason: Programmed\n      status: 'True'",
        "      reason: Pending\n      status: Unknown",
        1,
    );
    assert_ne!(pending, live_fixture("milvus-gateway.yaml"));
    let file = write_file(tmp.path(), "live.yaml", &pending);
    let assert = milvus_l7(&testdata())
        .args(["status", "--live"])
        .arg(&file)
        .args(gateway_args())
        .assert()
        .code(1);
    let (stdout, stderr) = output(&assert);
    assert!(
        stdout.contains("  waiting  Programmed is Unknown (Pending)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ready    address 34.149.120.17"),
        "{stdout}"
    );
    assert!(stdout.contains("not ready: 1 check(s) pending"), "{stdout}");
    assert!(stderr.contains("not ready yet"), "{stderr}");
}

#[test]
fn a_directory_export_is_read_like_a_file() {
    let tmp = tempdir();
    write_file(
        tmp.path(),
        "export/gateway.yaml",
        &live_fixture("milvus-gateway.yaml"),
    );
    write_file(tmp.path(), "export/README.md", "not an export");
    milvus_l7(&testdata())
        .args(["status", "--live"])
        .arg(tmp.path().join("export"))
        .args(gateway_args())
        .assert()
        .code(0);
}

/// Issue 24 defect 6: with `--live a.yaml --live b.yaml` holding different
/// copies of one object the verdict depended on the order (ready one way,
/// not ready the other). One rule for every way inputs are given, as for
/// two files of one directory: identical copies once, different ones exit
/// 2 naming both inputs.
#[test]
fn conflicting_copies_in_repeated_live_inputs_are_an_error_naming_both() {
    let tmp = tempdir();
    let ready = with_expire_time(
        &live_fixture("milvus-google-managed.yaml"),
        &expire_time_in(90),
    );
    let unhealthy = ready.replacen("\":\"HEALTHY\"", "\":\"UNHEALTHY\"", 1);
    assert_ne!(ready, unhealthy);
    let a = write_file(tmp.path(), "a.yaml", &ready);
    let b = write_file(tmp.path(), "b.yaml", &unhealthy);
    let same = write_file(tmp.path(), "same.yaml", &ready);
    for (first, second) in [(&a, &b), (&b, &a)] {
        let assert = milvus_l7(tmp.path())
            .args(["status", "--live"])
            .arg(first)
            .arg("--live")
            .arg(second)
            .assert()
            .code(2);
        assert!(assert.get_output().stdout.is_empty());
        let err = stderr(assert.get_output());
        assert!(
            err.contains(&format!(
                "in {} and in {}",
                first.display(),
                second.display()
            )) && err.contains("Ingress/default/my-release-milvus"),
            "{err}"
        );
    }
    milvus_l7(tmp.path())
        .args(["status", "--live"])
        .arg(&a)
        .arg("--live")
        .arg(&same)
        .assert()
        .code(0);
}
