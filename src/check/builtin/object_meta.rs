//! `metadata`, as the API server checks it on create for every object
//! (kubernetes/apimachinery v0.36.3 `pkg/api/validation/objectmeta.go`,
//! `ValidateObjectMetaAccessor`): the name by the kind's own rule
//! (`pkg/apis/core/validation/validation.go`: `ValidateServiceName` is
//! `NameIsDNS1035Label`, `ValidateNamespaceName` a DNS-1123 label, Secrets,
//! ConfigMaps, Ingresses and custom resources `NameIsDNSSubdomain`), the
//! namespace a DNS-1123 label, label keys and values
//! (`pkg/apis/meta/v1/validation/validation.go`, `ValidateLabels`), and
//! annotation keys (lowercased) with their total size
//! (`ValidateAnnotations`, `TotalAnnotationSizeLimitB` = 256 KiB).

use super::field_error::FieldError;
use super::format;
use serde_json::{Map, Value};

/// `TotalAnnotationSizeLimitB`: the keys and values of all annotations.
pub const ANNOTATIONS_MAX_BYTES: usize = 256 * 1024;

/// Which rule a kind's names follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    Dns1035Label,
    Dns1123Label,
    Dns1123Subdomain,
    /// A kind whose rule is not modelled here (RBAC names, for one, may
    /// hold `:`): its name is left to the server.
    Unchecked,
}

impl NameRule {
    /// The rule for objects of `group` and `kind`.
    pub fn of(group: &str, kind: &str) -> NameRule {
        match (group, kind) {
            ("", "Service") => NameRule::Dns1035Label,
            ("", "Namespace") => NameRule::Dns1123Label,
            ("", "Secret" | "ConfigMap") | ("networking.k8s.io", "Ingress") => {
                NameRule::Dns1123Subdomain
            }
            // Custom resources: apiextensions validates their names with
            // NameIsDNSSubdomain.
            (group, _) if is_custom_resource_group(group) => NameRule::Dns1123Subdomain,
            _ => NameRule::Unchecked,
        }
    }

    fn check(self, name: &str) -> Vec<String> {
        match self {
            NameRule::Dns1035Label => format::dns1035_label(name),
            NameRule::Dns1123Label => format::dns1123_label(name),
            NameRule::Dns1123Subdomain => format::dns1123_subdomain(name),
            NameRule::Unchecked => Vec::new(),
        }
    }
}

/// The groups of the custom resources this tool emits.
fn is_custom_resource_group(group: &str) -> bool {
    group.ends_with(".gke.io")
        || group == "cloud.google.com"
        || group == "gateway.networking.k8s.io"
}

/// The refusals of `object`'s metadata; `rule` is its kind's name rule.
pub fn check(object: &Value, rule: NameRule) -> Vec<FieldError> {
    let Some(metadata) = object.get("metadata").and_then(Value::as_object) else {
        return Vec::new();
    };
    let text = |key: &str| metadata.get(key).and_then(Value::as_str).unwrap_or("");
    let mut errors = Vec::new();
    let name = text("name");
    if name.is_empty() {
        if text("generateName").is_empty() {
            errors.push(FieldError::required(
                "metadata.name",
                "name or generateName is required",
            ));
        }
    } else {
        errors.extend(FieldError::invalid_each(
            "metadata.name",
            name,
            rule.check(name),
        ));
    }
    let namespace = text("namespace");
    if !namespace.is_empty() {
        errors.extend(FieldError::invalid_each(
            "metadata.namespace",
            namespace,
            format::dns1123_label(namespace),
        ));
    }
    errors.extend(labels(metadata.get("labels"), "metadata.labels"));
    errors.extend(annotations(metadata.get("annotations")));
    errors
}

/// `ValidateLabels`: every key a label key, every value a label value;
/// the path is the map's, not the key's. Also used for selectors.
pub fn labels(labels: Option<&Value>, path: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (key, value) in entries(labels) {
        errors.extend(FieldError::invalid_each(path, key, format::label_key(key)));
        let value = value.as_str().unwrap_or_default();
        errors.extend(FieldError::invalid_each(
            path,
            value,
            format::label_value(value),
        ));
    }
    errors
}

/// `ValidateAnnotations`: keys are label keys once lowercased ("case
/// doesn't matter"); keys and values together at most 256 KiB.
fn annotations(annotations: Option<&Value>) -> Vec<FieldError> {
    const PATH: &str = "metadata.annotations";
    let mut errors = Vec::new();
    let mut total = 0;
    for (key, value) in entries(annotations) {
        errors.extend(FieldError::invalid_each(
            PATH,
            key,
            format::label_key(&key.to_lowercase()),
        ));
        total += key.len() + value.as_str().map_or(0, str::len);
    }
    if total > ANNOTATIONS_MAX_BYTES {
        errors.push(FieldError::too_long_bytes(PATH, ANNOTATIONS_MAX_BYTES));
    }
    errors
}

fn entries(map: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    map.and_then(Value::as_object)
        .into_iter()
        .flat_map(Map::iter)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(metadata: Value, rule: NameRule) -> Vec<String> {
        check(&json!({"metadata": metadata}), rule)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_service_name_is_a_dns1035_label() {
        let found = errors(json!({"name": "1milvus"}), NameRule::of("", "Service"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with(r#"metadata.name: Invalid value: "1milvus": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character"#),
            "{found:?}"
        );
        assert!(errors(json!({"name": "1milvus"}), NameRule::of("", "Secret")).is_empty());
    }

    #[test]
    fn an_ingress_name_is_a_dns_subdomain_and_a_namespace_a_label() {
        let found = errors(
            json!({"name": "My_Ingress", "namespace": "a.b"}),
            NameRule::of("networking.k8s.io", "Ingress"),
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with(
            r#"metadata.name: Invalid value: "My_Ingress": a lowercase RFC 1123 subdomain"#
        ));
        assert_eq!(
            found[1],
            r#"metadata.namespace: Invalid value: "a.b": must not contain dots"#
        );
    }

    #[test]
    fn a_name_is_required() {
        assert_eq!(
            errors(json!({}), NameRule::Dns1123Subdomain),
            ["metadata.name: Required value: name or generateName is required"]
        );
    }

    #[test]
    fn label_keys_and_values() {
        let found = errors(
            json!({"name": "x", "labels": {"app/": "ok", "tier": "front end"}}),
            NameRule::Unchecked,
        );
        // An empty name part also fails the pattern: two messages, as upstream.
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].starts_with(
                r#"metadata.labels: Invalid value: "app/": name part must be non-empty"#
            ),
            "{found:?}"
        );
        assert!(
            found[1]
                .starts_with(r#"metadata.labels: Invalid value: "app/": name part must consist"#),
            "{found:?}"
        );
        assert!(found[2].starts_with(r#"metadata.labels: Invalid value: "front end": a valid label must be an empty string"#), "{found:?}");
    }

    #[test]
    fn annotation_keys_ignore_case_but_not_form() {
        assert!(errors(
            json!({"name": "x", "annotations": {"Example.com/Key": "v"}}),
            NameRule::Unchecked
        )
        .is_empty());
        let found = errors(
            json!({"name": "x", "annotations": {"example.com/a/b": "v"}}),
            NameRule::Unchecked,
        );
        assert!(
            found[0].starts_with(
                r#"metadata.annotations: Invalid value: "example.com/a/b": a valid label key"#
            ),
            "{found:?}"
        );
    }

    #[test]
    fn annotations_total_at_most_256_kib() {
        let half = "x".repeat(ANNOTATIONS_MAX_BYTES / 2);
        let at_limit = json!({"name": "x", "annotations": {"a": half[1..], "b": half[1..]}});
        assert!(errors(at_limit, NameRule::Unchecked).is_empty());
        let over = json!({"name": "x", "annotations": {"a": half, "b": half}});
        assert_eq!(
            errors(over, NameRule::Unchecked),
            ["metadata.annotations: Too long: may not be more than 262144 bytes"]
        );
    }
}
