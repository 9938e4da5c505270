//! Running Helm: the one place milvus-l7 starts another program to render.
//!
//! Behind the [`Helm`] trait so that everything else of `render --chart`
//! (merging, namespaces, the output directory) is tested without a Helm
//! binary, and so that the library never looks at the process environment
//! itself: the caller says which program to run.

use super::ChartSource;
use crate::error::{Error, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What `render --chart` needs from Helm.
pub trait Helm {
    /// `helm template <release> <chart> --namespace <ns> -f <values>`: the
    /// chart's objects as a YAML stream.
    fn template(
        &self,
        release: &str,
        chart: &ChartSource,
        namespace: &str,
        values: &Path,
    ) -> Result<String>;
    /// `helm show chart <chart>`: the chart's Chart.yaml, from a directory,
    /// a .tgz or the repository alike.
    fn show_chart(&self, chart: &ChartSource) -> Result<String>;
}

/// How Helm names the chart: a path on disk, or `milvus --repo URL
/// --version V`, which Helm fetches itself.
fn chart_args(chart: &ChartSource) -> Vec<OsString> {
    match &chart.path {
        Some(path) => vec![path.into()],
        None => vec![
            super::CHART_NAME.into(),
            "--repo".into(),
            (&chart.repo).into(),
            "--version".into(),
            (&chart.version).into(),
        ],
    }
}

/// The real `helm`: `$HELM` when set, else `helm` on `PATH`.
#[derive(Debug, Clone)]
pub struct HelmCommand {
    program: PathBuf,
    from_variable: bool,
}

/// The variable that names the Helm binary, like kustomize's `--helm-command`.
pub const HELM_VARIABLE: &str = "HELM";

impl HelmCommand {
    /// `$HELM` from `env` when set and not empty, else `helm` (found on `PATH`).
    pub fn from_env(env: &[(String, String)]) -> Self {
        match env
            .iter()
            .rev()
            .find(|(k, v)| k == HELM_VARIABLE && !v.is_empty())
        {
            Some((_, program)) => HelmCommand {
                program: program.into(),
                from_variable: true,
            },
            None => HelmCommand {
                program: "helm".into(),
                from_variable: false,
            },
        }
    }

    /// The program this runs (`$HELM`, or `helm` looked up on `PATH`).
    pub fn program(&self) -> &Path {
        &self.program
    }

    fn run(&self, args: &[OsString]) -> Result<String> {
        let output = Command::new(&self.program)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| self.not_runnable(e))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(Error::Invalid {
                subject: format!("render --chart: `{}`", self.program.display()),
                message: format!("helm failed ({}): {}", output.status, stderr.trim()),
                hint: "check chartPath (a chart directory or .tgz), or chartRepo and \
                       chartVersion (Helm fetches those: the repository must be reachable), and \
                       your values files; run the same `helm template` by hand to see more"
                    .into(),
            });
        }
        String::from_utf8(output.stdout).map_err(|_| Error::Invalid {
            subject: format!("render --chart: `{}`", self.program.display()),
            message: "helm wrote output that is not UTF-8".into(),
            hint: "check that $HELM names Helm 3".into(),
        })
    }

    fn not_runnable(&self, e: std::io::Error) -> Error {
        let message = if self.from_variable {
            format!(
                "cannot run ${HELM_VARIABLE}={}: {e}",
                self.program.display()
            )
        } else {
            format!("cannot run `helm` from PATH (${HELM_VARIABLE} is not set): {e}")
        };
        Error::Invalid {
            subject: "render --chart".into(),
            message,
            hint: format!(
                "install Helm 3 (https://helm.sh/docs/intro/install/; in a clone of this \
                 repository, scripts/install-helm.sh) on PATH, or set \
                 {HELM_VARIABLE}=/path/to/helm; without --chart no Helm is needed"
            ),
        }
    }
}

impl Helm for HelmCommand {
    fn template(
        &self,
        release: &str,
        chart: &ChartSource,
        namespace: &str,
        values: &Path,
    ) -> Result<String> {
        let mut args: Vec<OsString> = vec!["template".into(), release.into()];
        args.extend(chart_args(chart));
        args.extend([
            "--namespace".into(),
            namespace.into(),
            "-f".into(),
            values.into(),
        ]);
        self.run(&args)
    }

    fn show_chart(&self, chart: &ChartSource) -> Result<String> {
        let mut args: Vec<OsString> = vec!["show".into(), "chart".into()];
        args.extend(chart_args(chart));
        self.run(&args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_variable_wins_over_path() {
        let env = vec![("HELM".to_string(), "/opt/helm3".to_string())];
        assert_eq!(
            HelmCommand::from_env(&env).program,
            PathBuf::from("/opt/helm3")
        );
        assert_eq!(HelmCommand::from_env(&[]).program, PathBuf::from("helm"));
    }

    #[test]
    fn a_chart_is_a_path_or_the_pinned_version_of_milvus_in_the_repository() {
        let on_disk = ChartSource {
            path: Some("milvus-5.0.19.tgz".into()),
            repo: "https://example.com/charts".into(),
            version: "5.0.19".into(),
        };
        assert_eq!(chart_args(&on_disk), [OsString::from("milvus-5.0.19.tgz")]);
        let remote = ChartSource {
            path: None,
            ..on_disk
        };
        assert_eq!(
            chart_args(&remote),
            [
                "milvus",
                "--repo",
                "https://example.com/charts",
                "--version",
                "5.0.19"
            ]
            .map(OsString::from)
        );
    }

    #[test]
    fn a_missing_helm_names_the_variable_and_path() {
        let env = vec![("HELM".to_string(), "/nonexistent/helm".to_string())];
        let err = HelmCommand::from_env(&env)
            .show_chart(&ChartSource {
                path: Some("x".into()),
                repo: String::new(),
                version: String::new(),
            })
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("$HELM=/nonexistent/helm") && err.contains("PATH"),
            "{err}"
        );
    }
}
