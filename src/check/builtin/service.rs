//! A Service's ports as the API server checks them on create
//! (kubernetes/kubernetes `pkg/apis/core/validation/validation.go`,
//! `ValidateService` and `validateServicePort`): at least one port (unless
//! headless or ExternalName); with more than one, each named; names DNS-1123
//! labels and unique; numbers 1–65535; protocol TCP, UDP or SCTP (TCP when
//! unset, the default applied before validation); `targetPort` a number or
//! a port name; `appProtocol` a qualified name; no two ports with the same
//! protocol and number; the selector made of labels.

use super::field_error::{index, BadValue, FieldError};
use super::format;
use super::object_meta;
use serde_json::Value;
use std::collections::HashSet;

const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];

/// The refusals of the Service `object`'s spec.
pub fn check(object: &Value) -> Vec<FieldError> {
    let spec = object.get("spec").unwrap_or(&Value::Null);
    let ports = spec
        .get("ports")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut errors = Vec::new();
    if ports.is_empty() && !headless(spec) && text(spec, "type") != "ExternalName" {
        errors.push(FieldError::required("spec.ports", ""));
    }
    let mut names = HashSet::new();
    for (at, port) in ports.iter().enumerate() {
        let path = index("spec.ports", at);
        errors.extend(port_errors(port, &path, ports.len() > 1, &mut names));
    }
    if let Some(selector) = spec.get("selector") {
        errors.extend(object_meta::labels(Some(selector), "spec.selector"));
    }
    errors.extend(duplicate_ports(ports));
    errors
}

fn headless(spec: &Value) -> bool {
    text(spec, "clusterIP") == "None"
}

fn text<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `validateServicePort`.
fn port_errors<'v>(
    port: &'v Value,
    path: &str,
    require_name: bool,
    names: &mut HashSet<&'v str>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let name = text(port, "name");
    let name_path = format!("{path}.name");
    if name.is_empty() {
        if require_name {
            errors.push(FieldError::required(&name_path, ""));
        }
    } else {
        errors.extend(FieldError::invalid_each(
            &name_path,
            name,
            format::dns1123_label(name),
        ));
        if !names.insert(name) {
            errors.push(FieldError::duplicate(
                &name_path,
                BadValue::Text(name.to_string()),
            ));
        }
    }
    let number = port.get("port").and_then(Value::as_i64).unwrap_or(0);
    errors.extend(
        format::port_number(number)
            .into_iter()
            .map(|m| FieldError::invalid(&format!("{path}.port"), BadValue::Number(number), m)),
    );
    let protocol = protocol(port);
    if !PROTOCOLS.contains(&protocol) {
        errors.push(FieldError::not_supported(
            &format!("{path}.protocol"),
            protocol,
            PROTOCOLS,
        ));
    }
    errors.extend(target_port_errors(
        port.get("targetPort"),
        &format!("{path}.targetPort"),
    ));
    if let Some(app_protocol) = port.get("appProtocol").and_then(Value::as_str) {
        errors.extend(FieldError::invalid_each(
            &format!("{path}.appProtocol"),
            app_protocol,
            format::label_key(app_protocol),
        ));
    }
    errors
}

/// `protocol`, TCP when unset (`SetDefaults_ServicePort`).
fn protocol(port: &Value) -> &str {
    match text(port, "protocol") {
        "" => "TCP",
        given => given,
    }
}

/// `ValidatePortNumOrName`; an unset `targetPort` defaults to `port`.
fn target_port_errors(target: Option<&Value>, path: &str) -> Vec<FieldError> {
    match target {
        Some(Value::Number(number)) => {
            let number = number.as_i64().unwrap_or(0);
            format::port_number(number)
                .into_iter()
                .map(|m| FieldError::invalid(path, BadValue::Number(number), m))
                .collect()
        }
        Some(Value::String(name)) => FieldError::invalid_each(path, name, format::port_name(name)),
        _ => Vec::new(),
    }
}

/// "Check for duplicate Ports, considering (protocol,port) pairs": the
/// server shows the offending key as the internal `core.ServicePort` it
/// builds from the pair, marshalled to JSON.
fn duplicate_ports(ports: &[Value]) -> Vec<FieldError> {
    let mut seen = HashSet::new();
    let mut errors = Vec::new();
    for (at, port) in ports.iter().enumerate() {
        let number = port.get("port").and_then(Value::as_i64).unwrap_or(0);
        let protocol = protocol(port);
        if !seen.insert((protocol, number)) {
            let key = format!(
                r#"{{"Name":"","Protocol":{},"AppProtocol":null,"Port":{number},"TargetPort":0,"NodePort":0}}"#,
                Value::from(protocol)
            );
            errors.push(FieldError::duplicate(
                &index("spec.ports", at),
                BadValue::Json(key),
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(spec: Value) -> Vec<String> {
        check(&json!({"spec": spec}))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_chart_service_passes() {
        assert!(errors(json!({"type": "ClusterIP", "selector": {"app.kubernetes.io/name": "milvus"},
            "ports": [{"name": "milvus", "port": 19530, "targetPort": "milvus", "protocol": "TCP"},
                      {"name": "metrics", "port": 9091, "targetPort": 9091, "appProtocol": "HTTP2"}]}))
        .is_empty());
    }

    #[test]
    fn ports_are_required_unless_headless() {
        assert_eq!(errors(json!({"ports": []})), ["spec.ports: Required value"]);
        assert!(errors(json!({"clusterIP": "None"})).is_empty());
    }

    #[test]
    fn several_ports_need_unique_dns_label_names() {
        assert_eq!(
            errors(json!({"ports": [{"port": 1}, {"name": "b", "port": 2}]})),
            ["spec.ports[0].name: Required value"]
        );
        assert_eq!(
            errors(json!({"ports": [{"name": "a", "port": 1}, {"name": "a", "port": 2}]})),
            [r#"spec.ports[1].name: Duplicate value: "a""#]
        );
        let found = errors(json!({"ports": [{"name": "Grpc", "port": 1}]}));
        assert!(
            found[0].starts_with(
                r#"spec.ports[0].name: Invalid value: "Grpc": a lowercase RFC 1123 label"#
            ),
            "{found:?}"
        );
    }

    #[test]
    fn protocol_and_port_pairs_are_unique() {
        assert_eq!(
            errors(
                json!({"ports": [{"name": "a", "port": 80}, {"name": "b", "port": 80, "protocol": "TCP"}]})
            ),
            [
                r#"spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}"#
            ]
        );
        assert!(errors(json!({"ports": [{"name": "a", "port": 53}, {"name": "b", "port": 53, "protocol": "UDP"}]})).is_empty());
    }

    #[test]
    fn app_protocols_are_qualified_names_and_selectors_labels() {
        let found = errors(json!({"selector": {"app": "milvus db"},
            "ports": [{"port": 1, "appProtocol": "kubernetes.io/h2c/x"}]}));
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with(r#"spec.ports[0].appProtocol: Invalid value: "kubernetes.io/h2c/x": a valid label key"#), "{found:?}");
        assert!(
            found[1]
                .starts_with(r#"spec.selector: Invalid value: "milvus db": a valid label must be"#),
            "{found:?}"
        );
        assert!(
            errors(json!({"ports": [{"port": 1, "appProtocol": "kubernetes.io/h2c"}]})).is_empty()
        );
    }

    #[test]
    fn numbers_protocols_and_target_ports() {
        assert_eq!(
            errors(json!({"ports": [{"port": 0, "protocol": "HTTP", "targetPort": "9091"}]})),
            [
                "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                r#"spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP""#,
                r#"spec.ports[0].targetPort: Invalid value: "9091": must contain at least one letter (a-z)"#,
            ]
        );
    }
}
