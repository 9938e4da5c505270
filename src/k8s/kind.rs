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

/// What milvus-l7 knows and does about one kind: the one table that check,
/// diff, projection, graph and status read, so that adding a kind is one
/// row here and not four parallel lists that drift apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindInfo {
    /// The kind.
    pub kind: GroupKind,
    /// The `apiVersion` we render (or, for a kind we only read, the one
    /// served first).
    pub api_version: &'static str,
    /// The schema files in `schemas/`, one per served version we check;
    /// empty for a kind we only read (its metadata and references are
    /// still checked).
    pub schemas: &'static [Schema],
    /// Whether some variant of the render makes it, so that `diff` keeps
    /// live objects of this kind and can call one extra.
    pub rendered: bool,
    /// Fields (JSON pointers) that one variant sets and another leaves
    /// out: `diff` compares them even where the desired object has none,
    /// so that switching variants shows what the old one left behind.
    pub owned_paths: &'static [&'static str],
    /// Whether `status` weighs its readiness (and how: see [`Assessed`]).
    pub assessed: Option<Assessed>,
}

/// The schema of one served version of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schema {
    /// The `apiVersion` it describes.
    pub api_version: &'static str,
    /// Its file in `schemas/`.
    pub file: &'static str,
}

/// How `status` judges a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assessed {
    /// A load balancer front end: ready when it has an address.
    Address,
    /// A certificate: ready when Google says Active.
    Certificate,
    /// A route: ready when its parents accept it.
    Route,
}

/// What the Ingress variants own (see [`KindInfo::owned_paths`]).
const INGRESS_OWNED: &[&str] = &[
    "/metadata/annotations/networking.gke.io~1managed-certificates",
    "/metadata/annotations/ingress.gcp.kubernetes.io~1pre-shared-cert",
    "/metadata/annotations/kubernetes.io~1ingress.class",
    "/spec/tls",
];

/// What the Service variants own (see [`KindInfo::owned_paths`]).
const SERVICE_OWNED: &[&str] = &[
    "/metadata/annotations/cloud.google.com~1app-protocols",
    "/metadata/annotations/cloud.google.com~1backend-config",
    "/metadata/annotations/cloud.google.com~1neg",
];

/// A kind we render at `schemas[0]`'s version, with those schemas and
/// nothing else special.
const fn rendered(kind: GroupKind, schemas: &'static [Schema]) -> KindInfo {
    KindInfo {
        kind,
        api_version: schemas[0].api_version,
        schemas,
        rendered: true,
        owned_paths: &[],
        assessed: None,
    }
}

/// Every kind milvus-l7 renders, checks or assesses.
pub const KINDS: &[KindInfo] = &[
    KindInfo {
        owned_paths: SERVICE_OWNED,
        ..rendered(
            SERVICE,
            &[Schema {
                api_version: "v1",
                file: "core_service_v1.json",
            }],
        )
    },
    rendered(
        SECRET,
        &[Schema {
            api_version: "v1",
            file: "core_secret_v1.json",
        }],
    ),
    KindInfo {
        owned_paths: INGRESS_OWNED,
        assessed: Some(Assessed::Address),
        ..rendered(
            INGRESS,
            &[Schema {
                api_version: "networking.k8s.io/v1",
                file: "networking.k8s.io_ingress_v1.json",
            }],
        )
    },
    KindInfo {
        kind: EXTENSIONS_INGRESS,
        api_version: "extensions/v1beta1",
        schemas: &[],
        rendered: true,
        owned_paths: INGRESS_OWNED,
        assessed: None,
    },
    rendered(
        BACKEND_CONFIG,
        &[Schema {
            api_version: "cloud.google.com/v1",
            file: "cloud.google.com_backendconfig_v1.json",
        }],
    ),
    KindInfo {
        assessed: Some(Assessed::Certificate),
        ..rendered(
            MANAGED_CERTIFICATE,
            &[Schema {
                api_version: "networking.gke.io/v1",
                file: "networking.gke.io_managedcertificate_v1.json",
            }],
        )
    },
    rendered(
        FRONTEND_CONFIG,
        &[Schema {
            api_version: "networking.gke.io/v1beta1",
            file: "networking.gke.io_frontendconfig_v1beta1.json",
        }],
    ),
    rendered(
        HEALTH_CHECK_POLICY,
        &[Schema {
            api_version: "networking.gke.io/v1",
            file: "networking.gke.io_healthcheckpolicy_v1.json",
        }],
    ),
    rendered(
        GCP_BACKEND_POLICY,
        &[Schema {
            api_version: "networking.gke.io/v1",
            file: "networking.gke.io_gcpbackendpolicy_v1.json",
        }],
    ),
    rendered(
        GCP_GATEWAY_POLICY,
        &[Schema {
            api_version: "networking.gke.io/v1",
            file: "networking.gke.io_gcpgatewaypolicy_v1.json",
        }],
    ),
    KindInfo {
        assessed: Some(Assessed::Address),
        ..rendered(
            GATEWAY,
            &[Schema {
                api_version: "gateway.networking.k8s.io/v1",
                file: "gateway.networking.k8s.io_gateway_v1.json",
            }],
        )
    },
    KindInfo {
        assessed: Some(Assessed::Route),
        ..rendered(
            HTTP_ROUTE,
            &[Schema {
                api_version: "gateway.networking.k8s.io/v1",
                file: "gateway.networking.k8s.io_httproute_v1.json",
            }],
        )
    },
];

/// The row of the kind `group`/`kind`, if we know it.
pub fn info(group: &str, kind: &str) -> Option<&'static KindInfo> {
    KINDS
        .iter()
        .find(|k| k.kind.group == group && k.kind.kind == kind)
}

/// The row of an object's kind (by its `apiVersion` and `kind`).
pub fn info_of(value: &Value) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.kind.is(value))
}

/// The kind of an object identity, if it is one in [`KINDS`]: what to
/// `match` on (`Some(INGRESS | EXTENSIONS_INGRESS) => …`).
pub fn of_id(id: &ResId) -> Option<GroupKind> {
    info_of_id(id).map(|row| row.kind)
}

/// The row of an object identity's kind.
pub fn info_of_id(id: &ResId) -> Option<&'static KindInfo> {
    info(&id.group, &id.kind)
}

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
    fn each_kind_has_one_row_and_its_version_is_of_its_group() {
        for (i, row) in KINDS.iter().enumerate() {
            assert!(
                KINDS[i + 1..].iter().all(|other| other.kind != row.kind),
                "{} twice",
                row.kind
            );
            let versions = row.schemas.iter().map(|s| s.api_version);
            for api_version in std::iter::once(row.api_version).chain(versions) {
                let object = serde_json::json!({"apiVersion": api_version, "kind": row.kind.kind});
                assert_eq!(info_of(&object), Some(row), "{} {api_version}", row.kind);
            }
        }
        assert_eq!(info("", "Pod"), None);
        assert!(info_of_id(&ResId {
            group: "extensions".into(),
            version: "v1beta1".into(),
            kind: "Ingress".into(),
            namespace: "n".into(),
            name: "i".into(),
        })
        .is_some_and(|row| row.rendered && row.schemas.is_empty()));
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
