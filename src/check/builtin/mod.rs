//! The API server's built-in validation of the kinds this tool emits: the
//! rules its Go code applies after decoding, which no OpenAPI schema or CRD
//! states (label and annotation formats, Ingress path rules, unique Service
//! ports, a TLS Secret's keys, …). Run on an object only when its schema
//! check passed, as the server validates only what it could decode; each
//! refusal is worded as `kubectl apply` prints it ([`field_error`]).
//!
//! One file per kind: [`object_meta`] (every object), [`ingress`],
//! [`service`], [`secret`]; [`format`] holds the shared string formats.
//! Sources: kubernetes/kubernetes `pkg/apis/core/validation/validation.go`
//! and `pkg/apis/networking/validation/validation.go`; kubernetes/apimachinery
//! v0.36.3 `pkg/api/validation/objectmeta.go`, `pkg/util/validation/`,
//! `pkg/api/validate/content/`.

mod field_error;
mod format;
mod ingress;
mod object_meta;
mod secret;
mod service;

use crate::k8s::resource::Resource;
use crate::problem::Problem;
use field_error::FieldError;
use object_meta::NameRule;

/// The refusals of `resource`, each a [`Problem`] with a hint.
pub fn problems(resource: &Resource) -> Vec<Problem> {
    let id = &resource.id;
    let mut errors = object_meta::check(&resource.value, NameRule::of(&id.group, &id.kind));
    let (spec_errors, source) = match (id.group.as_str(), id.kind.as_str()) {
        ("networking.k8s.io", "Ingress") => (
            ingress::check(&resource.value),
            "pkg/apis/networking/validation/validation.go",
        ),
        ("", "Service") => (
            service::check(&resource.value),
            "pkg/apis/core/validation/validation.go",
        ),
        ("", "Secret") => (
            secret::check(&resource.value),
            "pkg/apis/core/validation/validation.go",
        ),
        _ => (Vec::new(), "pkg/api/validation/objectmeta.go"),
    };
    errors.extend(spec_errors);
    let subject = id.to_string();
    errors
        .iter()
        .map(|error| Problem::new(&subject, error.to_string(), hint(error, source)))
        .collect()
}

/// What to do, and where the rule comes from.
fn hint(error: &FieldError, source: &str) -> String {
    let from = if error.path.starts_with("metadata") {
        "apimachinery pkg/api/validation/objectmeta.go"
    } else {
        source
    };
    if error.path == "metadata.name" {
        return format!("the API server refuses this name ({from}); rename the object (a rendered name comes from --release, serviceName or the overlay's name parameters)");
    }
    format!("the API server refuses this object with this message ({from}); change the field as the message says")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn problems_name_the_object_the_field_and_the_source() {
        let service = Resource::new(json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "milvus", "namespace": "default"},
            "spec": {"ports": [{"name": "a", "port": 1}, {"name": "a", "port": 2}]}}))
        .unwrap();
        let found = problems(&service);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].subject, service.id.to_string());
        assert_eq!(
            found[0].message,
            r#"spec.ports[1].name: Duplicate value: "a""#
        );
        assert!(found[0]
            .hint
            .contains("pkg/apis/core/validation/validation.go"));
    }

    #[test]
    fn other_kinds_get_the_metadata_checks_only() {
        let role = Resource::new(json!({"apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole", "metadata": {"name": "system:controller:x",
            "labels": {"bad key": "v"}}}))
        .unwrap();
        let found = problems(&role);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0]
            .message
            .starts_with(r#"metadata.labels: Invalid value: "bad key""#));
        assert!(found[0].hint.contains("objectmeta.go"));
    }
}
