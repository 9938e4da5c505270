//! External tools some tests need (helm, kubectl with `--enable-helm`):
//! such a test skips, saying so, when the tool is missing — except in CI
//! (`CI=true`), where `.ci/run` installs them and a missing tool must fail.

/// Whether an external tool that a test uses as an oracle runs. Missing,
/// the test says so and skips that check — except in CI (`CI=true`), where
/// `.ci/run` installs every such tool, so a missing one is a failure: CI
/// can never go green without running the check.
pub fn tool_available(tool: &str, version_args: &[&str]) -> bool {
    let found = std::process::Command::new(tool)
        .args(version_args)
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is not installed, and CI=true: .ci/run must install it"
        );
        eprintln!("{tool} not installed; skipping the check that needs it");
    }
    found
}

/// Whether kubectl (with its built-in kustomize) runs here.
pub fn kubectl_available() -> bool {
    tool_available("kubectl", &["version", "--client"])
}

/// The Helm binary tests use: `$HELM`, else `helm` on PATH.
pub fn helm_program() -> String {
    std::env::var("HELM")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "helm".into())
}

/// Whether Helm 3 runs here (see [`tool_available`]).
pub fn helm_available() -> bool {
    tool_available(&helm_program(), &["version", "--short"])
}

/// The objects `kubectl kustomize DIR` builds; a failed build fails the test.
pub fn kubectl_kustomize(dir: &std::path::Path) -> Vec<serde_json::Value> {
    built(
        std::process::Command::new("kubectl")
            .arg("kustomize")
            .arg(dir),
    )
}

/// The objects `kubectl kustomize --enable-helm DIR` builds with the Helm
/// tests use, its caches under `home` when given (as under Argo CD).
pub fn kubectl_kustomize_with_helm(
    dir: &std::path::Path,
    home: Option<&std::path::Path>,
) -> Vec<serde_json::Value> {
    let mut kubectl = std::process::Command::new("kubectl");
    kubectl
        .args([
            "kustomize",
            "--enable-helm",
            "--helm-command",
            &helm_program(),
        ])
        .arg(dir);
    if let Some(home) = home {
        kubectl.env("HOME", home);
    }
    built(&mut kubectl)
}

fn built(kubectl: &mut std::process::Command) -> Vec<serde_json::Value> {
    let out = kubectl.output().expect("kubectl runs");
    assert!(
        out.status.success(),
        "{kubectl:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    super::parse_yaml_stream(&String::from_utf8(out.stdout).expect("UTF-8"))
}
