//! Cross-reference lints: rules that span objects, which no schema can
//! express, each one a way the guide's setup fails silently on GKE (an
//! Ingress ignored, a health check on the wrong port, a certificate stuck in
//! Provisioning, a Gateway without a certificate). The facts behind them
//! come from ingress-gce, gke-managed-certs and the gateway-api CRDs; each
//! rule names its source.
//!
//! They work on any set of objects, rendered or a user's own, plus the
//! Milvus Service as the lints can see it ([`ServiceView`]): the chart makes
//! that Service from Helm values, so it is often not among the objects.
//! One file per family: [`ingress`] (Ingress, its Service annotations and
//! ManagedCertificates), [`gateway`] (Gateway API and the GKE policies),
//! [`health_check`] (BackendConfig and HealthCheckPolicy probes),
//! [`refusals`] (combinations GKE's controllers refuse).

mod draining;
mod gateway;
mod health_check;
pub mod helm_values;
mod index;
mod ingress;
mod ranges;
pub mod refusals;
mod regional;

pub use index::Objects;
use index::Services;

use crate::k8s::annotations;
use crate::k8s::chart_service::ChartService;
use crate::k8s::kind::{
    self, GroupKind, GATEWAY, GCP_BACKEND_POLICY, GCP_GATEWAY_POLICY, HEALTH_CHECK_POLICY,
    HTTP_ROUTE, INGRESS, MANAGED_CERTIFICATE, SERVICE,
};
use crate::k8s::resource::{ResId, Resource};
use crate::load::live::id_only;
use crate::problem::{About, Problem, Subject};
use serde_json::{Map, Value};

/// The lints of one object alone, which need no other object: GKE's
/// numeric ranges (problems), and what a user should know but that does not
/// make the object invalid (warnings: an Ingress without a certificate, a
/// timeout over a day, a draining time longer than the pods live). `validate`
/// runs them as it reads each object, before cutting the object down to
/// [`related_part`].
pub fn alone(object: &Resource) -> (Vec<Problem>, Vec<String>) {
    let mut warnings: Vec<String> = ingress::warnings(object).into_iter().collect();
    warnings.extend(ranges::warnings(object));
    warnings.extend(draining::warnings(object));
    (ranges::out_of_range(object), warnings)
}

/// The kinds the lints across objects read whole, through [`Objects`]
/// (which indexes only these): of any other object `validate` holds only
/// its identity, and of a Service only what [`ServiceView`] and the Helm
/// values lint read ([`related_part`]). A lint that reads another kind
/// must add it here; [`Objects`] asserts it in debug builds.
pub const READS: &[GroupKind] = &[
    INGRESS,
    kind::EXTENSIONS_INGRESS,
    MANAGED_CERTIFICATE,
    kind::FRONTEND_CONFIG,
    kind::BACKEND_CONFIG,
    GATEWAY,
    HTTP_ROUTE,
    HEALTH_CHECK_POLICY,
    GCP_BACKEND_POLICY,
    GCP_GATEWAY_POLICY,
    kind::SECRET,
];

/// Whether `id`'s kind is one the lints across objects read whole ([`READS`]).
pub fn reads(id: &ResId) -> bool {
    READS.iter().any(|kind| kind.is_id(id))
}

/// What the lints across objects read of `object`: the whole of a kind in
/// [`READS`]; of a Service, its name, namespace, annotations and each
/// port's name, number and `appProtocol`; of anything else, its identity.
pub fn related_part(object: Resource) -> Value {
    if reads(&object.id) {
        return object.value;
    }
    if SERVICE.is_id(&object.id) {
        return service_part(object.value);
    }
    id_only(&object.value)
}

fn service_part(mut service: Value) -> Value {
    let Some(map) = service.as_object_mut() else {
        return service;
    };
    map.retain(|key, _| matches!(key.as_str(), "apiVersion" | "kind" | "metadata" | "spec"));
    if let Some(metadata) = map.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.retain(|key, _| matches!(key.as_str(), "name" | "namespace" | "annotations"));
    }
    if let Some(spec) = map.get_mut("spec").and_then(Value::as_object_mut) {
        spec.retain(|key, _| key == "ports");
        let ports = spec.get_mut("ports").and_then(Value::as_array_mut);
        for port in ports.into_iter().flatten().filter_map(Value::as_object_mut) {
            port.retain(|key, _| matches!(key.as_str(), "name" | "port" | "appProtocol"));
        }
    }
    service
}

/// The protocols GKE load balancers speak to pods (Ingress
/// `app-protocols` values, Gateway `appProtocol`).
const BACKEND_PROTOCOLS: &[&str] = &["HTTP", "HTTPS", "HTTP2"];

/// What the Milvus-specific rules expect, from the parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expectations {
    /// Milvus' gRPC port on the Service: never a good health-check port.
    pub service_port: u16,
    /// The port of Milvus' `/healthz` (its metrics port, 9091).
    pub health_check_port: u16,
}

/// A Service as the lints see it: a Service object, or the one the Helm
/// chart will make from the values.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceView {
    /// What problems with it are about: its object, the Service the Helm
    /// values make, or a Service known by name.
    pub subject: Subject,
    pub namespace: String,
    pub name: String,
    pub ports: Vec<ServicePort>,
    /// None when only the name and port are known (a Service given by name
    /// only); then the rules about its annotations and `appProtocol` are
    /// skipped for it.
    pub annotations: Option<Map<String, Value>>,
}

/// One port of a [`ServiceView`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePort {
    pub name: String,
    pub number: u16,
    /// `spec.ports[].appProtocol`, which GKE's Gateway reads.
    pub app_protocol: Option<String>,
}

impl ServiceView {
    /// A Service object among the objects.
    pub fn of_object(resource: &Resource) -> Option<ServiceView> {
        if !SERVICE.is_id(&resource.id) {
            return None;
        }
        let ports = array(resource.value.pointer("/spec/ports"))
            .iter()
            .filter_map(|p| {
                let text = |key: &str| p.get(key).and_then(Value::as_str).map(String::from);
                Some(ServicePort {
                    name: text("name").unwrap_or_default(),
                    number: u16::try_from(p.get("port")?.as_u64()?).ok()?,
                    app_protocol: text("appProtocol"),
                })
            })
            .collect();
        Some(ServiceView {
            subject: Subject::object(&resource.id),
            namespace: resource.id.namespace.clone(),
            name: resource.id.name.clone(),
            ports,
            annotations: Some(annotations::of(&resource.value).clone()),
        })
    }

    /// The Service the milvus/milvus chart makes from `values`
    /// ([`ChartService`]). The chart cannot set `appProtocol`.
    pub fn of_helm_values(values: &Value, release: &str, namespace: &str) -> ServiceView {
        let chart = ChartService::from_values(values, release, namespace);
        ServiceView {
            subject: Subject::about(About::ChartService {
                namespace: chart.namespace.clone(),
                name: chart.name.clone(),
            }),
            namespace: chart.namespace,
            name: chart.name,
            ports: vec![ServicePort {
                name: chart.port_name,
                number: chart.port,
                app_protocol: None,
            }],
            annotations: Some(chart.annotations),
        }
    }

    /// A Service known by name and one port only (the Milvus Service when
    /// neither its object nor the Helm values are at hand).
    pub fn by_name(namespace: &str, name: &str, port_name: &str, port: u16) -> ServiceView {
        ServiceView {
            subject: Subject::about(About::ServiceByName {
                namespace: namespace.to_string(),
                name: name.to_string(),
            }),
            namespace: namespace.to_string(),
            name: name.to_string(),
            ports: vec![ServicePort {
                name: port_name.to_string(),
                number: port,
                app_protocol: None,
            }],
            annotations: None,
        }
    }

    /// `19530 (milvus), 9091 (metrics)`, for messages.
    fn port_list(&self) -> String {
        self.ports
            .iter()
            .map(|p| format!("{} ({})", p.number, p.name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every lint over `resources`. `services` are Services the objects may
/// refer to besides their own Service objects (the chart's). The tests'
/// short form of [`all_indexed`].
#[cfg(test)]
pub fn all(
    resources: &[Resource],
    services: &[ServiceView],
    expect: &Expectations,
) -> Vec<Problem> {
    // As `validate` runs them: each object alone, whole; across objects,
    // only the part of each that `validate` holds. A lint that reads more
    // than `related_part` keeps fails its own tests here.
    let mut problems: Vec<Problem> = resources.iter().flat_map(|r| alone(r).0).collect();
    let held: Vec<Resource> = resources
        .iter()
        .map(|r| Resource {
            id: r.id.clone(),
            value: related_part(r.clone()),
        })
        .collect();
    problems.extend(all_indexed(&Objects::new(&held), &held, services, expect));
    problems
}

/// The lints across objects ([`all`] without those of each object alone),
/// with the index of `resources` already built (validation builds it once
/// for the lints and the TLS Secret look-ups); `services` are Services
/// known besides the Service objects, which replace any of their name.
pub fn all_indexed(
    objects: &Objects<'_>,
    resources: &[Resource],
    services: &[ServiceView],
    expect: &Expectations,
) -> Vec<Problem> {
    let services = &Services::new(resources, services);
    let mut problems = Vec::new();
    for ingress in objects.of_kind(INGRESS) {
        problems.extend(ingress::ingress(ingress, services, objects));
        problems.extend(regional::ingress(ingress));
        problems.extend(refusals::ingress(ingress, services, objects));
    }
    for certificate in objects.of_kind(MANAGED_CERTIFICATE) {
        problems.extend(ingress::managed_certificate(certificate, objects));
    }
    for gateway in objects.of_kind(GATEWAY) {
        problems.extend(gateway::certificate(gateway));
        problems.extend(refusals::gateway(gateway));
    }
    for route in objects.of_kind(HTTP_ROUTE) {
        problems.extend(gateway::http_route(route, services, objects));
        problems.extend(gateway::redirect_without_backends(route));
    }
    for config in objects.of_kind(kind::BACKEND_CONFIG) {
        problems.extend(health_check::backend_config(config, expect));
    }
    for policy in objects.of_kind(HEALTH_CHECK_POLICY) {
        problems.extend(health_check::health_check_policy(policy, expect));
        problems.extend(gateway::policy_target(policy, services));
    }
    for policy in objects.of_kind(GCP_BACKEND_POLICY) {
        problems.extend(gateway::policy_target(policy, services));
    }
    for policy in objects.of_kind(GCP_GATEWAY_POLICY) {
        problems.extend(gateway::gateway_policy_target(policy, objects));
    }
    problems
}

fn array(value: Option<&Value>) -> &[Value] {
    value
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const EXPECT: Expectations = Expectations {
        service_port: 19530,
        health_check_port: 9091,
    };

    /// The guide's Google-managed variant, as rendered by default.
    fn good() -> (Vec<Resource>, Vec<ServiceView>) {
        let objects = [
            json!({"apiVersion": "cloud.google.com/v1", "kind": "BackendConfig",
                "metadata": {"name": "my-release-backendconfig", "namespace": "default"},
                "spec": {"healthCheck": {"port": 9091, "requestPath": "/healthz", "type": "HTTP"}}}),
            json!({"apiVersion": "networking.gke.io/v1", "kind": "ManagedCertificate",
                "metadata": {"name": "my-release-milvus-tls", "namespace": "default"},
                "spec": {"domains": ["my-release.milvus.io"]}}),
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                "metadata": {"name": "my-release-milvus", "namespace": "default",
                    "annotations": {"networking.gke.io/managed-certificates": "my-release-milvus-tls"}},
                "spec": {"rules": [{"host": "my-release.milvus.io", "http": {"paths": [
                    {"path": "/", "pathType": "Prefix", "backend": {"service": {
                        "name": "my-release-milvus", "port": {"number": 19530}}}}]}}]}}),
        ];
        let values = json!({"service": {"type": "ClusterIP", "annotations": {
            "cloud.google.com/app-protocols": "{\"milvus\":\"HTTP2\"}",
            "cloud.google.com/backend-config": "{\"default\":\"my-release-backendconfig\"}",
            "cloud.google.com/neg": "{\"ingress\":true}"}}});
        (
            objects
                .into_iter()
                .map(|v| Resource::new(v).unwrap())
                .collect(),
            vec![ServiceView::of_helm_values(
                &values,
                "my-release",
                "default",
            )],
        )
    }

    fn lint(resources: &[Resource], services: &[ServiceView]) -> Vec<String> {
        all(resources, services, &EXPECT)
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    /// Lints a copy of the good set after `change` modified one object.
    fn with(kind: &str, change: impl FnOnce(&mut Value)) -> Vec<String> {
        let (mut resources, services) = good();
        let r = resources.iter_mut().find(|r| r.id.kind == kind).unwrap();
        change(&mut r.value);
        *r = Resource::new(r.value.clone()).unwrap();
        lint(&resources, &services)
    }

    fn with_service(change: impl FnOnce(&mut ServiceView)) -> Vec<String> {
        let (resources, mut services) = good();
        change(&mut services[0]);
        lint(&resources, &services)
    }

    fn set_annotation(service: &mut ServiceView, key: &str, value: &str) {
        service
            .annotations
            .as_mut()
            .unwrap()
            .insert(key.into(), json!(value));
    }

    fn assert_one(problems: Vec<String>, expected: &str) {
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].contains(expected), "{problems:#?}");
    }

    #[test]
    fn the_guide_setup_is_clean() {
        let (resources, services) = good();
        assert_eq!(lint(&resources, &services), Vec::<String>::new());
    }

    #[test]
    fn backend_must_name_the_milvus_service_and_port() {
        assert_one(
            with("Ingress", |v| {
                v["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] =
                    json!("milvus")
            }),
            "names Service `milvus`, which is not the Milvus Service (known: `my-release-milvus`)",
        );
        assert_one(
            with("Ingress", |v| {
                v["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"] =
                    json!({"number": 9091})
            }),
            "uses port 9091 of Service `my-release-milvus`, which has port 19530 (milvus)",
        );
    }

    #[test]
    fn backend_config_annotation_must_name_a_rendered_backend_config() {
        assert_one(
            with_service(|s| {
                set_annotation(
                    s,
                    "cloud.google.com/backend-config",
                    "{\"default\":\"other\"}",
                )
            }),
            "names BackendConfig `other`, which is not among the objects",
        );
        assert_one(
            with_service(|s| {
                s.annotations
                    .as_mut()
                    .unwrap()
                    .remove("cloud.google.com/backend-config");
            }),
            "no cloud.google.com/backend-config annotation",
        );
    }

    #[test]
    fn app_protocols_must_be_keyed_by_the_port_name() {
        assert_one(
            with_service(|s| {
                set_annotation(s, "cloud.google.com/app-protocols", "{\"grpc\":\"HTTP2\"}")
            }),
            "keyed by `grpc`, which is not a port name",
        );
        assert_one(
            with_service(|s| {
                set_annotation(s, "cloud.google.com/app-protocols", "{\"milvus\":\"GRPC\"}")
            }),
            "only HTTP, HTTPS and HTTP2",
        );
    }

    #[test]
    fn the_legacy_app_protocols_key_is_read_first() {
        // ingress-gce pkg/annotations/service.go ApplicationProtocols():
        // the alpha key first, cloud.google.com/app-protocols only without it.
        assert_one(
            with_service(|s| {
                set_annotation(
                    s,
                    "service.alpha.kubernetes.io/app-protocols",
                    "{\"grpc\":\"HTTP2\"}",
                )
            }),
            "the service.alpha.kubernetes.io/app-protocols annotation is keyed by `grpc`, which is not a port name",
        );
    }

    #[test]
    fn managed_certificates_annotation_must_name_rendered_certificates() {
        let problems = with("Ingress", |v| {
            v["metadata"]["annotations"]["networking.gke.io/managed-certificates"] =
                json!("my-release-milvus-tls, missing-cert")
        });
        assert_one(problems, "names ManagedCertificate `missing-cert`");
    }

    #[test]
    fn certificate_domains_must_cover_every_host() {
        let problems = with("Ingress", |v| {
            v["spec"]["rules"][0]["host"] = json!("other.milvus.io")
        });
        assert_one(
            problems,
            "host `other.milvus.io` is not among the certificate domains (my-release.milvus.io)",
        );
    }

    fn warnings(resources: &[Resource]) -> Vec<String> {
        resources.iter().flat_map(|r| alone(r).1).collect()
    }

    #[test]
    fn ingress_without_certificate_is_a_warning() {
        let (mut resources, _) = good();
        assert!(warnings(&resources).is_empty());
        let ingress = resources
            .iter_mut()
            .find(|r| r.id.kind == "Ingress")
            .unwrap();
        ingress.value["metadata"]["annotations"] = json!({});
        let found = warnings(&resources);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("port 443 is not served"), "{found:?}");
        // The ManagedCertificate is then attached to nothing: a problem.
        assert!(
            with("Ingress", |v| v["metadata"]["annotations"] = json!({}))
                .iter()
                .any(|p| p.contains("it stays Provisioning"))
        );
    }

    #[test]
    fn managed_certificate_domain_rules() {
        for (domain, expected) in [
            ("*.milvus.io", "wildcard"),
            ("My-Release.milvus.io", "uppercase"),
            (&*format!("{}.milvus.io", "a".repeat(60)), "at most 63"),
        ] {
            let problems = with("ManagedCertificate", |v| {
                v["spec"]["domains"] = json!(["my-release.milvus.io", domain])
            });
            assert_one(problems, expected);
        }
        let many: Vec<String> = (0..101).map(|i| format!("d{i}.milvus.io")).collect();
        let problems = with("ManagedCertificate", |v| {
            v["spec"]["domains"] = json!(many);
            v["spec"]["domains"][0] = json!("my-release.milvus.io");
        });
        assert_one(problems, "at most 100");
    }

    #[test]
    fn health_check_must_use_the_metrics_port() {
        assert_one(
            with("BackendConfig", |v| {
                v["spec"]["healthCheck"]["port"] = json!(19530)
            }),
            "the gRPC serving port",
        );
        assert_one(
            with("BackendConfig", |v| {
                v["spec"]["healthCheck"]["port"] = json!(8080)
            }),
            "not Milvus' health port 9091",
        );
        assert_one(
            with("BackendConfig", |v| v["spec"] = json!({})),
            "spec.healthCheck.port is not set",
        );
    }

    #[test]
    fn ingress_class_name_alone_makes_gke_ignore_the_ingress() {
        assert_one(
            with("Ingress", |v| v["spec"]["ingressClassName"] = json!("gce")),
            "GKE ignores this Ingress",
        );
        assert_one(
            with("Ingress", |v| {
                v["metadata"]["annotations"]["kubernetes.io/ingress.class"] = json!("nginx")
            }),
            "not a GKE class",
        );
        // With the annotation set, ingressClassName is ignored by GKE: fine.
        assert!(with("Ingress", |v| {
            v["metadata"]["annotations"]["kubernetes.io/ingress.class"] = json!("gce");
            v["spec"]["ingressClassName"] = json!("gce");
        })
        .is_empty());
    }

    #[test]
    fn misplaced_and_misnamed_annotations() {
        assert_one(
            with("Ingress", |v| {
                v["metadata"]["annotations"]["cloud.google.com/backend-config"] =
                    json!("{\"default\":\"my-release-backendconfig\"}")
            }),
            "on the Ingress, where GKE does not read it",
        );
        assert_one(
            with("Ingress", |v| {
                v["metadata"]["annotations"]["networking.gke.io/v1.FrontendConfig"] = json!("f")
            }),
            "does not read the annotation networking.gke.io/v1.FrontendConfig",
        );
    }

    #[test]
    fn health_check_policy_port_is_checked() {
        let policy = Resource::new(
            json!({"apiVersion": "networking.gke.io/v1", "kind": "HealthCheckPolicy",
            "metadata": {"name": "p", "namespace": "default"},
            "spec": {"default": {"config": {"type": "HTTP", "httpHealthCheck": {"port": 19530}}},
                "targetRef": {"group": "", "kind": "Service", "name": "x"}}}),
        )
        .unwrap();
        let target = ServiceView::by_name("default", "x", "milvus", 19530);
        assert_one(
            lint(&[policy], &[target]),
            "spec.default.config.httpHealthCheck.port is 19530, the gRPC serving port",
        );
    }
}
