//! Reading the references out of a render: which DNS name reaches which
//! Ingress, which Service and port each Ingress sends traffic to, which
//! certificate it presents, and what the Helm values make of the Service.

use super::{node_id, Graph, Node, NodeKind};
use crate::k8s::annotations::{
    APP_PROTOCOLS, BACKEND_CONFIG, CERTMAP, MANAGED_CERTIFICATES, NEG, PRE_SHARED_CERT,
};
use crate::k8s::chart_service::ChartService;
use crate::k8s::kind::{
    self, EXTENSIONS_INGRESS, GATEWAY, GCP_BACKEND_POLICY, GCP_GATEWAY_POLICY, HEALTH_CHECK_POLICY,
    HTTP_ROUTE, INGRESS, MANAGED_CERTIFICATE, SECRET, SERVICE,
};
use crate::k8s::resource::Resource;
use crate::render::Rendered;
use serde_json::Value;

/// The diagram of a render.
pub fn build(rendered: &Rendered) -> Graph {
    let mut graph = Graph::default();
    for resource in &rendered.resources {
        graph.add_node(object_node(resource));
    }
    add_helm_release(
        &mut graph,
        &rendered.params.release,
        &rendered.chart_service(),
    );
    for resource in &rendered.resources {
        match kind::of_id(&resource.id) {
            Some(INGRESS | EXTENSIONS_INGRESS) => add_ingress(&mut graph, resource),
            Some(GATEWAY) => add_gateway(&mut graph, resource),
            Some(HTTP_ROUTE) => add_http_route(&mut graph, resource),
            Some(HEALTH_CHECK_POLICY | GCP_BACKEND_POLICY | GCP_GATEWAY_POLICY) => {
                add_policy(&mut graph, resource)
            }
            _ => {}
        }
    }
    graph
}

/// DNS names → Gateway listeners, and each listener's certificate: TLS
/// Secrets in `certificateRefs`, or a Certificate Manager map annotation.
fn add_gateway(graph: &mut Graph, gateway: &Resource) {
    let gateway_id = node_id(GATEWAY.kind, &gateway.id.name);
    for listener in gateway.value["spec"]["listeners"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if let Some(host) = listener["hostname"].as_str() {
            let dns = graph.add_node(Node {
                id: node_id("dns", host),
                kind: NodeKind::DnsName,
                lines: vec![host.to_string()],
            });
            graph.add_edge(
                &dns,
                &gateway_id,
                &format!(
                    "listener {} :{}",
                    text(&listener["name"]),
                    text(&listener["port"])
                ),
            );
        }
        for cert in listener["tls"]["certificateRefs"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(name) = cert["name"].as_str() {
                let to = referenced(graph, cert["kind"].as_str().unwrap_or(SECRET.kind), name);
                graph.add_edge(&gateway_id, &to, "TLS (certificateRefs)");
            }
        }
    }
    if let Some(map) = gateway.value["metadata"]["annotations"][CERTMAP].as_str() {
        let to = referenced(graph, "CertificateMap", map);
        graph.add_edge(&gateway_id, &to, "certmap");
    }
}

/// HTTPRoute → the Gateway it attaches to, and → its backend Services.
fn add_http_route(graph: &mut Graph, route: &Resource) {
    let route_id = node_id(HTTP_ROUTE.kind, &route.id.name);
    for parent in route.value["spec"]["parentRefs"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if let Some(name) = parent["name"].as_str() {
            let to = referenced(graph, GATEWAY.kind, name);
            graph.add_edge(&route_id, &to, "parentRef");
        }
    }
    for rule in route.value["spec"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for backend in rule["backendRefs"].as_array().into_iter().flatten() {
            if let Some(name) = backend["name"].as_str() {
                let to = referenced(graph, SERVICE.kind, name);
                graph.add_edge(
                    &route_id,
                    &to,
                    &format!("backendRef → port {}", text(&backend["port"])),
                );
            }
        }
    }
}

/// A GKE policy → the Service it configures (`spec.targetRef`).
fn add_policy(graph: &mut Graph, policy: &Resource) {
    let target = &policy.value["spec"]["targetRef"];
    if let Some(name) = target["name"].as_str() {
        let from = node_id(&policy.id.kind, &policy.id.name);
        let to = referenced(graph, target["kind"].as_str().unwrap_or(SERVICE.kind), name);
        graph.add_edge(&from, &to, "targetRef");
    }
}

/// A rendered object's box: kind, name, and the one detail a reviewer
/// looks for. Secret data is never shown.
fn object_node(resource: &Resource) -> Node {
    let value = &resource.value;
    let mut lines = vec![resource.id.kind.clone(), resource.id.name.clone()];
    match kind::of_id(&resource.id) {
        Some(kind::BACKEND_CONFIG) => {
            let check = &value["spec"]["healthCheck"];
            lines.push(format!(
                "health check {} :{} {}",
                text(&check["type"]),
                text(&check["port"]),
                text(&check["requestPath"])
            ));
        }
        Some(MANAGED_CERTIFICATE) => {
            lines.push(format!(
                "domains: {}",
                strings(&value["spec"]["domains"]).join(", ")
            ));
        }
        Some(SECRET) => lines.push(text(&value["type"])),
        Some(HEALTH_CHECK_POLICY) => {
            let config = &value["spec"]["default"]["config"];
            let kind = text(&config["type"]);
            let check = &config[format!("{}HealthCheck", kind.to_lowercase())];
            lines.push(format!(
                "health check {kind} :{} {}",
                text(&check["port"]),
                text(&check["requestPath"])
            ));
        }
        Some(GCP_BACKEND_POLICY) => lines.push(format!(
            "timeout {}s",
            text(&value["spec"]["default"]["timeoutSec"])
        )),
        Some(GCP_GATEWAY_POLICY) => lines.push(format!(
            "SSL policy {}",
            text(&value["spec"]["default"]["sslPolicy"])
        )),
        _ => {}
    }
    Node {
        id: node_id(&resource.id.kind, &resource.id.name),
        kind: NodeKind::Rendered,
        lines,
    }
}

/// The Helm release, the Service the chart makes from our values, and the
/// BackendConfig that Service's annotation points at.
fn add_helm_release(graph: &mut Graph, release: &str, service: &ChartService) {
    let release_id = graph.add_node(Node {
        id: node_id("helm", release),
        kind: NodeKind::HelmRelease,
        lines: vec![
            "Helm release".into(),
            release.into(),
            "chart milvus/milvus".into(),
        ],
    });
    let annotations = &service.annotations;
    let mut lines = vec![
        SERVICE.kind.into(),
        service.name.clone(),
        format!("port {} ({})", service.port, service.port_name),
    ];
    if let Some(protocol) = json_annotation(annotations, APP_PROTOCOLS).and_then(|p| {
        p.get(&service.port_name)
            .and_then(Value::as_str)
            .map(str::to_string)
    }) {
        lines.push(format!("app-protocol {protocol}"));
    }
    if json_annotation(annotations, NEG).is_some_and(|neg| neg["ingress"] == true) {
        lines.push("container-native LB (NEG)".into());
    }
    let service_id = graph.add_node(Node {
        id: node_id(SERVICE.kind, &service.name),
        kind: NodeKind::MadeByHelm,
        lines,
    });
    graph.add_edge(&release_id, &service_id, "makes (service values)");
    if let Some(backend_config) = json_annotation(annotations, BACKEND_CONFIG) {
        add_backend_configs(graph, &service_id, &backend_config);
    }
}

/// `{"default": NAME}` and `{"ports": {PORT: NAME}}`, the two forms GKE reads.
fn add_backend_configs(graph: &mut Graph, service_id: &str, annotation: &Value) {
    if let Some(name) = annotation["default"].as_str() {
        let to = referenced(graph, kind::BACKEND_CONFIG.kind, name);
        graph.add_edge(service_id, &to, "backend-config");
    }
    if let Some(ports) = annotation["ports"].as_object() {
        for (port, name) in ports {
            if let Some(name) = name.as_str() {
                let to = referenced(graph, kind::BACKEND_CONFIG.kind, name);
                graph.add_edge(service_id, &to, &format!("backend-config (port {port})"));
            }
        }
    }
}

/// DNS names → Ingress → backend Services, and Ingress → certificates.
fn add_ingress(graph: &mut Graph, ingress: &Resource) {
    let ingress_id = node_id(INGRESS.kind, &ingress.id.name);
    let spec = &ingress.value["spec"];
    for rule in spec["rules"].as_array().into_iter().flatten() {
        if let Some(host) = rule["host"].as_str() {
            let dns = graph.add_node(Node {
                id: node_id("dns", host),
                kind: NodeKind::DnsName,
                lines: vec![host.to_string()],
            });
            graph.add_edge(&dns, &ingress_id, "host rule");
        }
        for path in rule["http"]["paths"].as_array().into_iter().flatten() {
            let route = text(&path["path"]);
            add_backend(graph, &ingress_id, &path["backend"], &route);
        }
    }
    add_backend(
        graph,
        &ingress_id,
        &spec["defaultBackend"],
        "default backend",
    );
    for tls in spec["tls"].as_array().into_iter().flatten() {
        if let Some(secret) = tls["secretName"].as_str() {
            let to = referenced(graph, SECRET.kind, secret);
            graph.add_edge(&ingress_id, &to, "TLS (spec.tls)");
        }
    }
    let annotations = &ingress.value["metadata"]["annotations"];
    for name in comma_list(annotations, MANAGED_CERTIFICATES) {
        let to = referenced(graph, MANAGED_CERTIFICATE.kind, &name);
        graph.add_edge(&ingress_id, &to, "managed-certificates");
    }
    for name in comma_list(annotations, PRE_SHARED_CERT) {
        let to = referenced(graph, "SslCertificate", &name);
        graph.add_edge(&ingress_id, &to, "pre-shared-cert");
    }
}

/// An Ingress backend: `service: {name, port: {number | name}}`.
fn add_backend(graph: &mut Graph, ingress_id: &str, backend: &Value, route: &str) {
    let service = &backend["service"];
    let Some(name) = service["name"].as_str() else {
        return;
    };
    let port = match (&service["port"]["number"], &service["port"]["name"]) {
        (Value::Number(n), _) => format!("port {n}"),
        (_, Value::String(s)) => format!("port {s}"),
        _ => "no port".to_string(),
    };
    let to = referenced(graph, SERVICE.kind, name);
    graph.add_edge(ingress_id, &to, &format!("{route} → {port}"));
}

/// The id of an object something refers to; a dashed "not rendered" box
/// when neither the render nor the chart makes it.
fn referenced(graph: &mut Graph, kind: &str, name: &str) -> String {
    graph.add_node(Node {
        id: node_id(kind, name),
        kind: NodeKind::NotRendered,
        lines: vec![
            kind.to_string(),
            name.to_string(),
            "not rendered: must exist".into(),
        ],
    })
}

/// An annotation whose value is JSON (`{"default":"x"}`), parsed.
fn json_annotation(annotations: &serde_json::Map<String, Value>, key: &str) -> Option<Value> {
    serde_json::from_str(annotations.get(key)?.as_str()?).ok()
}

/// An annotation holding comma-separated names.
fn comma_list(annotations: &Value, key: &str) -> Vec<String> {
    annotations[key]
        .as_str()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().into_iter().flatten().map(text).collect()
}

/// A scalar as plain text (`"HTTP"` → `HTTP`, `9091` → `9091`).
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "?".into(),
        other => other.to_string(),
    }
}
