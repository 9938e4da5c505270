//! Reading Kubernetes objects from files a user gives: manifests for
//! `validate PATH` and live exports for `status --live`.
//!
//! Accepted shapes: single objects, `---` streams, `kind: List` (what
//! `kubectl get a,b -o yaml` prints), and JSON (`-o json`, read as YAML).
//! Directories are walked in name order; only `.yaml`, `.yml` and `.json`
//! files are read, `kustomization.yaml` is skipped (it is not an object),
//! and a `values.yaml` that is not an object is taken as the milvus chart's
//! Helm values (what `render -o DIR` writes to `helm/values.yaml`).

use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::resource::Resource;
use crate::yaml::{self, Limits};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// `-` as a path means standard input.
pub const STDIN: &str = "-";

/// Exports of big namespaces hold many objects; bytes stay bounded.
const LIVE_LIMITS: Limits = Limits {
    max_bytes: 64 << 20,
    max_documents: 100_000,
    max_depth: 64,
};

/// Objects read from files, each with the file it came from.
#[derive(Debug, Default)]
pub struct Loaded {
    pub objects: Vec<(String, Resource)>,
    /// The milvus chart's values, when a `values.yaml` was found.
    pub helm_values: Option<Value>,
    /// Documents that are not Kubernetes objects.
    pub problems: Vec<Problem>,
    /// Files and directories entries skipped, for `-v`.
    pub skipped: Vec<String>,
}

/// Reads every path (file, directory or `-`).
pub fn load(paths: &[PathBuf]) -> Result<Loaded> {
    let mut loaded = Loaded::default();
    for path in paths {
        if path.as_os_str() == STDIN {
            let docs = read_documents(path)?;
            add_documents(&mut loaded, "<stdin>", docs, false);
        } else if path.is_dir() {
            for file in yaml_files(path, &mut loaded.skipped)? {
                let docs = read_documents(&file)?;
                add_documents(
                    &mut loaded,
                    &file.display().to_string(),
                    docs,
                    is_values_file(&file),
                );
            }
        } else {
            let docs = read_documents(path)?;
            add_documents(
                &mut loaded,
                &path.display().to_string(),
                docs,
                is_values_file(path),
            );
        }
    }
    Ok(loaded)
}

/// The documents of one file (or stdin), with `kind: List` unwrapped.
pub fn read_documents(path: &Path) -> Result<Vec<Value>> {
    let (origin, text) = if path.as_os_str() == STDIN {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Error::io("reading", "<stdin>", e))?;
        ("<stdin>".to_string(), text)
    } else {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("reading", path, e))?;
        (path.display().to_string(), text)
    };
    Ok(unwrap_lists(yaml::parse_stream(
        &text,
        &origin,
        LIVE_LIMITS,
    )?))
}

/// Replaces each `kind: List` (or `*List`) document by its items.
pub fn unwrap_lists(docs: Vec<Value>) -> Vec<Value> {
    docs.into_iter()
        .flat_map(|doc| {
            let is_list = doc
                .get("kind")
                .and_then(Value::as_str)
                .is_some_and(|k| k.ends_with("List"))
                && doc.get("items").is_some_and(Value::is_array);
            if is_list {
                unwrap_lists(doc["items"].as_array().cloned().unwrap_or_default())
            } else {
                vec![doc]
            }
        })
        .collect()
}

fn is_values_file(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("values.yaml" | "values.yml")
    )
}

fn add_documents(loaded: &mut Loaded, origin: &str, docs: Vec<Value>, values_file: bool) {
    for (index, doc) in docs.into_iter().enumerate() {
        match Resource::new(doc.clone()) {
            Some(resource) => loaded.objects.push((origin.to_string(), resource)),
            None if values_file && doc.is_object() => loaded.helm_values = Some(doc),
            None => loaded.problems.push(Problem::new(
                format!("{origin} (document {})", index + 1),
                "not a Kubernetes object: apiVersion, kind or metadata.name is missing",
                "remove it, or complete the object",
            )),
        }
    }
}

/// YAML and JSON files below `dir`, in name order; hidden entries and
/// `kustomization.yaml` are skipped.
fn yaml_files(dir: &Path, skipped: &mut Vec<String>) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io("reading", path, e.into())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        let yaml_like = [".yaml", ".yml", ".json"].iter().any(|s| name.ends_with(s));
        if !yaml_like || name.starts_with("kustomization.") || name == "Kustomization" {
            skipped.push(entry.path().display().to_string());
            continue;
        }
        files.push(entry.path().to_path_buf());
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_are_unwrapped_recursively() {
        let docs = vec![
            json!({"apiVersion": "v1", "kind": "List", "items": [
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}},
                {"apiVersion": "v1", "kind": "List", "items": [
                    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "b"}}]}]}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}),
        ];
        let kinds: Vec<_> = unwrap_lists(docs)
            .iter()
            .map(|d| d["kind"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(kinds, ["Service", "Secret", "ConfigMap"]);
    }

    #[test]
    fn directories_skip_kustomization_and_read_values() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("kustomization.yaml", "resources: [a.yaml]\n");
        write(
            "a.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n",
        );
        write(
            "b.json",
            "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"b\"}}",
        );
        write("helm/values.yaml", "service: {type: ClusterIP}\n");
        write("notes.txt", "hello");
        write("broken.yaml", "just: a map\n");
        let loaded = load(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<_> = loaded
            .objects
            .iter()
            .map(|(_, r)| r.id.name.clone())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(
            loaded.helm_values,
            Some(json!({"service": {"type": "ClusterIP"}}))
        );
        assert_eq!(loaded.problems.len(), 1);
        assert!(loaded.problems[0]
            .subject
            .contains("broken.yaml (document 1)"));
        assert_eq!(loaded.skipped.len(), 2);
    }
}
