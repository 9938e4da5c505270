//! Defaults the API server writes into objects, removed from both the
//! live and the rendered side before they are compared, and only where a
//! field holds its default: writing a default in a template, or leaving it
//! out, then makes no difference in `diff --strict`.
//!
//! Service: kubernetes `pkg/apis/core/v1/defaults.go`. Gateway
//! API: the `+kubebuilder:default` markers of the references in
//! `apis/v1/{gateway,httproute,shared,object_reference}_types.go`.

use crate::k8s::resource::kind_is;
use serde_json::{Map, Value};

const GATEWAY_API: &str = "gateway.networking.k8s.io";

/// Removes the defaults of the kinds above; other kinds are left alone.
pub fn strip(value: &mut Value) {
    if kind_is(value, "", "Service") {
        strip_service(value);
    } else if kind_is(value, GATEWAY_API, "Gateway") {
        strip_gateway(value);
    } else if kind_is(value, GATEWAY_API, "HTTPRoute") {
        strip_http_route(value);
    }
}

fn strip_service(value: &mut Value) {
    let Some(spec) = value.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    remove_if(spec, "internalTrafficPolicy", "Cluster");
    remove_if(spec, "sessionAffinity", "None");
    for port in objects_mut(spec.get_mut("ports")) {
        remove_if(port, "protocol", "TCP");
        if port.get("targetPort").is_some() && port.get("targetPort") == port.get("port") {
            port.remove("targetPort");
        }
    }
}

/// Listener certificate references: `group: ""`, `kind: Secret`.
fn strip_gateway(value: &mut Value) {
    for listener in objects_mut(value.pointer_mut("/spec/listeners")) {
        let tls = listener.get_mut("tls");
        let references = tls.and_then(|t| t.get_mut("certificateRefs"));
        for reference in objects_mut(references) {
            remove_if(reference, "group", "");
            remove_if(reference, "kind", "Secret");
        }
    }
}

/// Parents: `group: gateway.networking.k8s.io`, `kind: Gateway`; backends:
/// `group: ""`, `kind: Service`, `weight: 1`.
fn strip_http_route(value: &mut Value) {
    for parent in objects_mut(value.pointer_mut("/spec/parentRefs")) {
        remove_if(parent, "group", GATEWAY_API);
        remove_if(parent, "kind", "Gateway");
    }
    for rule in objects_mut(value.pointer_mut("/spec/rules")) {
        for backend in objects_mut(rule.get_mut("backendRefs")) {
            remove_if(backend, "group", "");
            remove_if(backend, "kind", "Service");
            if backend.get("weight").and_then(Value::as_u64) == Some(1) {
                backend.remove("weight");
            }
        }
    }
}

fn objects_mut(list: Option<&mut Value>) -> impl Iterator<Item = &mut Map<String, Value>> {
    list.and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

fn remove_if(map: &mut Map<String, Value>, key: &str, default: &str) {
    if map.get(key).and_then(Value::as_str) == Some(default) {
        map.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn gateway_certificate_references_lose_their_defaults_only() {
        let mut gateway = json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "spec": {"listeners": [{"name": "https", "tls": {"mode": "Terminate", "certificateRefs": [
                {"group": "", "kind": "Secret", "name": "a"},
                {"group": "networking.gke.io", "kind": "ManagedCertificate", "name": "b"}]}}]}});
        strip(&mut gateway);
        assert_eq!(
            gateway["spec"]["listeners"][0]["tls"],
            json!({"mode": "Terminate", "certificateRefs": [{"name": "a"},
                {"group": "networking.gke.io", "kind": "ManagedCertificate", "name": "b"}]})
        );
    }

    #[test]
    fn route_references_lose_their_defaults_only() {
        let mut route = json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "spec": {"parentRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "g"}],
                "rules": [{"backendRefs": [
                    {"group": "", "kind": "Service", "name": "s", "port": 19530, "weight": 1},
                    {"group": "net.gke.io", "kind": "ServiceImport", "name": "i", "weight": 9}]}]}});
        strip(&mut route);
        assert_eq!(route["spec"]["parentRefs"], json!([{"name": "g"}]));
        assert_eq!(
            route["spec"]["rules"][0]["backendRefs"],
            json!([{"name": "s", "port": 19530},
                {"group": "net.gke.io", "kind": "ServiceImport", "name": "i", "weight": 9}])
        );
    }

    #[test]
    fn other_kinds_are_untouched() {
        let mut value = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "spec": {"parentRefs": [{"group": "gateway.networking.k8s.io"}]}});
        let before = value.clone();
        strip(&mut value);
        assert_eq!(value, before);
    }
}
