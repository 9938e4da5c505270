//! The part of each schema that the API server applies after the schema
//! itself: defaults, `x-kubernetes-list-type` uniqueness and the CEL rules
//! (`x-kubernetes-validations`), read by `src/check/schema/cel.rs`.
//!
//! Written at build time because that part is a few kilobytes of a schema
//! of hundreds (the HTTPRoute CRD is 430 KB of YAML, mostly prose): a
//! render parses only the small tree of the kinds it meets. `$ref`s are
//! resolved here, so the tree is plain nesting.

use serde_json::{Map, Value};
use std::{fs, path::Path};

/// Keywords kept at a node.
const KEPT: &[&str] = &[
    "x-kubernetes-validations",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "default",
];

/// Beyond this depth of `$ref`s a tree is cut: the kinds embedded nest far less.
const MAX_DEPTH: usize = 64;

/// Writes `out_dir/rules/<name>` when `schema` has any of [`KEPT`].
pub fn write(name: &str, schema: &Value, out_dir: &Path) {
    let out = out_dir.join("rules");
    fs::create_dir_all(&out).expect("create $OUT_DIR/rules");
    if let Some(tree) = tree(schema, schema, 0) {
        fs::write(out.join(name), tree.to_string()).expect("write a rules tree");
    }
}

/// The tree of `schema`, `None` when nothing below it is kept.
fn tree(schema: &Value, root: &Value, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let map = schema.as_object()?;
    if let Some(Value::String(reference)) = map.get("$ref") {
        let pointer = reference.strip_prefix('#')?.replace("~1", "/");
        return tree(root.pointer(&pointer)?, root, depth + 1);
    }
    let mut kept = Map::new();
    for key in KEPT {
        if let Some(value) = map.get(*key) {
            kept.insert((*key).to_string(), value.clone());
        }
    }
    if let Some(Value::Object(properties)) = map.get("properties") {
        let children: Map<String, Value> = properties
            .iter()
            .filter_map(|(name, child)| Some((name.clone(), tree(child, root, depth + 1)?)))
            .collect();
        if !children.is_empty() {
            kept.insert("properties".into(), Value::Object(children));
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = map.get(key).and_then(|c| tree(c, root, depth + 1)) {
            kept.insert(key.into(), child);
        }
    }
    (!kept.is_empty()).then_some(Value::Object(kept))
}
