//! Which files of a directory hold Kubernetes objects, for every command
//! that reads a directory (`diff --live DIR`, `status --live DIR`,
//! `validate DIR`).
//!
//! Read: `.yaml`, `.yml` and `.json` files at any depth, in name order, so
//! the result does not depend on the file system. Skipped, and reported so
//! that `-v` can say so: every other file, and `kustomization.yaml`, which
//! `render -o DIR` writes next to the objects but which is kustomize's
//! configuration, not an object. Hidden entries (`.git/`, editor swap
//! files) are not even looked into.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The files of a directory, split into those read and those skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub files: Vec<PathBuf>,
    pub skipped: Vec<PathBuf>,
}

/// Lists `dir` (see the module documentation for the rules).
pub fn list(dir: &Path) -> Result<Listing> {
    let mut listing = Listing::default();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !(is_hidden(e.file_name()) || is_chart(e)));
    for entry in walker {
        let entry = entry.map_err(|e| walk_error(dir, e))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.into_path();
        if holds_objects(&path) {
            listing.files.push(path);
        } else {
            listing.skipped.push(path);
        }
    }
    Ok(listing)
}

/// A Helm chart (a directory with Chart.yaml, e.g. the one `render --chart
/// -o DIR` vendors under `charts/`) holds templates, not objects.
fn is_chart(entry: &walkdir::DirEntry) -> bool {
    entry.file_type().is_dir() && entry.path().join("Chart.yaml").is_file()
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn holds_objects(path: &Path) -> bool {
    let yaml_or_json = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    );
    yaml_or_json && !is_kustomization(path)
}

/// kustomize reads `kustomization.yaml`, `kustomization.yml` and `Kustomization`.
fn is_kustomization(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.starts_with("kustomization.") || name == "Kustomization"
}

fn walk_error(dir: &Path, e: walkdir::Error) -> Error {
    let path = e.path().unwrap_or(dir).to_path_buf();
    let source = e
        .into_io_error()
        .unwrap_or_else(|| std::io::Error::other("directory loop"));
    Error::io("reading directory", path, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_read_and_everything_else_is_skipped_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "b.yaml",
            "a.json",
            "kustomization.yaml",
            "README.md",
            "helm/values.yaml",
            ".git/config.yaml",
            "sub/c.yml",
        ] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x: 1\n").unwrap();
        }
        let listing = list(dir.path()).unwrap();
        let relative = |paths: &[PathBuf]| -> Vec<String> {
            paths
                .iter()
                .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
                .collect()
        };
        assert_eq!(
            relative(&listing.files),
            ["a.json", "b.yaml", "helm/values.yaml", "sub/c.yml"]
        );
        assert_eq!(
            relative(&listing.skipped),
            ["README.md", "kustomization.yaml"]
        );
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_it() {
        let err = list(Path::new("/nonexistent/dir")).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/dir"), "{err}");
    }
}
