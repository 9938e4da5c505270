//! The life of a release (docs/lifecycle.md): the ownership labels every
//! rendered object carries, the command lines the docs give kubectl for
//! pruning and removal (as far as kubectl checks them without a cluster),
//! the Helm 4 warning and the values header of a `--chart` directory, and
//! the parameter table of docs/rendering.md.

use crate::common::golden::GOLDEN;
use crate::common::tools::{helm_available, helm_program, kubectl_available, kubectl_kustomize};
use crate::common::{milvus_l7, stderr, stdout, tempdir, testdata, write_file};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const INSTANCE: &str = "app.kubernetes.io/instance";
const MANAGED_BY: &str = "app.kubernetes.io/managed-by";

/// Read back by kubectl's kustomize (an independent reader), every object
/// of every golden directory carries both labels, the release's value in
/// `instance`.
#[test]
fn every_golden_object_carries_the_ownership_labels() {
    if !kubectl_available() {
        return;
    }
    let mut seen = 0;
    for (case, _) in GOLDEN {
        let dir = testdata().join("golden").join(case);
        let release = if *case == "milvus-prod" {
            "milvus-prod"
        } else if *case == "search" {
            "search"
        } else {
            "my-release"
        };
        for object in kubectl_kustomize(&dir) {
            let labels = &object["metadata"]["labels"];
            assert_eq!(labels[INSTANCE], release, "{case}: {object}");
            assert_eq!(labels[MANAGED_BY], "milvus-l7", "{case}: {object}");
            seen += 1;
        }
    }
    assert!(seen > 40, "{seen} objects");
}

/// kubectl pointed at a server that is not there: what it says shows how
/// far it got with a command line.
fn kubectl_without_cluster(args: &[&str], applyset: bool, stdin: &str) -> Output {
    let dir = tempdir();
    let kubeconfig = write_file(
        dir.path(),
        "kubeconfig",
        "apiVersion: v1\nkind: Config\nclusters:\n- name: none\n  cluster: {server: 'https://127.0.0.1:9', insecure-skip-tls-verify: true}\n\
         contexts:\n- name: none\n  context: {cluster: none, user: none}\ncurrent-context: none\nusers:\n- name: none\n  user: {token: none}\n",
    );
    let mut kubectl = Command::new("kubectl");
    kubectl
        .args(args)
        .env("KUBECONFIG", &kubeconfig)
        .env_remove("KUBECTL_APPLYSET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if applyset {
        kubectl.env("KUBECTL_APPLYSET", "true");
    }
    let mut child = kubectl.spawn().expect("kubectl runs");
    use std::io::Write;
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

/// kubectl got past its command line and stopped only at the missing
/// cluster (connection refused on the discard port).
fn stopped_at_the_cluster(out: &Output) -> bool {
    let err = stderr(out);
    !out.status.success()
        && err.contains("127.0.0.1:9")
        && !err.contains("unknown flag")
        && !err.contains("unknown shorthand")
}

/// The docs' prune command line (docs/lifecycle.md, README road 1): kubectl
/// accepts it and reads the render, and refuses it without the variable
/// that unlocks `--applyset` — so the check can fail.
#[test]
fn kubectl_accepts_the_documented_prune_and_delete_command_lines() {
    if !kubectl_available() {
        return;
    }
    let stream = stdout(
        &milvus_l7(&testdata())
            .args(["render", "-q"])
            .output()
            .unwrap(),
    );
    let prune = [
        "apply",
        "--server-side",
        "--prune",
        "--applyset=configmaps/my-release-milvus-l7",
        "-n",
        "default",
        "-f",
        "-",
    ];
    let accepted = kubectl_without_cluster(&prune, true, &stream);
    assert!(stopped_at_the_cluster(&accepted), "{}", stderr(&accepted));
    let refused = kubectl_without_cluster(&prune, false, &stream);
    assert!(
        stderr(&refused).contains("unknown flag: --applyset"),
        "{}",
        stderr(&refused)
    );
    let mut forced = prune.to_vec();
    forced.insert(2, "--force-conflicts");
    assert!(stopped_at_the_cluster(&kubectl_without_cluster(
        &forced, true, &stream
    )));
    for delete in [
        &["delete", "-f", "-"][..],
        &[
            "delete",
            "secret",
            "-n",
            "default",
            "-l",
            "owner=helm,name=my-release",
        ][..],
        &[
            "delete",
            "configmap",
            "my-release-milvus-l7",
            "-n",
            "default",
        ][..],
    ] {
        let out = kubectl_without_cluster(delete, false, &stream);
        assert!(stopped_at_the_cluster(&out), "{delete:?}: {}", stderr(&out));
    }
}

/// `render --chart -o DIR` with the vendored chart and `helm`, from testdata/.
fn render_chart_dir(helm: &str, out: &Path) -> Output {
    milvus_l7(&testdata())
        .env("HELM", helm)
        .args([
            "render",
            "--chart",
            "--set",
            "chartPath=charts/milvus-5.0.19.tgz",
            "-o",
        ])
        .arg(out)
        .output()
        .unwrap()
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn a_chart_directory_warns_of_helm_4_and_its_values_do_not_invite_a_second_install() {
    if !helm_available() {
        return;
    }
    let dir = tempdir();
    let out = dir.path().join("out");
    let helm3 = render_chart_dir(&helm_program(), &out);
    assert_eq!(helm3.status.code(), Some(0), "{}", stderr(&helm3));
    assert!(!stderr(&helm3).contains("Helm 4"), "{}", stderr(&helm3));
    let values = std::fs::read_to_string(out.join("helm/values.yaml")).unwrap();
    assert!(!values.contains("helm upgrade --install"), "{values}");
    assert!(
        values.contains("Do not also `helm install` this release"),
        "{values}"
    );

    // A Helm that answers `version` as Helm 4 does, and is Helm 3 otherwise.
    let helm4 = write_file(
        dir.path(),
        "helm4",
        &format!(
            "#!/bin/sh\nif [ \"$1\" = version ]; then echo v4.1.4; exit 0; fi\nexec '{}' \"$@\"\n",
            crate::runnable_docs::real(&helm_program()).display()
        ),
    );
    make_executable(&helm4);
    let warned = render_chart_dir(helm4.to_str().unwrap(), &out);
    assert_eq!(warned.status.code(), Some(0), "{}", stderr(&warned));
    assert!(
        stderr(&warned).contains("is Helm 4") && stderr(&warned).contains("helm version -c"),
        "{}",
        stderr(&warned)
    );
}

/// docs/rendering.md's parameter table names every core parameter.
#[test]
fn the_parameter_table_lists_every_parameter() {
    let doc = std::fs::read_to_string(crate::docs::root().join("docs/rendering.md")).unwrap();
    let rows: Vec<&str> = doc.lines().filter(|l| l.starts_with("| `")).collect();
    for (name, _, _) in milvus_l7::render::params::core_parameters() {
        assert!(
            rows.iter().any(|row| row
                .split('|')
                .nth(1)
                .is_some_and(|key| key.contains(&format!("`{name}`")))),
            "docs/rendering.md has no row for `{name}`"
        );
    }
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
