//! Combinations the API server accepts but GKE's controllers refuse: the
//! load balancer is then never (or only half) built, and the reason shows
//! up only as an event on the object. Each rule names the controller code
//! or Google page it comes from (kubernetes/ingress-gce at v1.41.0-80,
//! commit acbcf5d66dd9d31297a2a52a2d7d83d4c1a94539).
//!
//! - An internal Ingress (`gce-internal`) whose FrontendConfig enables
//!   `redirectToHttps`: `pkg/loadbalancers/url_maps.go` line 98, "cannot
//!   enable HTTPS Redirects with L7 ILB"; the whole sync fails.
//! - A regional Ingress (`gce-internal`, `gce-regional-external`) whose
//!   backend's BackendConfig sets `securityPolicy`:
//!   `pkg/backends/features/securitypolicy.go` line 44, "cloud armor
//!   security policies not supported for … backend service" (regional
//!   backend services take no Cloud Armor policy from GKE Ingress).
//! - An internal Ingress serving HTTPS and HTTP (no
//!   `kubernetes.io/ingress.allow-http: "false"`) without a static address:
//!   `pkg/loadbalancers/l7.go` lines 149–151 ("gce-internal Ingress class
//!   must be configured with a static-ip to use both HTTP and HTTPS"); the
//!   address must be reserved with `--purpose=SHARED_LOADBALANCER_VIP`,
//!   which only a cluster can verify.
//! - A regional Gateway with a Certificate Manager map
//!   (`networking.gke.io/certmap`): maps attach only to global external and
//!   classic Application Load Balancers; regional and cross-region ones
//!   reference certificates directly
//!   (<https://cloud.google.com/certificate-manager/docs/deploy>,
//!   "Certificate Manager configuration methods").
//! - A global Gateway whose HTTPS listener names Certificate Manager
//!   certificates (`tls.options` `networking.gke.io/cert-manager-certs`):
//!   the global external and classic Application Load Balancers take
//!   Certificate Manager certificates only through a map ("Supported load
//!   balancers" table of <https://cloud.google.com/certificate-manager/docs/overview>:
//!   individual certificates "No"); regional classes take them by name
//!   (GKE's "Secure a Gateway" guide).

use super::{array, ingress, Objects, Services};
use crate::k8s::annotations::{
    annotation, listener_option, CERTMAP, CERT_MANAGER_CERTS_OPTION, FRONTEND_CONFIG,
    GLOBAL_STATIC_IP, INGRESS_CLASS, INTERNAL_GATEWAY_CLASS, INTERNAL_INGRESS_CLASS,
    PRE_SHARED_CERT, REGIONAL_INGRESS_CLASSES, REGIONAL_STATIC_IP,
};
use crate::k8s::kind;
use crate::k8s::resource::Resource;
use crate::problem::Problem;
use crate::quote::quoted;
use serde_json::Value;

/// The words every refusal here starts its reason with, so that a reader
/// (and the composition tests) can tell them from the other problems.
pub const REFUSED: &str = "GKE refuses this combination";

/// `ingress.kubernetes.io/allow-http`'s key as ingress-gce reads it.
const ALLOW_HTTP: &str = "kubernetes.io/ingress.allow-http";

/// The GKE GatewayClasses that make global external (and classic)
/// Application Load Balancers (GKE's GatewayClass capabilities page).
const GLOBAL_GATEWAY_CLASSES: &[&str] = &[
    "gke-l7-global-external-managed",
    "gke-l7-global-external-managed-mc",
    "gke-l7-gxlb",
    "gke-l7-gxlb-mc",
];

/// The GKE GatewayClasses that make regional or cross-region load
/// balancers (GKE's GatewayClass capabilities page).
const REGIONAL_GATEWAY_CLASSES: &[&str] = &[
    INTERNAL_GATEWAY_CLASS,
    "gke-l7-rilb-mc",
    "gke-l7-regional-external-managed",
    "gke-l7-regional-external-managed-mc",
    "gke-l7-cross-regional-internal-managed-mc",
];

/// The Ingress refusals.
pub(super) fn ingress(
    ingress: &Resource,
    services: &Services,
    objects: &Objects<'_>,
) -> Vec<Problem> {
    let class = annotation(&ingress.value, INGRESS_CLASS).unwrap_or_default();
    let mut problems = Vec::new();
    if class == INTERNAL_INGRESS_CLASS {
        problems.extend(internal_redirect(ingress, objects));
        problems.extend(internal_http_and_https(ingress));
    }
    if REGIONAL_INGRESS_CLASSES.contains(&class) {
        problems.extend(regional_security_policy(ingress, class, services, objects));
    }
    problems
}

fn internal_redirect(ingress: &Resource, objects: &Objects<'_>) -> Option<Problem> {
    let name = annotation(&ingress.value, FRONTEND_CONFIG)?;
    let config = objects.find(kind::FRONTEND_CONFIG, &ingress.id.namespace, name)?;
    let enabled = config.value.pointer("/spec/redirectToHttps/enabled") == Some(&Value::Bool(true));
    enabled.then(|| Problem::new(
        &ingress.id,
        format!("{REFUSED}: {INGRESS_CLASS} is `{INTERNAL_INGRESS_CLASS}` and FrontendConfig `{name}` enables redirectToHttps; ingress-gce stops the whole load-balancer sync with \"cannot enable HTTPS Redirects with L7 ILB\" (kubernetes/ingress-gce pkg/loadbalancers/url_maps.go)"),
        "an internal load balancer cannot redirect: leave the https-only parameter redirect false (port 80 is then closed), or use the external load balancer",
    ))
}

fn internal_http_and_https(ingress: &Resource) -> Option<Problem> {
    let set = |key: &str| annotation(&ingress.value, key).is_some_and(|v| !v.trim().is_empty());
    let serves_https = set(PRE_SHARED_CERT)
        || ingress
            .value
            .pointer("/spec/tls")
            .and_then(Value::as_array)
            .is_some_and(|tls| !tls.is_empty());
    let serves_http = annotation(&ingress.value, ALLOW_HTTP).is_none_or(go_parse_bool_true);
    let has_address = set(REGIONAL_STATIC_IP) || set(GLOBAL_STATIC_IP);
    (serves_https && serves_http && !has_address).then(|| Problem::new(
        &ingress.id,
        format!("{REFUSED}: {INGRESS_CLASS} is `{INTERNAL_INGRESS_CLASS}`, HTTPS is configured and HTTP still served ({ALLOW_HTTP} is not \"false\"), but no static address is given; ingress-gce builds no frontend (\"gce-internal Ingress class must be configured with a static-ip to use both HTTP and HTTPS\", kubernetes/ingress-gce pkg/loadbalancers/l7.go)"),
        "close port 80 with --overlay https-only, or reserve a shared regional address (gcloud compute addresses create NAME --region REGION --subnet SUBNET --purpose=SHARED_LOADBALANCER_VIP) and give it to the static-ip overlay as staticIpName",
    ))
}

/// `strconv.ParseBool`, as ingress-gce's `AllowHTTP` reads the annotation:
/// anything it cannot parse counts as true.
fn go_parse_bool_true(value: &str) -> bool {
    !matches!(value, "0" | "f" | "F" | "false" | "FALSE" | "False")
}

fn regional_security_policy(
    ingress: &Resource,
    class: &str,
    services: &Services,
    objects: &Objects<'_>,
) -> Vec<Problem> {
    let namespace = &ingress.id.namespace;
    let mut configs: Vec<String> = ingress::backend_services(&ingress.value)
        .iter()
        .filter_map(|name| services.find(namespace, name).ok())
        .flat_map(|service| ingress::backend_configs_of(&service))
        .filter(|name| {
            objects
                .find(kind::BACKEND_CONFIG, namespace, name)
                .is_some_and(|c| {
                    c.value
                        .pointer("/spec/securityPolicy")
                        .is_some_and(|p| !p.is_null())
                })
        })
        .collect();
    configs.sort();
    configs.dedup();
    configs
        .into_iter()
        .map(|name| Problem::new(
            &ingress.id,
            format!("{REFUSED}: {INGRESS_CLASS} is `{class}`, a regional load balancer, and BackendConfig `{name}` of its backend sets securityPolicy; ingress-gce refuses Cloud Armor on a regional backend service (\"cloud armor security policies not supported\", kubernetes/ingress-gce pkg/backends/features/securitypolicy.go)"),
            "Cloud Armor through GKE Ingress needs the global external load balancer: drop cloud-armor, or the internal overlay / regional ingressClass",
        ))
        .collect()
}

/// The Gateway refusals: a certificate map on a regional Gateway, and
/// Certificate Manager certificates by name on a global one.
pub(super) fn gateway(gateway: &Resource) -> Vec<Problem> {
    let Some(class) = gateway
        .value
        .pointer("/spec/gatewayClassName")
        .and_then(Value::as_str)
    else {
        return Vec::new();
    };
    if REGIONAL_GATEWAY_CLASSES.contains(&class) {
        regional_certmap(gateway, class).into_iter().collect()
    } else if GLOBAL_GATEWAY_CLASSES.contains(&class) {
        global_cert_manager_certs(gateway, class)
    } else {
        Vec::new()
    }
}

fn regional_certmap(gateway: &Resource, class: &str) -> Option<Problem> {
    let map = annotation(&gateway.value, CERTMAP).filter(|m| !m.trim().is_empty())?;
    Some(Problem::new(
        &gateway.id,
        format!("{REFUSED}: gatewayClassName is `{class}`, a regional load balancer, and {CERTMAP} names map `{map}`; Certificate Manager maps attach only to global external and classic Application Load Balancers, regional ones take certificates directly (https://cloud.google.com/certificate-manager/docs/deploy)"),
        "name regional Certificate Manager certificates with --set certManagerCerts=NAME[,NAME…] (the listener option networking.gke.io/cert-manager-certs) instead of certMap, or use --overlay self-managed, or the global class gke-l7-global-external-managed",
    ))
}

fn global_cert_manager_certs(gateway: &Resource, class: &str) -> Vec<Problem> {
    array(gateway.value.pointer("/spec/listeners"))
        .iter()
        .enumerate()
        .filter_map(|(index, listener)| {
            let names = listener_option(listener, CERT_MANAGER_CERTS_OPTION)?;
            Some(Problem::new(
                &gateway.id,
                format!("{REFUSED}: gatewayClassName is `{class}`, a global load balancer, and spec.listeners[{index}] names Certificate Manager certificates {} in tls.options {CERT_MANAGER_CERTS_OPTION}; global external and classic Application Load Balancers take Certificate Manager certificates only through a map (https://cloud.google.com/certificate-manager/docs/overview, \"Supported load balancers\")", quoted(names)),
                "put the certificates in a Certificate Manager map and give it as certMap (--set certMap=NAME), or use a regional class (--overlay internal, or --set gatewayClass=gke-l7-regional-external-managed)",
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::ServiceView;
    use super::*;
    use serde_json::json;

    fn resource(value: Value) -> Resource {
        Resource::new(value).unwrap()
    }

    fn internal_ingress(annotations: Value, tls: bool) -> Resource {
        let mut value = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "i", "namespace": "default", "annotations": annotations},
            "spec": {"defaultBackend": {"service": {"name": "milvus", "port": {"number": 19530}}}}});
        if tls {
            value["spec"]["tls"] = json!([{"secretName": "s"}]);
        }
        resource(value)
    }

    fn refusals(objects: &[Resource], services: &[ServiceView]) -> Vec<String> {
        let index = Objects::new(objects);
        let services = Services::new(objects, services);
        objects
            .iter()
            .filter(|o| o.id.kind == "Ingress")
            .flat_map(|o| ingress(o, &services, &index))
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn an_internal_ingress_cannot_redirect() {
        let objects = [
            internal_ingress(
                json!({INGRESS_CLASS: "gce-internal", FRONTEND_CONFIG: "f", ALLOW_HTTP: "false"}),
                false,
            ),
            resource(
                json!({"apiVersion": "networking.gke.io/v1beta1", "kind": "FrontendConfig",
                "metadata": {"name": "f", "namespace": "default"},
                "spec": {"redirectToHttps": {"enabled": true}}}),
            ),
        ];
        let found = refusals(&objects, &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("cannot enable HTTPS Redirects with L7 ILB"),
            "{found:?}"
        );
        let mut external = objects.clone();
        external[0].value["metadata"]["annotations"][INGRESS_CLASS] = json!("gce");
        assert!(refusals(&external, &[]).is_empty());
    }

    #[test]
    fn internal_https_with_http_needs_a_static_address() {
        let found = refusals(
            &[internal_ingress(
                json!({INGRESS_CLASS: "gce-internal"}),
                true,
            )],
            &[],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("pkg/loadbalancers/l7.go"), "{found:?}");
        for fixed in [
            json!({INGRESS_CLASS: "gce-internal", ALLOW_HTTP: "false"}),
            json!({INGRESS_CLASS: "gce-internal", REGIONAL_STATIC_IP: "vip"}),
        ] {
            assert!(refusals(&[internal_ingress(fixed, true)], &[]).is_empty());
        }
        // HTTP only: nothing to share.
        assert!(refusals(
            &[internal_ingress(
                json!({INGRESS_CLASS: "gce-internal"}),
                false
            )],
            &[]
        )
        .is_empty());
        // ingress-gce reads an unparsable value as true.
        assert_eq!(
            refusals(
                &[internal_ingress(
                    json!({INGRESS_CLASS: "gce-internal", ALLOW_HTTP: "no"}),
                    true
                )],
                &[]
            )
            .len(),
            1
        );
    }

    #[test]
    fn a_regional_ingress_takes_no_cloud_armor_policy() {
        let values = json!({"service": {"annotations": {
            "cloud.google.com/backend-config": "{\"default\":\"bc\"}"}}});
        let mut service = ServiceView::of_helm_values(&values, "my-release", "default");
        service.name = "milvus".into();
        let config = resource(
            json!({"apiVersion": "cloud.google.com/v1", "kind": "BackendConfig",
            "metadata": {"name": "bc", "namespace": "default"},
            "spec": {"securityPolicy": {"name": "armor"}}}),
        );
        for class in ["gce-internal", "gce-regional-external"] {
            let ingress =
                internal_ingress(json!({INGRESS_CLASS: class, ALLOW_HTTP: "false"}), false);
            let found = refusals(&[ingress, config.clone()], std::slice::from_ref(&service));
            assert_eq!(found.len(), 1, "{class}: {found:?}");
            assert!(found[0].contains("securitypolicy.go"), "{found:?}");
        }
        let global = internal_ingress(json!({INGRESS_CLASS: "gce"}), false);
        assert!(refusals(&[global, config], &[service]).is_empty());
    }

    #[test]
    fn a_regional_gateway_takes_no_certificate_map() {
        let gateway = |class: &str| {
            resource(json!({"apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway", "metadata": {"name": "g", "namespace": "default",
                "annotations": {CERTMAP: "milvus-map"}},
            "spec": {"gatewayClassName": class, "listeners": []}}))
        };
        for class in ["gke-l7-rilb", "gke-l7-regional-external-managed"] {
            let found = super::gateway(&gateway(class));
            assert_eq!(found.len(), 1, "{class}: {found:?}");
            assert!(
                found[0].message.contains("certificate-manager/docs/deploy")
                    && found[0].hint.contains("certManagerCerts"),
                "{found:?}"
            );
        }
        assert!(super::gateway(&gateway("gke-l7-global-external-managed")).is_empty());
    }

    #[test]
    fn a_global_gateway_takes_certificate_manager_certificates_only_in_a_map() {
        let gateway = |class: &str| {
            let https = |name: &str| {
                json!({"name": name, "protocol": "HTTPS", "port": 443,
                "tls": {"mode": "Terminate", "options": {CERT_MANAGER_CERTS_OPTION: "milvus-cert"}}})
            };
            resource(json!({"apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway", "metadata": {"name": "g", "namespace": "default"},
            "spec": {"gatewayClassName": class, "listeners": [https("a"), https("b")]}}))
        };
        for class in ["gke-l7-global-external-managed", "gke-l7-gxlb"] {
            let found = super::gateway(&gateway(class));
            assert_eq!(found.len(), 2, "one per listener: {found:?}");
            assert!(
                found[1].message.contains("spec.listeners[1]")
                    && found[1]
                        .message
                        .contains("certificate-manager/docs/overview"),
                "{found:?}"
            );
        }
        for class in ["gke-l7-rilb", "gke-l7-regional-external-managed"] {
            assert!(super::gateway(&gateway(class)).is_empty(), "{class}");
        }
    }
}
