//! Issue 24, "Hardening, round 3": the defects of the third adversarial
//! run that are not Helm's or `status`'s. Each test names its defect and
//! failed before its fix.

use crate::common::{milvus_l7, render_to_dir, stderr, stdout, tempdir, testdata};
use std::path::Path;
use std::time::Duration;

/// Long enough for a debug build on a busy machine; a hang ends here.
const QUICK: Duration = Duration::from_secs(60);

/// Every name in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `render -o out` with the built-in defaults, however it ends.
fn render_into(out: &Path) -> std::process::Output {
    milvus_l7(&testdata())
        .args(["render", "-o"])
        .arg(out)
        .timeout(QUICK)
        .output()
        .unwrap()
}

fn overlay_in(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("kustomization.yaml")).unwrap();
    let files = listing(dir).join("\n");
    format!("{text}\n{files}")
}

// Defect 7: `-o` through a symbolic link renders into the link's target and
// keeps the link.

#[cfg(unix)]
#[test]
fn a_link_given_as_output_is_written_through_and_stays_a_link() {
    let tmp = tempdir();
    let target = tmp.path().join("d");
    render_to_dir(&["--overlay", "google-managed"], &target);
    let link = tmp.path().join("dl");
    std::os::unix::fs::symlink("d", &link).unwrap();
    render_to_dir(&["--overlay", "https-only"], &link);
    assert!(
        link.symlink_metadata().unwrap().file_type().is_symlink(),
        "the link was replaced by a directory"
    );
    let now = overlay_in(&target);
    assert!(!now.contains("managedcertificate"), "{now}");
    assert_eq!(listing(tmp.path()), ["d", "dl"], "nothing left beside them");
}

#[cfg(unix)]
#[test]
fn a_link_to_an_empty_directory_elsewhere_fills_that_directory() {
    let (here, elsewhere) = (tempdir(), tempdir());
    let target = elsewhere.path().join("empty");
    std::fs::create_dir(&target).unwrap();
    let link = here.path().join("out");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    render_to_dir(&[], &link);
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert!(target.join("kustomization.yaml").is_file());
    assert_eq!(listing(here.path()), ["out"]);
    assert_eq!(listing(elsewhere.path()), ["empty"]);
}

#[cfg(unix)]
#[test]
fn a_link_to_a_directory_not_ours_is_refused_and_left_alone() {
    let tmp = tempdir();
    let target = tmp.path().join("mine");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("notes.txt"), "keep me\n").unwrap();
    std::os::unix::fs::symlink("mine", tmp.path().join("out")).unwrap();
    let out = render_into(&tmp.path().join("out"));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    assert_eq!(listing(&target), ["notes.txt"]);
    assert_eq!(listing(tmp.path()), ["mine", "out"]);
}

// Defect 10: no lock file is created, trusted or left behind.

#[test]
fn a_successful_render_leaves_nothing_beside_the_directory() {
    let tmp = tempdir();
    render_to_dir(&[], &tmp.path().join("out"));
    render_to_dir(&[], &tmp.path().join("out"));
    assert_eq!(listing(tmp.path()), ["out"]);
}

#[test]
fn a_refused_render_leaves_nothing_beside_the_directory() {
    let tmp = tempdir();
    std::fs::create_dir(tmp.path().join("out")).unwrap();
    std::fs::write(tmp.path().join("out/notes.txt"), "mine\n").unwrap();
    let out = render_into(&tmp.path().join("out"));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(listing(tmp.path()), ["out"]);
}

#[cfg(unix)]
#[test]
fn a_fifo_planted_at_the_old_lock_name_is_never_opened() {
    let tmp = tempdir();
    let fifo = tmp.path().join(".out.lock");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let out = render_into(&tmp.path().join("out"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(tmp.path().join("out/kustomization.yaml").is_file());
}

// Defect 9: nothing that looks like a private key reaches any output.

/// The test key of `testdata/certs`.
fn test_key() -> String {
    std::fs::read_to_string(testdata().join("certs/tls.key")).unwrap()
}

/// A line of the key's base64 body, which must never be printed.
fn body_line(key: &str) -> &str {
    key.lines().nth(2).unwrap()
}

fn assert_no_key(output: &str, key: &str) {
    assert!(!output.contains(body_line(key)), "{output}");
    assert!(!output.contains("BEGIN PRIVATE KEY"), "{output}");
}

/// Runs milvus-l7 with `args`; expects exit 2 and nothing on stdout.
fn refused(dir: &Path, args: &[&str]) -> String {
    let out = milvus_l7(dir).args(args).timeout(QUICK).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    assert!(out.stdout.is_empty(), "{}", stdout(&out));
    stderr(&out)
}

#[test]
fn an_overlay_file_that_is_a_private_key_is_not_printed() {
    let tmp = tempdir();
    let overlays = tmp.path().join("overlays");
    let builtin = testdata().join("../overlays");
    for entry in walkdir::WalkDir::new(&builtin) {
        let entry = entry.unwrap();
        let to = overlays.join(entry.path().strip_prefix(&builtin).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    let key = test_key();
    std::fs::write(overlays.join("https-only/overlay.yaml"), &key).unwrap();
    let err = refused(
        &testdata(),
        &[
            "render",
            "--overlays",
            overlays.to_str().unwrap(),
            "--overlay",
            "https-only",
        ],
    );
    assert_no_key(&err, &key);
    assert!(err.contains("private key not shown"), "{err}");
}

#[test]
fn a_key_given_as_an_argument_is_not_echoed_by_the_parser() {
    let key = test_key();
    for args in [
        vec!["render", key.as_str()],
        vec!["validate", "--max-input-bytes", key.as_str()],
        vec!["render", "--overlay", key.as_str()],
    ] {
        let err = refused(&testdata(), &args);
        assert_no_key(&err, &key);
    }
}

#[test]
fn diff_never_prints_a_key_found_in_a_live_annotation() {
    let tmp = tempdir();
    let key = test_key();
    let rendered = crate::common::stdout_of_success(&testdata(), &["render"]);
    let mut docs = crate::common::parse_yaml_stream(&rendered);
    docs[0]["metadata"]["annotations"]["example.com/leaked"] = key.clone().into();
    let live = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": docs});
    let live_path = tmp.path().join("live.json");
    std::fs::write(&live_path, live.to_string()).unwrap();
    for format in ["text", "json"] {
        let out = milvus_l7(&testdata())
            .args(["diff", "--strict", "--output", format, "--live"])
            .arg(&live_path)
            .timeout(QUICK)
            .output()
            .unwrap();
        let (text, err) = (stdout(&out), stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_no_key(&text, &key);
        assert_no_key(&err, &key);
        assert!(text.contains("private key not shown"), "{text}");
    }
}

// Defect 12: every message is bounded; long values are cut with an ellipsis.

#[test]
fn a_huge_value_in_an_error_is_cut_with_an_ellipsis() {
    let domain = format!("{}.example.com", "a".repeat(100_000));
    let err = refused(
        &testdata(),
        &["render", "--set", &format!("domain={domain}")],
    );
    assert!(err.len() < 4_000, "{} bytes of error", err.len());
    assert!(err.contains("more bytes)"), "{err}");
}

#[test]
fn a_values_file_with_thousands_of_keys_gives_a_short_note() {
    let tmp = tempdir();
    let values: String = (0..20_000).map(|i| format!("key{i}: {i}\n")).collect();
    std::fs::write(tmp.path().join("big.yaml"), values).unwrap();
    let out = milvus_l7(tmp.path())
        .args(["render", "--set", "values=big.yaml"])
        .timeout(QUICK)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.len() < 4_000, "{} bytes on stderr", err.len());
    assert!(err.contains("more"), "{err}");
}
