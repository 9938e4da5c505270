//! Which major version of Helm is installed, for the one place it matters
//! to a user: `render --chart -o DIR` writes a `helmCharts:` entry that
//! `kubectl kustomize --enable-helm` inflates, and kustomize runs
//! `helm version -c` first — a flag Helm 4 removed ("unknown shorthand flag:
//! 'c'"), so the build fails with Helm 4 on PATH. Helm 3 and 4 both answer
//! `helm version --template '{{.Version}}'`.

use std::path::Path;
use std::process::{Command, Stdio};

/// The major version of the Helm at `program`, or `None` when it cannot be
/// run or its answer is not `vMAJOR.…`.
pub fn major_version(program: &Path) -> Option<u32> {
    let output = Command::new(program)
        .args(["version", "--template", "{{.Version}}"])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    parse_major(&String::from_utf8_lossy(&output.stdout))
}

fn parse_major(version: &str) -> Option<u32> {
    version
        .trim()
        .strip_prefix('v')?
        .split('.')
        .next()?
        .parse()
        .ok()
}

/// The warning for `render --chart -o` when `program` is Helm 4 or later.
pub fn kustomize_warning(program: &Path) -> Option<String> {
    let major = major_version(program).filter(|m| *m >= 4)?;
    Some(format!(
        "{} is Helm {major}: `kubectl kustomize --enable-helm` on this directory runs `helm version -c`, which Helm 4 refuses; \
         install Helm 3 (https://helm.sh/docs/intro/install/) for kustomize (its --helm-command flag can name it), \
         or use the Helm road (docs/lifecycle.md)",
        program.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_to_their_major() {
        assert_eq!(parse_major("v3.17.3"), Some(3));
        assert_eq!(parse_major("v4.1.4\n"), Some(4));
        assert_eq!(parse_major("version.BuildInfo{…}"), None);
        assert_eq!(parse_major(""), None);
    }
}
