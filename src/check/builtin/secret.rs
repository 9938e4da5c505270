//! A Secret as the API server checks it on create (kubernetes/kubernetes
//! `pkg/apis/core/validation/validation.go`, `ValidateSecret`): `data` keys
//! are config keys, all values together at most 1 MiB
//! (`core.MaxSecretSize`), and a `kubernetes.io/tls` Secret holds both
//! `tls.crt` and `tls.key`. `stringData` is merged into `data` before
//! validation (its keys win), so both are read here. No value is ever shown.

use super::field_error::{key, FieldError};
use super::format;
use base64::Engine;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// `core.MaxSecretSize`.
pub const MAX_BYTES: usize = 1024 * 1024;

/// The refusals of the Secret `object`.
pub fn check(object: &Value) -> Vec<FieldError> {
    let sizes = value_sizes(object);
    let mut errors = Vec::new();
    for name in sizes.keys() {
        errors.extend(FieldError::invalid_each(
            &key("data", name),
            name,
            format::config_map_key(name),
        ));
    }
    if sizes.values().sum::<usize>() > MAX_BYTES {
        errors.push(FieldError::too_long_bytes("data", MAX_BYTES));
    }
    if object.get("type").and_then(Value::as_str) == Some("kubernetes.io/tls") {
        for required in ["tls.crt", "tls.key"] {
            if !sizes.contains_key(required) {
                errors.push(FieldError::required(&key("data", required), ""));
            }
        }
    }
    errors
}

/// Each key of `data` and `stringData` with the byte size of its value
/// once decoded (`data` is base64; the schema check refuses bad base64).
fn value_sizes(object: &Value) -> BTreeMap<&str, usize> {
    let mut sizes = BTreeMap::new();
    for (name, value) in entries(object, "data") {
        let text = value.as_str().unwrap_or("");
        let size = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_or(text.len() / 4 * 3, |bytes| bytes.len());
        sizes.insert(name.as_str(), size);
    }
    for (name, value) in entries(object, "stringData") {
        sizes.insert(name.as_str(), value.as_str().map_or(0, str::len));
    }
    sizes
}

fn entries<'v>(object: &'v Value, field: &str) -> impl Iterator<Item = (&'v String, &'v Value)> {
    object
        .get(field)
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(Map::iter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(secret: Value) -> Vec<String> {
        check(&secret).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_tls_secret_holds_both_keys() {
        assert_eq!(
            errors(json!({"type": "kubernetes.io/tls", "data": {"tls.crt": "YQ=="}})),
            ["data[tls.key]: Required value"]
        );
        assert!(errors(json!({"type": "kubernetes.io/tls",
            "data": {"tls.crt": "YQ=="}, "stringData": {"tls.key": "k"}}))
        .is_empty());
        assert!(errors(json!({"type": "Opaque", "data": {"tls.crt": "YQ=="}})).is_empty());
    }

    #[test]
    fn data_is_at_most_one_mebibyte_decoded() {
        let half = base64::engine::general_purpose::STANDARD.encode(vec![0u8; MAX_BYTES / 2]);
        assert!(errors(json!({"data": {"a": half, "b": half}})).is_empty());
        let found = errors(json!({"data": {"a": half, "b": half}, "stringData": {"c": "x"}}));
        assert_eq!(
            found,
            ["data: Too long: may not be more than 1048576 bytes"]
        );
    }

    #[test]
    fn keys_are_config_keys_and_values_never_shown() {
        let found = errors(json!({"data": {"tls/crt": "c2VjcmV0"}}));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with(r#"data[tls/crt]: Invalid value: "tls/crt": a valid config key"#)
        );
        assert!(!found[0].contains("c2VjcmV0"));
    }
}
