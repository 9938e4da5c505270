//! What the L7 objects rely on in the chart's output, checked wherever the
//! chart is rendered (`render --chart`, and Helm's own rendering through
//! `post-render`): the milvus Service of this release and namespace, of
//! the type, with the port and the annotations the values ask for, and
//! Milvus' config with the `tlsMode` the load balancer speaks.

use crate::error::{Error, Result};
use crate::k8s::resource::Resource;
use crate::render::Rendered;
use crate::yaml;
use serde_json::{json, Value};

/// Checks `objects` (the chart's, namespaces filled in) against `l7`'s
/// Helm values; `fix` says how to give the chart those values.
pub fn check(objects: &[Resource], l7: &Rendered, fix: &str) -> Result<()> {
    let expected = l7.chart_service();
    let subject = format!("chart Service {}/{}", expected.namespace, expected.name);
    let fail = |message: String| Error::Invalid {
        subject: subject.clone(),
        message,
        hint: format!("the Ingress/HTTPRoute needs this Service as the values describe it; {fix}"),
    };
    let find = |kind: &str| {
        objects.iter().find(|r| {
            r.id.group.is_empty()
                && r.id.kind == kind
                && r.id.name == expected.name
                && r.id.namespace == expected.namespace
        })
    };
    let service = find("Service").ok_or_else(|| fail(missing_service(objects, &expected.name)))?;
    let spec = &service.value["spec"];
    let service_type = spec["type"].as_str().unwrap_or("ClusterIP");
    if service_type != expected.service_type {
        return Err(fail(format!(
            "type {service_type}, expected {}",
            expected.service_type
        )));
    }
    let has_port = spec["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|p| p["name"] == json!(expected.port_name) && p["port"] == json!(expected.port));
    if !has_port {
        return Err(fail(format!(
            "no port {} named `{}`",
            expected.port, expected.port_name
        )));
    }
    for (key, value) in &expected.annotations {
        if service.value["metadata"]["annotations"].get(key) != Some(value) {
            return Err(fail(format!("annotation {key} is not {value}")));
        }
    }
    if let Some(wanted) = tls_mode(&l7.helm_values["extraConfigFiles"]["user.yaml"]) {
        let config = find("ConfigMap").map(|c| &c.value["data"]["user.yaml"]);
        let found = config.and_then(tls_mode);
        if found.as_ref() != Some(&wanted) {
            let found = found.map_or("not set".to_string(), |v| v.to_string());
            return Err(fail(format!(
                "Milvus' config (ConfigMap {}, user.yaml) has common.security.tlsMode {found}, \
                 expected {wanted}",
                expected.name
            )));
        }
    }
    Ok(())
}

/// Why the Service is missing: in another namespace (the release's `-n`
/// and milvus-l7's differ), or not made at all.
fn missing_service(objects: &[Resource], name: &str) -> String {
    let elsewhere = objects
        .iter()
        .find(|r| r.id.group.is_empty() && r.id.kind == "Service" && r.id.name == name);
    match elsewhere {
        Some(other) => format!(
            "the chart made it in namespace {}: the release's namespace and milvus-l7's \
             (--namespace) must be the same",
            other.id.namespace
        ),
        None => "the chart made no such Service (another release name or chart?)".into(),
    }
}

/// `common.security.tlsMode` of a Milvus `user.yaml` text, as text (`1`
/// and `"1"` are the same to Milvus).
fn tls_mode(user_yaml: &Value) -> Option<String> {
    let text = user_yaml.as_str()?;
    let docs = yaml::parse_stream(text, "user.yaml", yaml::Limits::default()).ok()?;
    match docs.first()?.pointer("/common/security/tlsMode")? {
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}
