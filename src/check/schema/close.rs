//! kubeconform-style CRD schemas leave the top level open; closing it makes
//! a misspelled `sepc` an error like any other unknown field. `build.rs`
//! applies this once to every schema before embedding it, so the text
//! `jsonschema` compiles and the static quick form are closed alike and
//! nothing is closed at run time.

use serde_json::{json, Value};

/// Fields every Kubernetes object may have at its top level.
pub const TOP_LEVEL_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "spec", "status"];

/// Adds the fields every object may have and forbids the others, unless the
/// schema already says what else it takes (the core schemas and ObjectMeta
/// do, with `additionalProperties: false`).
pub fn close_top_level(schema: &mut Value) {
    if schema.get("additionalProperties").is_some() {
        return;
    }
    let properties = schema
        .as_object_mut()
        .map(|s| s.entry("properties").or_insert_with(|| json!({})));
    if let Some(Value::Object(properties)) = properties {
        for field in TOP_LEVEL_FIELDS {
            properties
                .entry(field.to_string())
                .or_insert_with(|| json!({"type": "object"}));
        }
        properties.insert("apiVersion".into(), json!({"type": "string"}));
        properties.insert("kind".into(), json!({"type": "string"}));
    }
    schema["additionalProperties"] = json!(false);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_top_level_takes_only_the_object_fields() {
        let mut schema = json!({"type": "object", "properties": {"kind": {"enum": ["K"]}}});
        close_top_level(&mut schema);
        let validator = jsonschema::draft7::new(&schema).unwrap();
        let object = json!({"apiVersion": "v1", "kind": "Other", "metadata": {}, "spec": {}});
        assert!(validator.is_valid(&object), "kind is any string");
        assert!(!validator.is_valid(&json!({"apiVersion": "v1", "sepc": {}})));
        assert!(!validator.is_valid(&json!({"kind": 1})));
        assert!(!validator.is_valid(&json!({"metadata": "m"})));
    }

    #[test]
    fn a_schema_that_says_what_else_it_takes_is_left_alone() {
        let mut schema =
            json!({"properties": {"a": {}}, "additionalProperties": {"type": "string"}});
        let before = schema.clone();
        close_top_level(&mut schema);
        assert_eq!(schema, before);
    }
}
