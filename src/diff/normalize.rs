//! Normalizing objects before they are compared.
//!
//! A live object carries much that nobody wrote: fields the API server fills
//! in (uid, resourceVersion, managedFields, defaults), fields GKE controllers
//! write (ingress-gce's `ingress.kubernetes.io/*` annotations, the NEG
//! controller's `neg-status`, the managed-certs controller's `mcrt-…`
//! pre-shared-cert, the Gateway controller's `networking.gke.io/*` list of
//! Compute resources and its finalizer) and `status`. They are dropped
//! here (the real exports in `testdata/live/` show each one), so that a diff shows only
//! what a person or our render decided.
//!
//! Both sides are also put in a canonical form: numbers that are whole
//! compare as integers (kubectl prints 1.0 as 1), annotations holding a JSON
//! object compare parsed (`{"default": "x"}` equals `{"default":"x"}`), and
//! map keys are sorted (kubectl sorts them; our templates do not).
//!
//! Every step walks each object once: normalization is linear in its size.

use crate::diff::api_defaults;
use crate::k8s::annotations::{
    GATEWAY_CONTROLLER, INGRESS_GCE_PREFIX, LAST_APPLIED, NEG_STATUS, PRE_SHARED_CERT,
};
use crate::k8s::resource::kind_is;
use serde_json::{Map, Value};

/// Metadata the API server sets on every object.
const SERVER_METADATA: &[&str] = &[
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    // Written by controllers (ingress-gce, the Gateway controller's
    // `gateway.finalizer.networking.gke.io`, the Service LB controller) to
    // block deletion until they clean up; never part of what we render.
    "finalizers",
];

/// Labels and annotations `helm install` and the Milvus chart put on the
/// Service it makes; none of them comes from our values.
const HELM_LABELS: &[&str] = &[
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/component",
    "helm.sh/chart",
    "component",
];
const HELM_ANNOTATIONS: &[&str] = &[
    "meta.helm.sh/release-name",
    "meta.helm.sh/release-namespace",
];

/// The chart's second port, present while `metrics.enabled` (the default).
const CHART_METRICS_PORT: &str = "metrics";

/// What a live object is to us, which decides what is ours to compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Rendered by milvus-l7 and applied by the user (or Argo CD).
    Rendered,
    /// Made by the milvus/milvus Helm chart from our values: chart-owned
    /// labels, selector, metrics port and target ports are not ours.
    HelmChart,
}

/// Removes server-populated and controller-written fields from a live
/// object and puts it in canonical form.
pub fn live(value: &mut Value, origin: Origin) {
    strip_server_fields(value);
    if kind_is(value, "", "Service") {
        strip_service_allocations(value);
        if origin == Origin::HelmChart {
            strip_chart_owned(value);
        }
    }
    api_defaults::strip(value);
    remove_empty_metadata_maps(value);
    canonicalize(value);
}

/// Puts a rendered object in the same canonical form as a live one. A
/// default written out in a template (`protocol: TCP`) is dropped like the
/// API server's, so writing it or not makes no difference.
pub fn desired(value: &mut Value) {
    api_defaults::strip(value);
    canonicalize(value);
}

fn strip_server_fields(value: &mut Value) {
    let Some(object) = value.as_object_mut() else {
        return;
    };
    object.remove("status");
    let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    for field in SERVER_METADATA {
        metadata.remove(*field);
    }
    if let Some(annotations) = metadata
        .get_mut("annotations")
        .and_then(Value::as_object_mut)
    {
        annotations.retain(|key, value| !is_controller_annotation(key, value));
    }
    // kubectl's ApplySet marks every member it applied (`--applyset`,
    // docs/lifecycle.md): the tool's bookkeeping, not the user's intent.
    if let Some(labels) = metadata.get_mut("labels").and_then(Value::as_object_mut) {
        labels.remove(APPLYSET_PART_OF);
    }
}

/// The label kubectl's ApplySet puts on each object it applies
/// (kubernetes/kubectl pkg/cmd/apply/applyset.go, `ApplysetPartOfLabel`).
const APPLYSET_PART_OF: &str = "applyset.kubernetes.io/part-of";

fn is_controller_annotation(key: &str, value: &Value) -> bool {
    key == LAST_APPLIED
        || key.starts_with(INGRESS_GCE_PREFIX)
        || key == NEG_STATUS
        || GATEWAY_CONTROLLER.contains(&key)
        || (key == PRE_SHARED_CERT && value.as_str().is_some_and(names_only_managed_certs))
}

/// `mcrt-a,mcrt-b`: every entry is a certificate the managed-certs
/// controller made. A user's own pre-shared cert names are kept.
fn names_only_managed_certs(list: &str) -> bool {
    list.split(',')
        .map(str::trim)
        .all(|name| name.starts_with("mcrt-"))
}

/// What the API server allocates for a Service (kubernetes `pkg/registry/core/service`):
/// addresses and IP families. A headless Service's `clusterIP: None` is a
/// choice, not an allocation.
fn strip_service_allocations(value: &mut Value) {
    let Some(spec) = value.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    let headless = spec.get("clusterIP").and_then(Value::as_str) == Some("None");
    if !headless {
        spec.remove("clusterIP");
        spec.remove("clusterIPs");
    }
    spec.remove("ipFamilies");
    spec.remove("ipFamilyPolicy");
}

fn ports_mut(spec: &mut Map<String, Value>) -> impl Iterator<Item = &mut Map<String, Value>> {
    spec.get_mut("ports")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

/// What the chart writes on its Service that our Helm values do not decide:
/// its labels, Helm's release annotations, the pod selector, the metrics
/// port and the target ports (container port names).
fn strip_chart_owned(value: &mut Value) {
    if let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        if let Some(labels) = metadata.get_mut("labels").and_then(Value::as_object_mut) {
            labels.retain(|key, _| !HELM_LABELS.contains(&key.as_str()));
        }
        if let Some(annotations) = metadata
            .get_mut("annotations")
            .and_then(Value::as_object_mut)
        {
            annotations.retain(|key, _| !HELM_ANNOTATIONS.contains(&key.as_str()));
        }
    }
    let Some(spec) = value.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    spec.remove("selector");
    if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        ports.retain(|port| port.get("name").and_then(Value::as_str) != Some(CHART_METRICS_PORT));
    }
    for port in ports_mut(spec) {
        if port.get("targetPort").is_some_and(Value::is_string) {
            port.remove("targetPort");
        }
    }
}

/// Drops `annotations: {}` and `labels: {}` left behind by stripping, so
/// that an object with only controller annotations equals one with none.
fn remove_empty_metadata_maps(value: &mut Value) {
    let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) else {
        return;
    };
    for key in ["annotations", "labels"] {
        if metadata
            .get(key)
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
        {
            metadata.remove(key);
        }
    }
}

/// Canonical form: whole numbers as integers, JSON-object annotations
/// compact with sorted keys, every map's keys sorted.
pub fn canonicalize(value: &mut Value) {
    canonicalize_json_annotations(value);
    sort_and_unify_numbers(value);
}

fn canonicalize_json_annotations(value: &mut Value) {
    let Some(annotations) = value
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for annotation in annotations.values_mut() {
        if let Some(canonical) = annotation.as_str().and_then(canonical_json_object) {
            *annotation = Value::String(canonical);
        }
    }
}

/// `{"default": "x"}` → `{"default":"x"}`; None when the text is not a
/// JSON object (most annotations are plain strings).
pub fn canonical_json_object(text: &str) -> Option<String> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let mut parsed: Value = serde_json::from_str(text).ok()?;
    parsed.is_object().then(|| {
        sort_and_unify_numbers(&mut parsed);
        parsed.to_string()
    })
}

fn sort_and_unify_numbers(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.sort_keys();
            map.values_mut().for_each(sort_and_unify_numbers);
        }
        Value::Array(items) => items.iter_mut().for_each(sort_and_unify_numbers),
        Value::Number(number) => {
            if let Some(whole) = whole_number(number) {
                *value = whole;
            }
        }
        _ => {}
    }
}

/// 1.0 → 1 (the same number, as kubectl prints it); fractions stay floats.
fn whole_number(number: &serde_json::Number) -> Option<Value> {
    let float = number.as_f64().filter(|_| number.is_f64())?;
    let in_range = float.fract() == 0.0 && float.abs() < 9.0e15;
    in_range.then(|| {
        if float >= 0.0 {
            Value::from(float as u64)
        } else {
            Value::from(float as i64)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn server_metadata_status_and_last_applied_are_dropped() {
        let mut v = json!({
            "apiVersion": "cloud.google.com/v1", "kind": "BackendConfig",
            "metadata": {"name": "bc", "namespace": "d", "uid": "u", "resourceVersion": "1",
                "generation": 2, "creationTimestamp": "t", "selfLink": "/x",
                "managedFields": [{"manager": "kubectl"}], "finalizers": ["f"],
                "annotations": {LAST_APPLIED: "{}"}},
            "spec": {"timeoutSec": 300}, "status": {}
        });
        live(&mut v, Origin::Rendered);
        assert_eq!(
            v,
            json!({"apiVersion": "cloud.google.com/v1", "kind": "BackendConfig",
                "metadata": {"name": "bc", "namespace": "d"}, "spec": {"timeoutSec": 300}})
        );
    }

    #[test]
    fn the_applyset_membership_label_goes_but_our_labels_stay() {
        let mut v = json!({"metadata": {"name": "x", "labels": {
            "applyset.kubernetes.io/part-of": "applyset-abc-v1",
            "app.kubernetes.io/managed-by": "milvus-l7"}}});
        live(&mut v, Origin::Rendered);
        assert_eq!(
            v["metadata"]["labels"],
            json!({"app.kubernetes.io/managed-by": "milvus-l7"})
        );
    }

    #[test]
    fn gke_controller_annotations_go_but_user_annotations_stay() {
        let mut v = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "i", "annotations": {
                "ingress.kubernetes.io/backends": "{}",
                "ingress.kubernetes.io/url-map": "k8s2-um-x",
                "ingress.gcp.kubernetes.io/pre-shared-cert": "mcrt-1,mcrt-2",
                "networking.gke.io/managed-certificates": "c"}}});
        live(&mut v, Origin::Rendered);
        assert_eq!(
            v["metadata"]["annotations"],
            json!({"networking.gke.io/managed-certificates": "c"})
        );
    }

    #[test]
    fn gke_gateway_controller_annotations_and_finalizer_go_but_certmap_stays() {
        let mut v = json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": {"name": "g", "finalizers": ["gateway.finalizer.networking.gke.io"],
                "annotations": {
                    "networking.gke.io/addresses": "/projects/1/global/addresses/a",
                    "networking.gke.io/backend-services": "/projects/1/global/backendServices/b",
                    "networking.gke.io/firewalls": "/projects/1/global/firewalls/f",
                    "networking.gke.io/forwarding-rules": "/projects/1/global/forwardingRules/r",
                    "networking.gke.io/health-checks": "/projects/1/global/healthChecks/h",
                    "networking.gke.io/last-reconcile-time": "2025-03-04T09:30:12Z",
                    "networking.gke.io/ssl-certificates": "",
                    "networking.gke.io/target-proxies": "/projects/1/global/targetHttpsProxies/t",
                    "networking.gke.io/target-http-proxies": "",
                    "networking.gke.io/target-https-proxies": "/projects/1/global/targetHttpsProxies/t",
                    "networking.gke.io/url-maps": "/projects/1/global/urlMaps/u",
                    "networking.gke.io/certmap": "milvus-map"}},
            "status": {"addresses": [{"type": "IPAddress", "value": "34.1.2.3"}]}});
        live(&mut v, Origin::Rendered);
        assert_eq!(
            v,
            json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
                "metadata": {"annotations": {"networking.gke.io/certmap": "milvus-map"}, "name": "g"}})
        );
    }

    #[test]
    fn a_users_own_pre_shared_cert_is_kept() {
        let mut v = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "i", "annotations": {
                "ingress.gcp.kubernetes.io/pre-shared-cert": "my-cert,mcrt-1"}}});
        live(&mut v, Origin::Rendered);
        assert_eq!(
            v["metadata"]["annotations"]["ingress.gcp.kubernetes.io/pre-shared-cert"],
            "my-cert,mcrt-1"
        );
    }

    #[test]
    fn service_defaults_are_dropped_but_choices_stay() {
        let mut v = json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "s", "annotations": {"cloud.google.com/neg-status": "{}"}},
            "spec": {"clusterIP": "10.0.0.1", "clusterIPs": ["10.0.0.1"], "ipFamilies": ["IPv4"],
                "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster",
                "sessionAffinity": "ClientIP", "type": "ClusterIP",
                "ports": [{"name": "a", "port": 80, "protocol": "TCP", "targetPort": 80},
                          {"name": "b", "port": 81, "protocol": "UDP", "targetPort": 8081}]}});
        live(&mut v, Origin::Rendered);
        assert_eq!(
            v,
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                "spec": {"ports": [{"name": "a", "port": 80},
                                   {"name": "b", "port": 81, "protocol": "UDP", "targetPort": 8081}],
                         "sessionAffinity": "ClientIP", "type": "ClusterIP"}})
        );
    }

    #[test]
    fn defaults_written_in_a_rendered_service_are_dropped_too() {
        let mut v = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"ports": [{"name": "a", "port": 80, "protocol": "TCP", "targetPort": "a"}]}});
        desired(&mut v);
        assert_eq!(
            v["spec"]["ports"],
            json!([{"name": "a", "port": 80, "targetPort": "a"}])
        );
    }

    #[test]
    fn a_headless_service_keeps_cluster_ip_none() {
        let mut v = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"clusterIP": "None"}});
        live(&mut v, Origin::Rendered);
        assert_eq!(v["spec"]["clusterIP"], "None");
    }

    #[test]
    fn the_helm_service_loses_chart_owned_fields() {
        let mut v = json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "s", "labels": {"helm.sh/chart": "milvus-4.2", "component": "proxy",
                "app.kubernetes.io/managed-by": "Helm", "team": "data"},
                "annotations": {"meta.helm.sh/release-name": "r"}},
            "spec": {"selector": {"component": "proxy"}, "type": "ClusterIP",
                "ports": [{"name": "milvus", "port": 19530, "targetPort": "milvus"},
                          {"name": "metrics", "port": 9091, "targetPort": "metrics"}]}});
        live(&mut v, Origin::HelmChart);
        assert_eq!(
            v,
            json!({"apiVersion": "v1", "kind": "Service",
                "metadata": {"labels": {"team": "data"}, "name": "s"},
                "spec": {"ports": [{"name": "milvus", "port": 19530}], "type": "ClusterIP"}})
        );
    }

    #[test]
    fn json_annotations_compare_parsed() {
        let mut a = json!({"metadata": {"annotations": {"x": "{\"default\": \"b\", \"a\": 1.0}"}}});
        let mut b = json!({"metadata": {"annotations": {"x": "{\"a\":1,\"default\":\"b\"}"}}});
        canonicalize(&mut a);
        canonicalize(&mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn plain_and_broken_json_looking_annotations_are_left_alone() {
        assert_eq!(canonical_json_object("gce"), None);
        assert_eq!(canonical_json_object("{not json"), None);
        assert_eq!(canonical_json_object("[1, 2]"), None);
    }

    #[test]
    fn whole_floats_become_integers_and_fractions_stay() {
        let mut v = json!({"a": 1.0, "b": [2.5, -3.0], "c": 7});
        canonicalize(&mut v);
        assert_eq!(v, json!({"a": 1, "b": [2.5, -3], "c": 7}));
        assert_eq!(v["a"], json!(1));
    }

    #[test]
    fn keys_are_sorted() {
        let mut v = json!({"b": 1, "a": {"d": 1, "c": 2}});
        canonicalize(&mut v);
        assert_eq!(v.to_string(), r#"{"a":{"c":2,"d":1},"b":1}"#);
    }
}
