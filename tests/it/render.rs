//! `milvus-l7 render`: golden outputs, equality with the guide, kubectl
//! kustomize as an independent reader, and bad input.

use crate::common::golden::{golden_args, GOLDEN};
use crate::common::tools::kubectl_kustomize;
use crate::common::{
    by_kind, kubectl_available, milvus_l7, parse_yaml_stream, read_yaml, render, render_in,
    render_to_dir, snapshot, stderr, stdout, tempdir, testdata, write_file,
    SELF_MANAGED_WITH_FILES,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[test]
fn golden_directories_are_current() {
    for (case, args) in GOLDEN {
        let dir = format!("golden/{case}");
        milvus_l7(&testdata())
            .arg("render")
            .args(*args)
            .args(["--check", &dir])
            .assert()
            .code(0);
    }
}

/// `milvus-l7 render --check DIR`, run from testdata/.
fn check(dir: &std::path::Path) -> assert_cmd::assert::Assert {
    milvus_l7(&testdata())
        .args(["render", "--check"])
        .arg(dir)
        .assert()
}

#[test]
fn check_reports_a_stale_directory_with_a_diff_and_exit_1() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    render_to_dir(&[], &out);
    let ingress = out.join("networking.k8s.io_v1_ingress_my-release-milvus.yaml");
    std::fs::write(
        &ingress,
        std::fs::read_to_string(&ingress)
            .unwrap()
            .replace("19530", "19531"),
    )
    .unwrap();
    let assert = check(&out).code(1);
    let stdout = stdout(assert.get_output());
    assert!(
        stdout.contains("-              number: 19531")
            && stdout.contains("+              number: 19530"),
        "{stdout}"
    );
}

/// `render -o` replaces the whole directory, so every file it did not
/// write (any name, any depth, `helm/` too) is something it would remove:
/// `--check` must call that a difference, or CI passes a directory that the
/// next render changes.
#[test]
fn check_reports_every_file_render_would_remove() {
    for stray in [
        "extra.yaml",
        "notes.txt",
        "sub/a.yaml",
        "helm/other.yaml",
        ".gitkeep",
    ] {
        let tmp = tempdir();
        let out = tmp.path().join("out");
        render_to_dir(&[], &out);
        write_file(&out, stray, "kind: ConfigMap\n");
        let assert = check(&out).code(1);
        let report = stdout(assert.get_output());
        assert!(
            report.contains(&format!("{stray}: would be removed by render -o")),
            "{stray}: {report}"
        );
        assert!(
            !report.contains("kind: ConfigMap"),
            "a stray file is named, not shown: {report}"
        );
        // What the report claims: -o removes it.
        render_to_dir(&[], &out);
        assert!(!out.join(stray).exists(), "{stray} survived render -o");
    }
}

/// An empty directory in DIR is removed by `render -o` too.
#[test]
fn check_reports_an_empty_directory_render_would_remove() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    render_to_dir(&[], &out);
    std::fs::create_dir_all(out.join("empty/deeper")).unwrap();
    let assert = check(&out).code(1);
    let report = stdout(assert.get_output());
    assert!(
        report.contains("empty/deeper/: would be removed by render -o"),
        "{report}"
    );
}

/// `render | kubectl apply -f -` applies the load balancer objects only;
/// the Service they route to needs the Helm values. Said once on stderr
/// when stdout is a pipe (here: assert_cmd's), so the stream is unchanged.
#[test]
fn a_piped_stream_without_the_chart_notes_the_helm_values_on_stderr() {
    let piped = milvus_l7(&testdata()).arg("render").assert().success();
    let note = stderr(piped.get_output());
    assert_eq!(note.lines().count(), 1, "one note: {note}");
    for expected in [
        "the Helm values (service, extraConfigFiles) are not in this stream",
        "`--chart`",
        "`-o DIR`",
        "helm upgrade --install my-release milvus/milvus -n default -f DIR/helm/values.yaml",
    ] {
        assert!(note.contains(expected), "missing {expected:?} in {note}");
    }
    let quiet = milvus_l7(&testdata())
        .args(["-q", "render"])
        .assert()
        .success()
        .stderr("");
    assert_eq!(
        stdout(piped.get_output()),
        stdout(quiet.get_output()),
        "the note changes nothing on stdout"
    );
    assert_eq!(parse_yaml_stream(&stdout(piped.get_output())).len(), 3);
}

#[test]
fn no_helm_values_note_for_a_directory_or_its_check() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    milvus_l7(&testdata())
        .arg("render")
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr("");
    check(&out).success().stderr("");
}

/// A guide object plus the two labels every render adds (and nothing else
/// may differ): what the guide's object becomes when milvus-l7 renders it.
fn labelled(mut object: Value) -> Value {
    object["metadata"]["labels"] = json!({
        "app.kubernetes.io/instance": "my-release",
        "app.kubernetes.io/managed-by": "milvus-l7",
    });
    object
}

#[test]
fn google_managed_equals_the_guide() {
    let docs = render(&golden_args("google-managed"));
    assert_eq!(docs.len(), 3, "BackendConfig, ManagedCertificate, Ingress");
    let guide = |file: &str| labelled(read_yaml(&testdata().join("guide").join(file)));
    assert_eq!(
        by_kind(&docs, "BackendConfig"),
        &guide("backendconfig.yaml")
    );
    let mut certificate = guide("managed-crt.yaml");
    certificate["metadata"]["namespace"] = json!("default"); // made explicit on purpose
    assert_eq!(by_kind(&docs, "ManagedCertificate"), &certificate);
    assert_eq!(
        by_kind(&docs, "Ingress"),
        &guide("ingress-google-managed.yaml")
    );
}

#[test]
fn self_managed_equals_the_guide() {
    let docs = render(&golden_args("self-managed"));
    assert_eq!(
        docs.len(),
        2,
        "without certificate files no Secret is rendered"
    );
    let guide = |file: &str| labelled(read_yaml(&testdata().join("guide").join(file)));
    assert_eq!(
        by_kind(&docs, "BackendConfig"),
        &guide("backendconfig.yaml")
    );
    assert_eq!(
        by_kind(&docs, "Ingress"),
        &guide("ingress-self-managed.yaml")
    );
}

#[test]
fn self_managed_with_files_renders_a_tls_secret_from_them() {
    let docs = render(&golden_args("self-managed-files"));
    let secret = by_kind(&docs, "Secret");
    assert_eq!(secret["type"], "kubernetes.io/tls");
    assert_eq!(secret["metadata"]["name"], "my-release-milvus-tls");
    use base64::Engine as _;
    let decode = |key: &str| {
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(secret["data"][key].as_str().unwrap())
                .unwrap(),
        )
        .unwrap()
    };
    assert!(
        decode("tls.crt") == std::fs::read_to_string(testdata().join("certs/tls.crt")).unwrap()
    );
    assert!(
        decode("tls.key") == std::fs::read_to_string(testdata().join("certs/tls.key")).unwrap()
    );
    let kinds: Vec<_> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["Secret", "BackendConfig", "Ingress"],
        "kustomize legacy order"
    );
}

/// Annotation values are JSON; the guide writes them with spaces, we write
/// them compact, so compare them parsed.
fn parsed_annotations(values: &Value) -> BTreeMap<String, Value> {
    values["service"]["annotations"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                serde_json::from_str(v.as_str().unwrap()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn helm_values_equal_the_guides_imperative_steps() {
    let ours = read_yaml(&testdata().join("golden/google-managed/helm/values.yaml"));
    let guide = read_yaml(&testdata().join("guide/helm-values.yaml"));
    assert_eq!(parsed_annotations(&ours), parsed_annotations(&guide));
    assert_eq!(ours["service"]["type"], guide["service"]["type"]);
    assert_eq!(ours["extraConfigFiles"], guide["extraConfigFiles"]);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(&ours),
        keys(&guide),
        "nothing beyond what the guide sets"
    );
}

#[test]
fn app_protocols_is_keyed_by_the_port_name_and_explicit_names_get_fullname_override() {
    let values = read_yaml(&testdata().join("golden/search/helm/values.yaml"));
    assert_eq!(
        parsed_annotations(&values)["cloud.google.com/app-protocols"],
        json!({"grpc": "HTTP2"})
    );
    assert_eq!(values["service"]["portName"], "grpc");
    assert_eq!(values["service"]["port"], 19531);
    assert_eq!(values["fullnameOverride"], "search-proxy");
}

#[test]
fn release_containing_milvus_names_the_service_after_the_release() {
    let docs = render(&golden_args("milvus-prod"));
    let ingress = by_kind(&docs, "Ingress");
    assert_eq!(ingress["metadata"]["name"], "milvus-prod");
    assert_eq!(ingress["metadata"]["namespace"], "vectors");
    assert_eq!(ingress["spec"]["rules"][0]["backend"], Value::Null);
    assert_eq!(
        ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"],
        "milvus-prod"
    );
    assert_eq!(
        by_kind(&docs, "ManagedCertificate")["spec"]["domains"],
        json!(["milvus.example.com"])
    );
}

#[test]
fn output_is_byte_for_byte_deterministic() {
    let run = || {
        milvus_l7(&testdata())
            .arg("render")
            .args(SELF_MANAGED_WITH_FILES)
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(), run());
}

#[test]
fn stream_equals_the_directory() {
    for (case, args) in GOLDEN {
        let docs = render(args);
        let dir = testdata().join("golden").join(case);
        let kustomization = read_yaml(&dir.join("kustomization.yaml"));
        let files: Vec<Value> = kustomization["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| read_yaml(&dir.join(f.as_str().unwrap())))
            .collect();
        assert_eq!(docs, files, "{case}");
    }
}

#[test]
fn kubectl_kustomize_reads_the_output_directory() {
    if !kubectl_available() {
        return;
    }
    for (case, args) in GOLDEN {
        let mut theirs = kubectl_kustomize(&testdata().join("golden").join(case));
        let mut ours = render(args);
        // kustomize sorts keys; compare as sets of objects in a fixed order.
        let key = |v: &Value| format!("{}/{}", v["kind"], v["metadata"]["name"]);
        theirs.sort_by_key(key);
        ours.sort_by_key(key);
        assert_eq!(theirs, ours, "{case}");
    }
}

#[test]
fn secret_files_are_private() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    render_to_dir(&golden_args("self-managed-files"), &out);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| std::fs::metadata(out.join(p)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("v1_secret_my-release-milvus-tls.yaml"), 0o600);
        assert_eq!(mode("kustomization.yaml"), 0o644);
    }
}

#[test]
fn a_new_render_removes_files_of_the_old_one() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    render_to_dir(&["--overlay", "google-managed"], &out);
    assert!(out
        .join("networking.gke.io_v1_managedcertificate_my-release-milvus-tls.yaml")
        .exists());
    render_to_dir(&["--overlay", "self-managed"], &out);
    assert!(!out
        .join("networking.gke.io_v1_managedcertificate_my-release-milvus-tls.yaml")
        .exists());
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|name| name != ".out.lock") // the writers' lock stays, empty
        .collect();
    assert_eq!(leftovers, ["out"], "no temporary directories left behind");
}

#[test]
fn a_directory_the_tool_did_not_create_is_never_replaced() {
    let tmp = tempdir();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let assert = milvus_l7(&testdata())
        .args(["render", "-o"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stdout("");
    assert!(stderr(assert.get_output()).contains("not written by milvus-l7"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn config_file_in_the_working_directory_is_used() {
    let tmp = tempdir();
    write_file(
        tmp.path(),
        "milvus-l7.yaml",
        "release: vector\ndomain: vector.example.com\n",
    );
    let docs = render_in(tmp.path(), &[]);
    assert_eq!(
        by_kind(&docs, "Ingress")["metadata"]["name"],
        "vector-milvus"
    );
    assert_eq!(
        by_kind(&docs, "ManagedCertificate")["spec"]["domains"],
        json!(["vector.example.com"])
    );
}

#[test]
fn environment_and_set_reach_the_parameters() {
    let out = milvus_l7(&testdata())
        .env("MILVUS_L7_RELEASE", "envrel")
        .args([
            "render",
            "--set",
            "healthCheckPort=9092",
            "--set",
            "domain=set.example.com",
        ])
        .assert()
        .success();
    let docs = parse_yaml_stream(&stdout(out.get_output()));
    assert_eq!(
        by_kind(&docs, "BackendConfig")["metadata"]["name"],
        "envrel-backendconfig"
    );
    assert_eq!(
        by_kind(&docs, "BackendConfig")["spec"]["healthCheck"]["port"],
        9092
    );
    assert_eq!(
        by_kind(&docs, "Ingress")["spec"]["rules"][0]["host"],
        "set.example.com"
    );
}

#[test]
fn bad_input_exits_2_names_the_field_and_leaves_out_untouched() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    render_to_dir(&[], &out);
    let before = snapshot(&out);
    let config = |name: &str, text: &str| write_file(tmp.path(), name, text).display().to_string();
    let malformed = config("malformed.yaml", "release: a\n  domain: [b\n");
    let unknown = config("unknown.yaml", "release: a\nhealthcheckport: 9091\n");
    let duplicate = config("duplicate.yaml", "release: a\nrelease: b\n");
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["--domain", "not a domain"],
            vec!["`domain`", "--domain"],
        ),
        (
            vec!["--domain", "Milvus.Example.com"],
            vec!["`domain`", "uppercase"],
        ),
        (
            vec!["--overlay", "google-managed", "--domain", "*.example.com"],
            vec!["`domain`", "wildcard"],
        ),
        (
            vec!["--release", "1st-release"],
            vec!["`release`", "lowercase letter"],
        ),
        (vec!["--release", "my_release"], vec!["`release`"]),
        (
            vec![
                "--overlay",
                "self-managed",
                "--tls-cert",
                "missing.crt",
                "--tls-key",
                "certs/tls.key",
            ],
            vec!["`tlsCert`", "missing.crt"],
        ),
        (
            vec!["--overlay", "google-manged"],
            vec!["google-manged", "did you mean `google-managed`"],
        ),
        (vec!["--config", &malformed], vec!["malformed.yaml:2"]),
        (
            vec!["--config", &unknown],
            vec!["`healthcheckport`", "did you mean `healthCheckPort`"],
        ),
        (
            vec!["--config", &duplicate],
            vec!["duplicate.yaml:2", "duplicate"],
        ),
        (
            vec!["--set", "servicePort=http"],
            vec!["`servicePort`", "whole number"],
        ),
        (
            vec!["--overlay", "self-managed", "--overlay", "google-managed"],
            vec!["cannot be combined"],
        ),
        (
            vec!["--tls-cert", "certs/tls.crt", "--tls-key", "certs/tls.key"],
            vec!["self-managed"],
        ),
    ];
    for (args, expected) in cases {
        let assert = milvus_l7(&testdata())
            .arg("render")
            .args(&args)
            .arg("-o")
            .arg(&out)
            .assert()
            .code(2)
            .stdout("");
        let stderr = stderr(assert.get_output());
        for e in expected {
            assert!(stderr.contains(e), "{args:?}: expected {e:?} in:\n{stderr}");
        }
        assert!(
            stderr.contains("hint:"),
            "{args:?}: every error says how to fix it:\n{stderr}"
        );
        assert_eq!(snapshot(&out), before, "{args:?} changed out/");
    }
}

#[test]
fn errors_on_stdout_stream_leave_it_empty() {
    // Argo CD prunes everything when a plugin prints an empty stream and
    // exits 0; an error must exit non-zero with nothing on stdout.
    milvus_l7(&testdata())
        .args(["render", "--release", "BAD"])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn kubectl_reads_yaml_1_1_look_alikes_back_as_strings() {
    if !kubectl_available() {
        return;
    }
    // `y` and `off` are booleans to kubectl's YAML 1.1 reader unless quoted
    // (and valid Google Cloud names); the annotation and sslPolicy must stay
    // strings.
    let args = [
        "--overlay",
        "static-ip",
        "--set",
        "staticIpName=y",
        "--overlay",
        "https-only",
        "--set",
        "redirect=true",
        "--set",
        "sslPolicy=off",
    ];
    let mut render_args = vec!["render"];
    render_args.extend(args);
    let out = crate::common::stdout_of_success(&testdata(), &render_args);
    let tmp = tempdir();
    let file = write_file(tmp.path(), "stream.yaml", &out);
    let read = std::process::Command::new("kubectl")
        .args([
            "patch", "--local", "-p", "{}", "--type", "merge", "-o", "json", "-f",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let text = String::from_utf8(read.stdout).unwrap();
    let objects: Vec<Value> = serde_json::Deserializer::from_str(&text)
        .into_iter()
        .map(|v| v.unwrap())
        .collect();
    let items: Vec<Value> = objects
        .iter()
        .flat_map(|o| {
            o.get("items")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_else(|| vec![o.clone()])
        })
        .collect();
    let ingress = items.iter().find(|o| o["kind"] == "Ingress").unwrap();
    assert_eq!(
        ingress["metadata"]["annotations"]["kubernetes.io/ingress.global-static-ip-name"],
        json!("y")
    );
    let frontend = items
        .iter()
        .find(|o| o["kind"] == "FrontendConfig")
        .unwrap();
    assert_eq!(frontend["spec"]["sslPolicy"], json!("off"));
}

#[test]
fn check_against_a_file_is_an_error_and_a_missing_directory_is_stale() {
    let tmp = tempdir();
    let file = tmp.path().join("out");
    std::fs::write(&file, "not a directory").unwrap();
    let assert = check(&file).code(2).stdout("");
    assert!(String::from_utf8_lossy(&assert.get_output().stderr).contains("is not a directory"));
    let missing = tmp.path().join("missing");
    let assert = check(&missing).code(1);
    assert!(String::from_utf8_lossy(&assert.get_output().stderr).contains("does not exist"));
}
