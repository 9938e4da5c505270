//! The checks of each object alone — what the API server says of it
//! ([`super::admit`]: schema, CEL, built-in rules) and GKE's numeric ranges
//! ([`lint::alone`]) — made as `validate PATH` reads the object, on the
//! thread that parsed it. Of the object, only what the checks across
//! objects read is then held ([`lint::related_part`]): a Service's ports
//! and annotations, a ConfigMap's identity. A 10k-object export held whole
//! until every check was done took 4.7x its size in memory.

use super::{admit, lint, Report};
use crate::k8s::resource::{ResId, Resource};
use crate::load::live::{self, Keep};
use serde_json::Value;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Mutex, PoisonError};

/// An identity's place in the findings: a hash, not a copy of the five
/// strings of each object with findings (an export of thousands of
/// Ingresses without certificates has a warning for each). Two identities
/// of one hash (one chance in 2^64 per pair) would only share a place in
/// the order, each listed in full.
fn key(id: &ResId) -> u64 {
    let mut hasher = DefaultHasher::new();
    id.hash(&mut hasher);
    hasher.finish()
}

/// What the checks of each object alone found, gathered from the reading
/// threads.
#[derive(Debug, Default)]
pub struct Admission {
    schema_only: bool,
    /// The findings of each object that had any, by the [`key`] of its
    /// identity, in the order the threads made them;
    /// [`Admission::into_report`] puts them in input order.
    found: Mutex<Vec<(u64, Report)>>,
}

impl Admission {
    /// Checks each object alone: with `schema_only`, only as the API
    /// server admits it (`validate --schema-only`), and then nothing of it
    /// is held but its identity.
    pub fn new(schema_only: bool) -> Self {
        Admission {
            schema_only,
            found: Mutex::default(),
        }
    }

    /// How much of an object to read: the kinds with a schema whole, the
    /// metadata of the rest (all that is checked of a kind without one).
    pub fn keep(&self, id: &ResId) -> Keep {
        if super::has_schema(id) {
            Keep::Written
        } else {
            Keep::Metadata
        }
    }

    /// Checks `object` alone and returns what to hold of it.
    pub fn admit(&self, object: Resource) -> Value {
        let report = self.check(&object);
        if !report.is_empty() {
            self.found
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((key(&object.id), report));
        }
        if self.schema_only {
            live::id_only(&object.value)
        } else {
            lint::related_part(object)
        }
    }

    /// The checks of one object alone.
    fn check(&self, object: &Resource) -> Report {
        let mut report = Report::default();
        admit(object, &mut report);
        if !self.schema_only {
            let (problems, warnings) = lint::alone(object);
            report.problems.extend(problems);
            report.warnings.extend(warnings);
        }
        report
    }

    /// Checks every object of `resources` alone, in order, holding nothing
    /// back: for objects already in memory (a render).
    pub fn check_all(&self, resources: &[Resource]) -> Report {
        let mut report = Report::default();
        for object in resources {
            report.append(self.check(object));
        }
        report
    }

    /// Everything found about `resources` (the objects as read), in their
    /// order, so that problems are listed as they are without threads. Two
    /// objects of one identity are listed at the first, in a fixed order,
    /// and the same findings of one identity once. Findings about an
    /// identity not among `resources` (taken, then given up by the loader)
    /// are dropped.
    pub fn into_report(self, resources: &[Resource]) -> Report {
        let found = self
            .found
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut first: HashMap<u64, usize> =
            found.iter().map(|(key, _)| (*key, usize::MAX)).collect();
        for (at, resource) in resources.iter().enumerate() {
            if let Some(first) = first.get_mut(&key(&resource.id)) {
                *first = (*first).min(at);
            }
        }
        let positions: Vec<usize> = found.iter().map(|(key, _)| first[key]).collect();
        drop(first);
        let mut ordered: Vec<(usize, Report)> = positions
            .into_iter()
            .zip(found.into_iter().map(|(_, report)| report))
            .filter(|(at, _)| *at != usize::MAX)
            .collect();
        ordered.sort_by(|(a, first), (b, second)| {
            a.cmp(b)
                .then_with(|| first.describe().cmp(&second.describe()))
        });
        // The same findings twice for one identity: an object taken again
        // when its parse in pieces was given up, or the same object given
        // twice (which `appears twice` reports once already).
        ordered.dedup();
        let mut report = Report::default();
        for (_, found) in ordered {
            report.append(found);
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Resource {
        Resource::new(value).unwrap()
    }

    fn service(name: &str, port: u64) -> Resource {
        object(json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": "milvus"},
                "annotations": {"cloud.google.com/neg": "{\"ingress\":true}"}},
            "spec": {"type": "ClusterIP", "clusterIP": "10.0.0.1", "selector": {"app": "milvus"},
                "ports": [{"name": "milvus", "port": port, "protocol": "TCP",
                    "targetPort": "milvus", "appProtocol": "HTTP2"}]}}))
    }

    /// A BackendConfig whose timeout is out of GKE's range: a problem of
    /// the object alone.
    fn backend_config(name: &str) -> Resource {
        object(
            json!({"apiVersion": "cloud.google.com/v1", "kind": "BackendConfig",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"timeoutSec": 0}}),
        )
    }

    #[test]
    fn a_service_is_held_as_the_lints_read_it_and_the_rest_by_identity() {
        let admission = Admission::new(false);
        let held = admission.admit(service("s", 19530));
        assert_eq!(
            held,
            json!({"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "s", "namespace": "default",
                    "annotations": {"cloud.google.com/neg": "{\"ingress\":true}"}},
                "spec": {"ports": [{"name": "milvus", "port": 19530, "appProtocol": "HTTP2"}]}})
        );
        let config_map = object(json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "namespace": "default", "labels": {"a": "b"}},
            "data": {"k": "v"}}));
        assert_eq!(
            admission.admit(config_map),
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "c", "namespace": "default"}})
        );
        let config = backend_config("b");
        assert_eq!(admission.admit(config.clone()), config.value);
    }

    #[test]
    fn findings_come_back_in_input_order_whatever_order_the_threads_made_them() {
        let resources: Vec<Resource> = (0..20).map(|i| backend_config(&format!("b{i}"))).collect();
        let admission = Admission::new(false);
        for resource in resources.iter().rev() {
            admission.admit(resource.clone());
        }
        let report = admission.into_report(&resources);
        let names: Vec<String> = report
            .problems
            .iter()
            .map(|p| p.subject.object_id().unwrap().name.clone())
            .collect();
        let expected: Vec<String> = (0..20).map(|i| format!("b{i}")).collect();
        assert_eq!(names, expected);
        assert_eq!(
            Admission::new(false).check_all(&resources).problems.len(),
            20
        );
    }

    #[test]
    fn schema_only_checks_as_the_api_server_and_holds_identities() {
        let admission = Admission::new(true);
        let held = admission.admit(backend_config("b"));
        assert_eq!(
            held["metadata"],
            json!({"name": "b", "namespace": "default"})
        );
        assert!(held.get("spec").is_none());
        // The range is GKE's, not the API server's.
        assert!(admission.into_report(&[]).problems.is_empty());
    }

    #[test]
    fn findings_about_objects_that_were_not_kept_are_dropped() {
        let admission = Admission::new(false);
        admission.admit(backend_config("taken-then-given-up"));
        let kept = backend_config("kept");
        admission.admit(kept.clone());
        let report = admission.into_report(&[kept]);
        assert_eq!(report.problems.len(), 1);
        assert_eq!(report.problems[0].subject.object_id().unwrap().name, "kept");
    }
}
