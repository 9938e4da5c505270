//! Shaping a normalized live object against the desired one before they are
//! compared.
//!
//! By default the diff looks only at what milvus-l7 manages: the fields the
//! rendered object sets (like server-side apply's managed fields), plus a
//! few fields that some variant of our render sets (see `OWNED_PATHS`),
//! so that switching variants shows what would be left behind. `--strict`
//! keeps everything normalization left.
//!
//! Lists are compared element by element, except lists whose desired items
//! all have a `name` (Service ports): those are matched by name, like
//! Kubernetes' strategic merge does, so an extra live port the chart adds
//! (`metrics`) is not ours and its position does not matter.

use crate::k8s::annotations::NEG;
use serde_json::{Map, Value};

/// How much of the live object is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only the paths the desired object sets, plus `OWNED_PATHS`.
    Managed,
    /// Everything; named lists are only put in the desired order.
    Strict,
}

/// Fields that one of our variants sets and another leaves out, by kind
/// (JSON pointers). Without them a google-managed → self-managed switch
/// would not show the `managed-certificates` annotation left on the live
/// Ingress, nor the reverse switch the live `spec.tls`.
const OWNED_PATHS: &[(&str, &str)] = &[
    (
        "Ingress",
        "/metadata/annotations/networking.gke.io~1managed-certificates",
    ),
    (
        "Ingress",
        "/metadata/annotations/ingress.gcp.kubernetes.io~1pre-shared-cert",
    ),
    (
        "Ingress",
        "/metadata/annotations/kubernetes.io~1ingress.class",
    ),
    ("Ingress", "/spec/tls"),
    (
        "Service",
        "/metadata/annotations/cloud.google.com~1app-protocols",
    ),
    (
        "Service",
        "/metadata/annotations/cloud.google.com~1backend-config",
    ),
    ("Service", "/metadata/annotations/cloud.google.com~1neg"),
];

/// The value of the NEG annotation GKE adds (seen in the exports in `testdata/live/`): on
/// VPC-native clusters GKE writes it on Services that never asked for it.
const GKE_DEFAULT_NEG: &str = r#"{"ingress":true}"#;

/// The live object as it should be compared with `desired`. Both are
/// expected normalized (canonical annotations, sorted keys).
pub fn shape(live: &Value, desired: &Value, scope: Scope) -> Value {
    match scope {
        Scope::Managed => {
            let mut shaped = project(live, desired);
            add_owned_paths(&mut shaped, live, desired);
            drop_gke_default_neg(&mut shaped, desired);
            sort_keys(&mut shaped);
            shaped
        }
        Scope::Strict => {
            let mut shaped = align(live, desired);
            drop_gke_default_neg(&mut shaped, desired);
            shaped
        }
    }
}

fn sort_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.sort_keys();
            map.values_mut().for_each(sort_keys);
        }
        Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

/// Keeps from `live` only what `desired` sets.
fn project(live: &Value, desired: &Value) -> Value {
    match (live, desired) {
        (Value::Object(live), Value::Object(desired)) => Value::Object(
            desired
                .iter()
                .filter_map(|(key, want)| Some((key.clone(), project(live.get(key)?, want))))
                .collect(),
        ),
        (Value::Array(live), Value::Array(desired)) if is_named_list(desired) => Value::Array(
            desired
                .iter()
                .filter_map(|want| Some(project(find_named(live, want)?, want)))
                .collect(),
        ),
        (Value::Array(live), Value::Array(desired)) => by_position(live, desired, project),
        _ => live.clone(),
    }
}

/// Keeps all of `live`, putting named list items in the desired order
/// (unmatched live items after them) so the diff lines up.
fn align(live: &Value, desired: &Value) -> Value {
    match (live, desired) {
        (Value::Object(live), Value::Object(desired)) => Value::Object(
            live.iter()
                .map(|(key, have)| {
                    let shaped = desired
                        .get(key)
                        .map_or(have.clone(), |want| align(have, want));
                    (key.clone(), shaped)
                })
                .collect(),
        ),
        (Value::Array(live), Value::Array(desired)) if is_named_list(desired) => {
            let matched = desired
                .iter()
                .filter_map(|want| Some(align(find_named(live, want)?, want)));
            let unmatched = live
                .iter()
                .filter(|have| find_named(desired, have).is_none())
                .cloned();
            Value::Array(matched.chain(unmatched).collect())
        }
        (Value::Array(live), Value::Array(desired)) => by_position(live, desired, align),
        _ => live.clone(),
    }
}

/// A list without names: each live item shaped by the desired item at
/// the same position; live items beyond the desired ones kept whole.
fn by_position(live: &[Value], desired: &[Value], shape: fn(&Value, &Value) -> Value) -> Value {
    Value::Array(
        live.iter()
            .enumerate()
            .map(|(i, have)| {
                desired
                    .get(i)
                    .map_or(have.clone(), |want| shape(have, want))
            })
            .collect(),
    )
}

/// A non-empty list of mappings that all have a string `name`.
fn is_named_list(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(|item| name_of(item).is_some())
}

fn name_of(item: &Value) -> Option<&str> {
    item.get("name").and_then(Value::as_str)
}

fn find_named<'a>(items: &'a [Value], like: &Value) -> Option<&'a Value> {
    let name = name_of(like)?;
    items.iter().find(|item| name_of(item) == Some(name))
}

/// Copies the owned paths the desired object leaves out from `live` into
/// `shaped`, so their presence live shows as a difference.
fn add_owned_paths(shaped: &mut Value, live: &Value, desired: &Value) {
    let kind = desired.get("kind").and_then(Value::as_str).unwrap_or("");
    for (_, pointer) in OWNED_PATHS.iter().filter(|(k, _)| *k == kind) {
        if desired.pointer(pointer).is_some() {
            continue;
        }
        if let Some(found) = live.pointer(pointer) {
            insert_at(shaped, pointer, found.clone());
        }
    }
}

/// Sets `pointer` (a JSON pointer into nested mappings) to `value`, creating
/// the mappings on the way.
fn insert_at(target: &mut Value, pointer: &str, value: Value) {
    let Ok(pointer) = jsonptr::Pointer::parse(pointer) else {
        return;
    };
    let tokens: Vec<String> = pointer.tokens().map(|t| t.decoded().into_owned()).collect();
    let Some((last, parents)) = tokens.split_last() else {
        return;
    };
    let mut here = target;
    for token in parents {
        let Some(map) = here.as_object_mut() else {
            return;
        };
        here = map
            .entry(token.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Some(map) = here.as_object_mut() {
        map.insert(last.clone(), value);
    }
}

/// The `cloud.google.com/neg: {"ingress":true}` that GKE adds by itself is
/// not a difference when we do not set it (the gateway overlay does not).
fn drop_gke_default_neg(shaped: &mut Value, desired: &Value) {
    let desired_sets_neg = desired
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(NEG))
        .is_some();
    if desired_sets_neg {
        return;
    }
    if let Some(annotations) = shaped
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        if annotations.get(NEG).and_then(Value::as_str) == Some(GKE_DEFAULT_NEG) {
            annotations.remove(NEG);
        }
        if annotations.is_empty() {
            if let Some(metadata) = shaped.get_mut("metadata").and_then(Value::as_object_mut) {
                metadata.remove("annotations");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::annotations::NEG;
    use serde_json::json;

    #[test]
    fn managed_scope_keeps_only_desired_paths() {
        let live = json!({"spec": {"healthCheck": {"port": 9091, "checkIntervalSec": 15}, "timeoutSec": 30}});
        let desired = json!({"spec": {"healthCheck": {"port": 9091}}});
        assert_eq!(shape(&live, &desired, Scope::Managed), desired);
    }

    #[test]
    fn a_key_missing_live_stays_missing() {
        let live = json!({"metadata": {"annotations": {"a": "1"}}});
        let desired = json!({"metadata": {"annotations": {"a": "1", "b": "2"}}});
        assert_eq!(
            shape(&live, &desired, Scope::Managed),
            json!({"metadata": {"annotations": {"a": "1"}}})
        );
    }

    #[test]
    fn named_lists_match_by_name_and_ignore_extra_live_items() {
        let live = json!({"ports": [{"name": "metrics", "port": 9091}, {"name": "milvus", "port": 19530, "nodePort": 30000}]});
        let desired = json!({"ports": [{"name": "milvus", "port": 19530}]});
        assert_eq!(shape(&live, &desired, Scope::Managed), desired);
    }

    #[test]
    fn unnamed_lists_compare_element_wise_and_keep_extra_live_items() {
        let live = json!({"rules": [{"host": "a", "x": 1}, {"host": "b"}]});
        let desired = json!({"rules": [{"host": "a"}]});
        assert_eq!(
            shape(&live, &desired, Scope::Managed),
            json!({"rules": [{"host": "a"}, {"host": "b"}]})
        );
    }

    #[test]
    fn owned_paths_left_out_by_the_render_still_show() {
        let live = json!({"kind": "Ingress", "metadata": {"name": "i", "annotations": {
            "networking.gke.io/managed-certificates": "c", "other": "x"}}, "spec": {"rules": []}});
        let desired = json!({"kind": "Ingress", "metadata": {"name": "i"}, "spec": {"rules": [], "tls": [{"secretName": "c"}]}});
        let shaped = shape(&live, &desired, Scope::Managed);
        assert_eq!(
            shaped,
            json!({"kind": "Ingress", "metadata": {"annotations": {"networking.gke.io/managed-certificates": "c"}, "name": "i"}, "spec": {"rules": []}})
        );
        let keys: Vec<&String> = shaped["metadata"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["annotations", "name"], "keys stay sorted");
    }

    #[test]
    fn strict_scope_keeps_everything_and_orders_named_items_like_desired() {
        let live = json!({"ports": [{"name": "b"}, {"name": "a", "x": 1}, {"name": "c"}]});
        let desired = json!({"ports": [{"name": "a"}, {"name": "b"}]});
        assert_eq!(
            shape(&live, &desired, Scope::Strict),
            json!({"ports": [{"name": "a", "x": 1}, {"name": "b"}, {"name": "c"}]})
        );
    }

    #[test]
    fn strict_scope_ignores_the_neg_annotation_gke_adds() {
        let live = json!({"kind": "Service", "metadata": {"annotations": {NEG: GKE_DEFAULT_NEG}}});
        let desired = json!({"kind": "Service", "metadata": {}});
        assert_eq!(
            shape(&live, &desired, Scope::Strict),
            json!({"kind": "Service", "metadata": {}})
        );
        let other = json!({"kind": "Service", "metadata": {"annotations": {NEG: "{\"exposed_ports\":{}}"}}});
        assert_eq!(shape(&other, &desired, Scope::Strict), other);
    }
}
