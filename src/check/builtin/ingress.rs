//! An Ingress as the API server checks it on create
//! (kubernetes/kubernetes `pkg/apis/networking/validation/validation.go`,
//! `ValidateIngressCreate` and `ValidateIngressSpec`): a rule or a default
//! backend; hosts DNS names, not IP addresses (`*.` only as the whole first
//! label); paths by `pathType` (Exact and Prefix absolute, without `//`,
//! `/./`, `/../`, `%2f`, `%2F`, nor a `/.` or `/..` end;
//! ImplementationSpecific absolute when given); backends a Service named by
//! a DNS-1035 label (the `RelaxedServiceNameValidation` gate, off by
//! default, would allow DNS-1123 labels) with a port name or a number, not
//! both; TLS hosts and `secretName`; the class annotation equal to
//! `ingressClassName` when both are set.

use super::field_error::{index, BadValue, FieldError};
use super::format;
use crate::k8s::annotations::{annotation, INGRESS_CLASS};
use serde_json::Value;

const PATH_TYPES: &[&str] = &["Exact", "ImplementationSpecific", "Prefix"];
const INVALID_PATH_SEQUENCES: &[&str] = &["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES: &[&str] = &["/..", "/."];

/// The refusals of the Ingress `object`'s spec and class annotation.
pub fn check(object: &Value) -> Vec<FieldError> {
    let spec = object.get("spec").unwrap_or(&Value::Null);
    let rules = items(spec.get("rules"));
    let mut errors = Vec::new();
    let default_backend = spec.get("defaultBackend");
    if rules.is_empty() && default_backend.is_none() {
        errors.push(FieldError::invalid(
            "spec",
            BadValue::Json("null".into()),
            "either `defaultBackend` or `rules` must be specified",
        ));
    }
    if let Some(backend) = default_backend {
        errors.extend(backend_errors(backend, "spec.defaultBackend"));
    }
    for (at, rule) in rules.iter().enumerate() {
        errors.extend(rule_errors(rule, &index("spec.rules", at)));
    }
    for (at, tls) in items(spec.get("tls")).iter().enumerate() {
        errors.extend(tls_errors(tls, &index("spec.tls", at)));
    }
    if let Some(class) = spec.get("ingressClassName").and_then(Value::as_str) {
        errors.extend(FieldError::invalid_each(
            "spec.ingressClassName",
            class,
            format::dns1123_subdomain(class),
        ));
        if let Some(annotated) = annotation(object, INGRESS_CLASS).filter(|a| *a != class) {
            errors.push(FieldError::invalid(
                &format!("annotations.{INGRESS_CLASS}"),
                BadValue::Text(annotated.to_string()),
                "must match `ingressClassName` when both are specified",
            ));
        }
    }
    errors
}

/// `validateIngressRules`: the host, then the paths.
fn rule_errors(rule: &Value, path: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let host = rule.get("host").and_then(Value::as_str).unwrap_or("");
    if !host.is_empty() {
        errors.extend(host_errors(host, &format!("{path}.host"), true));
    }
    if let Some(http) = rule.get("http") {
        let paths = items(http.get("paths"));
        if paths.is_empty() {
            errors.push(FieldError::required(&format!("{path}.http.paths"), ""));
        }
        for (at, entry) in paths.iter().enumerate() {
            errors.extend(path_errors(
                entry,
                &index(&format!("{path}.http.paths"), at),
            ));
        }
    }
    errors
}

/// A rule's host (not an IP address) or a TLS host (not checked for one):
/// a wildcard subdomain when it holds a `*`, a DNS subdomain otherwise.
fn host_errors(host: &str, path: &str, refuse_ip: bool) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if refuse_ip && format::is_ip_sloppy(host) {
        errors.push(FieldError::invalid(
            path,
            BadValue::Text(host.to_string()),
            "must be a DNS name, not an IP address",
        ));
    }
    let messages = if host.contains('*') {
        format::wildcard_dns1123_subdomain(host)
    } else {
        format::dns1123_subdomain(host)
    };
    errors.extend(FieldError::invalid_each(path, host, messages));
    errors
}

/// `validateHTTPIngressPath`.
fn path_errors(entry: &Value, path: &str) -> Vec<FieldError> {
    let Some(path_type) = entry.get("pathType").and_then(Value::as_str) else {
        return vec![FieldError::required(
            &format!("{path}.pathType"),
            "pathType must be specified",
        )];
    };
    let value = entry.get("path").and_then(Value::as_str).unwrap_or("");
    let field = format!("{path}.path");
    let invalid =
        |detail: String| FieldError::invalid(&field, BadValue::Text(value.to_string()), detail);
    let mut errors = Vec::new();
    match path_type {
        "Exact" | "Prefix" => {
            if !value.starts_with('/') {
                errors.push(invalid("must be an absolute path".into()));
            }
            for sequence in INVALID_PATH_SEQUENCES
                .iter()
                .filter(|s| value.contains(**s))
            {
                errors.push(invalid(format!("must not contain '{sequence}'")));
            }
            for suffix in INVALID_PATH_SUFFIXES
                .iter()
                .filter(|s| value.ends_with(**s))
            {
                errors.push(invalid(format!("cannot end with '{suffix}'")));
            }
        }
        "ImplementationSpecific" => {
            if !value.is_empty() && !value.starts_with('/') {
                errors.push(invalid("must be an absolute path".into()));
            }
        }
        other => errors.push(FieldError::not_supported(
            &format!("{path}.pathType"),
            other,
            PATH_TYPES,
        )),
    }
    if let Some(backend) = entry.get("backend") {
        errors.extend(backend_errors(backend, &format!("{path}.backend")));
    }
    errors
}

/// `validateIngressBackend`: a Service or a resource, never both.
fn backend_errors(backend: &Value, path: &str) -> Vec<FieldError> {
    let empty = || BadValue::Text(String::new());
    match (backend.get("service"), backend.get("resource")) {
        (Some(_), Some(_)) => vec![FieldError::invalid(
            path,
            empty(),
            "cannot set both resource and service backends",
        )],
        (Some(service), None) => service_backend_errors(service, path),
        (None, Some(resource)) => ["kind", "name"]
            .iter()
            .filter(|key| {
                resource
                    .get(**key)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .is_empty()
            })
            .map(|key| FieldError::required(&format!("{path}.resource.{key}"), ""))
            .collect(),
        (None, None) => vec![FieldError::invalid(
            path,
            empty(),
            "resource or service backend is required",
        )],
    }
}

fn service_backend_errors(service: &Value, path: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let name = service.get("name").and_then(Value::as_str).unwrap_or("");
    let name_path = format!("{path}.service.name");
    if name.is_empty() {
        errors.push(FieldError::required(&name_path, ""));
    } else {
        errors.extend(FieldError::invalid_each(
            &name_path,
            name,
            format::dns1035_label(name),
        ));
    }
    let port = service.get("port").unwrap_or(&Value::Null);
    let port_name = port.get("name").and_then(Value::as_str).unwrap_or("");
    let port_number = port.get("number").and_then(Value::as_i64).unwrap_or(0);
    match (port_name.is_empty(), port_number == 0) {
        (false, false) => errors.push(FieldError::invalid(
            path,
            BadValue::Text(String::new()),
            "cannot set both port name & port number",
        )),
        (false, true) => errors.extend(FieldError::invalid_each(
            &format!("{path}.service.port.name"),
            port_name,
            format::port_name(port_name),
        )),
        (true, false) => errors.extend(format::port_number(port_number).into_iter().map(|m| {
            FieldError::invalid(
                &format!("{path}.service.port.number"),
                BadValue::Number(port_number),
                m,
            )
        })),
        (true, true) => errors.push(FieldError::required(
            path,
            "port name or number is required",
        )),
    }
    errors
}

/// `validateIngressTLS`: hosts (IP addresses are not refused here) and a
/// `secretName` that is a Secret's name when given.
fn tls_errors(tls: &Value, path: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (at, host) in items(tls.get("hosts")).iter().enumerate() {
        let host = host.as_str().unwrap_or("");
        errors.extend(host_errors(
            host,
            &index(&format!("{path}.hosts"), at),
            false,
        ));
    }
    let secret = tls.get("secretName").and_then(Value::as_str).unwrap_or("");
    if !secret.is_empty() {
        errors.extend(FieldError::invalid_each(
            &format!("{path}.secretName"),
            secret,
            format::dns1123_subdomain(secret),
        ));
    }
    errors
}

fn items(value: Option<&Value>) -> &[Value] {
    value.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// An Ingress with one rule whose first path is `path`.
    fn ingress_with(rule: Value) -> Vec<String> {
        let object = json!({"spec": {"rules": [rule]}});
        check(&object).iter().map(ToString::to_string).collect()
    }

    fn rule(host: &str, path: Value) -> Value {
        json!({"host": host, "http": {"paths": [path]}})
    }

    fn path(path_type: &str, path: &str) -> Value {
        json!({"path": path, "pathType": path_type,
            "backend": {"service": {"name": "milvus", "port": {"number": 19530}}}})
    }

    #[test]
    fn the_guide_ingress_passes() {
        assert!(ingress_with(rule("milvus.example.com", path("Prefix", "/"))).is_empty());
        assert!(ingress_with(rule("*.example.com", path("Exact", "/a"))).is_empty());
        assert!(ingress_with(rule("", path("ImplementationSpecific", ""))).is_empty());
        assert!(ingress_with(rule("a.b", path("ImplementationSpecific", "/*"))).is_empty());
    }

    #[test]
    fn a_spec_needs_rules_or_a_default_backend() {
        let found: Vec<String> = check(&json!({"spec": {}}))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            ["spec: Invalid value: null: either `defaultBackend` or `rules` must be specified"]
        );
    }

    #[test]
    fn a_host_is_a_dns_name_not_an_ip_address() {
        let found = ingress_with(rule("10.0.0.1", path("Prefix", "/")));
        assert_eq!(
            found,
            [
                r#"spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address"#
            ]
        );
        let found = ingress_with(rule("Milvus.example.com", path("Prefix", "/")));
        assert!(found[0].starts_with(r#"spec.rules[0].host: Invalid value: "Milvus.example.com": a lowercase RFC 1123 subdomain"#), "{found:?}");
        let found = ingress_with(rule("*.*.example.com", path("Prefix", "/")));
        assert!(
            found[0].contains("a wildcard DNS-1123 subdomain must start with '*.'"),
            "{found:?}"
        );
    }

    #[test]
    fn prefix_and_exact_paths_are_absolute_and_normalised() {
        assert_eq!(
            ingress_with(rule("", path("Prefix", "api"))),
            [r#"spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path"#]
        );
        for (bad, message) in [
            ("/a//b", "must not contain '//'"),
            ("/a/./b", "must not contain '/./'"),
            ("/a/../b", "must not contain '/../'"),
            ("/a%2fb", "must not contain '%2f'"),
            ("/a%2Fb", "must not contain '%2F'"),
            ("/a/..", "cannot end with '/..'"),
            ("/a/.", "cannot end with '/.'"),
        ] {
            let found = ingress_with(rule("", path("Exact", bad)));
            assert_eq!(found.len(), 1, "{bad}: {found:?}");
            assert!(found[0].ends_with(message), "{bad}: {found:?}");
        }
        // The same sequences are the implementation's business there.
        assert!(ingress_with(rule("", path("ImplementationSpecific", "/a//b"))).is_empty());
        assert_eq!(
            ingress_with(rule("", path("ImplementationSpecific", "a"))),
            [r#"spec.rules[0].http.paths[0].path: Invalid value: "a": must be an absolute path"#]
        );
    }

    #[test]
    fn a_path_type_is_required_and_known() {
        let mut untyped = path("Prefix", "/");
        untyped.as_object_mut().unwrap().remove("pathType");
        assert_eq!(
            ingress_with(rule("", untyped)),
            ["spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"]
        );
        assert_eq!(
            ingress_with(rule("", path("Regex", "/"))),
            [
                r#"spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix""#
            ]
        );
        assert_eq!(
            ingress_with(json!({"http": {"paths": []}})),
            ["spec.rules[0].http.paths: Required value"]
        );
    }

    #[test]
    fn a_backend_service_is_a_dns1035_label_with_a_port_name_or_number() {
        let with_backend = |service: Value| {
            ingress_with(rule(
                "",
                json!({"path": "/", "pathType": "Prefix", "backend": {"service": service}}),
            ))
        };
        let found = with_backend(json!({"name": "1milvus", "port": {"number": 1}}));
        assert!(found[0].starts_with(r#"spec.rules[0].http.paths[0].backend.service.name: Invalid value: "1milvus": a DNS-1035 label"#), "{found:?}");
        assert_eq!(
            with_backend(json!({"name": "m", "port": {"name": "grpc", "number": 1}})),
            [
                r#"spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & port number"#
            ]
        );
        assert_eq!(
            with_backend(json!({"name": "m", "port": {}})),
            ["spec.rules[0].http.paths[0].backend: Required value: port name or number is required"]
        );
        assert_eq!(
            with_backend(json!({"name": "m", "port": {"name": "g--rpc"}})),
            [
                r#"spec.rules[0].http.paths[0].backend.service.port.name: Invalid value: "g--rpc": must not contain consecutive hyphens"#
            ]
        );
        assert_eq!(
            with_backend(json!({"name": "m", "port": {"number": 70000}})),
            ["spec.rules[0].http.paths[0].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive"]
        );
    }

    #[test]
    fn a_backend_is_a_service_or_a_resource() {
        let with_backend = |backend: Value| {
            ingress_with(rule(
                "",
                json!({"path": "/", "pathType": "Prefix", "backend": backend}),
            ))
        };
        assert_eq!(
            with_backend(json!({})),
            [
                r#"spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required"#
            ]
        );
        assert_eq!(
            with_backend(json!({"service": {"name": "m", "port": {"number": 1}},
                "resource": {"kind": "Bucket", "name": "b"}})),
            [
                r#"spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends"#
            ]
        );
        assert_eq!(
            with_backend(json!({"resource": {"kind": "Bucket"}})),
            ["spec.rules[0].http.paths[0].backend.resource.name: Required value"]
        );
    }

    #[test]
    fn tls_hosts_and_secret_names() {
        let object = json!({"spec": {"defaultBackend": {"service": {"name": "m", "port": {"number": 1}}},
            "tls": [{"hosts": ["*.example.com", "Bad.example.com"], "secretName": "Bad"}]}});
        let found: Vec<String> = check(&object).iter().map(ToString::to_string).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with(r#"spec.tls[0].hosts[1]: Invalid value: "Bad.example.com""#));
        assert!(found[1].starts_with(r#"spec.tls[0].secretName: Invalid value: "Bad""#));
    }

    #[test]
    fn the_class_annotation_must_match_ingress_class_name() {
        let object = json!({"metadata": {"annotations": {INGRESS_CLASS: "gce"}},
            "spec": {"ingressClassName": "gce-internal",
                "defaultBackend": {"service": {"name": "m", "port": {"number": 1}}}}});
        let found: Vec<String> = check(&object).iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            [
                r#"annotations.kubernetes.io/ingress.class: Invalid value: "gce": must match `ingressClassName` when both are specified"#
            ]
        );
    }
}
