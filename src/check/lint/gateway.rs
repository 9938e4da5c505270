//! Gateway API lints (gateway-api CRDs and GKE's Gateway docs): a Gateway's HTTPS listeners have
//! a certificate, from one source only; an HTTPRoute attaches to a Gateway
//! and listener that exist, and sends traffic to a Service port that exists
//! and declares a protocol GKE's Gateway can speak to Milvus; the GKE
//! policies target a Service that exists. Each of these fails on GKE with
//! at most a condition on the object, never at `kubectl apply`.

use super::helm_values::H2C;
use super::{array, Objects, ServicePort, ServiceView, Services, BACKEND_PROTOCOLS};
use crate::k8s::annotations::{
    annotation, listener_option, CERTMAP, CERT_MANAGER_CERTS_OPTION, PRE_SHARED_CERTS_OPTION,
};
use crate::k8s::kind::GATEWAY;
use crate::k8s::resource::Resource;
use crate::problem::{Problem, Subject};
use serde_json::Value;

const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";

/// How to give a Gateway its certificate, for every certificate problem.
const CERTIFICATE_HINT: &str = "set `certMap` to a Certificate Manager map (--set certMap=NAME, a map made with `gcloud certificate-manager maps create`; global class), or `certManagerCerts` to regional Certificate Manager certificates (--set certManagerCerts=NAME[,NAME…]; internal and regional classes), or use a TLS Secret in tls.certificateRefs instead (--overlay self-managed)";

/// Every HTTPS listener has a certificate: `tls.certificateRefs`, the
/// Gateway's `networking.gke.io/certmap` annotation, or certificates named
/// in its `tls.options` (pre-shared, or Certificate Manager) — and GKE refuses certificateRefs combined with certmap.
pub(super) fn certificate(gateway: &Resource) -> Vec<Problem> {
    let subject = Subject::object(&gateway.id);
    let certmap = annotation(&gateway.value, CERTMAP);
    if certmap.is_some_and(|map| map.trim().is_empty()) {
        return vec![Problem::new(
            subject,
            format!("the {CERTMAP} annotation is empty (when rendered: the parameter `certMap` is not set), so the HTTPS listener has no certificate and GKE does not program the Gateway"),
            CERTIFICATE_HINT,
        )];
    }
    let mut problems = Vec::new();
    for (index, listener) in array(gateway.value.pointer("/spec/listeners"))
        .iter()
        .enumerate()
        .filter(|(_, listener)| is_https(listener))
    {
        let place = format!("spec.listeners[{index}] (`{}`)", text(listener, "name"));
        let refs = !array(listener.pointer("/tls/certificateRefs")).is_empty();
        let has_tls = listener.get("tls").is_some();
        match (refs, certmap.is_some()) {
            (true, true) => problems.push(Problem::new(
                &subject,
                format!("{place} has tls.certificateRefs and the Gateway has the {CERTMAP} annotation: GKE does not accept both"),
                format!("keep one: the {CERTMAP} annotation (a Certificate Manager map) or tls.certificateRefs (a TLS Secret, what --overlay self-managed renders)"),
            )),
            // gateway-api v1.1.0+ refuses `tls.mode: Terminate` (the
            // default) without certificateRefs or options, and GKE refuses
            // any `tls` next to a certmap; v1.1.0 allows leaving it out.
            (false, true) if has_tls => problems.push(Problem::new(
                &subject,
                format!("{place} has `tls` and the Gateway has the {CERTMAP} annotation: GKE refuses a listener tls next to a certmap, and gateway-api v1.1+ refuses `mode: Terminate` without certificateRefs (\"certificateRefs or options must be specified when mode is Terminate\")"),
                format!("remove the listener's `tls` entirely; the {CERTMAP} annotation supplies the certificate"),
            )),
            (false, false) if !has_named_certificates(listener) => problems.push(Problem::new(
                &subject,
                format!("{place} is HTTPS but has no certificate: no tls.certificateRefs and no {CERTMAP} annotation"),
                CERTIFICATE_HINT,
            )),
            _ => {}
        }
    }
    problems
}

fn is_https(listener: &Value) -> bool {
    text(listener, "protocol").eq_ignore_ascii_case("HTTPS")
}

/// Certificates named in the listener's `tls.options`.
fn has_named_certificates(listener: &Value) -> bool {
    [PRE_SHARED_CERTS_OPTION, CERT_MANAGER_CERTS_OPTION]
        .iter()
        .any(|key| listener_option(listener, key).is_some_and(|names| !names.trim().is_empty()))
}

/// The route's parents and backends.
pub(super) fn http_route(
    route: &Resource,
    services: &Services,
    objects: &Objects<'_>,
) -> Vec<Problem> {
    let mut problems = parent_refs(route, objects);
    problems.extend(backend_refs(route, services));
    problems.dedup();
    problems
}

/// Each Gateway parent exists, and a `sectionName` names one of its
/// listeners; otherwise the route is never attached and serves nothing.
fn parent_refs(route: &Resource, objects: &Objects<'_>) -> Vec<Problem> {
    let subject = Subject::object(&route.id);
    let mut problems = Vec::new();
    for (index, parent) in array(route.value.pointer("/spec/parentRefs"))
        .iter()
        .enumerate()
        .filter(|(_, parent)| refers_to(parent, GATEWAY_GROUP, "Gateway"))
    {
        let place = format!("spec.parentRefs[{index}]");
        let name = text(parent, "name");
        let namespace = namespace_of(parent, route);
        let Some(gateway) = objects.find(GATEWAY, namespace, name) else {
            problems.push(Problem::new(
                &subject,
                format!("{place} names Gateway `{name}`, which is not among the objects in namespace `{namespace}`"),
                "attach the route to the Gateway rendered with it (the gateway overlay names it like the Milvus Service), or add that Gateway",
            ));
            continue;
        };
        let Some(section) = parent.get("sectionName").and_then(Value::as_str) else {
            continue;
        };
        let listeners: Vec<&str> = array(gateway.value.pointer("/spec/listeners"))
            .iter()
            .map(|listener| text(listener, "name"))
            .collect();
        if !listeners.contains(&section) {
            problems.push(Problem::new(
                &subject,
                format!("{place}.sectionName is `{section}`, which is not a listener of Gateway `{name}` (listeners: {})", listeners.join(", ")),
                "name one of the Gateway's listeners, or leave sectionName out to attach to all of them",
            ));
        }
    }
    problems
}

/// Each Service backend exists (rendered, or the chart's), with the port
/// the route uses, and that port declares an `appProtocol` GKE accepts.
fn backend_refs(route: &Resource, services: &Services) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (r, rule) in array(route.value.pointer("/spec/rules")).iter().enumerate() {
        for (b, backend) in array(rule.get("backendRefs"))
            .iter()
            .enumerate()
            .filter(|(_, backend)| refers_to(backend, "", "Service"))
        {
            let place = format!("spec.rules[{r}].backendRefs[{b}]");
            problems.extend(service_backend(route, &place, backend, services));
        }
    }
    problems
}

/// One Service backend of a route: the Service, its port, the port's protocol.
fn service_backend(
    route: &Resource,
    place: &str,
    backend: &Value,
    services: &Services,
) -> Option<Problem> {
    let subject = Subject::object(&route.id);
    let name = text(backend, "name");
    let service = match services.find(namespace_of(backend, route), name) {
        Ok(service) => service,
        Err(known) => return Some(Problem::new(
            subject,
            format!("{place} names Service `{name}`, which is neither among the objects nor the chart's Service ({known})"),
            "point it at the Service rendered with the route (the gateway overlay's `<serviceName>-gateway`), or fix the name",
        )),
    };
    let number = backend.get("port").and_then(Value::as_u64);
    let Some(port) = number.and_then(|n| service.ports.iter().find(|p| u64::from(p.number) == n))
    else {
        let wanted = number.map_or("no port".to_string(), |n| format!("port {n}"));
        return Some(Problem::new(
            subject,
            format!("{place} uses {wanted} of Service `{name}`, which has port {}", service.port_list()),
            "use the Milvus port (servicePort, 19530 by default); a Service backend must name its port",
        ));
    };
    // A Service known by name only: its ports' protocols are unknown.
    service.annotations.as_ref()?;
    app_protocol(&service, port, route)
}

/// GKE's Gateway takes the backend protocol from the Service port's
/// `appProtocol` (not from the Ingress-only `app-protocols` annotation);
/// without one it speaks HTTP/1.1, which gRPC cannot use.
fn app_protocol(service: &ServiceView, port: &ServicePort, route: &Resource) -> Option<Problem> {
    let used = format!(
        "port `{}` ({}), a backend of HTTPRoute `{}`,",
        port.name, port.number, route.id.name
    );
    match port.app_protocol.as_deref() {
        // Google's "Secure a Gateway" page: "The supported fields for
        // appProtocol are: HTTP, HTTPS, HTTP2, and kubernetes.io/h2c". Whether
        // h2c (clear text) fits Milvus' tlsMode is checked with the Helm values.
        Some(protocol) if BACKEND_PROTOCOLS.contains(&protocol) || protocol == H2C => None,
        Some(other) => Some(Problem::new(
            &service.subject,
            format!("{used} has appProtocol `{other}`; GKE's Gateway accepts only HTTP, HTTPS, HTTP2 and {H2C}"),
            "set appProtocol: HTTP2 (gRPC over TLS to Milvus, tlsMode 1)",
        )),
        None => Some(Problem::new(
            &service.subject,
            format!("{used} has no appProtocol: GKE's Gateway then speaks HTTP/1.1 to Milvus, and gRPC needs HTTP/2"),
            "set spec.ports[].appProtocol: HTTP2; the milvus chart cannot, so the gateway overlay routes to a companion Service that does",
        )),
    }
}

/// HealthCheckPolicy and GCPBackendPolicy apply to the Service in
/// `spec.targetRef`; one that does not exist makes the policy do nothing.
pub(super) fn policy_target(policy: &Resource, services: &Services) -> Vec<Problem> {
    let Some(target) = policy.value.pointer("/spec/targetRef") else {
        return Vec::new(); // the schema reports the missing targetRef
    };
    if !refers_to(target, "", "Service") {
        return Vec::new(); // a ServiceImport (multi-cluster) or another kind
    }
    let name = text(target, "name");
    match services.find(namespace_of(target, policy), name) {
        Ok(_) => Vec::new(),
        Err(known) => vec![Problem::new(
            &policy.id,
            format!("spec.targetRef names Service `{name}`, which is neither among the objects nor the chart's Service ({known}): the policy applies to nothing"),
            "target the Service the HTTPRoute sends traffic to (the gateway overlay's `<serviceName>-gateway`)",
        )],
    }
}

/// A GCPGatewayPolicy applies to the Gateway in `spec.targetRef`; one that
/// does not exist makes the policy (and its SSL policy) do nothing.
pub(super) fn gateway_policy_target(policy: &Resource, objects: &Objects<'_>) -> Vec<Problem> {
    let Some(target) = policy.value.pointer("/spec/targetRef") else {
        return Vec::new(); // the schema reports the missing targetRef
    };
    if !refers_to(target, GATEWAY_GROUP, "Gateway") {
        return Vec::new();
    }
    let name = text(target, "name");
    let namespace = namespace_of(target, policy);
    if objects.find(GATEWAY, namespace, name).is_some() {
        return Vec::new();
    }
    vec![Problem::new(
        &policy.id,
        format!("spec.targetRef names Gateway `{name}`, which is not among the objects in namespace `{namespace}`: the policy applies to nothing"),
        "target the Gateway rendered with it (named like the Milvus Service)",
    )]
}

/// gateway-api (`apis/v1/httproute_types.go`, CEL on HTTPRouteRule):
/// "RequestRedirect filter must not be used together with backendRefs".
/// Kubernetes refuses such a route only where the CEL rules run; here it
/// is refused everywhere.
pub(super) fn redirect_without_backends(route: &Resource) -> Vec<Problem> {
    array(route.value.pointer("/spec/rules"))
        .iter()
        .enumerate()
        .filter(|(_, rule)| {
            array(rule.get("filters"))
                .iter()
                .any(|f| text(f, "type") == "RequestRedirect")
                && !array(rule.get("backendRefs")).is_empty()
        })
        .map(|(r, _)| {
            Problem::new(
                &route.id,
                format!("spec.rules[{r}] has a RequestRedirect filter and backendRefs: gateway-api refuses both in one rule"),
                "remove the rule's backendRefs: a redirect answers by itself",
            )
        })
        .collect()
}

/// Whether a reference points at `group`/`kind`, which in every reference
/// checked here are also the API's defaults: a field left out means them.
fn refers_to(reference: &Value, group: &str, kind: &str) -> bool {
    let is = |key: &str, wanted: &str| {
        reference
            .get(key)
            .and_then(Value::as_str)
            .is_none_or(|value| value == wanted)
    };
    is("group", group) && is("kind", kind)
}

/// A reference's namespace: its own, or its referrer's.
fn namespace_of<'v>(reference: &'v Value, referrer: &'v Resource) -> &'v str {
    reference
        .get("namespace")
        .and_then(Value::as_str)
        .unwrap_or(&referrer.id.namespace)
}

fn text<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::{all, Expectations};
    use super::*;
    use serde_json::json;

    const EXPECT: Expectations = Expectations {
        service_port: 19530,
        health_check_port: 9091,
    };

    /// What `render --overlay gateway --overlay self-managed` makes.
    fn good() -> Vec<Resource> {
        let target = json!({"group": "", "kind": "Service", "name": "my-release-milvus-gateway"});
        [
            json!({"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "my-release-milvus-gateway", "namespace": "default"},
                "spec": {"type": "ClusterIP", "ports": [{"name": "milvus", "port": 19530,
                    "targetPort": "milvus", "protocol": "TCP", "appProtocol": "HTTP2"}]}}),
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
                "metadata": {"name": "my-release-milvus", "namespace": "default"},
                "spec": {"gatewayClassName": "gke-l7-global-external-managed", "listeners": [
                    {"name": "https", "protocol": "HTTPS", "port": 443, "hostname": "my-release.milvus.io",
                     "tls": {"mode": "Terminate", "certificateRefs": [{"kind": "Secret", "name": "my-release-milvus-tls"}]},
                     "allowedRoutes": {"namespaces": {"from": "Same"}}}]}}),
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                "metadata": {"name": "my-release-milvus", "namespace": "default"},
                "spec": {"parentRefs": [{"name": "my-release-milvus", "sectionName": "https"}],
                    "hostnames": ["my-release.milvus.io"],
                    "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                        "backendRefs": [{"name": "my-release-milvus-gateway", "port": 19530}]}]}}),
            json!({"apiVersion": "networking.gke.io/v1", "kind": "HealthCheckPolicy",
                "metadata": {"name": "my-release-milvus-gateway", "namespace": "default"},
                "spec": {"default": {"config": {"type": "HTTP", "httpHealthCheck": {
                    "portSpecification": "USE_FIXED_PORT", "port": 9091, "requestPath": "/healthz"}}},
                    "targetRef": target}}),
            json!({"apiVersion": "networking.gke.io/v1", "kind": "GCPBackendPolicy",
                "metadata": {"name": "my-release-milvus-gateway", "namespace": "default"},
                "spec": {"default": {"timeoutSec": 30}, "targetRef": target}}),
        ]
        .into_iter()
        .map(|v| Resource::new(v).unwrap())
        .collect()
    }

    /// The chart's Service under the gateway overlay: no annotations, and
    /// no appProtocol (the chart cannot set one).
    fn chart_service() -> ServiceView {
        ServiceView::of_helm_values(
            &json!({"service": {"type": "ClusterIP"}}),
            "my-release",
            "default",
        )
    }

    fn lint(resources: &[Resource]) -> Vec<String> {
        let mut services: Vec<ServiceView> = resources
            .iter()
            .filter_map(ServiceView::of_object)
            .collect();
        services.push(chart_service());
        all(resources, &services, &EXPECT)
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    /// Lints the good set after `change` modified the object of `kind`.
    fn with(kind: &str, change: impl FnOnce(&mut Value)) -> Vec<String> {
        let mut resources = good();
        let object = resources.iter_mut().find(|r| r.id.kind == kind).unwrap();
        change(&mut object.value);
        *object = Resource::new(object.value.clone()).unwrap();
        lint(&resources)
    }

    fn assert_one(problems: Vec<String>, expected: &str) {
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].contains(expected), "{problems:#?}");
    }

    #[test]
    fn the_rendered_gateway_setup_is_clean() {
        assert_eq!(lint(&good()), Vec::<String>::new());
        // With a certmap the listener has no `tls` at all (gateway-api
        // v1.1.0+ allows that; GKE refuses any tls next to a certmap).
        let certmap = with("Gateway", |g| {
            g["metadata"]["annotations"] = json!({"networking.gke.io/certmap": "milvus-map"});
            g["spec"]["listeners"][0]
                .as_object_mut()
                .unwrap()
                .remove("tls");
        });
        assert_eq!(certmap, Vec::<String>::new());
    }

    #[test]
    fn a_certmap_gateway_listener_has_no_tls() {
        // `tls: {mode: Terminate}` without certificateRefs: the v1.1+ CRD
        // refuses it ("certificateRefs or options must be specified when
        // mode is Terminate") and GKE refuses tls next to a certmap.
        let problems = with("Gateway", |g| {
            g["metadata"]["annotations"] = json!({"networking.gke.io/certmap": "milvus-map"});
            g["spec"]["listeners"][0]["tls"] = json!({"mode": "Terminate"});
        });
        assert_one(
            problems,
            "has `tls` and the Gateway has the networking.gke.io/certmap annotation",
        );
    }

    #[test]
    fn an_https_listener_needs_a_certificate_from_one_source() {
        assert_one(
            with("Gateway", |g| {
                g["spec"]["listeners"][0]["tls"] = json!({"mode": "Terminate"})
            }),
            "spec.listeners[0] (`https`) is HTTPS but has no certificate",
        );
        assert_one(
            with("Gateway", |g| {
                g["metadata"]["annotations"] = json!({"networking.gke.io/certmap": "m"})
            }),
            "has tls.certificateRefs and the Gateway has the networking.gke.io/certmap annotation: GKE does not accept both",
        );
        let empty = with("Gateway", |g| {
            g["metadata"]["annotations"] = json!({"networking.gke.io/certmap": ""});
            g["spec"]["listeners"][0]["tls"] = json!({"mode": "Terminate"});
        });
        assert_one(empty.clone(), "certmap annotation is empty");
        assert!(empty[0].contains("`certMap`") && empty[0].contains("--set certMap=NAME"));
        assert!(empty[0].contains("--overlay self-managed"), "{empty:?}");
        // Pre-shared Compute certificates are a certificate too.
        assert!(with("Gateway", |g| {
            g["spec"]["listeners"][0]["tls"] = json!({"mode": "Terminate",
                "options": {"networking.gke.io/pre-shared-certs": "c1"}})
        })
        .is_empty());
        // An HTTP listener needs none.
        assert!(with("Gateway", |g| {
            g["spec"]["listeners"][0] = json!({"name": "https", "protocol": "HTTP", "port": 80})
        })
        .is_empty());
    }

    #[test]
    fn a_route_attaches_to_a_rendered_gateway_and_listener() {
        assert_one(
            with("HTTPRoute", |r| {
                r["spec"]["parentRefs"][0]["name"] = json!("other")
            }),
            "spec.parentRefs[0] names Gateway `other`, which is not among the objects in namespace `default`",
        );
        assert_one(
            with("HTTPRoute", |r| {
                r["spec"]["parentRefs"][0]["sectionName"] = json!("http")
            }),
            "spec.parentRefs[0].sectionName is `http`, which is not a listener of Gateway `my-release-milvus` (listeners: https)",
        );
        // A parent of another kind (a mesh Service) is not ours to check.
        assert!(with("HTTPRoute", |r| {
            r["spec"]["parentRefs"][0] = json!({"group": "", "kind": "Service", "name": "mesh"})
        })
        .is_empty());
    }

    #[test]
    fn a_route_backend_is_a_known_service_port_with_an_app_protocol() {
        assert_one(
            with("HTTPRoute", |r| {
                r["spec"]["rules"][0]["backendRefs"][0]["name"] = json!("milvus")
            }),
            "spec.rules[0].backendRefs[0] names Service `milvus`, which is neither among the objects nor the chart's Service (known: `my-release-milvus-gateway`, `my-release-milvus`)",
        );
        assert_one(
            with("HTTPRoute", |r| {
                r["spec"]["rules"][0]["backendRefs"][0]["port"] = json!(9091)
            }),
            "uses port 9091 of Service `my-release-milvus-gateway`, which has port 19530 (milvus)",
        );
        assert_one(
            with("HTTPRoute", |r| {
                r["spec"]["rules"][0]["backendRefs"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("port");
            }),
            "uses no port of Service `my-release-milvus-gateway`",
        );
        // GKE's Gateway speaks h2c (clear-text HTTP/2) too.
        assert!(with("Service", |s| {
            s["spec"]["ports"][0]["appProtocol"] = json!("kubernetes.io/h2c")
        })
        .is_empty());
        assert_one(
            with("Service", |s| {
                s["spec"]["ports"][0]["appProtocol"] = json!("kubernetes.io/ws")
            }),
            "has appProtocol `kubernetes.io/ws`; GKE's Gateway accepts only HTTP, HTTPS, HTTP2 and kubernetes.io/h2c",
        );
        assert_one(
            with("Service", |s| {
                s["spec"]["ports"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("appProtocol");
            }),
            "has no appProtocol: GKE's Gateway then speaks HTTP/1.1 to Milvus",
        );
        // The chart's Service cannot carry appProtocol: routing to it is flagged.
        let direct = with("HTTPRoute", |r| {
            r["spec"]["rules"][0]["backendRefs"][0]["name"] = json!("my-release-milvus")
        });
        assert_one(direct.clone(), "has no appProtocol");
        assert!(direct[0].starts_with("Service default/my-release-milvus (made by the Helm chart"));
    }

    #[test]
    fn a_redirect_rule_has_no_backends() {
        let redirect = json!({"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}});
        assert_one(
            with("HTTPRoute", |r| {
                r["spec"]["rules"][0]["filters"] = json!([redirect])
            }),
            "spec.rules[0] has a RequestRedirect filter and backendRefs",
        );
    }

    #[test]
    fn a_gateway_policy_targets_a_rendered_gateway() {
        let mut resources = good();
        let policy = |name: &str| {
            Resource::new(json!({"apiVersion": "networking.gke.io/v1", "kind": "GCPGatewayPolicy",
                "metadata": {"name": "p", "namespace": "default"},
                "spec": {"default": {"sslPolicy": "tls12"},
                    "targetRef": {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": name}}}))
            .unwrap()
        };
        resources.push(policy("my-release-milvus"));
        assert_eq!(lint(&resources), Vec::<String>::new());
        resources.pop();
        resources.push(policy("gone"));
        assert_one(lint(&resources), "spec.targetRef names Gateway `gone`");
    }

    #[test]
    fn policies_target_a_known_service() {
        for kind in ["HealthCheckPolicy", "GCPBackendPolicy"] {
            assert_one(
                with(kind, |p| p["spec"]["targetRef"]["name"] = json!("gone")),
                "spec.targetRef names Service `gone`, which is neither among the objects nor the chart's Service",
            );
            // A multi-cluster ServiceImport is not checked here.
            assert!(with(kind, |p| {
                p["spec"]["targetRef"] =
                    json!({"group": "net.gke.io", "kind": "ServiceImport", "name": "x"})
            })
            .is_empty());
        }
    }
}
