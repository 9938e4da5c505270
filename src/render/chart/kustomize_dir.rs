//! `render --chart -o DIR`: the whole release as a kustomization that
//! `kubectl kustomize --enable-helm DIR` (and Argo CD's built-in kustomize
//! with `--enable-helm`) builds into the same objects as the stream, with
//! no plugin.
//!
//! kustomize's HelmChartInflationGenerator (sigs.k8s.io/kustomize
//! api/internal/builtins/HelmChartInflationGenerator.go) looks for the chart
//! untarred in `charts/<name>-<version>/<name>/` when `repo` and `version`
//! are both set, and runs `helm pull` only when it is missing. So the chart
//! from `chartPath` is vendored there and the build needs no network, while
//! `repo` and `version` still say where it came from.

use super::{ChartMeta, Release};
use crate::error::{Error, Result};
use crate::render::output::{self, OutputFile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where kustomize looks for a chart with `repo` and `version` set.
pub fn chart_home(chart: &ChartMeta) -> String {
    format!("charts/{}-{}/{}", chart.name, chart.version, chart.name)
}

/// The L7 files of `render -o`, the merged Helm values, the vendored chart,
/// and a kustomization.yaml that also inflates the chart.
pub fn files(release: &Release) -> Result<BTreeMap<String, OutputFile>> {
    let mut files = output::files(&release.l7);
    let kustomization = files
        .get_mut("kustomization.yaml")
        .expect("output::files writes kustomization.yaml");
    kustomization.text.push_str(&helm_charts_entry(release));
    // A chart from a repository is not vendored: kustomize pulls the
    // pinned version itself, as Helm did for the stream.
    let Some(path) = &release.source.path else {
        return Ok(files);
    };
    let home = chart_home(&release.chart);
    for (relative, text) in chart_files(path)? {
        files.insert(
            format!("{home}/{relative}"),
            OutputFile {
                text,
                secret: false,
            },
        );
    }
    Ok(files)
}

/// The `helmCharts:` entry, and a `namespace:` so that kustomize gives the
/// chart's namespace-less objects the release's namespace, as the stream does.
fn helm_charts_entry(release: &Release) -> String {
    let p = &release.l7.params;
    let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    format!(
        "namespace: {ns}\nhelmCharts:\n- name: {name}\n  repo: {repo}\n  version: {version}\n  releaseName: {release}\n  namespace: {ns}\n  valuesFile: helm/values.yaml\n",
        ns = q(&p.namespace),
        name = q(&release.chart.name),
        repo = q(&release.source.repo),
        version = q(&release.chart.version),
        release = q(&p.release),
    )
}

/// Every file of the chart by path relative to the chart's root: from a
/// directory as it is, from a `.tgz` unpacked (with `tar`) first.
fn chart_files(path: &Path) -> Result<Vec<(String, String)>> {
    if path.is_dir() {
        return read_tree(path);
    }
    let unpacked = tempfile::tempdir()
        .map_err(|e| Error::io("creating a temporary directory in", std::env::temp_dir(), e))?;
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(path)
        .arg("-C")
        .arg(unpacked.path())
        .status()
        .map_err(|e| tar_error(path, &e.to_string()))?;
    if !status.success() {
        return Err(tar_error(path, &status.to_string()));
    }
    read_tree(&chart_root(unpacked.path(), path)?)
}

/// A packaged chart holds one top directory, named like the chart.
fn chart_root(unpacked: &Path, archive: &Path) -> Result<PathBuf> {
    std::fs::read_dir(unpacked)
        .map_err(|e| Error::io("reading", unpacked, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.join("Chart.yaml").is_file())
        .ok_or_else(|| tar_error(archive, "no chart directory (with Chart.yaml) inside"))
}

fn tar_error(path: &Path, why: &str) -> Error {
    Error::Invalid {
        subject: format!("chartPath {}", path.display()),
        message: format!("cannot unpack the chart to vendor it: {why}"),
        hint: "give a chart .tgz made by `helm package`/`helm pull`, or the untarred chart \
               directory (then no `tar` is needed)"
            .into(),
    }
}

fn read_tree(root: &Path) -> Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Invalid {
            subject: format!("chartPath {}", root.display()),
            message: format!("cannot read the chart: {e}"),
            hint: "check the chart directory's permissions".into(),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(root)
            .expect("walked under root")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read(entry.path())
            .map_err(|e| Error::io("reading", entry.path(), e))
            .and_then(|bytes| {
                String::from_utf8(bytes).map_err(|_| Error::Invalid {
                    subject: format!("chartPath {}", root.display()),
                    message: format!("{relative} is not a text file; it cannot be vendored"),
                    hint: "remove binary files from the chart (or list them in .helmignore and \
                           `helm package` it)"
                        .into(),
                })
            })?;
        files.push((relative, text));
    }
    Ok(files)
}
