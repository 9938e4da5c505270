//! Running Helm: the one place milvus-l7 starts another program to render.
//!
//! Behind the [`Helm`] trait so that everything else of `render --chart`
//! (merging, namespaces, the output directory) is tested without a Helm
//! binary, and so that the library never looks at the process environment
//! itself: the caller says which program to run. The program is treated
//! as a hostile child (see [`super::child`]): bounded output, a bounded
//! stderr tail, a deadline.

use super::child::{self, Failure, Run};
use super::ChartSource;
use crate::bounded_read::Limit;
use crate::error::{Error, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One `helm template` of the milvus chart.
#[derive(Debug, Clone)]
pub struct Template<'a> {
    /// The release name.
    pub release: &'a str,
    /// The chart (its path already checked).
    pub chart: &'a ChartSource,
    /// The release namespace.
    pub namespace: &'a str,
    /// The values file's text, given to Helm on its stdin (`-f -`).
    pub values: String,
    /// When Helm is stopped (parameter `helmTimeout`).
    pub deadline: Duration,
}

/// What `render --chart` needs from Helm.
pub trait Helm {
    /// `helm template <release> <chart> --namespace <ns> -f -`: the
    /// chart's objects as a YAML stream.
    fn template(&self, request: &Template) -> Result<String>;
}

/// Most output accepted from `helm template`: the milvus chart renders
/// about 250 KB, so this only stops a runaway `$HELM` early.
pub const OUTPUT_LIMIT: Limit<'static> = Limit {
    max_bytes: 64 << 20,
    hint: "the milvus chart renders well under 1 MB; check that chartPath is the milvus \
           chart and that $HELM names Helm",
};

/// How Helm names the chart: an absolute path on disk, or `milvus --repo
/// URL --version V`, which Helm fetches itself.
fn chart_args(chart: &ChartSource) -> Vec<OsString> {
    match &chart.path {
        Some(path) => vec![path.helm_arg()],
        None => vec![
            super::CHART_NAME.into(),
            "--repo".into(),
            (&chart.repo).into(),
            "--version".into(),
            (&chart.version).into(),
        ],
    }
}

/// The real `helm`: `$HELM` when set, else `helm` on `PATH`; with the
/// cluster's version and APIs when Argo CD gives them.
#[derive(Debug, Clone)]
pub struct HelmCommand {
    program: PathBuf,
    from_variable: bool,
    /// `--kube-version`, from `KUBE_VERSION`.
    kube_version: Option<String>,
    /// `--api-versions`, one per item of `KUBE_API_VERSIONS`.
    api_versions: Vec<String>,
}

/// The variable that names the Helm binary, like kustomize's `--helm-command`.
pub const HELM_VARIABLE: &str = "HELM";

/// The destination cluster's version, which Argo CD gives a plugin
/// (argo-cd reposerver/repository/repository.go, getPluginEnvs) and passes
/// to its own `helm template` as `--kube-version` (util/helm/cmd.go).
pub const KUBE_VERSION_VARIABLE: &str = "KUBE_VERSION";

/// The destination cluster's API versions, comma-separated, which Argo CD
/// passes to its own `helm template` as one `--api-versions` each.
pub const KUBE_API_VERSIONS_VARIABLE: &str = "KUBE_API_VERSIONS";

impl HelmCommand {
    /// `$HELM` from `env` when set and not empty, else `helm` (found on
    /// `PATH`); `KUBE_VERSION` and `KUBE_API_VERSIONS` when set.
    pub fn from_env(env: &[(String, String)]) -> Self {
        let var = |name: &str| {
            env.iter()
                .rev()
                .find(|(k, v)| k == name && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_string())
        };
        let helm = var(HELM_VARIABLE);
        HelmCommand {
            from_variable: helm.is_some(),
            program: helm.unwrap_or_else(|| "helm".into()).into(),
            kube_version: var(KUBE_VERSION_VARIABLE),
            api_versions: var(KUBE_API_VERSIONS_VARIABLE)
                .map(|list| {
                    list.split(',')
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The program this runs (`$HELM`, or `helm` looked up on `PATH`).
    pub fn program(&self) -> &Path {
        &self.program
    }

    fn args(&self, request: &Template) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["template".into(), request.release.into()];
        args.extend(chart_args(request.chart));
        args.extend([
            "--namespace".into(),
            request.namespace.into(),
            "-f".into(),
            "-".into(),
        ]);
        if let Some(version) = &self.kube_version {
            args.extend(["--kube-version".into(), version.into()]);
        }
        for api in &self.api_versions {
            args.extend(["--api-versions".into(), api.into()]);
        }
        args
    }

    fn subject(&self) -> String {
        format!("render --chart: `{}`", self.program.display())
    }

    fn failure(&self, failure: Failure, deadline: Duration) -> Error {
        match failure {
            Failure::Spawn(e) => self.not_runnable(e),
            Failure::TimedOut { stderr } => Error::Invalid {
                subject: self.subject(),
                message: format!(
                    "helm did not finish within {}s and was stopped{}",
                    deadline.as_secs_f64(),
                    said(&stderr.describe())
                ),
                hint: "a chart from a repository may be slow to fetch: raise the deadline \
                       with --set helmTimeout=10m, or vendor the chart (chartPath)"
                    .into(),
            },
            Failure::Output(e) => e,
            Failure::Failed { status, stderr } => Error::Invalid {
                subject: self.subject(),
                message: format!("helm failed ({status}){}", said(&stderr.describe())),
                hint: "check chartPath (a chart directory or .tgz), or chartRepo and \
                       chartVersion (Helm fetches those: the repository must be reachable), and \
                       your values files; run `milvus-l7 values … | helm template RELEASE CHART \
                       -f -` to see more"
                    .into(),
            },
        }
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

/// `: <what helm said>`, or nothing when it said nothing.
fn said(stderr: &str) -> String {
    if stderr.is_empty() {
        String::new()
    } else {
        format!(": {stderr}")
    }
}

impl Helm for HelmCommand {
    fn template(&self, request: &Template) -> Result<String> {
        let args = self.args(request);
        let stdout = child::run(Run {
            program: &self.program,
            args: &args,
            stdin: request.values.clone().into_bytes(),
            deadline: request.deadline,
            stdout_limit: OUTPUT_LIMIT,
        })
        .map_err(|f| self.failure(f, request.deadline))?;
        String::from_utf8(stdout).map_err(|_| Error::Invalid {
            subject: self.subject(),
            message: "helm wrote output that is not UTF-8".into(),
            hint: "check that $HELM names Helm".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::chart::chart_path::ChartPath;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn source(path: Option<&str>) -> ChartSource {
        ChartSource {
            path: path.map(|p| ChartPath::Archive(p.into())),
            repo: "https://example.com/charts".into(),
            version: "5.0.19".into(),
        }
    }

    fn request(chart: &ChartSource) -> Template<'_> {
        Template {
            release: "r",
            chart,
            namespace: "ns",
            values: "a: 1\n".into(),
            deadline: Duration::from_secs(30),
        }
    }

    #[test]
    fn helm_variable_wins_over_path() {
        let helm = HelmCommand::from_env(&env(&[("HELM", "/opt/helm3")]));
        assert_eq!(helm.program, PathBuf::from("/opt/helm3"));
        assert_eq!(HelmCommand::from_env(&[]).program, PathBuf::from("helm"));
    }

    #[test]
    fn a_chart_is_an_absolute_path_or_the_pinned_version_of_milvus_in_the_repository() {
        let args = chart_args(&source(Some("milvus-5.0.19.tgz")));
        assert!(PathBuf::from(&args[0]).is_absolute(), "{args:?}");
        assert!(PathBuf::from(&args[0]).ends_with("milvus-5.0.19.tgz"));
        assert_eq!(
            chart_args(&source(None)),
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

    /// As Argo CD's own `helm template` does (argo-cd util/helm/cmd.go).
    #[test]
    fn argo_cds_cluster_version_and_apis_reach_helm() {
        let helm = HelmCommand::from_env(&env(&[
            ("KUBE_VERSION", "1.31.2"),
            (
                "KUBE_API_VERSIONS",
                "v1,networking.gke.io/v1,,cloud.google.com/v1",
            ),
        ]));
        let chart = source(None);
        let args: Vec<String> = helm
            .args(&request(&chart))
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let tail = &args[args.len() - 8..];
        assert_eq!(
            tail,
            [
                "--kube-version",
                "1.31.2",
                "--api-versions",
                "v1",
                "--api-versions",
                "networking.gke.io/v1",
                "--api-versions",
                "cloud.google.com/v1"
            ]
        );
        let plain = HelmCommand::from_env(&env(&[("KUBE_VERSION", ""), ("KUBE_API_VERSIONS", "")]));
        let args = plain.args(&request(&chart));
        assert!(!args
            .iter()
            .any(|a| a.to_string_lossy().starts_with("--kube")));
    }

    #[test]
    fn a_missing_helm_names_the_variable_and_path() {
        let chart = source(Some("x"));
        let err = HelmCommand::from_env(&env(&[("HELM", "/nonexistent/helm")]))
            .template(&request(&chart))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("$HELM=/nonexistent/helm") && err.contains("helm.sh/docs/intro/install"),
            "{err}"
        );
    }
}
