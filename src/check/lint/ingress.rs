//! Ingress lints: the Ingress itself (class, misplaced annotations,
//! FrontendConfig), its backends and the annotations the Milvus Service
//! needs for them (backend-config, app-protocols), and its certificates
//! (ManagedCertificate names, domains, hosts).

use super::{array, Objects, ServiceView, Services, BACKEND_PROTOCOLS};
use crate::k8s::annotations::{
    annotation, APP_PROTOCOLS, APP_PROTOCOLS_LEGACY, BACKEND_CONFIG, BACKEND_CONFIG_BETA,
    FRONTEND_CONFIG, FRONTEND_CONFIG_UNREAD, INGRESS_CLASS, MANAGED_CERTIFICATES, PRE_SHARED_CERT,
};
use crate::k8s::kind::{self, MANAGED_CERTIFICATE};
use crate::k8s::names;
use crate::k8s::resource::Resource;
use crate::problem::{Problem, Subject};
use crate::tls::check::name_covers;
use serde_json::{Map, Value};

/// Service annotations GKE reads, in its order: the first one set wins.
/// backend-config: the GA key, then the beta key.
const BACKEND_CONFIG_KEYS: &[&str] = &[BACKEND_CONFIG, BACKEND_CONFIG_BETA];
/// app-protocols: ingress-gce (`pkg/annotations/service.go`,
/// `ApplicationProtocols`) reads the legacy alpha key first and
/// `cloud.google.com/app-protocols` only when the alpha key is absent.
const APP_PROTOCOLS_KEYS: &[&str] = &[APP_PROTOCOLS_LEGACY, APP_PROTOCOLS];

const GKE_INGRESS_CLASSES: &[&str] = &["gce", "gce-internal", "gce-regional-external"];

/// ManagedCertificate limit (gke-managed-certs CRD, maxItems).
const MAX_MANAGED_DOMAINS: usize = 100;

/// Findings that do not make the objects invalid but that a user should
/// know: an Ingress without any certificate serves no HTTPS, so Milvus
/// clients (gRPC needs HTTP/2, which the load balancer offers only over
/// TLS) cannot connect through it.
pub(super) fn warnings(object: &Resource) -> Option<String> {
    (object.id.kind == "Ingress" && !has_certificate(&object.value)).then(|| format!(
        "{}: the Ingress has no certificate (no spec.tls, no managed-certificates or pre-shared-cert annotation): port 443 is not served and Milvus clients cannot connect; add --overlay google-managed or --overlay self-managed",
        object.id
    ))
}

fn has_certificate(ingress: &Value) -> bool {
    let named = |key: &str| annotation(ingress, key).is_some_and(|v| !v.trim().is_empty());
    named(MANAGED_CERTIFICATES)
        || named(PRE_SHARED_CERT)
        || !array(ingress.pointer("/spec/tls")).is_empty()
}

/// Every Ingress rule: class, annotations, backends and certificates.
pub(super) fn ingress(
    ingress: &Resource,
    services: &Services,
    objects: &Objects<'_>,
) -> Vec<Problem> {
    let mut problems = ingress_class(ingress);
    problems.extend(ingress_annotations(ingress, objects));
    problems.extend(ingress_backends(ingress, services, objects));
    problems.extend(ingress_certificates(ingress, objects));
    problems
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
    let subject = Subject::object(&ingress.id);
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
    let subject = Subject::object(&ingress.id);
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
            .find(kind::FRONTEND_CONFIG, &ingress.id.namespace, name)
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

/// Each backend names a known Service and one of its ports; that Service
/// carries a backend-config annotation naming a BackendConfig that exists,
/// and an app-protocols annotation keyed by the port's name.
fn ingress_backends(
    ingress: &Resource,
    services: &Services,
    objects: &Objects<'_>,
) -> Vec<Problem> {
    let subject = Subject::object(&ingress.id);
    let mut problems = Vec::new();
    for backend in backends(&ingress.value) {
        let service = match services.find(&ingress.id.namespace, &backend.service) {
            Ok(service) => service,
            Err(known) => {
                problems.push(Problem::new(
                &subject,
                    format!("{} names Service `{}`, which is not the Milvus Service ({known})", backend.place, backend.service),
                    "point the backend at the Milvus Service, or set serviceName (or --release) to match it",
                ));
                continue;
            }
        };
        let port = match &backend.port {
            PortRef::Number(n) => service.ports.iter().find(|p| u64::from(p.number) == *n),
            PortRef::Name(name) => service.ports.iter().find(|p| &p.name == name),
            PortRef::Missing => None,
        };
        let Some(port) = port else {
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
                    service.port_list()
                ),
                "use the Milvus port (servicePort, 19530 by default)",
            ));
            continue;
        };
        if let Some(annotations) = &service.annotations {
            problems.extend(backend_config_annotation(&service, annotations, objects));
            problems.extend(app_protocols_annotation(&service, annotations, &port.name));
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
    let names = backend_config_names(value);
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
                .find(kind::BACKEND_CONFIG, &service.namespace, name)
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

/// The BackendConfig names in a backend-config annotation's value
/// (`{"default": "bc", "ports": {"milvus": "bc2"}}`); none when it is not
/// such JSON.
fn backend_config_names(value: &Value) -> Vec<String> {
    let parsed = value
        .as_str()
        .and_then(|text| serde_json::from_str::<Value>(text).ok());
    let mut names = Vec::new();
    if let Some(config) = &parsed {
        if let Some(name) = config.get("default").and_then(Value::as_str) {
            names.push(name.to_string());
        }
        if let Some(ports) = config.get("ports").and_then(Value::as_object) {
            names.extend(ports.values().filter_map(Value::as_str).map(String::from));
        }
    }
    names
}

/// The BackendConfigs (by name, in the Service's namespace) that GKE
/// applies to `service`'s backends, from the first backend-config
/// annotation set.
pub(super) fn backend_configs_of(service: &ServiceView) -> Vec<String> {
    service
        .annotations
        .as_ref()
        .and_then(|a| first_annotation(a, BACKEND_CONFIG_KEYS))
        .map(|(_, value)| backend_config_names(value))
        .unwrap_or_default()
}

/// The names of the Services the Ingress's backends point at.
pub(super) fn backend_services(ingress: &Value) -> Vec<String> {
    backends(ingress).into_iter().map(|b| b.service).collect()
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
    let port_names: Vec<&str> = service.ports.iter().map(|p| p.name.as_str()).collect();
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
    let subject = Subject::object(&ingress.id);
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
        match objects.find(MANAGED_CERTIFICATE, &ingress.id.namespace, name) {
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
pub(super) fn managed_certificate(certificate: &Resource, objects: &Objects<'_>) -> Vec<Problem> {
    let subject = Subject::object(&certificate.id);
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
    let attached = objects.certificate_attached(&certificate.id.namespace, &certificate.id.name);
    if !attached {
        problems.push(Problem::new(
            &subject,
            format!("no Ingress in namespace `{}` names it in {MANAGED_CERTIFICATES}: it stays Provisioning", certificate.id.namespace),
            format!("add `{MANAGED_CERTIFICATES}: {}` to the Ingress", certificate.id.name),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
