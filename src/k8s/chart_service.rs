//! The Service the milvus/milvus chart makes from our Helm values.
//!
//! milvus-l7 does not render the Service: the chart does, from
//! `fullnameOverride`, `service.type`, `service.annotations`,
//! `service.port` and `service.portName`. Lints check references to it,
//! the diagram draws it, and diff compares the live one with it — the
//! Service is where the most common real failure shows (a missing
//! `cloud.google.com/backend-config` or `app-protocols` annotation, or a
//! Service still of type LoadBalancer). [`ChartService::from_values`] is
//! the one place that knows how the chart reads its values.

use crate::k8s::names;
use crate::k8s::resource::Resource;
use serde_json::{json, Map, Value};

/// What the chart writes when the values leave a setting out (chart `values.yaml`).
pub const CHART_DEFAULT_TYPE: &str = "ClusterIP";
pub const CHART_DEFAULT_PORT: u16 = 19530;
pub const CHART_DEFAULT_PORT_NAME: &str = "milvus";

/// The Service as the chart makes it, limited to what the values decide.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartService {
    pub namespace: String,
    /// `fullnameOverride`, or the chart's fullname rule applied to the release.
    pub name: String,
    pub service_type: String,
    pub port: u16,
    pub port_name: String,
    pub annotations: Map<String, Value>,
}

impl ChartService {
    /// The Service `values` make for `release` in `namespace`.
    pub fn from_values(values: &Value, release: &str, namespace: &str) -> ChartService {
        let service = values.get("service").unwrap_or(&Value::Null);
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(String::from);
        ChartService {
            namespace: namespace.to_string(),
            name: text(values.get("fullnameOverride"))
                .unwrap_or_else(|| names::chart_fullname(release)),
            service_type: text(service.get("type"))
                .unwrap_or_else(|| CHART_DEFAULT_TYPE.to_string()),
            port: service
                .get("port")
                .and_then(Value::as_u64)
                .and_then(|p| u16::try_from(p).ok())
                .unwrap_or(CHART_DEFAULT_PORT),
            port_name: text(service.get("portName"))
                .unwrap_or_else(|| CHART_DEFAULT_PORT_NAME.to_string()),
            annotations: service
                .get("annotations")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// As a Service object: name, namespace, type, annotations and the
    /// Milvus port, nothing the chart decides by itself.
    pub fn to_resource(&self) -> Resource {
        let mut metadata = json!({"name": self.name, "namespace": self.namespace});
        if !self.annotations.is_empty() {
            metadata["annotations"] = Value::Object(self.annotations.clone());
        }
        let value = json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": metadata,
            "spec": {
                "type": self.service_type,
                "ports": [{"name": self.port_name, "port": self.port}],
            },
        });
        Resource::new(value).expect("has apiVersion, kind and metadata.name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_defaults_fill_what_the_values_leave_out() {
        let service = ChartService::from_values(&json!({}), "my-release", "default");
        assert_eq!(service.name, "my-release-milvus");
        assert_eq!(service.service_type, "ClusterIP");
        assert_eq!(
            (service.port, service.port_name.as_str()),
            (19530, "milvus")
        );
        assert!(service.annotations.is_empty());
    }

    #[test]
    fn values_decide_name_port_and_annotations() {
        let values = json!({"fullnameOverride": "search-proxy", "service": {
            "type": "LoadBalancer", "port": 19531, "portName": "grpc",
            "annotations": {"cloud.google.com/neg": "{\"ingress\":true}"}}});
        let service = ChartService::from_values(&values, "search", "search");
        assert_eq!(service.name, "search-proxy");
        assert_eq!(service.service_type, "LoadBalancer");
        assert_eq!((service.port, service.port_name.as_str()), (19531, "grpc"));
        let resource = service.to_resource();
        assert_eq!(
            resource.id.to_string(),
            "core/v1/Service/search/search-proxy"
        );
        assert_eq!(
            resource.value["spec"]["ports"],
            json!([{"name": "grpc", "port": 19531}])
        );
        assert_eq!(
            resource.value["metadata"]["annotations"]["cloud.google.com/neg"],
            "{\"ingress\":true}"
        );
    }
}
