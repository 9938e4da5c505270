//! The ownership labels: `templates/labels.yaml.j2` rendered once and
//! merged into `metadata.labels` of every rendered object, so that
//! everything a render produces can be selected, pruned and removed as one
//! release (`kubectl delete -l app.kubernetes.io/instance=R,app.kubernetes.io/managed-by=milvus-l7`).
//!
//! The labels are data (a template), not Rust strings; a user's own
//! `--templates` without that file renders objects without them. A label an
//! object's own template sets wins over the common one.

use crate::error::{Error, Result};
use crate::k8s::resource::Resource;
use crate::render::template::{TemplateContext, TemplateEngine};
use serde_json::{Map, Value};

/// The template of the common labels, in the templates tree.
pub const LABELS_TEMPLATE: &str = "labels.yaml.j2";

/// The common labels (empty when the templates tree has no labels file).
pub fn labels(engine: &TemplateEngine, context: &TemplateContext) -> Result<Map<String, Value>> {
    if !engine.has(LABELS_TEMPLATE) {
        return Ok(Map::new());
    }
    let mut docs = engine.render_documents(LABELS_TEMPLATE, context)?;
    match (docs.len(), docs.pop()) {
        (1, Some(Value::Object(labels))) if labels.values().all(Value::is_string) => Ok(labels),
        _ => Err(Error::Template {
            template: LABELS_TEMPLATE.into(),
            message: "must render one mapping of label names to string values".into(),
            hint: "write `name: value` lines, quoting values with `| tojson`".into(),
        }),
    }
}

/// Adds `labels` to every object, keeping any label it already has.
pub fn stamp(resources: &mut [Resource], labels: &Map<String, Value>) {
    if labels.is_empty() {
        return;
    }
    for resource in resources {
        let Some(metadata) = resource
            .value
            .get_mut("metadata")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        let own = metadata
            .entry("labels")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(own) = own {
            for (key, value) in labels {
                own.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(metadata: Value) -> Resource {
        Resource::new(json!({"apiVersion": "v1", "kind": "Secret", "metadata": metadata})).unwrap()
    }

    #[test]
    fn every_object_gets_the_labels_and_keeps_its_own() {
        let labels =
            json!({"app.kubernetes.io/instance": "r", "app.kubernetes.io/managed-by": "milvus-l7"});
        let labels = labels.as_object().unwrap();
        let mut objects = vec![
            object(json!({"name": "a"})),
            object(
                json!({"name": "b", "labels": {"team": "x", "app.kubernetes.io/instance": "mine"}}),
            ),
        ];
        stamp(&mut objects, labels);
        assert_eq!(objects[0].value["metadata"]["labels"], json!(labels));
        assert_eq!(
            objects[1].value["metadata"]["labels"],
            json!({"team": "x", "app.kubernetes.io/instance": "mine", "app.kubernetes.io/managed-by": "milvus-l7"})
        );
    }
}
