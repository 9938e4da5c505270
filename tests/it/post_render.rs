//! Helm's own road: `milvus-l7 values` into `-f`, `milvus-l7 post-render`
//! as the post-renderer, with the real Helm 3 (`helm`) and Helm 4
//! (`helm4`, the plugin in deploy/helm-plugin/) and the vendored chart.
//! The release Helm would install must be the one `render --chart` makes.

use crate::common::tools::{helm_available, helm_program, tool_available};
use crate::common::{milvus_l7, parse_yaml_stream, stderr, stdout, tempdir, testdata};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn vendored_chart() -> PathBuf {
    testdata().join("charts/milvus-5.0.19.tgz")
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("milvus-l7")
}

/// The Helm 4 binary tests use: `$HELM4`, else `helm4` on PATH.
fn helm4_program() -> String {
    std::env::var("HELM4")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "helm4".into())
}

/// Whether Helm 4 runs here (skips, or fails under `CI=true`).
fn helm4_available() -> bool {
    tool_available(&helm4_program(), &["version", "--short"])
}

/// `milvus-l7 values <args>` written to a file in `dir`.
fn values_file(dir: &Path, args: &[&str]) -> PathBuf {
    let out = milvus_l7(&testdata())
        .arg("values")
        .args(args)
        .assert()
        .success();
    let path = dir.join("values.yaml");
    std::fs::write(&path, &out.get_output().stdout).unwrap();
    path
}

/// `helm template my-release <chart> -n default [-f values] --post-renderer …`.
fn helm_template(helm: &mut Command, values: Option<&Path>, post_renderer: &[&str]) -> Output {
    helm.args(["template", "my-release"])
        .arg(vendored_chart())
        .args(["--namespace", "default"]);
    if let Some(values) = values {
        helm.arg("-f").arg(values);
    }
    helm.args(post_renderer).output().expect("helm runs")
}

/// Helm 3: the binary itself is the post-renderer, its args one by one.
fn helm3_template(values: Option<&Path>, args: &[&str]) -> Output {
    let binary = binary();
    let mut post = vec!["--post-renderer", binary.to_str().unwrap()];
    for arg in std::iter::once(&"post-render").chain(args) {
        post.extend(["--post-renderer-args", arg]);
    }
    helm_template(&mut Command::new(helm_program()), values, &post)
}

/// Helm 4: the plugin installed with `helm plugin install` into a fresh
/// HOME, and milvus-l7 on PATH, as docs/helm.md says.
fn helm4_template(home: &Path, values: Option<&Path>, args: &[&str]) -> Output {
    let plugin = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/helm-plugin");
    let path = format!(
        "{}:{}",
        binary().parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    if !home.join(".local/share/helm/plugins/helm-plugin").exists() {
        let installed = Command::new(helm4_program())
            .args(["plugin", "install"])
            .arg(&plugin)
            .env("HOME", home)
            .output()
            .expect("helm4 runs");
        assert!(
            installed.status.success(),
            "{}",
            String::from_utf8_lossy(&installed.stderr)
        );
    }
    let mut helm = Command::new(helm4_program());
    helm.env("HOME", home).env("PATH", path);
    let mut post = vec!["--post-renderer", "milvus-l7"];
    for arg in args {
        post.extend(["--post-renderer-args", arg]);
    }
    helm_template(&mut helm, values, &post)
}

/// The objects by (kind, name), `null` fields dropped (unset to
/// Kubernetes; `render --chart` drops them) and the namespace filled in
/// (Helm installs into the release's).
fn objects(text: &str) -> BTreeMap<(String, String), Value> {
    fn drop_nulls(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.retain(|_, x| !x.is_null());
                m.values_mut().for_each(drop_nulls);
            }
            Value::Array(a) => a.iter_mut().for_each(drop_nulls),
            _ => {}
        }
    }
    parse_yaml_stream(text)
        .into_iter()
        .filter(|d| !d.is_null())
        .map(|mut d| {
            drop_nulls(&mut d);
            let key = (
                d["kind"].as_str().unwrap().to_string(),
                d["metadata"]["name"].as_str().unwrap().to_string(),
            );
            (key, d)
        })
        .collect()
}

/// `milvus-l7 <args>` from testdata/, its stdout.
fn run_ok(helm: &str, args: &[&str]) -> String {
    let out = milvus_l7(&testdata())
        .env("HELM", helm)
        .args(args)
        .assert()
        .success();
    stdout(out.get_output())
}

/// `render --chart` of the vendored chart with `helm`: the whole release.
fn render_chart(helm: &str, args: &[&str]) -> String {
    let chart = format!("chartPath={}", vendored_chart().display());
    let mut all = vec!["render", "--chart", "--set", &chart];
    all.extend(args);
    run_ok(helm, &all)
}

/// What Helm would install equals `expected` (the release by other
/// means): by `milvus-l7 diff` with the same parameters, and object by
/// object with an independent YAML reader.
fn assert_is_the_whole_release(helm_output: &Output, args: &[&str], expected: &str) {
    assert!(
        helm_output.status.success(),
        "{}",
        String::from_utf8_lossy(&helm_output.stderr)
    );
    let installed = stdout(helm_output);
    let dir = tempdir();
    let live = dir.path().join("installed.yaml");
    std::fs::write(&live, &installed).unwrap();
    let mut diff = vec!["diff", "--live", live.to_str().unwrap()];
    diff.extend(args);
    let report = run_ok("", &diff);
    assert!(report.contains("0 changed, 0 missing, 0 extra"), "{report}");
    let expected = objects(expected);
    let got = objects(&installed);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (key, object) in &expected {
        let mut installed = got[key].clone();
        // Helm installs what has no namespace into the release's.
        if installed["metadata"].get("namespace").is_none() {
            if let Some(ns) = object["metadata"].get("namespace") {
                installed["metadata"]["namespace"] = ns.clone();
            }
        }
        assert!(&installed == object, "{key:?} differs");
    }
}

const PARAMS: &[&str] = &[
    "--overlay",
    "self-managed",
    "--domain",
    "milvus.example.com",
];

#[test]
fn helm3_with_the_post_renderer_installs_the_whole_release() {
    if !helm_available() {
        return;
    }
    let dir = tempdir();
    let values = values_file(dir.path(), &["--overlay", "google-managed"]);
    let out = helm3_template(Some(&values), &["--overlay=google-managed"]);
    let expected = render_chart(&helm_program(), &["--overlay", "google-managed"]);
    assert_is_the_whole_release(&out, &["--overlay", "google-managed"], &expected);
    let values = values_file(dir.path(), PARAMS);
    let args: Vec<String> = PARAMS
        .chunks(2)
        .map(|p| format!("{}={}", p[0], p[1]))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = helm3_template(Some(&values), &args);
    let expected = render_chart(&helm_program(), PARAMS);
    assert_is_the_whole_release(&out, PARAMS, &expected);
}

#[test]
fn helm4_with_the_plugin_installs_the_whole_release() {
    if !helm_available() || !helm4_available() {
        return;
    }
    let dir = tempdir();
    let values = values_file(dir.path(), &[]);
    let out = helm4_template(dir.path(), Some(&values), &[]);
    // Helm 4 rewrites the manifests a post-renderer returns (whitespace-only
    // lines in block scalars come back empty, even from `cat`), so the
    // reference is the chart through an identity post-renderer plus the L7
    // objects, and `render --chart` by `milvus-l7 diff`.
    let identity = identity_post_renderer(dir.path(), &values);
    let expected = format!("{identity}\n---\n{}", run_ok("", &["render"]));
    assert_is_the_whole_release(&out, &[], &expected);
}

/// The chart through Helm 4 with a `cat` post-renderer plugin.
fn identity_post_renderer(home: &Path, values: &Path) -> String {
    let plugin = home.join("cat-plugin");
    std::fs::create_dir_all(&plugin).unwrap();
    std::fs::write(
        plugin.join("plugin.yaml"),
        "apiVersion: v1\ntype: postrenderer/v1\nname: cat\nversion: 0.1.0\nruntime: subprocess\n\
         runtimeConfig:\n  platformCommand:\n    - command: cat\n",
    )
    .unwrap();
    let installed = Command::new(helm4_program())
        .args(["plugin", "install"])
        .arg(&plugin)
        .env("HOME", home)
        .output()
        .unwrap();
    assert!(installed.status.success());
    let mut helm = Command::new(helm4_program());
    helm.env("HOME", home);
    let out = helm_template(&mut helm, Some(values), &["--post-renderer", "cat"]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn without_the_values_helm3_fails_with_our_reason() {
    if !helm_available() {
        return;
    }
    let out = helm3_template(None, &[]);
    assert!(!out.status.success());
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("chart Service default/my-release-milvus")
            && err.contains("-f <(milvus-l7 values"),
        "{err}"
    );
}

#[test]
fn without_the_values_or_with_another_namespace_helm4_fails() {
    if !helm4_available() {
        return;
    }
    let dir = tempdir();
    let out = helm4_template(dir.path(), None, &[]);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).contains("milvus-l7"), "{}", stderr(&out));
    let values = values_file(dir.path(), &[]);
    let out = helm4_template(dir.path(), Some(&values), &["--namespace=milvus"]);
    assert!(!out.status.success(), "{}", stdout(&out));
}

#[test]
fn a_post_render_error_fails_helm3() {
    if !helm_available() {
        return;
    }
    let dir = tempdir();
    let values = values_file(dir.path(), &[]);
    for (args, why) in [
        (&["--namespace=milvus"][..], "made it in namespace default"),
        (&["--set=nosuch=1"], "nosuch"),
        (&["--release=other"], "no such Service"),
    ] {
        let out = helm3_template(Some(&values), args);
        assert!(!out.status.success(), "{args:?}");
        assert!(stdout(&out).is_empty(), "{args:?}");
        assert!(stderr(&out).contains(why), "{args:?}: {}", stderr(&out));
    }
}

/// The manifests go through byte for byte — comments, hooks, Helm 4's
/// post-render file annotations, odd spacing — and the L7 objects follow.
#[test]
fn the_manifests_pass_through_byte_for_byte() {
    if !helm_available() {
        return;
    }
    let dir = tempdir();
    let values = values_file(dir.path(), &[]);
    let plain = Command::new(helm_program())
        .args(["template", "my-release"])
        .arg(vendored_chart())
        .arg("-f")
        .arg(&values)
        .output()
        .unwrap();
    assert!(plain.status.success());
    let mut manifests = plain.stdout.clone();
    manifests.extend_from_slice(
        b"---\n# Source: milvus/templates/hook.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: my-release-test\n  annotations:\n    \"helm.sh/hook\": test\n    postrenderer.helm.sh/postrender-filename: 'milvus/templates/hook.yaml'\nspec:   {containers: [{name: t, image: busybox}]}",
    );
    let out = milvus_l7(&testdata())
        .arg("post-render")
        .write_stdin(manifests.clone())
        .assert()
        .success();
    let written = &out.get_output().stdout;
    assert!(
        written.starts_with(&manifests),
        "the input is a prefix of the output"
    );
    let appended = String::from_utf8(written[manifests.len()..].to_vec()).unwrap();
    let kinds: Vec<String> = parse_yaml_stream(&appended)
        .iter()
        .filter(|d| !d.is_null())
        .map(|d| d["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(kinds.contains(&"Ingress".to_string()), "{kinds:?}");
}

#[test]
fn empty_or_oversize_input_is_exit_2_with_nothing_on_stdout() {
    for input in [Vec::new(), b"\n  \n".to_vec(), vec![b'#'; (64 << 20) + 1]] {
        let out = milvus_l7(&testdata())
            .arg("post-render")
            .write_stdin(input)
            .assert()
            .code(2);
        assert!(stdout(out.get_output()).is_empty());
        assert!(stderr(out.get_output()).contains("hint:"));
    }
}

/// `values` prints what `render -o` writes to helm/values.yaml.
#[test]
fn values_are_the_helm_values_of_render_o() {
    let dir = tempdir();
    let args = [
        "--overlay",
        "gateway",
        "--overlay",
        "self-managed",
        "--release",
        "milvus-prod",
    ];
    let printed = milvus_l7(&testdata())
        .arg("values")
        .args(args)
        .assert()
        .success();
    let printed = parse_yaml_stream(&stdout(printed.get_output()));
    milvus_l7(&testdata())
        .arg("render")
        .args(args)
        .arg("-o")
        .arg(dir.path().join("out"))
        .assert()
        .success();
    let written = crate::common::read_yaml(&dir.path().join("out/helm/values.yaml"));
    assert_eq!(printed, [written]);
}
