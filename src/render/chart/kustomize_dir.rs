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
use crate::bounded_read::{self, Limit};
use crate::error::{Error, Result};
use crate::render::file_tree;
use crate::render::output::{self, OutputFile};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

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
    if let Some(values) = files.get_mut("helm/values.yaml") {
        values.text = kustomize_values_header(&values.text);
    }
    // A chart from a repository is not vendored: kustomize pulls the
    // pinned version itself, as Helm did for the stream.
    let Some(path) = &release.source.path else {
        return Ok(files);
    };
    let home = chart_home(&release.chart);
    for (relative, text) in chart_files(path.path())? {
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

/// The values file of a `--chart` directory is read by kustomize's
/// `helmCharts:` entry: the chart is installed with the directory, so its
/// header must not invite a second, separate `helm upgrade --install` of
/// the same release (which would fight the kustomize-built objects).
fn kustomize_values_header(values: &str) -> String {
    let body: String = values
        .lines()
        .skip_while(|line| line.starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect();
    format!(
        "# Values for the milvus/milvus chart, read by the helmCharts entry of\n\
         # ../kustomization.yaml: `kubectl kustomize --enable-helm <output dir>` installs the\n\
         # chart with the L7 objects. Do not also `helm install` this release.\n{body}"
    )
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

/// Largest chart accepted for vendoring, packaged or unpacked: the milvus
/// chart is about 1 MiB unpacked, so this only stops a mistake or a bomb.
const CHART_LIMIT: Limit<'static> = Limit {
    max_bytes: 64 << 20,
    hint: "give the milvus chart (`helm pull milvus --repo …`), not another file",
};

/// Every file of the chart by path relative to the chart's root: from a
/// directory as it is, from a `.tgz` unpacked in memory.
fn chart_files(path: &Path) -> Result<Vec<(String, String)>> {
    if path.is_dir() {
        return read_tree(path);
    }
    let archive = bounded_read::file(path, CHART_LIMIT)?;
    unpack(&archive, path)
}

/// The files of a packaged chart (a gzipped tar with one top directory,
/// named like the chart), each relative to that directory. Only regular
/// files are taken; a path that climbs out (`..`) is refused.
fn unpack(archive: &[u8], path: &Path) -> Result<Vec<(String, String)>> {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    let entries = tar
        .entries()
        .map_err(|e| unpack_error(path, &e.to_string()))?;
    let mut files = Vec::new();
    let mut total: u64 = 0;
    for entry in entries {
        let entry = entry.map_err(|e| unpack_error(path, &e.to_string()))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .map_err(|e| unpack_error(path, &e.to_string()))?
            .to_string_lossy()
            .replace('\\', "/");
        if name.split('/').any(|part| part == "..") {
            return Err(unpack_error(
                path,
                &format!("`{name}` points outside the chart"),
            ));
        }
        let Some((_, relative)) = name.split_once('/') else {
            continue; // a file beside the chart's directory
        };
        let left = CHART_LIMIT.max_bytes.saturating_sub(total);
        let bytes = bounded_read::stream(
            &mut entry.take(left.saturating_add(1)),
            &path.display().to_string(),
            Limit {
                max_bytes: left,
                ..CHART_LIMIT
            },
        )?;
        total += bytes.len() as u64;
        files.push((relative.to_string(), text_of(bytes, relative, path)?));
    }
    if !files.iter().any(|(name, _)| name == "Chart.yaml") {
        return Err(unpack_error(
            path,
            "no chart directory (with Chart.yaml) inside",
        ));
    }
    files.sort();
    Ok(files)
}

fn text_of(bytes: Vec<u8>, relative: &str, chart: &Path) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| Error::Invalid {
        subject: format!("chartPath {}", chart.display()),
        message: format!("{relative} is not a text file; it cannot be vendored"),
        hint: "remove binary files from the chart (or list them in .helmignore and \
               `helm package` it)"
            .into(),
    })
}

fn unpack_error(path: &Path, why: &str) -> Error {
    Error::Invalid {
        subject: format!("chartPath {}", path.display()),
        message: format!("cannot unpack the chart to vendor it: {why}"),
        hint: "give a chart .tgz made by `helm package`/`helm pull`, or the untarred chart \
               directory"
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
        let relative = file_tree::relative_key(root, entry.path());
        let bytes = bounded_read::file(entry.path(), CHART_LIMIT)?;
        let text = text_of(bytes, &relative, root)?;
        files.push((relative, text));
    }
    Ok(files)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A gzipped tar of `(path, text)` files, as `helm package` makes one.
    pub(in crate::render::chart) fn tgz(files: &[(&str, &str)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (path, text) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(text.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder
                .append_data(&mut header, path, text.as_bytes())
                .unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn a_packaged_chart_unpacks_relative_to_its_directory() {
        let archive = tgz(&[
            ("milvus/Chart.yaml", "name: milvus\n"),
            ("milvus/.helmignore", "*.tmp\n"),
            ("milvus/templates/svc.yaml", "kind: Service\n"),
        ]);
        let files = unpack(&archive, Path::new("milvus.tgz")).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, [".helmignore", "Chart.yaml", "templates/svc.yaml"]);
    }

    #[test]
    fn an_archive_without_a_chart_or_not_gzipped_is_refused() {
        let no_chart = tgz(&[("milvus/values.yaml", "a: 1\n")]);
        let err = unpack(&no_chart, Path::new("x.tgz"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no chart directory"), "{err}");
        let garbage = unpack(b"not a gzip", Path::new("x.tgz"))
            .unwrap_err()
            .to_string();
        assert!(garbage.contains("cannot unpack the chart"), "{garbage}");
    }
}
