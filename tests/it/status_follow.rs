//! `milvus-l7 status --follow` on scripted watch streams (no cluster): the
//! guide's wait, from the ManagedCertificate Provisioning and the Ingress
//! without an address to everything ready, as kubectl prints it with
//! `get -o json -w` (concatenated pretty objects) and `-o yaml -w`
//! (documents after `---`). The objects come from
//! testdata/live/milvus-google-managed.yaml (its provenance is in its
//! header), taken back step by step to the states GKE goes through.

use crate::common::{
    expire_time_in, live_fixture, milvus_l7, parse_yaml_stream, stderr, stdout, tempdir, write_file,
};
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const INGRESS: &str = "networking.k8s.io/v1/Ingress/default/my-release-milvus";
const CERTIFICATE: &str = "networking.gke.io/v1/ManagedCertificate/default/my-release-milvus-tls";
const HEALTHY_BACKENDS: &str = "k8s1-5d3e1a9c-default-my-release-milvus-19530-8e2b4f1a";

/// The final (ready) objects of the fixture, by kind.
fn ready_object(kind: &str) -> Value {
    let list = parse_yaml_stream(&live_fixture("milvus-google-managed.yaml")).remove(0);
    let mut object = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in the fixture"))
        .clone();
    // The export's certificate has expired since; this one is current.
    if kind == "ManagedCertificate" {
        object["status"]["expireTime"] = json!(expire_time_in(90));
    }
    object
}

fn annotations(object: &mut Value) -> &mut serde_json::Map<String, Value> {
    object["metadata"]["annotations"].as_object_mut().unwrap()
}

/// What a watch prints, in order: an object the render does not name
/// (the Service), the certificate Provisioning, the Ingress as created,
/// then each step GKE takes.
fn progress() -> Vec<Value> {
    let service = ready_object("Service");
    let ready_certificate = ready_object("ManagedCertificate");
    let ready_ingress = ready_object("Ingress");

    let mut provisioning = ready_certificate.clone();
    provisioning["status"]["certificateStatus"] = json!("Provisioning");
    provisioning["status"]["domainStatus"][0]["status"] = json!("Provisioning");
    provisioning["status"]
        .as_object_mut()
        .unwrap()
        .remove("expireTime");

    let mut created = ready_ingress.clone();
    created.as_object_mut().unwrap().remove("status");
    for key in [
        "ingress.kubernetes.io/backends",
        "ingress.kubernetes.io/forwarding-rule",
        "ingress.kubernetes.io/https-forwarding-rule",
    ] {
        annotations(&mut created).remove(key);
    }
    let mut addressed = created.clone();
    addressed["status"] = ready_ingress["status"].clone();
    let mut https = ready_ingress.clone();
    let unknown: serde_json::Map<String, Value> = serde_json::from_str::<Value>(
        annotations(&mut https)["ingress.kubernetes.io/backends"]
            .as_str()
            .unwrap(),
    )
    .unwrap()
    .as_object()
    .unwrap()
    .keys()
    .map(|k| (k.clone(), json!("Unknown")))
    .collect();
    annotations(&mut https).insert(
        "ingress.kubernetes.io/backends".into(),
        json!(Value::Object(unknown).to_string()),
    );
    vec![
        service,
        provisioning,
        created,
        addressed,
        https,
        ready_certificate,
        ready_ingress,
    ]
}

/// `kubectl get -o json -w`: pretty objects one after another.
fn as_json_watch(objects: &[Value]) -> String {
    objects
        .iter()
        .map(|o| serde_json::to_string_pretty(o).unwrap() + "\n")
        .collect()
}

/// `kubectl get -o yaml -w`: `---` before each object but the first.
pub(crate) fn as_yaml_watch(objects: &[Value]) -> String {
    objects
        .iter()
        .map(milvus_l7::yaml::to_string)
        .collect::<Vec<_>>()
        .join("---\n")
}

/// Fails unless each of `expected` is in `text`, in this order.
fn assert_in_order(text: &str, expected: &[String]) {
    let mut from = 0;
    for line in expected {
        match text[from..].find(line.as_str()) {
            Some(at) => from += at + line.len(),
            None => panic!("missing (or out of order) {line:?} in:\n{text}"),
        }
    }
}

/// The lines the whole progress must print, derived from the fixture's
/// names (the certificate's and forwarding rule's names, the address).
fn expected_progress_lines() -> Vec<String> {
    let certificate = ready_object("ManagedCertificate");
    let name = certificate["status"]["certificateName"].as_str().unwrap();
    let expires = certificate["status"]["expireTime"].as_str().unwrap();
    let mut ingress = ready_object("Ingress");
    let address = ingress["status"]["loadBalancer"]["ingress"][0]["ip"]
        .as_str()
        .unwrap()
        .to_string();
    let rule = annotations(&mut ingress)["ingress.kubernetes.io/https-forwarding-rule"]
        .as_str()
        .unwrap()
        .to_string();
    vec![
        format!("awaiting {INGRESS} (not in the stream yet)"),
        format!("waiting  {CERTIFICATE}: certificate Provisioning ({name})"),
        format!("waiting  {INGRESS}: no address yet"),
        format!("ready    {INGRESS}: no address yet → address {address}"),
        format!("ready    {INGRESS}: HTTPS (443) not served yet: no HTTPS forwarding rule → HTTPS (443) served (forwarding rule {rule})"),
        format!("waiting  {INGRESS}: backend health not reported yet → backend(s) {HEALTHY_BACKENDS} Unknown"),
        format!("ready    {CERTIFICATE}: certificate Provisioning ({name}) → certificate Active ({name}, expires {expires}, in 90 days)"),
        format!("ready    {CERTIFICATE}: domain my-release.milvus.io: Provisioning → domain my-release.milvus.io: Active"),
        format!("ready    {INGRESS}: backend(s) {HEALTHY_BACKENDS} Unknown"),
        "→ 2 backend(s) HEALTHY".into(),
        "\nready\n".into(),
        format!("connections.connect(\"default\", host=\"{address}\", port=\"443\", secure=True, server_name=\"my-release.milvus.io\")"),
    ]
}

#[test]
fn a_json_watch_on_stdin_reports_each_change_in_order_and_exits_0_when_ready() {
    let tmp = tempdir();
    let assert = milvus_l7(tmp.path())
        .args(["status", "--follow", "--live", "-"])
        .write_stdin(as_json_watch(&progress()))
        .assert()
        .code(0);
    let out = stdout(assert.get_output());
    assert_in_order(&out, &expected_progress_lines());
    // The Service is not one of the objects status reads: no line names it.
    assert!(!out.contains("/Service/"), "{out}");
    // Each change is printed once: the address line does not repeat when
    // the Ingress is sent again with other changes.
    assert_eq!(out.matches("→ address ").count(), 1, "{out}");
}

#[test]
fn a_yaml_watch_in_a_file_reports_the_same_changes() {
    let tmp = tempdir();
    let file = write_file(tmp.path(), "watch.yaml", &as_yaml_watch(&progress()));
    // Without --live the stream is stdin; a file is a finite stream.
    let assert = milvus_l7(tmp.path())
        .args(["status", "--follow", "--live"])
        .arg(&file)
        .assert()
        .code(0);
    assert_in_order(&stdout(assert.get_output()), &expected_progress_lines());
}

#[test]
fn follow_without_live_reads_stdin() {
    let tmp = tempdir();
    milvus_l7(tmp.path())
        .args(["status", "--follow"])
        .write_stdin(as_yaml_watch(&progress()))
        .assert()
        .code(0);
}

#[test]
fn two_watches_one_kind_each_merge_into_one_verdict() {
    // kubectl's `get -w` watches one kind at a time, so the guide's wait
    // is two watches: one --live each.
    let tmp = tempdir();
    let progress = progress();
    let (certificates, ingresses): (Vec<Value>, Vec<Value>) = progress
        .into_iter()
        .partition(|o| o["kind"] == "ManagedCertificate");
    let certificates = write_file(tmp.path(), "mcrt.json", &as_json_watch(&certificates));
    let ingresses = write_file(tmp.path(), "ing.yaml", &as_yaml_watch(&ingresses));
    let assert = milvus_l7(tmp.path())
        .args(["status", "--follow", "--live"])
        .arg(&certificates)
        .arg("--live")
        .arg(&ingresses)
        .assert()
        .code(0);
    let out = stdout(assert.get_output());
    // The two files are read at once, so the order between them varies;
    // the verdict does not.
    assert!(out.contains("\nready\n"), "{out}");
    assert!(out.contains(&format!("{CERTIFICATE}: ")), "{out}");
    assert!(out.contains(&format!("{INGRESS}: ")), "{out}");
}

#[test]
fn a_stream_that_ends_before_ready_exits_1_with_what_is_pending() {
    let tmp = tempdir();
    // Up to HTTPS served, certificate still Provisioning.
    let early = &progress()[..5];
    let assert = milvus_l7(tmp.path())
        .args(["status", "--follow", "--live", "-"])
        .write_stdin(as_json_watch(early))
        .assert()
        .code(1);
    let out = stdout(assert.get_output());
    assert!(!out.contains("\nready\n"), "{out}");
    assert!(
        out.contains("not ready (waiting): 3 check(s) pending"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "  waiting  {CERTIFICATE}: certificate Provisioning"
        )),
        "{out}"
    );
    assert!(stderr(assert.get_output()).contains("the stream ended before everything was ready"));
}

#[test]
fn a_stream_without_the_renders_objects_says_what_was_awaited() {
    let tmp = tempdir();
    let assert = milvus_l7(tmp.path())
        .args(["status", "--follow", "--namespace", "prod", "--live", "-"])
        .write_stdin(as_json_watch(&progress()))
        .assert()
        .code(1);
    let out = stdout(assert.get_output());
    assert!(
        out.contains("not ready: networking.gke.io/v1/ManagedCertificate/prod/my-release-milvus-tls, networking.k8s.io/v1/Ingress/prod/my-release-milvus not seen"),
        "{out}"
    );
    assert!(stderr(assert.get_output()).contains("--namespace"));
}

#[test]
fn garbage_exits_2_with_nothing_on_stdout() {
    let tmp = tempdir();
    for garbage in [
        "{\"kind\": oops",
        "kind: [unclosed\n",
        "{\"just\": \"a map\"}",
    ] {
        let assert = milvus_l7(tmp.path())
            .args(["status", "--follow", "--live", "-"])
            .write_stdin(garbage)
            .assert()
            .code(2);
        assert!(assert.get_output().stdout.is_empty(), "{garbage}");
        let err = stderr(assert.get_output());
        assert!(err.starts_with("error: <stdin>"), "{garbage}: {err}");
    }
}

#[test]
fn secret_data_in_the_stream_is_never_printed() {
    let tmp = tempdir();
    let secret = json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "my-release-milvus-tls", "namespace": "default"},
        "type": "kubernetes.io/tls", "data": {"tls.key": "c3VwZXItc2VjcmV0LWtleQ=="}});
    let mut stream = vec![secret];
    stream.extend(progress());
    let text = as_json_watch(&stream) + "{\"broken\": ";
    let assert = milvus_l7(tmp.path())
        .args(["status", "--follow", "-v", "--live", "-"])
        .write_stdin(text)
        .assert();
    let output = assert.get_output();
    let all = format!("{}{}", stdout(output), stderr(output));
    assert!(!all.contains("c3VwZXItc2VjcmV0LWtleQ"), "{all}");
}

#[test]
fn an_object_over_the_size_limit_is_refused_with_exit_2() {
    let tmp = tempdir();
    let mut huge = ready_object("Ingress");
    annotations(&mut huge).insert("filler".into(), json!("x".repeat(9 << 20)));
    let assert = milvus_l7(tmp.path())
        .args(["status", "--follow", "--live", "-"])
        .write_stdin(as_json_watch(&[huge]))
        .assert()
        .code(2);
    assert!(assert.get_output().stdout.is_empty());
    assert!(stderr(assert.get_output()).contains("larger than 8388608 bytes"));
}

#[test]
fn timeout_ends_a_stream_that_stays_open_with_exit_1() {
    let tmp = tempdir();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("milvus-l7"))
        .current_dir(tmp.path())
        .env_clear()
        .env("NO_COLOR", "1")
        .args(["status", "--follow", "--timeout", "1s", "--live", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // The certificate arrives, then nothing more, and the pipe stays open.
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(as_json_watch(&progress()[1..2]).as_bytes())
        .unwrap();
    stdin.flush().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("--timeout 1s did not end the command within 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let elapsed = started.elapsed();
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(status.code(), Some(1));
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains(&format!("awaiting {INGRESS}")), "{out}");
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("gave up after 1s (--timeout)"), "{err}");
}

#[test]
fn bad_timeouts_and_flags_are_refused_with_exit_2() {
    let tmp = tempdir();
    for args in [
        &["status", "--follow", "--timeout", "30"][..],
        &["status", "--follow", "--timeout", "5d"],
        &["status", "--timeout", "1m", "--live", "-"],
        &["status", "--follow", "--output", "json"],
        &["status", "--follow", "--live", "-", "--live", "-"],
    ] {
        let assert = milvus_l7(tmp.path())
            .args(args)
            .write_stdin("")
            .assert()
            .code(2);
        assert!(assert.get_output().stdout.is_empty(), "{args:?}");
    }
}

/// Ready with a certificate that expires within 30 days: exit 0, and the
/// same warning as a one-off `status`.
#[test]
fn a_follow_that_ends_ready_warns_of_a_certificate_expiring_soon() {
    let mut objects = progress();
    for object in &mut objects {
        if object["kind"] == "ManagedCertificate" && object["status"].get("expireTime").is_some() {
            object["status"]["expireTime"] = json!(expire_time_in(10));
        }
    }
    let tmp = tempdir();
    let assert = milvus_l7(tmp.path())
        .args(["status", "--follow", "--live", "-"])
        .write_stdin(as_json_watch(&objects))
        .assert()
        .code(0);
    let stderr = stderr(assert.get_output());
    assert!(
        stderr.contains("warning: networking.gke.io/v1/ManagedCertificate/default/my-release-milvus-tls: the certificate expires in 10 days"),
        "{stderr}"
    );
}

/// Issue 24 defect 11: an empty or failed watch (what `<(kubectl get … -w)`
/// leaves when kubectl fails) was "not ready" with a blank line on stdout
/// and exit 1; it is an error: exit 2, nothing on stdout.
#[test]
fn an_empty_or_failed_watch_exits_2_with_nothing_on_stdout() {
    let tmp = tempdir();
    let empty = write_file(tmp.path(), "empty.json", "");
    for live in [&["--live", "-"][..], &[], &["--live", "/dev/null"]] {
        let assert = milvus_l7(tmp.path())
            .args(["status", "--follow"])
            .args(live)
            .write_stdin("  \n")
            .assert()
            .code(2);
        assert!(assert.get_output().stdout.is_empty(), "{live:?}");
        let err = stderr(assert.get_output());
        assert!(
            err.contains("the stream ended without an object"),
            "{live:?}: {err}"
        );
    }
    let assert = milvus_l7(tmp.path())
        .args(["status", "--follow", "--live"])
        .arg(&empty)
        .assert()
        .code(2);
    assert!(assert.get_output().stdout.is_empty());
}

/// Issue 24 defect 11: garbage after the first object was reported in
/// serde's words ("use Option<String>"). Now: where, after which object,
/// and a note that stdout already holds lines that are not a verdict.
#[test]
fn a_failure_after_output_names_the_position_and_the_last_object() {
    let tmp = tempdir();
    let text = format!(
        "{}---\nnull: 1\n",
        milvus_l7::yaml::to_string(&ready_object("Ingress"))
    );
    let assert = milvus_l7(tmp.path())
        .args(["status", "--follow", "--live", "-"])
        .write_stdin(text.clone())
        .assert()
        .code(2);
    let out = stdout(assert.get_output());
    assert!(out.contains("awaiting "), "{out}");
    let err = stderr(assert.get_output());
    let line = text.lines().count();
    assert!(
        err.contains(&format!("error: <stdin>:{line}:1: a mapping key is null")),
        "{err}"
    );
    assert!(
        err.contains(&format!("(after {INGRESS}, the last object read)")),
        "{err}"
    );
    assert!(err.contains("printed before the failure"), "{err}");
    assert!(!err.contains("Option<"), "{err}");
}

/// Issue 24 defect 4: these panicked (exit 101, "overflow when adding
/// duration to instant") or said "no number before `h`".
#[test]
fn timeouts_past_the_range_exit_2_with_the_range() {
    let tmp = tempdir();
    for timeout in [
        "18446744073709551615s",
        "2562047788015215h",
        "9223372036854775807s",
        "99999999999999999999h",
        "169h",
    ] {
        let assert = milvus_l7(tmp.path())
            .args(["status", "--follow", "--timeout", timeout, "--live", "-"])
            .write_stdin(as_json_watch(&progress()))
            .assert()
            .code(2);
        assert!(assert.get_output().stdout.is_empty(), "{timeout}");
        let err = stderr(assert.get_output());
        assert!(err.contains("between 1s and 168h"), "{timeout}: {err}");
    }
    milvus_l7(tmp.path())
        .args(["status", "--follow", "--timeout", "168h", "--live", "-"])
        .write_stdin(as_json_watch(&progress()))
        .assert()
        .code(0);
}

/// Issue 24 defect 12: a finished `kubectl get -o json` export (one List)
/// over the 8 MiB a watch allows per object was refused under --follow.
/// It is read as a bounded export, from a file or a pipe: each item within
/// 8 MiB, the whole within --max-input-bytes.
#[test]
fn a_finite_list_export_over_8_mib_in_a_file_is_read_as_an_export() {
    let tmp = tempdir();
    let mut items: Vec<Value> = (0..40)
        .map(|i| {
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": format!("filler-{i}"), "namespace": "default"},
                "data": {"blob": "x".repeat(256 << 10)}})
        })
        .collect();
    items.push(ready_object("Ingress"));
    items.push(ready_object("ManagedCertificate"));
    let list =
        serde_json::to_string_pretty(&json!({"apiVersion": "v1", "kind": "List", "items": items}))
            .unwrap();
    assert!(list.len() > 9 << 20, "{}", list.len());
    let file = write_file(tmp.path(), "export.json", &list);
    let assert = milvus_l7(tmp.path())
        .args(["status", "--follow", "--live"])
        .arg(&file)
        .assert()
        .code(0);
    assert!(stdout(assert.get_output()).contains("\nready\n"));
    // The same as `kubectl get -o yaml`.
    let value: Value = serde_json::from_str(&list).unwrap();
    let yaml = write_file(
        tmp.path(),
        "export.yaml",
        &milvus_l7::yaml::to_string(&value),
    );
    milvus_l7(tmp.path())
        .args(["status", "--follow", "--live"])
        .arg(&yaml)
        .assert()
        .code(0);
    // Bounded all the same: under a smaller --max-input-bytes it is refused.
    let assert = milvus_l7(tmp.path())
        .args([
            "status",
            "--follow",
            "--max-input-bytes",
            "9000000",
            "--live",
        ])
        .arg(&file)
        .assert()
        .code(2);
    assert!(assert.get_output().stdout.is_empty());
    let err = stderr(assert.get_output());
    assert!(
        err.contains("a List in the stream is larger than 9000000 bytes (--max-input-bytes)"),
        "{err}"
    );
    // Through a pipe, as `<(kubectl get ingress,managedcertificate -o json)`.
    milvus_l7(tmp.path())
        .args(["status", "--follow", "--live", "-"])
        .write_stdin(list)
        .assert()
        .code(0);
}

/// The guide's objects for two domains (issue 22): the ManagedCertificate
/// lists both, its `domainStatus` reports each (ManagedCertificate
/// `status.domainStatus[]`, gke-managed-certs `pkg/apis/.../types.go`), and
/// the Ingress has a rule per host.
fn two_domain_progress(second: &str) -> Vec<Value> {
    let domains = ["milvus.example.com", "milvus.internal.example.com"];
    let mut steps = progress();
    for object in &mut steps {
        match object["kind"].as_str() {
            Some("ManagedCertificate") => {
                object["spec"]["domains"] = json!(domains);
                let first = object["status"]["domainStatus"][0]["status"].clone();
                object["status"]["domainStatus"] = json!([
                    {"domain": domains[0], "status": first},
                    {"domain": domains[1], "status": first},
                ]);
            }
            Some("Ingress") => {
                let rule = object["spec"]["rules"][0].clone();
                object["spec"]["rules"] = json!(domains
                    .iter()
                    .map(|host| {
                        let mut rule = rule.clone();
                        rule["host"] = json!(host);
                        rule
                    })
                    .collect::<Vec<_>>());
            }
            _ => {}
        }
    }
    // The first domain is Active before the second: the certificate waits
    // for both. Then the second one ends as `second`.
    let mut half = steps[5].clone();
    half["status"]["certificateStatus"] = json!("Provisioning");
    half["status"]["domainStatus"][1]["status"] = json!("Provisioning");
    half["status"].as_object_mut().unwrap().remove("expireTime");
    let mut last = steps[5].clone();
    last["status"]["domainStatus"][1]["status"] = json!(second);
    if second != "Active" {
        last["status"]["certificateStatus"] = json!("Provisioning");
        last["status"].as_object_mut().unwrap().remove("expireTime");
    }
    steps.splice(5..6, [half, last]);
    steps
}

#[test]
fn several_domains_are_followed_one_by_one_to_one_connection_line_each() {
    let tmp = tempdir();
    let domain_args = [
        "--domain",
        "milvus.example.com",
        "--domain",
        "milvus.internal.example.com",
    ];
    let assert = milvus_l7(tmp.path())
        .args(["status", "--follow", "--live", "-"])
        .args(domain_args)
        .write_stdin(as_json_watch(&two_domain_progress("Active")))
        .assert()
        .code(0);
    let out = stdout(assert.get_output());
    let address = ready_object("Ingress")["status"]["loadBalancer"]["ingress"][0]["ip"]
        .as_str()
        .unwrap()
        .to_string();
    assert_in_order(
        &out,
        &[
            format!("ready    {CERTIFICATE}: domain milvus.example.com: Provisioning → domain milvus.example.com: Active"),
            format!("ready    {CERTIFICATE}: domain milvus.internal.example.com: Provisioning → domain milvus.internal.example.com: Active"),
            "\nready\n".into(),
        ],
    );
    for domain in ["milvus.example.com", "milvus.internal.example.com"] {
        let line = format!("connections.connect(\"default\", host=\"{address}\", port=\"443\", secure=True, server_name=\"{domain}\")");
        assert_eq!(out.matches(&line).count(), 1, "{line}\n{out}");
    }

    // One domain whose DNS does not point at the load balancer will not
    // resolve alone: the follow stops there, before the stream ends.
    // The stream goes on (the Ingress sent again) but is not read further.
    let mut failing = two_domain_progress("FailedNotVisible");
    failing.push(ready_object("Ingress"));
    let assert = milvus_l7(tmp.path())
        .args(["status", "--follow", "--live", "-"])
        .args(domain_args)
        .write_stdin(as_json_watch(&failing))
        .assert()
        .code(1);
    let out = stdout(assert.get_output());
    assert!(!out.contains("\nready\n"), "{out}");
    assert!(out.contains("not ready (action needed)"), "{out}");
    assert!(
        stderr(assert.get_output()).contains(&format!("stopped following: {CERTIFICATE}")),
        "{}",
        stderr(assert.get_output())
    );
    assert!(
        out.contains("domain milvus.internal.example.com: FailedNotVisible"),
        "{out}"
    );
    assert!(
        !out.contains("domain milvus.example.com: FailedNotVisible"),
        "{out}"
    );
}
