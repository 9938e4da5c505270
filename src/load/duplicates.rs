//! One object twice in a live export.
//!
//! A directory of exports may hold one object in two files (two `kubectl
//! get` runs, a copy). Identical copies are harmless and kept once. Two
//! different copies are an error naming both files: taking either one
//! would make the verdict depend on the files' names, and a stale copy
//! would hide drift (or invent it).

use crate::error::{Error, Result};
use crate::k8s::resource::Resource;
use std::collections::HashMap;

/// `objects` with identical repeats removed, in first-seen order; each
/// object comes with the input it was read from.
pub fn merge(objects: Vec<(String, Resource)>) -> Result<Vec<Resource>> {
    let mut first_seen: HashMap<(String, String, String, String), usize> = HashMap::new();
    let mut kept: Vec<(String, Resource)> = Vec::with_capacity(objects.len());
    for (origin, object) in objects {
        let (group, kind, namespace, name) = object.id.match_key();
        let key = (
            group.to_owned(),
            kind.to_owned(),
            namespace.to_owned(),
            name.to_owned(),
        );
        match first_seen.get(&key) {
            None => {
                first_seen.insert(key, kept.len());
                kept.push((origin, object));
            }
            Some(&at) if kept[at].1.value == object.value => {}
            Some(&at) => return Err(conflict(&kept[at].0, &origin, &object)),
        }
    }
    Ok(kept.into_iter().map(|(_, object)| object).collect())
}

fn conflict(first: &str, second: &str, object: &Resource) -> Error {
    let place = if first == second {
        format!("twice in {first}")
    } else {
        format!("in {first} and in {second}")
    };
    Error::Invalid {
        subject: object.id.to_string(),
        message: format!("{place}, with different content"),
        hint: "keep one export of each object (e.g. export again into an empty directory); which copy is current cannot be told".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::resource::ResId;
    use serde_json::json;

    fn ingress(port: u16) -> Resource {
        let value = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "i", "namespace": "default"}, "spec": {"port": port}});
        Resource {
            id: ResId::of(&value).unwrap(),
            value,
        }
    }

    #[test]
    fn identical_copies_are_kept_once_and_different_ones_name_both_files() {
        let same = merge(vec![
            ("a.yaml".into(), ingress(1)),
            ("b.yaml".into(), ingress(1)),
        ]);
        assert_eq!(same.unwrap().len(), 1);
        let err = merge(vec![
            ("a.yaml".into(), ingress(1)),
            ("b.yaml".into(), ingress(2)),
        ])
        .unwrap_err()
        .to_string();
        assert!(err.contains("in a.yaml and in b.yaml"), "{err}");
    }
}
