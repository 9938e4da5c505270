//! The manifests a user gives `milvus-l7 validate PATH...`, read with the
//! one loader ([`crate::load::live`]) and sorted into what validation needs:
//!
//! - the objects, each with the file it came from, so that a problem names
//!   the file to edit;
//! - the milvus chart's Helm values, when a `values.yaml` holds a mapping
//!   that is not an object: `render -o DIR` writes them to
//!   `helm/values.yaml`, and the chart makes the Milvus Service from them;
//! - documents that are not objects, as problems: validation lists every
//!   problem instead of stopping at the first;
//! - the files skipped in directories, for `-v`.

use crate::error::Result;
use crate::k8s::resource::{ResId, Resource};
use crate::load::live::{self, Input, Keep, LiveReader, TakeFn};
use crate::problem::Problem;
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Everything read from the paths.
#[derive(Debug, Default)]
pub struct ManifestSet {
    /// The objects, in the order read.
    pub objects: Vec<Resource>,
    /// The file of each object: `origins[i]` holds `objects[i]`. Apart,
    /// so that validation borrows both without copying a big export's
    /// objects into a vector of their own; shared, not a copy of the name
    /// per object.
    pub origins: Vec<Arc<str>>,
    /// The milvus chart's values, when a `values.yaml` was found.
    pub helm_values: Option<Value>,
    /// The file they came from.
    pub helm_values_file: Option<String>,
    /// Documents that are not Kubernetes objects.
    pub problems: Vec<Problem>,
    /// Files of directories that were not read.
    pub skipped: Vec<PathBuf>,
}

/// Reads every path (a file, a directory, or `-` for `stdin`), each input
/// at most `max_bytes`, without what only the API server writes (`status`,
/// `managedFields`, the last-applied annotation), and of each object only
/// as much as `keep` says validation reads; then holds of each what `take`
/// returns, called as the object is parsed (see [`LiveReader::taking`]).
pub fn load(
    paths: &[PathBuf],
    stdin: &mut dyn Read,
    keep: &(dyn Fn(&ResId) -> Keep + Sync),
    take: TakeFn,
    max_bytes: u64,
) -> Result<ManifestSet> {
    let mut set = ManifestSet::default();
    for path in paths {
        let keep = |id: &ResId, _: &serde_json::Value| keep(id);
        let inputs = LiveReader::keeping(&keep)
            .taking(take)
            .max_bytes(max_bytes)
            .read(path, stdin)?;
        set.skipped.extend(inputs.skipped);
        for input in inputs.files {
            set.add(input);
        }
    }
    Ok(set)
}

impl ManifestSet {
    fn add(&mut self, input: Input) {
        let origin: Arc<str> = input.source.to_string().into();
        let values_file = input.source.path().is_some_and(is_helm_values_file);
        let count: usize = input.documents.iter().map(live::unwrapped_count).sum();
        self.objects.reserve_exact(count);
        self.origins.reserve_exact(count);
        for (index, document) in input.documents.into_iter().enumerate() {
            live::for_each_unwrapped(document, &mut |item| match item {
                Ok(object) => {
                    self.objects.push(object);
                    self.origins.push(Arc::clone(&origin));
                }
                Err(values) if values_file && values.is_object() => {
                    self.helm_values = Some(values);
                    self.helm_values_file = Some(origin.to_string());
                }
                Err(_) => self.problems.push(Problem::new(
                    live::document_location(&origin, index + 1),
                    live::NOT_AN_OBJECT,
                    "remove it, or complete the object",
                )),
            });
        }
    }
}

/// `values.yaml` (what `render -o DIR` writes to `helm/`), or `.yml`.
fn is_helm_values_file(path: &Path) -> bool {
    matches!(
        path.file_name().and_then(|n| n.to_str()),
        Some("values.yaml" | "values.yml")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The objects of a big List are moved once into room made for all of
    /// them: grown by doubling, the vector held up to twice its objects,
    /// and the List's own collected entries beside it.
    #[test]
    fn a_big_lists_objects_are_held_once_in_room_made_for_them() {
        let items: Vec<Value> = (0..5000)
            .map(|i| json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": format!("s{i}")}}))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.json");
        std::fs::write(
            &path,
            json!({"apiVersion": "v1", "kind": "List", "items": items}).to_string(),
        )
        .unwrap();
        let set = load(
            &[path],
            &mut std::io::empty(),
            &|_| Keep::Written,
            &|object| object.value,
            live::DEFAULT_MAX_BYTES,
        )
        .unwrap();
        assert_eq!(set.objects.len(), 5000);
        assert_eq!(set.objects.capacity(), 5000);
        assert_eq!(set.origins.len(), 5000);
        assert_eq!(set.objects[4999].id.name, "s4999");
    }

    /// `take` sees every kept object once, also when a big List is parsed
    /// in pieces on other threads, and what it returns is what is held.
    #[test]
    fn take_decides_what_is_held_of_each_object_as_it_is_parsed() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let item = |i: usize| {
            format!("- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c{i}\n  data:\n    text: {}\n", "x".repeat(200))
        };
        let list: String = (0..6000).map(item).collect();
        let list = format!("apiVersion: v1\nkind: List\nitems:\n{list}");
        assert!(list.len() > 1 << 20, "parsed in pieces");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.yaml");
        std::fs::write(&path, list).unwrap();
        let taken = AtomicUsize::new(0);
        let take = |object: Resource| {
            taken.fetch_add(1, Ordering::Relaxed);
            live::id_only(&object.value)
        };
        let set = load(
            &[path],
            &mut std::io::empty(),
            &|_| Keep::Written,
            &take,
            live::DEFAULT_MAX_BYTES,
        )
        .unwrap();
        assert_eq!(taken.load(Ordering::Relaxed), 6000);
        assert_eq!(set.objects.len(), 6000);
        assert_eq!(set.objects[5999].id.name, "c5999");
        assert!(set.objects.iter().all(|o| o.value.get("data").is_none()));
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
        let set = load(
            &[dir.path().to_path_buf()],
            &mut std::io::empty(),
            &|_| Keep::Written,
            &|object| object.value,
            live::DEFAULT_MAX_BYTES,
        )
        .unwrap();
        let names: Vec<_> = set.objects.iter().map(|r| r.id.name.clone()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(
            set.helm_values,
            Some(json!({"service": {"type": "ClusterIP"}}))
        );
        assert_eq!(set.problems.len(), 1);
        assert!(set.problems[0]
            .subject
            .to_string()
            .contains("broken.yaml (document 1)"));
        assert_eq!(set.skipped.len(), 2);
    }

    #[test]
    fn objects_remember_their_file_and_stdin_is_read_once_per_dash() {
        let mut stdin = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n".as_bytes();
        let set = load(
            &[PathBuf::from(live::STDIN)],
            &mut stdin,
            &|_| Keep::Written,
            &|object| object.value,
            live::DEFAULT_MAX_BYTES,
        )
        .unwrap();
        assert_eq!(&*set.origins[0], "<stdin>");
        assert_eq!(set.objects[0].id.name, "s");
    }

    #[test]
    fn keep_decides_how_much_of_each_object_is_held() {
        let mut stdin = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, labels: {a: b}}\nspec: {replicas: 3}\nstatus: {ready: 1}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: ClusterIP}\n".as_bytes();
        let keep = |id: &ResId| match id.kind.as_str() {
            "Service" => Keep::Written,
            _ => Keep::Metadata,
        };
        let set = load(
            &[PathBuf::from(live::STDIN)],
            &mut stdin,
            &keep,
            &|object| object.value,
            live::DEFAULT_MAX_BYTES,
        )
        .unwrap();
        assert_eq!(
            set.objects[0].value,
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "labels": {"a": "b"}}})
        );
        assert_eq!(set.objects[1].value["spec"], json!({"type": "ClusterIP"}));
    }
}
