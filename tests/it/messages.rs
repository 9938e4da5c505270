//! Messages say things one way and point where the answer is: field paths
//! are kubectl's dotted form in every kind of problem, a hint names a
//! place that holds what it promises, and a command line shown to be
//! pasted survives the shell.

use crate::common::{milvus_l7, stderr, tempdir, testdata, write_file};
use std::path::Path;
use std::process::Command;

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

/// A TLS Secret's certificate is a map key with a dot: `data[tls.crt]`,
/// after the object and its file, like every other field (the Secret of
/// this export holds a placeholder, not a certificate).
#[test]
fn a_secret_key_is_named_the_kubectl_way() {
    let out = milvus_l7(&testdata())
        .args(["validate", "--overlay", "self-managed"])
        .arg("live/milvus-self-managed.yaml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = stderr(&out);
    assert!(
        text.contains(
            "live/milvus-self-managed.yaml: core/v1/Secret/default/my-release-milvus-tls: data[tls.crt]: "
        ),
        "{text}"
    );
}

#[test]
fn an_unknown_template_name_points_to_where_parameters_are_listed() {
    let message =
        refused_with_ingress_template(|text| format!("# {{{{ healthCheckPrt }}}}\n{text}"));
    let hint = message
        .lines()
        .find(|l| l.trim_start().starts_with("hint:"))
        .unwrap_or_else(|| panic!("no hint in {message}"));
    // The place the hint names must hold the parameter names: a docs/ file
    // whose parameter table lists the one the template meant.
    let doc = hint
        .split(|c: char| c.is_whitespace() || c == '`' || c == ',' || c == ';')
        .find(|w| w.starts_with("docs/") && w.ends_with(".md"))
        .unwrap_or_else(|| panic!("the hint names no docs/ file: {hint}"));
    let listed = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(doc))
        .unwrap_or_else(|e| panic!("{doc}, named by the hint: {e}"));
    assert!(listed.contains("| `healthCheckPort`"), "{doc}");
}

/// A template whose output is not YAML: the template is named once, the
/// parser's position is the cause on its own line, and one hint is given
/// (it used to repeat the template name and print two `hint:` lines).
#[test]
fn a_template_that_renders_broken_yaml_is_named_once_with_one_hint() {
    let message = refused_with_ingress_template(|text| format!("{text}\n  broken: [unclosed\n"));
    let lines: Vec<&str> = message.lines().collect();
    assert!(
        lines[0].starts_with("error: template base/ingress.yaml.j2 ")
            && lines[0].contains("not valid YAML"),
        "{message}"
    );
    assert!(
        lines[1].starts_with("caused by: output of template base/ingress.yaml.j2:"),
        "{message}"
    );
    assert_eq!(message.matches("hint:").count(), 1, "{message}");
    assert!(message.contains("| tojson"), "{message}");
}

/// stderr of `render --templates` with the shipped templates, the Ingress
/// template changed by `edit`; the render must fail (exit 2, no stdout).
fn refused_with_ingress_template(edit: impl Fn(&str) -> String) -> String {
    let tmp = tempdir();
    let templates = copy_of_the_templates(tmp.path());
    let ingress = templates.join("base/ingress.yaml.j2");
    let text = std::fs::read_to_string(&ingress).unwrap();
    std::fs::write(&ingress, edit(&text)).unwrap();
    let out = milvus_l7(tmp.path())
        .args(["render", "--templates", "templates"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    stderr(&out)
}

/// A writable copy of the shipped templates under `dir/templates`.
fn copy_of_the_templates(dir: &Path) -> std::path::PathBuf {
    let templates = dir.join("templates");
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for entry in walk(&base) {
        let relative = entry.strip_prefix(&base).unwrap();
        let text = std::fs::read_to_string(&entry).unwrap();
        write_file(&templates, relative.to_str().unwrap(), &text);
    }
    templates
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The words a POSIX shell makes of `line`, run where a file matches a
/// glob in it.
fn shell_words(dir: &Path, line: &str) -> Vec<String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("printf '%s\\n' {line}"))
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{line}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_next_command_of_cert_pastes_into_a_shell_as_is() {
    let tmp = tempdir();
    // A file the unquoted `*.example.com` would glob to.
    write_file(tmp.path(), "a.example.com", "");
    let out = milvus_l7(tmp.path())
        .args([
            "cert",
            "--domain",
            "*.example.com",
            "--out-dir",
            "my certs",
            "--key-type",
            "ecdsa-p256",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stderr(&out);
    let next = text
        .lines()
        .find_map(|l| l.strip_prefix("next: "))
        .unwrap_or_else(|| panic!("no next: line in {text}"));
    let words = shell_words(tmp.path(), next);
    let value_of = |flag: &str| {
        let at = words.iter().position(|w| w == flag).unwrap();
        words[at + 1].clone()
    };
    assert_eq!(value_of("--domain"), "*.example.com", "{next}");
    assert_eq!(value_of("--tls-cert"), "my certs/tls.crt", "{next}");
    assert_eq!(value_of("--tls-key"), "my certs/tls.key", "{next}");
    assert_eq!(words[0], "milvus-l7", "{next}");
}
