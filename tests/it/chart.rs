//! `render --chart`: the whole release, rendered with a real Helm against
//! the vendored milvus chart (testdata/charts), and a second chart version
//! made from it with a different file layout.

use crate::common::golden::GOLDEN;
use crate::common::tools::{
    helm_available, helm_program, kubectl_available, kubectl_kustomize_with_helm,
};
use crate::common::{milvus_l7, parse_yaml_stream, stderr, stdout, tempdir, testdata, write_file};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn vendored_chart() -> PathBuf {
    testdata().join("charts/milvus-5.0.19.tgz")
}

/// `milvus-l7 render --chart --set chartPath=<chart> <args>` from testdata/, with $HELM passed on.
fn chart_command(chart: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = milvus_l7(&testdata());
    cmd.env("HELM", helm_program())
        .args(["render", "--chart", "--set"])
        .arg(format!("chartPath={}", chart.display()))
        .args(args);
    cmd
}

fn render_release(chart: &Path, args: &[&str]) -> Vec<Value> {
    let out = chart_command(chart, args).assert().success();
    parse_yaml_stream(&stdout(out.get_output()))
}

fn object<'a>(docs: &'a [Value], kind: &str, name: &str) -> Option<&'a Value> {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
}

/// (kind, namespace, name) of every object.
fn ids(docs: &[Value]) -> BTreeSet<(String, String, String)> {
    docs.iter()
        .map(|d| {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (
                text(&d["kind"]),
                text(&d["metadata"]["namespace"]),
                text(&d["metadata"]["name"]),
            )
        })
        .collect()
}

/// The Service names the Ingress and HTTPRoute send traffic to.
fn backend_services(docs: &[Value]) -> Vec<String> {
    let mut names = Vec::new();
    for d in docs {
        match d["kind"].as_str() {
            Some("Ingress") => {
                for rule in d["spec"]["rules"].as_array().into_iter().flatten() {
                    for path in rule["http"]["paths"].as_array().into_iter().flatten() {
                        names.push(path["backend"]["service"]["name"].as_str().unwrap().into());
                    }
                }
            }
            Some("HTTPRoute") => {
                for rule in d["spec"]["rules"].as_array().into_iter().flatten() {
                    for b in rule["backendRefs"].as_array().into_iter().flatten() {
                        names.push(b["name"].as_str().unwrap().into());
                    }
                }
            }
            _ => {}
        }
    }
    names
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn every_overlay_combination_renders_the_whole_release() {
    if !helm_available() {
        return;
    }
    for (case, args) in GOLDEN {
        let docs = render_release(&vendored_chart(), args);
        let values: Value =
            crate::common::read_yaml(&testdata().join(format!("golden/{case}/helm/values.yaml")));
        let release_service = values["fullnameOverride"]
            .as_str()
            .map(String::from)
            .unwrap_or_else(|| {
                let ingress_or_route = backend_services(&docs);
                ingress_or_route[0].clone()
            });
        assert!(
            docs.iter().any(|d| d["kind"] == "Deployment"),
            "{case}: the chart's workloads are in the stream"
        );
        for backend in backend_services(&docs) {
            let service = object(&docs, "Service", &backend)
                .unwrap_or_else(|| panic!("{case}: backend Service {backend} is in the stream"));
            assert!(service["metadata"]["namespace"].is_string(), "{case}");
        }
        let port = values["service"]["port"].as_u64().unwrap_or(19530);
        let port_name = values["service"]["portName"].as_str().unwrap_or("milvus");
        let chart_service = docs
            .iter()
            .find(|d| {
                d["kind"] == "Service"
                    && d["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "Helm"
                    && d["spec"]["ports"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|p| p["port"] == port && p["name"] == port_name)
            })
            .unwrap_or_else(|| panic!("{case}: the chart made the Milvus Service"));
        let annotations = &values["service"]["annotations"];
        if annotations.is_object() {
            assert_eq!(
                &chart_service["metadata"]["annotations"], annotations,
                "{case}: the chart's Service carries exactly the L7 annotations"
            );
            assert_eq!(
                chart_service["metadata"]["name"], release_service,
                "{case}: the chart's Service is the Ingress backend"
            );
        }
        assert_eq!(chart_service["spec"]["type"], "ClusterIP", "{case}");
        let config = docs
            .iter()
            .find(|d| d["kind"] == "ConfigMap" && d["data"]["user.yaml"].is_string())
            .unwrap_or_else(|| panic!("{case}: the chart's milvus ConfigMap"));
        let user: Value =
            serde_saphyr::from_str(config["data"]["user.yaml"].as_str().unwrap()).unwrap();
        assert_eq!(user["common"]["security"]["tlsMode"], 1, "{case}");
        let unique = ids(&docs);
        assert_eq!(unique.len(), docs.len(), "{case}: no object twice");
        assert!(
            unique.iter().all(|(_, ns, _)| !ns.is_empty()),
            "{case}: every chart object has the release's namespace"
        );
    }
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn standalone_mode_runs_the_chart_standalone() {
    if !helm_available() {
        return;
    }
    let docs = render_release(&vendored_chart(), &["--set", "mode=standalone"]);
    assert!(object(&docs, "Deployment", "my-release-milvus-standalone").is_some());
    assert!(object(&docs, "Deployment", "my-release-milvus-proxy").is_none());
    let service = object(&docs, "Service", "my-release-milvus").unwrap();
    assert_eq!(service["spec"]["selector"]["component"], "standalone");
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn user_values_sit_beneath_and_user_yaml_merges() {
    if !helm_available() {
        return;
    }
    let tmp = tempdir();
    let mine = write_file(
        tmp.path(),
        "mine.yaml",
        "proxy:\n  replicas: 3\nservice:\n  labels:\n    team: search\nextraConfigFiles:\n  user.yaml: |\n    queryNode:\n      gracefulTime: 7\n",
    );
    let docs = render_release(
        &vendored_chart(),
        &["--set", &format!("values={}", mine.display())],
    );
    let proxy = object(&docs, "Deployment", "my-release-milvus-proxy").unwrap();
    assert_eq!(proxy["spec"]["replicas"], 3);
    let service = object(&docs, "Service", "my-release-milvus").unwrap();
    assert_eq!(service["metadata"]["labels"]["team"], "search");
    let config = object(&docs, "ConfigMap", "my-release-milvus").unwrap();
    let user: Value =
        serde_saphyr::from_str(config["data"]["user.yaml"].as_str().unwrap()).unwrap();
    assert_eq!(
        user["queryNode"]["gracefulTime"], 7,
        "the user's setting kept"
    );
    assert_eq!(user["common"]["security"]["tlsMode"], 1, "tlsMode added");
}

#[test]
fn user_values_that_fight_the_l7_setup_exit_2_naming_file_and_key() {
    let tmp = tempdir();
    for (text, key, why) in [
        ("service:\n  type: LoadBalancer\n", "service.type", "ClusterIP"),
        (
            "extraConfigFiles:\n  user.yaml: |\n    common:\n      security:\n        tlsMode: 2\n",
            "common.security.tlsMode",
            "one-way TLS",
        ),
        (
            "service:\n  annotations:\n    cloud.google.com/backend-config: '{\"default\":\"other\"}'\n",
            "service.annotations.cloud.google.com/backend-config",
            "annotation",
        ),
        ("service:\n  portName: grpc\n", "service.portName", "servicePortName"),
    ] {
        let file = write_file(tmp.path(), "fight.yaml", text);
        // No helm needed: the conflict is found before the chart is rendered.
        let out = milvus_l7(&testdata())
            .args(["render", "--set"])
            .arg(format!("values={}", file.display()))
            .assert()
            .code(2);
        let err = stderr(out.get_output());
        assert!(stdout(out.get_output()).is_empty());
        assert!(
            err.contains("fight.yaml") && err.contains(key) && err.contains(why),
            "{key}: {err}"
        );
    }
}

/// `render --chart` with `name=value` in the environment, which leaves
/// no Helm to run: exit 2, nothing on stdout, and the message on stderr.
fn refused_without_helm(name: &str, value: &str) -> String {
    refused_with_env(&[(name, value)], &[])
}

#[test]
fn no_helm_is_a_clear_exit_2() {
    let err = refused_without_helm("HELM", "/nonexistent/helm");
    assert!(
        err.contains("$HELM=/nonexistent/helm") && err.contains("PATH"),
        "{err}"
    );
    let err = refused_without_helm("PATH", "/nonexistent");
    assert!(
        err.contains("`helm` from PATH") && err.contains("HELM"),
        "{err}"
    );
}

/// A Helm chart repository on loopback: the vendored chart and an
/// `index.yaml` made by `helm repo index`, served by Python's http.server.
/// Stopped when dropped.
struct LocalChartRepo {
    server: std::process::Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl LocalChartRepo {
    fn start() -> LocalChartRepo {
        let dir = tempdir();
        std::fs::copy(vendored_chart(), dir.path().join("milvus-5.0.19.tgz")).unwrap();
        let mut server = std::process::Command::new("python3")
            .args(["-u", "-m", "http.server", "--bind", "127.0.0.1", "0"])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 runs");
        // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(server.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let port = line
            .split(" port ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no port in {line:?}"))
            .to_string();
        let url = format!("http://127.0.0.1:{port}/");
        let indexed = std::process::Command::new(helm_program())
            .args(["repo", "index", "."])
            .arg("--url")
            .arg(&url)
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(indexed.success());
        LocalChartRepo {
            server,
            url,
            _dir: dir,
        }
    }
}

impl Drop for LocalChartRepo {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// `render --chart` without chartPath: Helm fetches the pinned version
/// from chartRepo (Helm's caches in `home`, as under Argo CD).
fn render_from_repo(repo: &str, home: &Path, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = milvus_l7(&testdata());
    cmd.env("HELM", helm_program())
        .env("HOME", home)
        .args(["render", "--chart", "--set"])
        .arg(format!("chartRepo={repo}"))
        .args(["--set", "chartVersion=5.0.19"])
        .args(extra);
    cmd
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn without_chart_path_helm_fetches_the_pinned_chart_from_its_repository() {
    if !helm_available() || !crate::common::tool_available("python3", &["--version"]) {
        return;
    }
    let repo = LocalChartRepo::start();
    let home = tempdir();
    let out = render_from_repo(&repo.url, home.path(), &[])
        .assert()
        .success();
    let docs = parse_yaml_stream(&stdout(out.get_output()));
    let service = object(&docs, "Service", "my-release-milvus").expect("the chart's Service");
    assert_eq!(service["spec"]["type"], "ClusterIP");
    assert_eq!(ids(&docs), ids(&render_release(&vendored_chart(), &[])));

    // -o DIR names the repository and vendors nothing: kustomize pulls the
    // same pinned version and builds the same objects.
    let dir = tempdir();
    let out_dir = dir.path().join("out");
    render_from_repo(&repo.url, home.path(), &["-o"])
        .arg(&out_dir)
        .assert()
        .success();
    let kustomization = std::fs::read_to_string(out_dir.join("kustomization.yaml")).unwrap();
    assert!(
        kustomization.contains(&format!("repo: \"{}\"", repo.url)),
        "{kustomization}"
    );
    assert!(!out_dir.join("charts").exists(), "nothing vendored");
    if kubectl_available() {
        let built = kubectl_kustomize_with_helm(&out_dir, Some(home.path()));
        assert_eq!(ids(&built), ids(&docs));
    }
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn an_unreachable_chart_repository_is_a_clear_exit_2() {
    if !helm_available() {
        return;
    }
    let home = tempdir();
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    let out = render_from_repo("http://127.0.0.1:9/", home.path(), &[])
        .assert()
        .code(2)
        .stdout("");
    let err = stderr(out.get_output());
    assert!(
        err.contains("helm failed") && err.contains("chartRepo"),
        "{err}"
    );
}

/// `kubectl kustomize --enable-helm` of `render --chart -o DIR` builds the
/// same objects as `render --chart`.
fn assert_kustomize_equals_stream(chart: &Path, args: &[&str], chart_dir: &str) {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    chart_command(chart, args)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let kustomization = std::fs::read_to_string(out.join("kustomization.yaml")).unwrap();
    assert!(kustomization.contains("helmCharts:"), "{kustomization}");
    assert!(
        out.join(chart_dir).join("Chart.yaml").is_file(),
        "vendored at {chart_dir}"
    );
    let built = kubectl_kustomize_with_helm(&out, None);
    let streamed = render_release(chart, args);
    assert_eq!(ids(&built), ids(&streamed));
    for kind_name in [
        ("Service", "my-release-milvus"),
        ("ConfigMap", "my-release-milvus"),
    ] {
        assert_eq!(
            object(&built, kind_name.0, kind_name.1),
            object(&streamed, kind_name.0, kind_name.1),
            "{kind_name:?}"
        );
    }
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn kustomize_with_helm_builds_the_same_release_as_the_stream() {
    if !helm_available() || !kubectl_available() {
        return;
    }
    assert_kustomize_equals_stream(&vendored_chart(), &[], "charts/milvus-5.0.19/milvus");
    assert_kustomize_equals_stream(
        &vendored_chart(),
        &[
            "--overlay",
            "self-managed",
            "--overlay",
            "backend-tls",
            "--set",
            "mode=standalone",
            "-n",
            "vectors",
        ],
        "charts/milvus-5.0.19/milvus",
    );
}

/// A second chart version: the vendored chart unpacked, its version bumped
/// and the Service's template moved to another file name.
fn second_chart_version(dir: &Path) -> PathBuf {
    let status = std::process::Command::new("tar")
        .arg("-xzf")
        .arg(vendored_chart())
        .arg("-C")
        .arg(dir)
        .status()
        .unwrap();
    assert!(status.success());
    let chart = dir.join("milvus");
    let chart_yaml = chart.join("Chart.yaml");
    let text = std::fs::read_to_string(&chart_yaml).unwrap();
    assert!(text.contains("version: 5.0.19"));
    std::fs::write(
        &chart_yaml,
        text.replace("version: 5.0.19", "version: 5.1.0-test"),
    )
    .unwrap();
    std::fs::rename(
        chart.join("templates/service.yaml"),
        chart.join("templates/zz-milvus-front-door.yaml"),
    )
    .unwrap();
    chart
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn another_chart_version_with_another_layout_works_too() {
    if !helm_available() || !kubectl_available() {
        return;
    }
    let tmp = tempdir();
    let chart = second_chart_version(tmp.path());
    let docs = render_release(&chart, &[]);
    let service = object(&docs, "Service", "my-release-milvus").unwrap();
    assert_eq!(
        service["metadata"]["labels"]["helm.sh/chart"],
        "milvus-5.1.0-test"
    );
    assert_eq!(
        service["metadata"]["annotations"]["cloud.google.com/backend-config"],
        json!("{\"default\":\"my-release-backendconfig\"}")
    );
    assert_kustomize_equals_stream(&chart, &[], "charts/milvus-5.1.0-test/milvus");
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn validate_diff_and_status_take_the_whole_release() {
    if !helm_available() {
        return;
    }
    let tmp = tempdir();
    let stream = chart_command(&vendored_chart(), &[]).assert().success();
    let stream_file = write_file(tmp.path(), "release.yaml", &stdout(stream.get_output()));
    let out = tmp.path().join("out");
    chart_command(&vendored_chart(), &[])
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    // The chart's objects (null annotations, pulsar's `heritage: Helm`) are valid, not extra.
    milvus_l7(&testdata())
        .arg("validate")
        .arg(&stream_file)
        .assert()
        .code(0);
    milvus_l7(&testdata())
        .arg("validate")
        .arg(&out)
        .assert()
        .code(0);
    let diff = milvus_l7(&testdata())
        .args(["diff", "--live"])
        .arg(&stream_file)
        .assert()
        .code(0);
    let report = stdout(diff.get_output()) + &stderr(diff.get_output());
    assert!(report.contains("0 extra"), "{report}");
    // No status fields yet: not ready (1), never an error (2).
    milvus_l7(&testdata())
        .args(["status", "--live"])
        .arg(&stream_file)
        .assert()
        .code(1);
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn check_of_a_chart_directory_covers_the_vendored_chart() {
    if !helm_available() {
        return;
    }
    let tmp = tempdir();
    let out = tmp.path().join("out");
    chart_command(&vendored_chart(), &["-o"])
        .arg(&out)
        .assert()
        .success();
    // Freshly written: nothing differs, .helmignore and all.
    chart_command(&vendored_chart(), &["--check"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    // A changed and a left-over chart file are differences.
    let chart_dir = out.join("charts/milvus-5.0.19/milvus");
    std::fs::write(
        chart_dir.join("Chart.yaml"),
        "name: milvus\nversion: 0.0.1\n",
    )
    .unwrap();
    write_file(
        &out,
        "charts/milvus-4.0.0/milvus/Chart.yaml",
        "name: milvus\n",
    );
    let report = chart_command(&vendored_chart(), &["--check"])
        .arg(&out)
        .assert()
        .code(1);
    let report = stdout(report.get_output());
    assert!(
        report.contains("charts/milvus-5.0.19/milvus/Chart.yaml"),
        "{report}"
    );
    assert!(
        report.contains("charts/milvus-4.0.0/milvus/Chart.yaml"),
        "{report}"
    );
}

/// The whole release holds the Helm values' Service: no note about them,
/// also on a pipe (as under the Argo CD plugin, which runs `render --chart`).
#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn the_whole_release_on_a_pipe_has_no_helm_values_note() {
    if !helm_available() {
        return;
    }
    chart_command(&vendored_chart(), &[])
        .assert()
        .success()
        .stderr("");
}

/// A `$HELM` script in `dir` (a stand-in for a misbehaving Helm).
fn fake_helm(dir: &Path, script: &str) -> PathBuf {
    let path = write_file(dir, "helm", &format!("#!/bin/sh\n{script}\n"));
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}

/// `render --chart` of the vendored chart with `helm` as `$HELM`, run in
/// `tmp` as `$TMPDIR`: exit 2, nothing on stdout; returns stderr.
fn refused_with_helm(helm: &Path, tmp: &Path, args: &[&str]) -> String {
    let (helm, tmp) = (helm.to_str().unwrap(), tmp.to_str().unwrap());
    refused_with_env(&[("HELM", helm), ("TMPDIR", tmp)], args)
}

/// `render --chart` of the vendored chart with `env` and `args`: exit 2,
/// nothing on stdout; returns stderr.
fn refused_with_env(env: &[(&str, &str)], args: &[&str]) -> String {
    let mut cmd = milvus_l7(&testdata());
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd
        .args([
            "render",
            "--chart",
            "--set",
            "chartPath=charts/milvus-5.0.19.tgz",
        ])
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2);
    assert!(stdout(out.get_output()).is_empty());
    stderr(out.get_output())
}

/// Issue 24, defect 1: a `$HELM` that prints without end is stopped at the
/// limit; one that fails with 200 MB of stderr gives a short message.
#[test]
fn helms_output_is_bounded_and_its_stderr_cut_to_its_end() {
    let dir = tempdir();
    let endless = fake_helm(dir.path(), "exec yes 'kind: ConfigMap'");
    let err = refused_with_helm(&endless, dir.path(), &[]);
    assert!(err.contains("larger than 67108864 bytes"), "{err}");
    let noisy = fake_helm(
        dir.path(),
        "head -c 200000000 /dev/zero | tr '\\0' x >&2; echo 'Error: the reason' >&2; exit 1",
    );
    let err = refused_with_helm(&noisy, dir.path(), &[]);
    assert!(err.len() < 16 << 10, "{} bytes of message", err.len());
    assert!(
        err.contains("of 200000018 bytes") && err.contains("Error: the reason"),
        "{}",
        &err[err.len().saturating_sub(300)..]
    );
}

/// Issue 24, defect 2: a hanging Helm, and a grandchild holding its
/// stdout, are killed at `helmTimeout`, exit 2 saying so.
#[test]
fn a_hanging_helm_is_stopped_at_helm_timeout() {
    let dir = tempdir();
    let hanging = fake_helm(dir.path(), "sleep 600 & exec sleep 600");
    let started = std::time::Instant::now();
    let err = refused_with_helm(&hanging, dir.path(), &["--set", "helmTimeout=2s"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert!(
        err.contains("did not finish within 2s") && err.contains("helmTimeout"),
        "{err}"
    );
    let err = refused_with_helm(&hanging, dir.path(), &["--set", "helmTimeout=soon"]);
    assert!(
        err.contains("helmTimeout") && err.contains("e.g. 90s"),
        "{err}"
    );
}

/// Issue 24, defect 3: `chartPath` is checked before Helm runs.
#[test]
fn chart_path_is_checked_before_helm_runs() {
    let dir = tempdir();
    let marker = dir.path().join("helm-ran");
    let helm = fake_helm(dir.path(), &format!("touch {}; exit 1", marker.display()));
    let fifo = dir.path().join("fifo.tgz");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let no_chart = dir.path().join("empty");
    std::fs::create_dir(&no_chart).unwrap();
    for (path, why) in [
        ("--help", "No such file"),
        ("charts", "no Chart.yaml"),
        ("/nonexistent/milvus.tgz", "No such file"),
        (fifo.to_str().unwrap(), "not a regular file"),
        (no_chart.to_str().unwrap(), "no Chart.yaml"),
    ] {
        let out = milvus_l7(&testdata())
            .env("HELM", &helm)
            .args(["render", "--chart", "--set", &format!("chartPath={path}")])
            .timeout(std::time::Duration::from_secs(30))
            .assert()
            .code(2);
        let err = stderr(out.get_output());
        assert!(
            err.contains("chartPath") && err.contains(why),
            "{path}: {err}"
        );
        assert!(!marker.exists(), "{path}: helm ran");
    }
}

/// Issue 24, defect 12: no values file in `$TMPDIR`, even when the
/// process is killed while Helm runs (the values go on Helm's stdin).
#[test]
fn a_killed_render_leaves_nothing_in_tmpdir() {
    let dir = tempdir();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let helm = fake_helm(dir.path(), "cat > /dev/null; exec sleep 600");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("milvus-l7"))
        .current_dir(testdata())
        .env("HELM", &helm)
        .env("TMPDIR", &tmp)
        .args([
            "render",
            "--chart",
            "--set",
            "chartPath=charts/milvus-5.0.19.tgz",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    child.kill().unwrap();
    child.wait().unwrap();
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Issue 22: under Argo CD, Helm gets the cluster's version and APIs as
/// Argo CD's own Helm support passes them (argo-cd util/helm/cmd.go).
#[test]
fn argo_cds_kube_version_and_api_versions_reach_helm() {
    let dir = tempdir();
    let args = dir.path().join("args");
    let helm = fake_helm(
        dir.path(),
        &format!("echo \"$@\" > {}; exit 1", args.display()),
    );
    milvus_l7(&testdata())
        .env("HELM", &helm)
        .env("KUBE_VERSION", "1.31.2")
        .env("KUBE_API_VERSIONS", "v1,networking.gke.io/v1")
        .args([
            "render",
            "--chart",
            "--set",
            "chartPath=charts/milvus-5.0.19.tgz",
        ])
        .assert()
        .code(2);
    let given = std::fs::read_to_string(&args).unwrap();
    assert!(
        given.contains(
            "-f - --kube-version 1.31.2 --api-versions v1 --api-versions networking.gke.io/v1"
        ),
        "{given}"
    );
    assert!(
        given.contains("/testdata/charts/milvus-5.0.19.tgz"),
        "absolute: {given}"
    );
}

/// Issue 25, item 1: the values file goes through the bounded reader and
/// the error names where `values` was set.
#[test]
fn a_device_as_values_file_is_refused_naming_set() {
    let out = milvus_l7(&testdata())
        .args(["values", "--set", "values=/dev/zero"])
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(2);
    let err = stderr(out.get_output());
    assert!(
        err.contains("set by --set values") && err.contains("/dev/zero"),
        "{err}"
    );
}
