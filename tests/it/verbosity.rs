//! `-v` and `-q` keep their word for every command: `-v` says on stderr
//! what was rendered, written, checked or read; `-q` leaves errors and
//! warnings, as every `--help` says. stdout is the same either way.

use crate::common::{live_path, milvus_l7, render_to_dir, stderr, stdout, tempdir, testdata};
use clap::CommandFactory;
use milvus_l7::cli::Cli;
use std::path::Path;
use std::process::Output;

fn run(dir: &Path, args: &[&str]) -> Output {
    milvus_l7(dir).args(args).output().unwrap()
}

/// The same command with and without `-v`: stdout unchanged, stderr empty
/// without it, and what `-v` said returned.
fn verbose_only(args: &[&str]) -> String {
    let plain = run(&testdata(), args);
    let mut with_v = args.to_vec();
    with_v.push("-v");
    let verbose = run(&testdata(), &with_v);
    assert_eq!(stdout(&verbose), stdout(&plain), "{args:?}");
    assert_eq!(verbose.status.code(), plain.status.code(), "{args:?}");
    assert_eq!(stderr(&plain), "", "{args:?} says something without -v");
    stderr(&verbose)
}

fn assert_says(said: &str, expected: &[&str]) {
    for phrase in expected {
        assert!(said.contains(phrase), "-v lacks {phrase:?}:\n{said}");
    }
}

/// What was rendered, as `render` to stdout has always said it.
const RENDERED: &[&str] = &[
    "rendered 3 objects",
    "release my-release",
    "overlays google-managed",
];

#[test]
fn render_to_a_directory_says_what_it_rendered_and_wrote() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    let out_arg = out.to_str().unwrap();
    let said = verbose_only(&["render", "-o", out_arg]);
    assert_says(&said, RENDERED);
    assert_says(
        &said,
        &[
            &format!("wrote 5 files to {out_arg}"),
            "3 objects",
            "helm/values.yaml",
            "kustomization.yaml",
        ],
    );
}

#[test]
fn render_check_says_what_it_compared_and_the_verdict() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    render_to_dir(&[], &out);
    let out_arg = out.to_str().unwrap();
    let said = verbose_only(&["render", "--check", out_arg]);
    assert_says(&said, RENDERED);
    assert_says(
        &said,
        &[
            &format!("{out_arg} is up to date"),
            "5 files",
            "helm/values.yaml",
        ],
    );

    let stale = run(
        &testdata(),
        &[
            "render",
            "--domain",
            "other.example.com",
            "--check",
            out_arg,
            "-v",
        ],
    );
    assert_eq!(stale.status.code(), Some(1));
    assert_says(
        &stderr(&stale),
        &[
            "domain other.example.com",
            "compared 5 files (",
            &format!(") with {out_arg}"),
        ],
    );
}

#[test]
fn graph_says_what_it_rendered_and_drew() {
    let said = verbose_only(&["graph"]);
    assert_says(&said, RENDERED);
    assert_says(&said, &["boxes", "arrows", "mermaid"]);
    let said = verbose_only(&["graph", "--format", "dot"]);
    assert_says(&said, &["dot"]);
}

#[test]
fn status_says_what_it_read_and_checked() {
    let live = live_path("milvus-google-managed.yaml");
    let live_arg = live.to_str().unwrap();
    let plain = run(&testdata(), &["status", "--live", live_arg]);
    let verbose = run(&testdata(), &["status", "--live", live_arg, "-v"]);
    assert_eq!(stdout(&verbose), stdout(&plain));
    let said = stderr(&verbose);
    assert!(!stderr(&plain).contains("read "), "{}", stderr(&plain));
    assert_says(&said, RENDERED);
    assert_says(
        &said,
        &[
            &format!("read 2 live objects from {live_arg}"),
            "checked 2 live objects: ",
            "networking.k8s.io/v1/Ingress/default/my-release-milvus",
            "networking.gke.io/v1/ManagedCertificate/default/my-release-milvus-tls",
        ],
    );
}

/// A certificate that expires in 10 days: rendering with it is a warning.
fn expiring_pair(dir: &Path) {
    milvus_l7(dir)
        .args([
            "cert",
            "--domain",
            "my-release.milvus.io",
            "--days",
            "10",
            "--key-type",
            "ecdsa-p256",
        ])
        .assert()
        .success();
}

#[test]
fn quiet_keeps_warnings_as_help_says() {
    let help = crate::common::stdout_of_success(&testdata(), &["render", "--help"]);
    let quiet_line = help
        .lines()
        .find(|l| l.contains("--quiet"))
        .unwrap()
        .to_string();
    assert!(
        quiet_line.contains("errors and warnings"),
        "help: {quiet_line}"
    );
    for sub in Cli::command().get_subcommands() {
        let about = sub
            .get_arguments()
            .chain(Cli::command().get_arguments())
            .find(|a| a.get_id() == "quiet")
            .and_then(|a| a.get_help())
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(about.contains("errors and warnings"), "{}", sub.get_name());
    }

    let tmp = tempdir();
    expiring_pair(tmp.path());
    let quiet = run(
        tmp.path(),
        &[
            "render",
            "-q",
            "--overlay",
            "self-managed",
            "--tls-cert",
            "tls.crt",
            "--tls-key",
            "tls.key",
        ],
    );
    assert_eq!(quiet.status.code(), Some(0));
    assert!(
        stderr(&quiet).contains("warning: tls.crt: the certificate expires in"),
        "{}",
        stderr(&quiet)
    );

    // validate's warnings too (a backend timeout of more than a day).
    crate::common::write_file(
        tmp.path(),
        "backendconfig.yaml",
        "apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata: {name: my-release-backendconfig, namespace: default}\nspec:\n  timeoutSec: 100000\n  healthCheck: {port: 9091, requestPath: /healthz, type: HTTP}\n",
    );
    let quiet = run(tmp.path(), &["validate", "-q", "backendconfig.yaml"]);
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert!(
        stderr(&quiet).contains("warning: ") && stderr(&quiet).contains("more than a day"),
        "{}",
        stderr(&quiet)
    );
    // Notes and hints go: the note that a stale directory is stale.
    let out = tmp.path().join("out");
    render_to_dir(&[], &out);
    let stale = milvus_l7(&testdata())
        .args(["render", "--domain", "other.example.com", "-q", "--check"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(stale.status.code(), Some(1));
    assert_eq!(stderr(&stale), "");
}
