//! External tools some tests need (helm, kubectl with `--enable-helm`):
//! such a test skips, saying so, when the tool is missing — except in CI
//! (`CI=true`), where `.ci/run` installs them and a missing tool must fail.

/// Whether `program args` runs successfully here; panics when it does not
/// and `CI=true`.
pub fn required_tool(program: &str, args: &[&str]) -> bool {
    let found = std::process::Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{program} is required in CI (CI=true): .ci/run installs it (scripts/install-helm.sh)"
        );
        eprintln!("{program} not installed; skipping");
    }
    found
}

/// The Helm binary tests use: `$HELM`, else `helm` on PATH.
pub fn helm_program() -> String {
    std::env::var("HELM")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "helm".into())
}

/// Whether Helm 3 runs here (see [`required_tool`]).
pub fn helm_available() -> bool {
    required_tool(&helm_program(), &["version", "--short"])
}
