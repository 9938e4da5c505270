//! Cross-reference lints: rules that span objects, which no schema can
//! express, each one a way the guide's setup fails silently on GKE (an
//! Ingress ignored, a health check on the wrong port, a certificate stuck in
//! Provisioning). See research-gke.md §1 and §5 for the facts behind them.
//!
//! They work on any set of objects, rendered or a user's own, plus the
//! Milvus Service as the lints can see it ([`ServiceView`]): the chart makes
//! that Service from Helm values, so it is often not among the objects.

use crate::annotations::{
    self, annotation, APP_PROTOCOLS, APP_PROTOCOLS_LEGACY, BACKEND_CONFIG, BACKEND_CONFIG_BETA,
    FRONTEND_CONFIG, FRONTEND_CONFIG_UNREAD, INGRESS_CLASS, MANAGED_CERTIFICATES, PRE_SHARED_CERT,
};
use crate::cert_check::name_covers;
use crate::helm_service::ChartService;
use crate::names;
use crate::problem::Problem;
use crate::resource::Resource;
use serde_json::{Map, Value};

/// Service annotations GKE reads (GA key first; the GA key wins when both are set).
const BACKEND_CONFIG_KEYS: &[&str] = &[BACKEND_CONFIG, BACKEND_CONFIG_BETA];
const APP_PROTOCOLS_KEYS: &[&str] = &[APP_PROTOCOLS, APP_PROTOCOLS_LEGACY];
/// The backend protocols GKE load balancers speak to pods.
const BACKEND_PROTOCOLS: &[&str] = &["HTTP", "HTTPS", "HTTP2"];

const GKE_INGRESS_CLASSES: &[&str] = &["gce", "gce-internal", "gce-regional-external"];

/// ManagedCertificate limit (gke-managed-certs CRD, maxItems).
const MAX_MANAGED_DOMAINS: usize = 100;

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
    /// Named in messages: an object id or "the Service the Helm values make".
    pub subject: String,
    pub namespace: String,
    pub name: String,
    /// (port name, port number).
    pub ports: Vec<(String, u16)>,
    /// None when unknown (a Service given only by name); then the
    /// annotation rules are skipped for it.
    pub annotations: Option<Map<String, Value>>,
}

impl ServiceView {
    /// A Service object among the objects.
    pub fn of_object(resource: &Resource) -> Option<ServiceView> {
        if resource.id.kind != "Service" || !resource.id.group.is_empty() {
            return None;
        }
        let value = &resource.value;
        let ports = value
            .pointer("/spec/ports")
            .and_then(Value::as_array)
            .map(|ports| {
                ports
                    .iter()
                    .filter_map(|p| {
                        let number = u16::try_from(p.get("port")?.as_u64()?).ok()?;
                        let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
                        Some((name.to_string(), number))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(ServiceView {
            subject: resource.id.to_string(),
            namespace: resource.id.namespace.clone(),
            name: resource.id.name.clone(),
            ports,
            annotations: Some(annotations::of(value).clone()),
        })
    }

    /// The Service the milvus/milvus chart makes from `values`: its name by
    /// the chart's fullname rule (or `fullnameOverride`), port
    /// `service.port` (default 19530) named `service.portName` (default
    /// `milvus`), annotations `service.annotations`.
    pub fn of_helm_values(values: &Value, release: &str, namespace: &str) -> ServiceView {
        let chart = ChartService::from_values(values, release, namespace);
        ServiceView {
            subject: format!(
                "Service {}/{} (made by the Helm chart from the values)",
                chart.namespace, chart.name
            ),
            namespace: chart.namespace,
            name: chart.name,
            ports: vec![(chart.port_name, chart.port)],
            annotations: Some(chart.annotations),
        }
    }
}

/// Findings that do not make the objects invalid but that a user should
/// know: an Ingress without any certificate serves no HTTPS, so Milvus
/// clients (gRPC needs HTTP/2, which the load balancer offers only over
/// TLS) cannot connect through it.
pub fn warnings(resources: &[Resource]) -> Vec<String> {
    resources
        .iter()
        .filter(|r| r.id.kind == "Ingress" && !has_certificate(&r.value))
        .map(|r| format!(
            "{}: the Ingress has no certificate (no spec.tls, no managed-certificates or pre-shared-cert annotation): port 443 is not served and Milvus clients cannot connect; add --overlay google-managed or --overlay self-managed",
            r.id
        ))
        .collect()
}

fn has_certificate(ingress: &Value) -> bool {
    let named = |key: &str| annotation(ingress, key).is_some_and(|v| !v.trim().is_empty());
    named(MANAGED_CERTIFICATES)
        || named(PRE_SHARED_CERT)
        || !array(ingress.pointer("/spec/tls")).is_empty()
}

/// Every lint over `resources`. `services` are the Services the objects may
/// refer to (Service objects and the chart's).
pub fn all(
    resources: &[Resource],
    services: &[ServiceView],
    expect: &Expectations,
) -> Vec<Problem> {
    let objects = Objects { resources };
    let mut problems = Vec::new();
    for ingress in objects.of_kind("Ingress") {
        problems.extend(ingress_class(ingress));
        problems.extend(ingress_annotations(ingress, &objects));
        problems.extend(ingress_backends(ingress, services, &objects));
        problems.extend(ingress_certificates(ingress, &objects));
    }
    for certificate in objects.of_kind("ManagedCertificate") {
        problems.extend(managed_certificate(certificate, &objects));
    }
    for config in objects.of_kind("BackendConfig") {
        problems.extend(backend_config_health_check(config, expect));
    }
    for policy in objects.of_kind("HealthCheckPolicy") {
        problems.extend(health_check_policy(policy, expect));
    }
    problems
}

/// The objects, with look-ups by kind and name.
struct Objects<'a> {
    resources: &'a [Resource],
}

impl<'a> Objects<'a> {
    fn of_kind(&self, kind: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources.iter().filter(move |r| r.id.kind == kind)
    }

    fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<&'a Resource> {
        self.resources
            .iter()
            .find(|r| r.id.kind == kind && r.id.namespace == namespace && r.id.name == name)
    }
}

/// GKE acts on an Ingress only when `kubernetes.io/ingress.class` is unset,
/// empty or a GKE class; with the annotation unset and `ingressClassName`
/// set (by the user or a default IngressClass), it ignores the Ingress.
fn ingress_class(ingress: &Resource) -> Vec<Problem> {
    let class = annotation(&ingress.value, INGRESS_CLASS).unwrap_or_default();
    let class_name = ingress
        .value
        .pointer("/spec/ingressClassName")
        .and_then(Value::as_str);
    let subject = ingress.id.to_string();
    if class.is_empty() {
        if let Some(name) = class_name {
            return vec![Problem::new(
                subject,
                format!("spec.ingressClassName is `{name}` and the {INGRESS_CLASS} annotation is not set: GKE ignores this Ingress and no load balancer is made"),
                format!("remove spec.ingressClassName and set the annotation {INGRESS_CLASS}: gce (--set ingressClass=gce)"),
            )];
        }
    } else if !GKE_INGRESS_CLASSES.contains(&class) {
        return vec![Problem::new(
            subject,
            format!("{INGRESS_CLASS} is `{class}`, not a GKE class: no Google Cloud load balancer is made"),
            format!("use one of {}", GKE_INGRESS_CLASSES.join(", ")),
        )];
    }
    Vec::new()
}

/// Annotations that GKE reads from elsewhere or under another name, and the
/// FrontendConfig reference.
fn ingress_annotations(ingress: &Resource, objects: &Objects<'_>) -> Vec<Problem> {
    let subject = ingress.id.to_string();
    let mut problems = Vec::new();
    for key in BACKEND_CONFIG_KEYS {
        if annotation(&ingress.value, key).is_some() {
            problems.push(Problem::new(
                &subject,
                format!("the {key} annotation is on the Ingress, where GKE does not read it"),
                "put it on the Milvus Service (Helm values service.annotations)",
            ));
        }
    }
    if annotation(&ingress.value, FRONTEND_CONFIG_UNREAD).is_some() {
        problems.push(Problem::new(
            &subject,
            format!("GKE does not read the annotation {FRONTEND_CONFIG_UNREAD}"),
            format!("rename it to {FRONTEND_CONFIG}"),
        ));
    }
    if let Some(name) = annotation(&ingress.value, FRONTEND_CONFIG) {
        if objects
            .find("FrontendConfig", &ingress.id.namespace, name)
            .is_none()
        {
            problems.push(Problem::new(
                &subject,
                format!("{FRONTEND_CONFIG} names FrontendConfig `{name}`, which is not among the objects in namespace `{}`", ingress.id.namespace),
                "add the FrontendConfig, or fix the name",
            ));
        }
    }
    problems
}

/// A backend of an Ingress: where it is, the Service name and the port
/// (number or name). Reads both `networking.k8s.io/v1` and the legacy
/// `extensions/v1beta1` shape found in old live exports.
struct Backend {
    place: String,
    service: String,
    port: PortRef,
}

enum PortRef {
    Number(u64),
    Name(String),
    Missing,
}

fn backends(ingress: &Value) -> Vec<Backend> {
    let mut found = Vec::new();
    let mut add = |place: String, backend: &Value| {
        let (service, port) = match backend.get("service") {
            Some(service) => (service.get("name"), service.get("port")),
            None => (backend.get("serviceName"), backend.get("servicePort")),
        };
        let Some(service) = service.and_then(Value::as_str) else {
            return; // a `resource` backend
        };
        let port = match port {
            Some(Value::Object(p)) => match (p.get("number"), p.get("name")) {
                (Some(n), _) if n.is_u64() => PortRef::Number(n.as_u64().unwrap_or(0)),
                (_, Some(Value::String(name))) => PortRef::Name(name.clone()),
                _ => PortRef::Missing,
            },
            Some(Value::Number(n)) => PortRef::Number(n.as_u64().unwrap_or(0)),
            Some(Value::String(name)) => PortRef::Name(name.clone()),
            _ => PortRef::Missing,
        };
        found.push(Backend {
            place,
            service: service.to_string(),
            port,
        });
    };
    let spec = ingress.get("spec").unwrap_or(&Value::Null);
    for key in ["defaultBackend", "backend"] {
        if let Some(b) = spec.get(key) {
            add(format!("spec.{key}"), b);
        }
    }
    for (r, rule) in array(spec.get("rules")).iter().enumerate() {
        for (p, path) in array(rule.pointer("/http/paths")).iter().enumerate() {
            if let Some(b) = path.get("backend") {
                add(format!("spec.rules[{r}].http.paths[{p}].backend"), b);
            }
        }
    }
    found
}

fn array(value: Option<&Value>) -> &[Value] {
    value
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Each backend names a known Service and one of its ports; that Service
/// carries a backend-config annotation naming a BackendConfig that exists,
/// and an app-protocols annotation keyed by the port's name.
fn ingress_backends(
    ingress: &Resource,
    services: &[ServiceView],
    objects: &Objects<'_>,
) -> Vec<Problem> {
    let subject = ingress.id.to_string();
    let mut problems = Vec::new();
    for backend in backends(&ingress.value) {
        let Some(service) = services
            .iter()
            .find(|s| s.namespace == ingress.id.namespace && s.name == backend.service)
        else {
            let known: Vec<String> = services
                .iter()
                .filter(|s| s.namespace == ingress.id.namespace)
                .map(|s| format!("`{}`", s.name))
                .collect();
            let known = if known.is_empty() {
                "none is known".to_string()
            } else {
                format!("known: {}", known.join(", "))
            };
            problems.push(Problem::new(
                &subject,
                format!("{} names Service `{}`, which is not the Milvus Service ({known})", backend.place, backend.service),
                "point the backend at the Milvus Service, or set serviceName (or --release) to match it",
            ));
            continue;
        };
        let port = match &backend.port {
            PortRef::Number(n) => service.ports.iter().find(|(_, p)| u64::from(*p) == *n),
            PortRef::Name(name) => service.ports.iter().find(|(n, _)| n == name),
            PortRef::Missing => None,
        };
        let Some((port_name, _)) = port else {
            let ports: Vec<String> = service
                .ports
                .iter()
                .map(|(n, p)| format!("{p} ({n})"))
                .collect();
            let wanted = match &backend.port {
                PortRef::Number(n) => format!("port {n}"),
                PortRef::Name(n) => format!("port `{n}`"),
                PortRef::Missing => "no port".into(),
            };
            problems.push(Problem::new(
                &subject,
                format!(
                    "{} uses {wanted} of Service `{}`, which has port {}",
                    backend.place,
                    service.name,
                    ports.join(", ")
                ),
                "use the Milvus port (servicePort, 19530 by default)",
            ));
            continue;
        };
        if let Some(annotations) = &service.annotations {
            problems.extend(backend_config_annotation(service, annotations, objects));
            problems.extend(app_protocols_annotation(service, annotations, port_name));
        }
    }
    problems.dedup();
    problems
}

fn first_annotation<'m>(
    annotations: &'m Map<String, Value>,
    keys: &[&'static str],
) -> Option<(&'static str, &'m Value)> {
    keys.iter()
        .find_map(|k| annotations.get(*k).map(|v| (*k, v)))
}

/// `{"default": "bc"}` and/or `{"ports": {"milvus": "bc"}}`: every name must
/// be a BackendConfig in the Service's namespace.
fn backend_config_annotation(
    service: &ServiceView,
    annotations: &Map<String, Value>,
    objects: &Objects<'_>,
) -> Vec<Problem> {
    let Some((key, value)) = first_annotation(annotations, BACKEND_CONFIG_KEYS) else {
        return vec![Problem::new(
            &service.subject,
            "no cloud.google.com/backend-config annotation: the load balancer health-checks `/` on the serving port, which Milvus does not answer, so every backend is UNHEALTHY (HTTP 502)",
            "add service.annotations cloud.google.com/backend-config: '{\"default\": \"<BackendConfig>\"}' to the Helm values",
        )];
    };
    let parsed = value
        .as_str()
        .and_then(|text| serde_json::from_str::<Value>(text).ok());
    let mut names: Vec<&str> = Vec::new();
    if let Some(config) = &parsed {
        if let Some(name) = config.get("default").and_then(Value::as_str) {
            names.push(name);
        }
        if let Some(ports) = config.get("ports").and_then(Value::as_object) {
            names.extend(ports.values().filter_map(Value::as_str));
        }
    }
    if names.is_empty() {
        return vec![Problem::new(
            &service.subject,
            format!("the {key} annotation is not JSON like {{\"default\": \"<name>\"}}: {value}"),
            "write e.g. '{\"default\": \"my-release-backendconfig\"}'",
        )];
    }
    names
        .into_iter()
        .filter(|name| {
            objects
                .find("BackendConfig", &service.namespace, name)
                .is_none()
        })
        .map(|name| {
            Problem::new(
                &service.subject,
                format!("the {key} annotation names BackendConfig `{name}`, which is not among the objects in namespace `{}`", service.namespace),
                "render the BackendConfig with the same name (backendConfigName), or fix the annotation",
            )
        })
        .collect()
}

/// `{"<port name>": "HTTP2"}`: GKE looks the protocol up by the Service
/// port's *name*; an unknown key silently falls back to HTTP/1.1, which
/// gRPC cannot use.
fn app_protocols_annotation(
    service: &ServiceView,
    annotations: &Map<String, Value>,
    used_port: &str,
) -> Vec<Problem> {
    let Some((key, value)) = first_annotation(annotations, APP_PROTOCOLS_KEYS) else {
        return vec![Problem::new(
            &service.subject,
            "no cloud.google.com/app-protocols annotation: the load balancer speaks HTTP/1.1 to Milvus, and gRPC needs HTTP/2",
            format!("add service.annotations cloud.google.com/app-protocols: '{{\"{used_port}\": \"HTTP2\"}}' to the Helm values"),
        )];
    };
    let Some(protocols) = value
        .as_str()
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|v| v.as_object().cloned())
    else {
        return vec![Problem::new(
            &service.subject,
            format!("the {key} annotation is not a JSON object: {value}"),
            format!("write '{{\"{used_port}\": \"HTTP2\"}}'"),
        )];
    };
    let port_names: Vec<&str> = service.ports.iter().map(|(n, _)| n.as_str()).collect();
    let mut problems = Vec::new();
    for (port, protocol) in &protocols {
        if !port_names.contains(&port.as_str()) {
            problems.push(Problem::new(
                &service.subject,
                format!("the {key} annotation is keyed by `{port}`, which is not a port name of Service `{}` (ports: {}); GKE then silently uses HTTP/1.1", service.name, port_names.join(", ")),
                format!("key it by the port name: '{{\"{used_port}\": \"HTTP2\"}}'"),
            ));
        }
        if !protocol
            .as_str()
            .is_some_and(|p| BACKEND_PROTOCOLS.contains(&p))
        {
            problems.push(Problem::new(
                &service.subject,
                format!("the {key} annotation gives port `{port}` the protocol {protocol}; GKE accepts only HTTP, HTTPS and HTTP2"),
                "use HTTP2 for Milvus (gRPC over TLS)",
            ));
        }
    }
    if problems.is_empty() && !protocols.contains_key(used_port) {
        problems.push(Problem::new(
            &service.subject,
            format!("the {key} annotation has no entry for port `{used_port}`, the one the Ingress uses; GKE then uses HTTP/1.1"),
            format!("add \"{used_port}\": \"HTTP2\""),
        ));
    }
    problems
}

/// The Ingress serves HTTPS, its ManagedCertificates exist, and the
/// certificate domains include every rule host.
fn ingress_certificates(ingress: &Resource, objects: &Objects<'_>) -> Vec<Problem> {
    let subject = ingress.id.to_string();
    let mut problems = Vec::new();
    let mut domains: Vec<String> = Vec::new();
    let managed: Vec<&str> = annotation(&ingress.value, MANAGED_CERTIFICATES)
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .collect()
        })
        .unwrap_or_default();
    for name in &managed {
        match objects.find("ManagedCertificate", &ingress.id.namespace, name) {
            Some(certificate) => domains.extend(
                array(certificate.value.pointer("/spec/domains"))
                    .iter()
                    .filter_map(Value::as_str)
                    .map(String::from),
            ),
            None => problems.push(Problem::new(
                &subject,
                format!("{MANAGED_CERTIFICATES} names ManagedCertificate `{name}`, which is not among the objects in namespace `{}`", ingress.id.namespace),
                "the annotation takes ManagedCertificate names of the Ingress' namespace, comma-separated; fix the name or add the ManagedCertificate",
            )),
        }
    }
    let tls = array(ingress.value.pointer("/spec/tls"));
    for entry in tls {
        domains.extend(
            array(entry.get("hosts"))
                .iter()
                .filter_map(Value::as_str)
                .map(String::from),
        );
    }
    if domains.is_empty() {
        return problems; // the certificate's names are not known here
    }
    for host in rule_hosts(&ingress.value) {
        if !domains.iter().any(|d| name_covers(d, &host)) {
            problems.push(Problem::new(
                &subject,
                format!("host `{host}` is not among the certificate domains ({}); clients get a certificate for another name", domains.join(", ")),
                "add the host to the ManagedCertificate's spec.domains or to spec.tls[].hosts (they follow --domain)",
            ));
        }
    }
    problems
}

fn rule_hosts(ingress: &Value) -> Vec<String> {
    array(ingress.pointer("/spec/rules"))
        .iter()
        .filter_map(|r| r.get("host").and_then(Value::as_str))
        .filter(|h| !h.is_empty())
        .map(String::from)
        .collect()
}

/// Domain rules of Google-managed certificates, and that some Ingress
/// attaches the certificate (otherwise it stays Provisioning forever).
fn managed_certificate(certificate: &Resource, objects: &Objects<'_>) -> Vec<Problem> {
    let subject = certificate.id.to_string();
    let mut problems = Vec::new();
    let domains = array(certificate.value.pointer("/spec/domains"));
    if domains.is_empty() {
        problems.push(Problem::new(
            &subject,
            "spec.domains is empty",
            "list the domain clients connect to (--domain)",
        ));
    }
    if domains.len() > MAX_MANAGED_DOMAINS {
        problems.push(Problem::new(
            &subject,
            format!("spec.domains has {} entries; a ManagedCertificate holds at most {MAX_MANAGED_DOMAINS}", domains.len()),
            "split the domains over several ManagedCertificates",
        ));
    }
    for domain in domains.iter().filter_map(Value::as_str) {
        if let Err(message) = names::check_managed_certificate_domain(domain) {
            problems.push(Problem::new(
                &subject,
                format!("spec.domains: {message}"),
                "Google-managed certificates take lowercase, non-wildcard names of at most 63 characters; use the self-managed overlay otherwise",
            ));
        }
    }
    let attached = objects.of_kind("Ingress").any(|ingress| {
        ingress.id.namespace == certificate.id.namespace
            && annotation(&ingress.value, MANAGED_CERTIFICATES)
                .is_some_and(|list| list.split(',').any(|n| n.trim() == certificate.id.name))
    });
    if !attached {
        problems.push(Problem::new(
            &subject,
            format!("no Ingress in namespace `{}` names it in {MANAGED_CERTIFICATES}: it stays Provisioning", certificate.id.namespace),
            format!("add `{MANAGED_CERTIFICATES}: {}` to the Ingress", certificate.id.name),
        ));
    }
    problems
}

/// The health check must target Milvus' `/healthz` port: the serving port
/// speaks gRPC only, so a health check there fails and the load balancer
/// answers 502.
fn check_health_port(
    subject: &str,
    field: &str,
    port: Option<u64>,
    expect: &Expectations,
) -> Vec<Problem> {
    let wanted = expect.health_check_port;
    let problem = |message: String| {
        vec![Problem::new(
            subject,
            message,
            format!("set {field} to {wanted}, Milvus' metrics port that serves /healthz (healthCheckPort)"),
        )]
    };
    match port {
        None => problem(format!("{field} is not set: GKE health-checks the serving port {}, where Milvus answers gRPC only", expect.service_port)),
        Some(p) if p == u64::from(expect.service_port) => problem(format!("{field} is {p}, the gRPC serving port: Milvus answers no HTTP health check there")),
        Some(p) if p != u64::from(wanted) => problem(format!("{field} is {p}, not Milvus' health port {wanted}")),
        Some(_) => Vec::new(),
    }
}

fn backend_config_health_check(config: &Resource, expect: &Expectations) -> Vec<Problem> {
    let port = config
        .value
        .pointer("/spec/healthCheck/port")
        .and_then(Value::as_u64);
    check_health_port(
        &config.id.to_string(),
        "spec.healthCheck.port",
        port,
        expect,
    )
}

fn health_check_policy(policy: &Resource, expect: &Expectations) -> Vec<Problem> {
    let config = policy.value.pointer("/spec/default/config");
    let (field, check) = config
        .and_then(Value::as_object)
        .and_then(|c| {
            c.iter()
                .find(|(k, v)| k.ends_with("HealthCheck") && v.is_object())
        })
        .map(|(k, v)| (format!("spec.default.config.{k}.port"), Some(v)))
        .unwrap_or_else(|| ("spec.default.config.<type>HealthCheck.port".into(), None));
    let port = check.and_then(|c| c.get("port")).and_then(Value::as_u64);
    check_health_port(&policy.id.to_string(), &field, port, expect)
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
        assert_one(
            lint(&[policy], &[]),
            "spec.default.config.httpHealthCheck.port is 19530, the gRPC serving port",
        );
    }

    #[test]
    fn legacy_extensions_backends_are_read() {
        let ingress = json!({"spec": {"backend": {"serviceName": "a", "servicePort": 80},
            "rules": [{"http": {"paths": [{"backend": {"serviceName": "b", "servicePort": "http"}}]}}]}});
        let found: Vec<String> = backends(&ingress)
            .into_iter()
            .map(|b| format!("{} {}", b.place, b.service))
            .collect();
        assert_eq!(
            found,
            ["spec.backend a", "spec.rules[0].http.paths[0].backend b"]
        );
    }
}
