//! The annotation keys GKE, its controllers and kubectl read or write,
//! one definition each, so that the lints, diff's normalization, status
//! and the diagram cannot drift apart on a spelling.
//!
//! Sources: ingress-gce `pkg/annotations/{ingress,service}.go` (keys users
//! set and keys the controller writes), gke-managed-certs (the
//! `managed-certificates` annotation), and GKE's Gateway documentation
//! (<https://cloud.google.com/kubernetes-engine/docs/how-to/secure-gateway>).

use serde_json::{Map, Value};

// --- on the Milvus Service (the chart writes them from service.annotations) ---

/// `{"default": "<BackendConfig>"}` or `{"ports": {...}}`: the health check.
pub const BACKEND_CONFIG: &str = "cloud.google.com/backend-config";
/// The pre-GA key; GKE reads it when the GA key is absent.
pub const BACKEND_CONFIG_BETA: &str = "beta.cloud.google.com/backend-config";
/// `{"<port name>": "HTTP2"}`: the protocol from the load balancer to the pods.
pub const APP_PROTOCOLS: &str = "cloud.google.com/app-protocols";
/// The legacy key of the same. ingress-gce reads it *first*, and the new
/// key only when it is absent (`pkg/annotations/service.go`).
pub const APP_PROTOCOLS_LEGACY: &str = "service.alpha.kubernetes.io/app-protocols";
/// `{"ingress": true}`: container-native load balancing. GKE adds it by
/// itself on VPC-native clusters.
pub const NEG: &str = "cloud.google.com/neg";
/// Written by the NEG controller: the NEGs made for the Service.
pub const NEG_STATUS: &str = "cloud.google.com/neg-status";

// --- on an Ingress ---

pub const INGRESS_CLASS: &str = "kubernetes.io/ingress.class";
/// Ingress classes of regional load balancers (ingress-gce
/// `pkg/annotations/ingress.go`: `GceL7ILBIngressClass`,
/// `GceL7XLBRegionalIngressClass`); `gce` (or no class) is the global one.
pub const REGIONAL_INGRESS_CLASSES: &[&str] = &[INTERNAL_INGRESS_CLASS, "gce-regional-external"];
/// The internal Application Load Balancer's Ingress class (what the
/// `internal` overlay sets).
pub const INTERNAL_INGRESS_CLASS: &str = "gce-internal";
/// The internal Application Load Balancer's GatewayClass (what the
/// `internal` overlay sets on a Gateway).
pub const INTERNAL_GATEWAY_CLASS: &str = "gke-l7-rilb";
/// A reserved global address (`GlobalStaticIPNameKey`).
pub const GLOBAL_STATIC_IP: &str = "kubernetes.io/ingress.global-static-ip-name";
/// A reserved regional address, for regional classes (`RegionalStaticIPNameKey`).
pub const REGIONAL_STATIC_IP: &str = "kubernetes.io/ingress.regional-static-ip-name";
/// Comma-separated ManagedCertificate names of the Ingress' namespace.
pub const MANAGED_CERTIFICATES: &str = "networking.gke.io/managed-certificates";
/// Compute SslCertificate names; the managed-certs controller also writes
/// its own `mcrt-…` names here.
pub const PRE_SHARED_CERT: &str = "ingress.gcp.kubernetes.io/pre-shared-cert";
/// The FrontendConfig of an Ingress, under the only key GKE reads.
pub const FRONTEND_CONFIG: &str = "networking.gke.io/v1beta1.FrontendConfig";
/// A natural-looking key GKE does not read.
pub const FRONTEND_CONFIG_UNREAD: &str = "networking.gke.io/v1.FrontendConfig";
/// Prefix of everything ingress-gce writes on an Ingress (backends,
/// url-map, forwarding rules, target proxies, ssl-cert, static-ip).
pub const INGRESS_GCE_PREFIX: &str = "ingress.kubernetes.io/";
/// ingress-gce: `{"<backend service>": "HEALTHY" | "UNHEALTHY" | "Unknown"}`.
pub const INGRESS_BACKENDS: &str = "ingress.kubernetes.io/backends";
/// ingress-gce: the forwarding rule of port 443, once HTTPS is served.
pub const INGRESS_HTTPS_FORWARDING_RULE: &str = "ingress.kubernetes.io/https-forwarding-rule";

// --- on a Gateway ---

/// A Certificate Manager map: the Gateway's certificates. Set by users;
/// GKE forbids combining it with `tls.certificateRefs`.
pub const CERTMAP: &str = "networking.gke.io/certmap";
/// An HTTPS listener's `tls.options` key naming Compute SSL certificates
/// that exist in the project (GKE's "Secure a Gateway" guide).
pub const PRE_SHARED_CERTS_OPTION: &str = "networking.gke.io/pre-shared-certs";
/// An HTTPS listener's `tls.options` key naming regional Certificate
/// Manager certificates: how the regional classes take Certificate Manager
/// certificates, which cannot come in a map there.
pub const CERT_MANAGER_CERTS_OPTION: &str = "networking.gke.io/cert-manager-certs";
/// What GKE's Gateway controller writes on a Gateway: the Compute
/// resources it made and when it last reconciled (seen on live Gateways; see `testdata/live/`).
/// Under the same `networking.gke.io/` prefix as the user's `certmap`,
/// so they are listed one by one.
pub const GATEWAY_CONTROLLER: &[&str] = &[
    "networking.gke.io/addresses",
    "networking.gke.io/backend-services",
    "networking.gke.io/firewalls",
    "networking.gke.io/forwarding-rules",
    "networking.gke.io/health-checks",
    "networking.gke.io/last-reconcile-time",
    "networking.gke.io/ssl-certificates",
    "networking.gke.io/target-proxies",
    "networking.gke.io/target-http-proxies",
    "networking.gke.io/target-https-proxies",
    "networking.gke.io/url-maps",
];

// --- on any object ---

/// Client-side `kubectl apply` bookkeeping; it may also hold a Secret's data.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// An object's annotations; empty when it has none.
pub fn of(object: &Value) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    object
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

/// One annotation of an object, when it is set to a string.
pub fn annotation<'v>(object: &'v Value, key: &str) -> Option<&'v str> {
    of(object).get(key).and_then(Value::as_str)
}

/// A Gateway listener's `tls.options` value under `key`
/// ([`PRE_SHARED_CERTS_OPTION`], [`CERT_MANAGER_CERTS_OPTION`]).
pub fn listener_option<'v>(listener: &'v Value, key: &str) -> Option<&'v str> {
    listener.pointer("/tls/options")?.get(key)?.as_str()
}
