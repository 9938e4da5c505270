//! Which files each object came from, so that a problem found in objects
//! read from many files names the file to edit.

use super::{Problem, Subject};
use crate::k8s::resource::{ResId, Resource};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The files of the objects (and of the Helm values). Built once and
/// looked up once per problem: a linear search per problem made many
/// problems quadratic.
#[derive(Debug, Default)]
pub struct ObjectFiles<'a> {
    /// Every file an object is in, in the order read: two for a duplicate.
    of_object: HashMap<&'a ResId, Files<'a>>,
    helm_values: Option<&'a str>,
}

impl<'a> ObjectFiles<'a> {
    /// `origins[i]` is the file `resources[i]` was read from; only the
    /// objects some of `problems` are about are looked up (a map of every
    /// object of a big export was a megabyte for a few of them).
    pub fn new(
        origins: &'a [Arc<str>],
        resources: &'a [Resource],
        helm_values: Option<&'a str>,
        problems: &[Problem],
    ) -> Self {
        let about: HashSet<&ResId> = problems
            .iter()
            .filter_map(|p| p.subject.object_id())
            .collect();
        let mut of_object: HashMap<&ResId, Files> = HashMap::with_capacity(about.len());
        for (file, object) in origins.iter().zip(resources) {
            if !about.contains(&object.id) {
                continue;
            }
            match of_object.entry(&object.id) {
                Entry::Vacant(entry) => {
                    entry.insert(Files {
                        first: file,
                        more: Vec::new(),
                    });
                }
                Entry::Occupied(mut entry) => entry.get_mut().add(file),
            }
        }
        ObjectFiles {
            of_object,
            helm_values,
        }
    }

    /// The subject with the files that hold it: its object's, or the Helm
    /// values' file for the values and the Service the chart makes from
    /// them; unchanged when neither is known.
    pub fn place(&self, subject: Subject) -> Subject {
        let files: Vec<String> = match subject.object_id().and_then(|id| self.of_object.get(id)) {
            Some(files) => std::iter::once(files.first)
                .chain(files.more.iter().copied())
                .map(String::from)
                .collect(),
            None => match self.helm_values {
                Some(file) if subject.is_fixed_in_helm_values() => vec![file.to_string()],
                _ => return subject,
            },
        };
        subject.in_files(files)
    }
}

/// The files of one object: nearly always one, held without a vector.
#[derive(Debug)]
struct Files<'a> {
    first: &'a str,
    more: Vec<&'a str>,
}

impl<'a> Files<'a> {
    fn add(&mut self, file: &'a str) {
        if file != self.first && !self.more.contains(&file) {
            self.more.push(file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::About;
    use serde_json::json;

    fn object(name: &str) -> Resource {
        Resource::new(json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "default"}
        }))
        .unwrap()
    }

    #[test]
    fn an_object_given_twice_names_both_files_once_each() {
        let resources = vec![object("a"), object("a"), object("a"), object("b")];
        let origins = ["x.yaml", "y.yaml", "x.yaml", "x.yaml"].map(Arc::from);
        let problems = [Problem::new(&resources[0].id, "m", "h")];
        let files = ObjectFiles::new(&origins, &resources, None, &problems);
        let placed = files.place(Subject::object(&resources[0].id).field("spec.ports"));
        assert_eq!(placed.files, ["x.yaml", "y.yaml"]);
        assert_eq!(
            placed.to_string(),
            "x.yaml, y.yaml: core/v1/Service/default/a: spec.ports"
        );
    }

    #[test]
    fn the_chart_service_is_placed_in_the_values_file() {
        let files = ObjectFiles::new(&[], &[], Some("values.yaml"), &[]);
        let chart = Subject::about(About::ChartService {
            namespace: "default".into(),
            name: "m".into(),
        });
        assert_eq!(files.place(chart).files, ["values.yaml"]);
        assert!(files.place(Subject::from("other")).files.is_empty());
    }
}
