//! Issue 12, "Hardening, round 2": hostile inputs that used to take the
//! machine down, look like drift, or leak. Each test names its defect.

use crate::common::{live_path, milvus_l7, stderr, stdout, tempdir, testdata, write_file};
use std::path::Path;
use std::time::Duration;

/// Long enough for a debug build on a busy machine, far shorter than
/// reading an endless device.
const QUICK: Duration = Duration::from_secs(60);

/// Runs `args` in `dir`; expects exit 2, nothing on stdout; returns stderr.
fn refused(dir: &Path, args: &[&str], stdin: &[u8]) -> String {
    let out = milvus_l7(dir)
        .args(args)
        .write_stdin(stdin)
        .timeout(QUICK)
        .output()
        .expect("runs");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}: stdout {}", stdout(&out));
    err
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

// Defect 1: every file is read through a bounded reader; devices and FIFOs
// are refused up front.

#[cfg(unix)]
#[test]
fn devices_are_refused_before_reading_wherever_a_file_is_expected() {
    let certs = testdata().join("certs");
    let cert = certs.join("tls.crt");
    let cert = cert.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["render", "--config", "/dev/zero"],
        &[
            "render",
            "--overlay",
            "self-managed",
            "--tls-cert",
            cert,
            "--tls-key",
            "/dev/zero",
        ],
        &[
            "render",
            "--overlay",
            "self-managed",
            "--tls-cert",
            "/dev/zero",
            "--tls-key",
            cert,
        ],
        &["diff", "--live", "/dev/zero"],
        &["status", "--live", "/dev/zero"],
        &["validate", "/dev/zero"],
    ];
    for args in cases {
        let err = refused(&testdata(), args, b"");
        assert!(
            err.contains("/dev/zero") && err.contains("character device"),
            "{args:?}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_given_as_a_file_is_refused_instead_of_blocking() {
    let tmp = tempdir();
    let fifo = tmp.path().join("config.yaml");
    mkfifo(&fifo);
    for args in [
        vec!["render", "--config", "config.yaml"],
        vec!["diff", "--live", "config.yaml"],
        vec!["validate", "config.yaml"],
    ] {
        let err = refused(tmp.path(), &args, b"");
        assert!(err.contains("FIFO"), "{args:?}: {err}");
    }
}

/// A file of `len` bytes that takes no disk space: large input at no cost.
fn sparse_file(path: &Path, len: u64) {
    std::fs::File::create(path).unwrap().set_len(len).unwrap();
}

#[test]
fn a_huge_sparse_config_is_refused_by_its_size_without_reading_it() {
    let tmp = tempdir();
    let config = tmp.path().join("big.yaml");
    sparse_file(&config, 3 << 30);
    let started = std::time::Instant::now();
    let err = refused(tmp.path(), &["render", "--config", "big.yaml"], b"");
    assert!(err.contains("larger than"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10), "read it all");
}

#[cfg(unix)]
#[test]
fn a_huge_template_file_is_refused_naming_it() {
    let tmp = tempdir();
    let templates = tmp.path().join("templates");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let copied = std::process::Command::new("cp")
        .arg("-r")
        .arg(shipped)
        .arg(&templates)
        .status()
        .unwrap();
    assert!(copied.success());
    sparse_file(&templates.join("huge.yaml"), 1 << 30);
    let err = refused(tmp.path(), &["render", "--templates", "templates"], b"");
    assert!(
        err.contains("huge.yaml") && err.contains("larger than"),
        "{err}"
    );
}

#[test]
fn a_huge_certificate_is_a_file_error_not_a_template_error() {
    let tmp = tempdir();
    let cert = tmp.path().join("tls.crt");
    sparse_file(&cert, 70 << 20);
    let key = testdata().join("certs/tls.key");
    let err = refused(
        tmp.path(),
        &[
            "render",
            "--overlay",
            "self-managed",
            "--tls-cert",
            "tls.crt",
            "--tls-key",
            key.to_str().unwrap(),
        ],
        b"",
    );
    assert!(
        err.contains("tlsCert") && err.contains("larger than") && !err.contains("template"),
        "{err}"
    );
}

// Defect 4: the largest --max-input-bytes means no limit.

#[test]
fn the_largest_max_input_bytes_reads_everything() {
    let live = live_path("milvus-google-managed.yaml");
    let live = live.to_str().unwrap();
    let run = |extra: &[&str]| {
        milvus_l7(&testdata())
            .args(["diff", "--overlay", "google-managed", "--live", live])
            .args(extra)
            .output()
            .unwrap()
    };
    let default = run(&[]);
    let unlimited = run(&["--max-input-bytes", &u64::MAX.to_string()]);
    assert_eq!(
        unlimited.status.code(),
        default.status.code(),
        "{}",
        stderr(&unlimited)
    );
    assert_eq!(stdout(&unlimited), stdout(&default));
    assert!(
        stdout(&unlimited).contains(" 0 missing"),
        "{}",
        stdout(&unlimited)
    );
}

// Defect 8: empty live input is an error for every command, never drift.

#[test]
fn empty_live_input_is_an_error_for_every_command() {
    let tmp = tempdir();
    write_file(tmp.path(), "empty.yaml", "");
    write_file(tmp.path(), "blank.yaml", "\n# nothing exported\n---\n");
    for input in ["-", "empty.yaml", "blank.yaml"] {
        for command in [
            vec!["diff", "--live", input],
            vec!["status", "--live", input],
            vec!["validate", input],
        ] {
            let err = refused(tmp.path(), &command, b"");
            assert!(
                err.contains("no Kubernetes object found"),
                "{command:?}: {err}"
            );
        }
    }
}

// Defect 10: a milvus-l7.yaml that is there but cannot be read is an error,
// never a silent default render.

#[cfg(unix)]
#[test]
fn a_config_file_present_but_unreadable_is_an_error() {
    type Make = fn(&Path);
    let make: &[(&str, Make)] = &[
        ("a directory", |p| std::fs::create_dir(p).unwrap()),
        ("a dangling symlink", |p| {
            std::os::unix::fs::symlink("/nonexistent/milvus-l7.yaml", p).unwrap()
        }),
        ("a FIFO", mkfifo),
        ("a link to /dev/zero", |p| {
            std::os::unix::fs::symlink("/dev/zero", p).unwrap()
        }),
    ];
    for (what, make) in make {
        let tmp = tempdir();
        make(&tmp.path().join("milvus-l7.yaml"));
        let err = refused(tmp.path(), &["render"], b"");
        assert!(err.contains("milvus-l7.yaml"), "{what}: {err}");
    }
}

// Defect 7: `render --check` never follows a symlink out of DIR and never
// prints Secret data or a private key.

/// A fresh `render -o` directory in `tmp/out`, and the test key's text.
fn rendered_dir(tmp: &Path) -> (std::path::PathBuf, String) {
    let out = tmp.join("out");
    crate::common::render_to_dir(&[], &out);
    let key = std::fs::read_to_string(testdata().join("certs/tls.key")).unwrap();
    (out, key)
}

/// `render --check out` from testdata: exit 1, returns stdout.
fn stale_report(out: &Path) -> String {
    let result = milvus_l7(&testdata())
        .args(["render", "--check"])
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    stdout(&result)
}

fn key_body_line(key: &str) -> &str {
    key.lines().nth(1).expect("a PEM body line")
}

#[cfg(unix)]
#[test]
fn check_shows_a_symlink_by_name_and_never_follows_it() {
    let tmp = tempdir();
    let (out, key) = rendered_dir(tmp.path());
    std::os::unix::fs::symlink(testdata().join("certs/tls.key"), out.join("zz.yaml")).unwrap();
    let report = stale_report(&out);
    assert!(report.contains("zz.yaml"), "{report}");
    assert!(report.contains("symbolic link"), "{report}");
    assert!(!report.contains("PRIVATE KEY"), "{report}");
    assert!(!report.contains(key_body_line(&key)), "{report}");
}

#[cfg(unix)]
#[test]
fn check_never_follows_a_charts_link_out_of_the_directory() {
    let tmp = tempdir();
    let (out, key) = rendered_dir(tmp.path());
    write_file(tmp.path(), "elsewhere/milvus/tls.key", &key);
    std::os::unix::fs::symlink(tmp.path().join("elsewhere"), out.join("charts")).unwrap();
    let report = stale_report(&out);
    assert!(report.contains("charts: is a symbolic link"), "{report}");
    assert!(!report.contains("tls.key"), "{report}");
    assert!(!report.contains(key_body_line(&key)), "{report}");
}

#[test]
fn check_masks_a_secret_inside_a_list_and_any_private_key() {
    let tmp = tempdir();
    let (out, key) = rendered_dir(tmp.path());
    write_file(
        &out,
        "list.yaml",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: s}\n  data:\n    password: c3VwZXJzZWNyZXQ=\n",
    );
    let indented: String = key.lines().map(|l| format!("    {l}\n")).collect();
    write_file(
        &out,
        "config.yaml",
        &format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  key: |\n{indented}"
        ),
    );
    let report = stale_report(&out);
    assert!(
        report.contains("list.yaml") && report.contains("config.yaml"),
        "{report}"
    );
    assert!(!report.contains("c3VwZXJzZWNyZXQ="), "{report}");
    assert!(!report.contains("PRIVATE KEY"), "{report}");
    assert!(!report.contains(key_body_line(&key)), "{report}");
}

// Defects 5 and 6: the -o swap is one atomic exchange, writers of one DIR
// take turns, and nothing is left behind.

/// Names in `dir` starting with `.out.new-` or `.out.old-`.
fn leftovers(dir: &Path, name: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with(&format!(".{name}.new-")) || n.starts_with(&format!(".{name}.old-"))
        })
        .collect()
}

#[test]
fn concurrent_renders_of_one_directory_all_succeed_and_it_is_never_absent() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;
    let tmp = tempdir();
    let out = tmp.path().join("out");
    crate::common::render_to_dir(&[], &out);
    let done = Arc::new(AtomicBool::new(false));
    let absent = Arc::new(AtomicUsize::new(0));
    let looks = Arc::new(AtomicUsize::new(0));
    let observer = {
        let (done, absent, looks) = (done.clone(), absent.clone(), looks.clone());
        let marker = out.join("kustomization.yaml");
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if !marker.exists() {
                    absent.fetch_add(1, Ordering::Relaxed);
                }
                looks.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let mut failures = Vec::new();
    for round in 0..5 {
        let overlay = if round % 2 == 0 {
            "google-managed"
        } else {
            "https-only"
        };
        let children: Vec<_> = (0..10)
            .map(|_| {
                std::process::Command::new(assert_cmd::cargo::cargo_bin!("milvus-l7"))
                    .current_dir(testdata())
                    .env_clear()
                    .env("NO_COLOR", "1")
                    .args(["render", "--overlay", overlay, "-o"])
                    .arg(&out)
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let result = child.wait_with_output().unwrap();
            if !result.status.success() {
                failures.push(stderr(&result));
            }
        }
    }
    done.store(true, Ordering::Relaxed);
    observer.join().unwrap();
    assert!(
        failures.is_empty(),
        "{} of 50 failed: {failures:#?}",
        failures.len()
    );
    assert!(looks.load(Ordering::Relaxed) > 0);
    assert_eq!(absent.load(Ordering::Relaxed), 0, "DIR was seen absent");
    assert!(
        leftovers(tmp.path(), "out").is_empty(),
        "{:?}",
        leftovers(tmp.path(), "out")
    );
}

#[cfg(unix)]
#[test]
fn a_failed_render_to_a_dangling_link_leaves_nothing_behind() {
    let tmp = tempdir();
    std::os::unix::fs::symlink("/nonexistent", tmp.path().join("vl5")).unwrap();
    let certs = testdata().join("certs");
    let err = refused(
        tmp.path(),
        &[
            "render",
            "--overlay",
            "self-managed",
            "--tls-cert",
            certs.join("tls.crt").to_str().unwrap(),
            "--tls-key",
            certs.join("tls.key").to_str().unwrap(),
            "-o",
            "vl5",
        ],
        b"",
    );
    assert!(err.contains("vl5"), "{err}");
    assert!(
        leftovers(tmp.path(), "vl5").is_empty(),
        "{:?}",
        leftovers(tmp.path(), "vl5")
    );
}

#[test]
fn leftovers_of_killed_runs_are_removed_by_the_next_render() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    crate::common::render_to_dir(&[], &out);
    write_file(tmp.path(), ".out.new-k1ll3d/secret.yaml", "kind: Secret\n");
    write_file(tmp.path(), ".out.old-k1ll3d/previous/a.yaml", "x: 1\n");
    write_file(tmp.path(), ".other.new-keep/a.yaml", "x: 1\n");
    crate::common::render_to_dir(&[], &out);
    assert!(
        leftovers(tmp.path(), "out").is_empty(),
        "{:?}",
        leftovers(tmp.path(), "out")
    );
    assert!(tmp.path().join(".other.new-keep").exists());
}

// Defect 12: values in messages are quoted and escaped.

#[test]
fn control_characters_in_values_are_escaped_in_messages() {
    let err = refused(
        &testdata(),
        &["render", "--domain", "\x1b[31mred.example.com"],
        b"",
    );
    assert!(!err.contains('\x1b'), "{err:?}");
    assert!(err.contains("`\\e[31mred`"), "{err}");
    let err = refused(
        &testdata(),
        &[
            "render",
            "--set",
            "healthCheckType=HTTP\nhint: run `rm -rf /`",
        ],
        b"",
    );
    assert!(!err.lines().any(|l| l.starts_with("hint: run")), "{err}");
    assert!(err.contains("HTTP\\nhint: run"), "{err}");
    let err = refused(&testdata(), &["render", "--set", "a\x07b=1"], b"");
    assert!(!err.contains('\x07') && err.contains("a\\x07b"), "{err:?}");
}

// Defect 13: hints that say what is wrong.

#[test]
fn an_empty_domain_label_is_named() {
    let err = refused(&testdata(), &["render", "--domain", "../x"], b"");
    assert!(err.contains("`../x` has an empty label (label 1)"), "{err}");
}

#[test]
fn status_and_validate_take_the_max_input_bytes_their_hint_names() {
    let live = live_path("milvus-google-managed.yaml");
    let live = live.to_str().unwrap();
    for args in [
        vec!["status", "--live", live, "--max-input-bytes", "100"],
        vec!["validate", live, "--max-input-bytes", "100"],
    ] {
        let err = refused(&testdata(), &args, b"");
        assert!(
            err.contains("larger than 100 bytes") && err.contains("--max-input-bytes"),
            "{args:?}: {err}"
        );
    }
    milvus_l7(&testdata())
        .args(["validate", live, "--max-input-bytes", &u64::MAX.to_string()])
        .assert()
        .success();
}

#[test]
fn the_longest_release_helm_accepts_renders_with_names_that_fit() {
    let release = "a".repeat(53);
    let out = milvus_l7(&testdata())
        .args([
            "render",
            "--overlay",
            "google-managed",
            "--release",
            &release,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = crate::common::parse_yaml_stream(&stdout(&out));
    for doc in &docs {
        let name = doc["metadata"]["name"].as_str().unwrap();
        assert!(name.len() <= 63 && !name.ends_with('-'), "{name}");
    }
    let backend = crate::common::by_kind(&docs, "BackendConfig");
    // The release is cut, the suffix kept: the name still says what it is.
    assert_eq!(
        backend["metadata"]["name"],
        format!("{}-backendconfig", &release[..63 - "-backendconfig".len()])
    );
}

#[test]
fn a_file_in_the_way_of_an_output_directory_is_named_as_such() {
    let tmp = tempdir();
    write_file(tmp.path(), "afile", "x");
    for args in [
        vec!["render", "-o", "afile/sub"],
        vec!["cert", "--domain", "a.example.com", "--out-dir", "afile"],
    ] {
        let err = refused(tmp.path(), &args, b"");
        assert!(
            err.contains("a file is where a directory is needed")
                && !err.contains("disk is writable"),
            "{args:?}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_non_utf8_argument_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let out = milvus_l7(&testdata())
        .arg("render")
        .arg("--domain")
        .arg(std::ffi::OsStr::from_bytes(b"\xff.example.com"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("`\\xff.example.com` (the value of --domain) is not UTF-8"),
        "{err}"
    );
}

// Defect 9: one object in two files of a live directory.

#[test]
fn conflicting_copies_in_a_live_directory_are_an_error_naming_both_files() {
    let ingress = crate::common::live_fixture("milvus-google-managed.yaml");
    let changed = ingress.replacen("number: 19530", "number: 19531", 1);
    assert_ne!(ingress, changed, "the fixture has the port");
    for (first, second) in [("a.yaml", "b.yaml"), ("c.yaml", "b.yaml")] {
        let tmp = tempdir();
        write_file(tmp.path(), first, &ingress);
        write_file(tmp.path(), second, &changed);
        let err = refused(
            tmp.path(),
            &["diff", "--overlay", "google-managed", "--live", "."],
            b"",
        );
        assert!(
            err.contains(first) && err.contains(second) && err.contains("different content"),
            "{err}"
        );
    }
    let tmp = tempdir();
    write_file(tmp.path(), "a.yaml", &ingress);
    write_file(tmp.path(), "b.yaml", &ingress);
    milvus_l7(tmp.path())
        .args(["diff", "--overlay", "google-managed", "--live", "."])
        .assert()
        .code(0);
}

// Defect 11: free-text parameters follow their rules.

#[test]
fn free_text_parameters_gke_would_refuse_are_refused_naming_them() {
    let long_path = format!("healthCheckPath=/{}", "a".repeat(5000));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--set", "healthCheckPath=/a\nb"], "healthCheckPath"),
        (vec!["--set", "healthCheckPath=/a\x01"], "healthCheckPath"),
        (vec!["--set", &long_path], "healthCheckPath"),
        (
            vec!["--overlay", "static-ip", "--set", "staticIpName=ip\nx: y"],
            "staticIpName",
        ),
        (
            vec!["--overlay", "gateway", "--set", "certMap=a: {{ x }}"],
            "certMap",
        ),
        (
            vec![
                "--overlay",
                "gateway",
                "--set",
                "certMap=m",
                "--set",
                "gatewayClass=gke-l7\nx",
            ],
            "gatewayClass",
        ),
    ];
    for (flags, key) in cases {
        let mut args = vec!["render"];
        args.extend(flags.iter().copied());
        let err = refused(&testdata(), &args, b"");
        assert!(
            err.contains(&format!("invalid parameter `{key}`")),
            "{args:?}: {err}"
        );
    }
    milvus_l7(&testdata())
        .args([
            "render",
            "--overlay",
            "static-ip",
            "--set",
            "staticIpName=milvus-ip",
        ])
        .assert()
        .success();
}

// Defect 2: status and validate sift while reading.

#[test]
fn validate_checks_what_a_user_writes_not_what_the_server_adds() {
    // A status field no schema knows, server-side managedFields and a
    // last-applied copy: validate drops them while reading (they are most
    // of a live export's bytes), so only the written object is judged.
    let tmp = tempdir();
    write_file(
        tmp.path(),
        "mc.yaml",
        "apiVersion: networking.gke.io/v1\nkind: ManagedCertificate\nmetadata:\n  name: c\n  namespace: default\n  managedFields:\n  - manager: glbc\n    operation: Update\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{}'\nspec:\n  domains: [a.example.com]\nstatus:\n  somethingNew: {x: 1}\n",
    );
    let out = milvus_l7(tmp.path())
        .args(["validate", "mc.yaml"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(!err.contains("somethingNew"), "{err}");
    assert!(!err.contains("status"), "{err}");
}

#[test]
fn status_reads_only_the_objects_it_assesses_and_still_names_the_others() {
    // The export holds the Ingress under another name: status must say
    // which Ingress it found, although it kept only names while reading.
    let live = crate::common::live_fixture("milvus-google-managed.yaml")
        .replace("name: my-release-milvus\n", "name: other-milvus\n");
    let tmp = tempdir();
    write_file(tmp.path(), "live.yaml", &live);
    let err = refused(tmp.path(), &["status", "--live", "live.yaml"], b"");
    assert!(err.contains("other-milvus"), "{err}");
}

#[cfg(unix)]
#[test]
fn an_environment_variable_that_is_not_utf8_never_panics() {
    use std::os::unix::ffi::OsStringExt;
    let bad = std::ffi::OsString::from_vec(vec![b'a', 0xff]);
    // Someone else's variable: ignored, the render works.
    milvus_l7(&testdata())
        .arg("render")
        .env("SOME_TOOL_SETTING", &bad)
        .assert()
        .success();
    // One of ours: exit 2 naming it, nothing on stdout.
    let out = milvus_l7(&testdata())
        .arg("render")
        .env("MILVUS_L7_DOMAIN", &bad)
        .assert()
        .code(2)
        .stdout("");
    assert!(stderr(out.get_output()).contains("MILVUS_L7_DOMAIN is not UTF-8"));
}
