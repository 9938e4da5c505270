//! What the API server does to an object while decoding it, before any
//! validation: nulls are read as absent, and a custom resource gets its
//! schema's defaults.
//!
//! - Custom resources (apiextensions-apiserver
//!   `pkg/apiserver/handlers/customresource_handler.go`, the unstructured
//!   decoder): `structuraldefaulting.PruneNonNullableNullsWithoutDefaults`
//!   (`pkg/apiserver/schema/defaulting/prunenulls.go`) drops a null whose
//!   schema is not `nullable` and has no `default`, then
//!   `structuraldefaulting.Default` (`.../defaulting/algorithm.go`) fills in
//!   every absent field that has a `default`, and replaces a non-nullable
//!   null that has one. Only then the schema and the CEL rules run, both on
//!   the defaulted object.
//! - Built-in kinds (and every object's `metadata`, which the server decodes
//!   into Go's `ObjectMeta`): Go's `encoding/json` leaves a field it reads as
//!   `null` at its zero value, i.e. absent; their defaulting is Go code
//!   (`SetDefaults_*`) that this does not reproduce.

use serde_json::{Map, Value};
use std::borrow::Cow;

/// Whether `object` is of a kind the API server itself serves (the core
/// group and `networking.k8s.io`), whose decoding is Go's, not a CRD's.
pub(super) fn is_built_in(object: &Value) -> bool {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    !api_version.contains('/') || api_version.starts_with("networking.k8s.io/")
}

/// `object` as the API server has it after decoding. `schema` (the kind's
/// whole schema, read only when the object holds a null) and `rules` (its
/// defaults tree, `cel::tree`) are those of a custom resource; `None` for
/// a kind without a schema.
pub(super) fn decode<'a, 's>(
    object: &'a Value,
    schema: Option<impl FnOnce() -> &'s Value>,
    rules: Option<&Value>,
) -> Cow<'a, Value> {
    let crd = schema.is_some() && !is_built_in(object);
    let has_null = contains_null(object);
    let has_defaults = crd && rules.is_some();
    if !has_null && !has_defaults {
        return Cow::Borrowed(object);
    }
    let mut decoded = object.clone();
    if has_null {
        if let Some(Value::Object(fields)) = decoded.get_mut("metadata") {
            drop_null_fields(fields);
        }
        match schema {
            Some(schema) if crd => {
                let root = schema();
                prune_nulls(&mut decoded, Some(root), root);
            }
            _ => {
                if let Value::Object(fields) = &mut decoded {
                    drop_null_fields(fields);
                }
            }
        }
    }
    if let (true, Some(tree)) = (crd, rules) {
        apply_defaults(tree, &mut decoded);
    }
    Cow::Owned(decoded)
}

fn contains_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().any(contains_null),
        Value::Object(fields) => fields.values().any(contains_null),
        _ => false,
    }
}

/// Go's `encoding/json` into a struct: a field read as `null` stays unset.
/// (A null list item is left: Go makes it the item type's zero value, which
/// this does not guess.)
fn drop_null_fields(fields: &mut Map<String, Value>) {
    fields.retain(|_, v| !v.is_null());
    for value in fields.values_mut() {
        drop_nulls_below(value);
    }
}

fn drop_nulls_below(value: &mut Value) {
    match value {
        Value::Object(fields) => drop_null_fields(fields),
        Value::Array(items) => items.iter_mut().for_each(drop_nulls_below),
        _ => {}
    }
}

/// The schema `node` stands for, its `$ref` followed.
fn resolve<'s>(mut node: &'s Value, root: &'s Value) -> &'s Value {
    for _ in 0..64 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.trim_start_matches('#').replace("~1", "/");
                match root.pointer(&pointer) {
                    Some(target) => node = target,
                    None => break,
                }
            }
            None => break,
        }
    }
    node
}

/// `nullable: true` (made `null` among the `type`s by build.rs).
fn is_nullable(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
        Some(t) => t == "null",
        None => schema.get("nullable") == Some(&Value::Bool(true)),
    }
}

/// `PruneNonNullableNullsWithoutDefaults` (prunenulls.go): a field whose
/// schema is known, not nullable and without a default is dropped when
/// null; a field without a schema (unknown) is left for the schema check.
fn prune_nulls(value: &mut Value, schema: Option<&Value>, root: &Value) {
    let schema = schema.map(|s| resolve(s, root));
    match value {
        Value::Object(fields) => {
            let field_schema = |name: &str| -> Option<&Value> {
                let schema = schema?;
                schema
                    .get("properties")
                    .and_then(|p| p.get(name))
                    .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
                    .map(|s| resolve(s, root))
            };
            fields.retain(|name, field| {
                !(field.is_null()
                    && field_schema(name)
                        .is_some_and(|s| !is_nullable(s) && s.get("default").is_none()))
            });
            for (name, field) in fields.iter_mut() {
                prune_nulls(field, field_schema(name), root);
            }
        }
        Value::Array(items) => {
            let item_schema = schema.and_then(|s| s.get("items"));
            items
                .iter_mut()
                .for_each(|item| prune_nulls(item, item_schema, root));
        }
        _ => {}
    }
}

/// `Default` (algorithm.go) over the defaults tree: every absent field of
/// the objects present that has a `default` gets it, and so does a null one
/// (the nulls left are those with a default), in objects, maps and lists.
fn apply_defaults(tree: &Value, value: &mut Value) {
    match value {
        Value::Object(fields) => {
            if let Some(Value::Object(properties)) = tree.get("properties") {
                for (name, child) in properties {
                    if let Some(default) = child.get("default") {
                        let field = fields.entry(name.clone()).or_insert(Value::Null);
                        if field.is_null() {
                            *field = default.clone();
                        }
                    }
                    if let Some(field) = fields.get_mut(name) {
                        apply_defaults(child, field);
                    }
                }
            }
            if let Some(additional) = tree.get("additionalProperties") {
                let declared = tree.get("properties");
                for (name, field) in fields.iter_mut() {
                    if declared.and_then(|d| d.get(name)).is_none() {
                        if let (true, Some(default)) = (field.is_null(), additional.get("default"))
                        {
                            *field = default.clone();
                        }
                        apply_defaults(additional, field);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_tree) = tree.get("items") {
                for item in items.iter_mut() {
                    if let (true, Some(default)) = (item.is_null(), item_tree.get("default")) {
                        *item = default.clone();
                    }
                    apply_defaults(item_tree, item);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn crd(object: Value, schema: Value, rules: Value) -> Value {
        decode(&object, Some(|| &schema), Some(&rules)).into_owned()
    }

    #[test]
    fn a_crd_null_is_pruned_unless_nullable_and_defaulted_when_it_has_a_default() {
        let schema = json!({"properties": {"spec": {"properties": {
            "a": {"type": "array"},
            "n": {"type": ["string", "null"]},
            "d": {"type": "string", "default": "x"},
            "m": {"type": "object", "additionalProperties": {"type": "string"}},
            "l": {"type": "array", "items": {"$ref": "#/definitions/item"}}
        }}}, "definitions": {"item": {"properties": {"k": {"type": "string"}}}}});
        let rules = json!({"properties": {"spec": {"properties": {"d": {"default": "x"}}}}});
        let object = json!({"apiVersion": "g.example/v1", "kind": "K",
            "metadata": {"name": "n", "annotations": null},
            "spec": {"a": null, "n": null, "d": null, "m": {"k": null}, "l": [{"k": null}], "unknown": null}});
        assert_eq!(
            crd(object, schema, rules),
            json!({"apiVersion": "g.example/v1", "kind": "K", "metadata": {"name": "n"},
                "spec": {"n": null, "d": "x", "m": {}, "l": [{}], "unknown": null}})
        );
    }

    #[test]
    fn a_crd_gets_its_defaults_without_any_null() {
        let rules = json!({"properties": {"spec": {"properties": {"addresses": {"items": {
            "properties": {"type": {"default": "IPAddress"}}}}}}}});
        let object =
            json!({"apiVersion": "g.example/v1", "spec": {"addresses": [{"value": "abc"}]}});
        let schema = json!({});
        assert_eq!(
            crd(object, schema, rules)["spec"]["addresses"][0],
            json!({"type": "IPAddress", "value": "abc"})
        );
    }

    #[test]
    fn a_built_in_kind_reads_null_fields_as_absent_and_gets_no_defaults() {
        let schema = json!({});
        let get = || &schema;
        let rules = json!({"properties": {"spec": {"properties": {"d": {"default": "x"}}}}});
        let object = json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"labels": null}, "spec": {"ports": [{"name": null, "port": 80}], "d": null}});
        assert_eq!(
            decode(&object, Some(get), Some(&rules)).into_owned(),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {},
                "spec": {"ports": [{"port": 80}]}})
        );
        let plain = json!({"apiVersion": "v1", "kind": "Service", "spec": {}});
        assert!(matches!(
            decode(&plain, Some(get), Some(&rules)),
            Cow::Borrowed(_)
        ));
    }
}
