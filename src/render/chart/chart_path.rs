//! `chartPath`, checked before Helm sees it. Unchecked, a missing path
//! gave Helm's "repo charts not found" (or, with a Helm repository named
//! like the path, that repository's chart), a value starting with `-` was
//! read as a flag, and a FIFO hung `helm template`.

use crate::error::{Error, Result};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// A chart on disk: a directory holding `Chart.yaml`, or a regular file
/// (a `.tgz` made by `helm package` or `helm pull`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartPath {
    /// An unpacked chart.
    Directory(PathBuf),
    /// A packaged chart.
    Archive(PathBuf),
}

impl ChartPath {
    /// Checks `path`: it exists, and is a chart directory or a regular file.
    pub fn check(path: &Path) -> Result<ChartPath> {
        let fail = |message: String| Error::Param {
            key: "chartPath".into(),
            origin: path.display().to_string(),
            message,
            hint: "give the milvus chart as a directory holding Chart.yaml, or as the .tgz \
                   of `helm pull milvus --repo https://zilliztech.github.io/milvus-helm/`; \
                   leave chartPath empty to let Helm fetch chartVersion from chartRepo"
                .into(),
        };
        let metadata =
            std::fs::metadata(path).map_err(|e| fail(format!("cannot use the chart path: {e}")))?;
        if metadata.is_dir() {
            if !path.join("Chart.yaml").is_file() {
                return Err(fail("the directory holds no Chart.yaml".into()));
            }
            return Ok(ChartPath::Directory(path.to_path_buf()));
        }
        if !metadata.is_file() {
            return Err(fail(
                "is not a regular file or a directory (a FIFO, a socket or a device?)".into(),
            ));
        }
        Ok(ChartPath::Archive(path.to_path_buf()))
    }

    /// The path as given.
    pub fn path(&self) -> &Path {
        match self {
            ChartPath::Directory(p) | ChartPath::Archive(p) => p,
        }
    }

    /// The path as Helm gets it: absolute, so that it can be neither a
    /// flag (`-x`) nor a repository chart reference (`charts/milvus`).
    pub fn helm_arg(&self) -> OsString {
        std::path::absolute(self.path())
            .unwrap_or_else(|_| Path::new(".").join(self.path()))
            .into_os_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_directory_an_archive_and_what_is_neither() {
        let dir = tempfile::tempdir().unwrap();
        let chart = dir.path().join("milvus");
        std::fs::create_dir(&chart).unwrap();
        let err = ChartPath::check(&chart).unwrap_err().to_string();
        assert!(err.contains("no Chart.yaml"), "{err}");
        std::fs::write(chart.join("Chart.yaml"), "name: milvus\n").unwrap();
        assert!(matches!(
            ChartPath::check(&chart),
            Ok(ChartPath::Directory(_))
        ));
        let tgz = dir.path().join("milvus.tgz");
        std::fs::write(&tgz, b"\x1f\x8b").unwrap();
        assert!(matches!(ChartPath::check(&tgz), Ok(ChartPath::Archive(_))));
        for bad in ["/dev/null", "/nonexistent/milvus.tgz", "--help"] {
            let err = ChartPath::check(Path::new(bad))
                .unwrap_err()
                .report()
                .to_string();
            assert!(
                err.contains("chartPath") && err.contains("helm pull"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn helm_gets_an_absolute_path_whatever_was_given() {
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join("-charts");
        std::fs::write(&odd, b"x").unwrap();
        let arg = ChartPath::Archive(odd.clone()).helm_arg();
        assert!(Path::new(&arg).is_absolute());
        let relative = ChartPath::Archive(PathBuf::from("charts")).helm_arg();
        assert!(Path::new(&relative).is_absolute());
    }
}
