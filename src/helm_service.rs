//! The Service the milvus/milvus chart makes from our Helm values.
//!
//! milvus-l7 does not render the Service: the chart does, from
//! `service.type`, `service.annotations`, `service.port` and
//! `service.portName`. The Service is where the most common real failure
//! shows (a missing `cloud.google.com/backend-config` or `app-protocols`
//! annotation, or a Service still of type LoadBalancer), so diff builds the
//! Service our values imply and compares it with the live one.

use crate::render::Rendered;
use crate::resource::Resource;
use serde_json::{json, Map, Value};

/// What the chart writes when `service.type` is not set.
const CHART_DEFAULT_TYPE: &str = "ClusterIP";

/// The Service as our Helm values make it, limited to what the values
/// decide: name, namespace, type, annotations and the Milvus port.
pub fn expected(rendered: &Rendered) -> Resource {
    let params = &rendered.params;
    let service = rendered.helm_values.get("service");
    let service_type = service
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str)
        .unwrap_or(CHART_DEFAULT_TYPE);
    let annotations = service
        .and_then(|s| s.get("annotations"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_else(Map::new);
    let mut metadata = json!({"name": params.service_name, "namespace": params.namespace});
    if !annotations.is_empty() {
        metadata["annotations"] = Value::Object(annotations);
    }
    let value = json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata,
        "spec": {
            "type": service_type,
            "ports": [{"name": params.service_port_name, "port": params.service_port}],
        },
    });
    Resource::new(value).expect("has apiVersion, kind and metadata.name")
}

/// The command that makes the live Service match: what every hint about
/// the Service ends with.
pub fn upgrade_command(rendered: &Rendered) -> String {
    format!(
        "helm upgrade --install {} milvus/milvus -n {} -f out/helm/values.yaml (written by `milvus-l7 render -o out/`)",
        rendered.params.release, rendered.params.namespace
    )
}
