//! The kinds milvus-l7 knows, as typed (group, kind) pairs, so that no stage
//! spells `"ManagedCertificate"` or `"networking.gke.io"` itself and a typo is
//! a compile error rather than a silently skipped check.

use super::resource::ResId;
use serde_json::Value;
use std::fmt;

/// An API group and a kind: what names a kind whatever version serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKind {
    /// API group; empty for the core group.
    pub group: &'static str,
    /// Kind, e.g. `Ingress`.
    pub kind: &'static str,
}

impl GroupKind {
    /// A (group, kind) pair; `""` is the core group.
    pub const fn new(group: &'static str, kind: &'static str) -> Self {
        GroupKind { group, kind }
    }

    /// Whether `value`'s `apiVersion` and `kind` are this kind.
    pub fn is(&self, value: &Value) -> bool {
        let api_version = value
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("");
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        group == self.group && value.get("kind").and_then(Value::as_str) == Some(self.kind)
    }

    /// Whether an object identity is of this kind (exact group).
    pub fn is_id(&self, id: &ResId) -> bool {
        id.group == self.group && id.kind == self.kind
    }
}

impl fmt::Display for GroupKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.group.is_empty() {
            f.write_str(self.kind)
        } else {
            write!(f, "{}.{}", self.kind, self.group)
        }
    }
}

/// `v1` Service.
pub const SERVICE: GroupKind = GroupKind::new("", "Service");
/// `v1` Secret.
pub const SECRET: GroupKind = GroupKind::new("", "Secret");
/// `v1` Namespace.
pub const NAMESPACE: GroupKind = GroupKind::new("", "Namespace");
/// `v1` ConfigMap.
pub const CONFIG_MAP: GroupKind = GroupKind::new("", "ConfigMap");
/// `networking.k8s.io/v1` Ingress.
pub const INGRESS: GroupKind = GroupKind::new("networking.k8s.io", "Ingress");
/// The same Ingress objects, served by the old `extensions` group.
pub const EXTENSIONS_INGRESS: GroupKind = GroupKind::new("extensions", "Ingress");
/// GKE's `cloud.google.com/v1` BackendConfig.
pub const BACKEND_CONFIG: GroupKind = GroupKind::new("cloud.google.com", "BackendConfig");
/// GKE's `networking.gke.io/v1` ManagedCertificate.
pub const MANAGED_CERTIFICATE: GroupKind =
    GroupKind::new("networking.gke.io", "ManagedCertificate");
/// GKE's `networking.gke.io/v1beta1` FrontendConfig.
pub const FRONTEND_CONFIG: GroupKind = GroupKind::new("networking.gke.io", "FrontendConfig");
/// GKE Gateway's HealthCheckPolicy.
pub const HEALTH_CHECK_POLICY: GroupKind = GroupKind::new("networking.gke.io", "HealthCheckPolicy");
/// GKE Gateway's GCPBackendPolicy.
pub const GCP_BACKEND_POLICY: GroupKind = GroupKind::new("networking.gke.io", "GCPBackendPolicy");
/// GKE Gateway's GCPGatewayPolicy.
pub const GCP_GATEWAY_POLICY: GroupKind = GroupKind::new("networking.gke.io", "GCPGatewayPolicy");
/// Gateway API Gateway.
pub const GATEWAY: GroupKind = GroupKind::new("gateway.networking.k8s.io", "Gateway");
/// Gateway API HTTPRoute.
pub const HTTP_ROUTE: GroupKind = GroupKind::new("gateway.networking.k8s.io", "HTTPRoute");

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_kind_is_matched_by_group_not_version() {
        let ingress = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress"});
        assert!(INGRESS.is(&ingress));
        assert!(!EXTENSIONS_INGRESS.is(&ingress));
        assert!(SERVICE.is(&json!({"apiVersion": "v1", "kind": "Service"})));
        assert!(!SERVICE.is(&json!({"apiVersion": "apps/v1", "kind": "Service"})));
    }

    #[test]
    fn display_is_kind_dot_group_as_kubectl_writes_it() {
        assert_eq!(
            MANAGED_CERTIFICATE.to_string(),
            "ManagedCertificate.networking.gke.io"
        );
        assert_eq!(SECRET.to_string(), "Secret");
    }
}
