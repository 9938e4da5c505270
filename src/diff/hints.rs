//! What to do about the differences diff found, one line each.
//!
//! The Service gets the most specific hints: a missing
//! `cloud.google.com/backend-config` or `app-protocols` annotation is the
//! most common reason a GKE Ingress in front of Milvus never turns healthy,
//! and the fix (upgrade the chart with our values) is not where the
//! difference shows.

use crate::diff::{Comparison, ObjectDiff, Status};
use crate::k8s::annotations::{APP_PROTOCOLS, BACKEND_CONFIG, NEG};
use crate::k8s::resource::ResId;
use crate::render::Rendered;
use serde_json::Value;

/// The annotations our Helm values put on the Service, and what breaks
/// without them.
const SERVICE_ANNOTATIONS: &[(&str, &str)] = &[
    (
        BACKEND_CONFIG,
        "without it the load balancer health-checks the gRPC port instead of /healthz on the metrics port, and the backend stays UNHEALTHY (502)",
    ),
    (
        APP_PROTOCOLS,
        "without it the load balancer talks HTTP/1.1 to Milvus' gRPC port instead of HTTP2",
    ),
    (
        NEG,
        "without it the Ingress cannot use container-native load balancing (NEGs)",
    ),
];

pub fn hints(rendered: &Rendered, service_id: &ResId, comparison: &Comparison) -> Vec<String> {
    let mut hints = Vec::new();
    if let Some(service) = comparison.objects.iter().find(|o| &o.id == service_id) {
        hints.extend(service_hints(rendered, service));
    }
    let stale = comparison
        .objects
        .iter()
        .filter(|o| &o.id != service_id)
        .filter(|o| matches!(o.status, Status::Changed | Status::Missing))
        .count();
    if stale > 0 {
        hints.push(format!(
            "{stale} rendered object(s) differ from the live state: apply them with `milvus-l7 render <same flags> | kubectl apply -f -`"
        ));
    }
    let unlabelled: Vec<String> = comparison
        .objects
        .iter()
        .filter(|o| o.status == Status::Changed && lacks_ownership(o))
        .map(|o| format!("{} {}", o.id.kind, o.id.name))
        .collect();
    if !unlabelled.is_empty() {
        hints.push(format!(
            "{} lack(s) the label {MANAGED_BY}={MANAGED_BY_US} (made by hand, or by an older milvus-l7): the next apply adds it, and from then on pruning and `kubectl delete -l` find it (adopting a setup: docs/lifecycle.md)",
            unlabelled.join(", ")
        ));
    }
    let extras: Vec<&ObjectDiff> = comparison
        .objects
        .iter()
        .filter(|o| o.status == Status::Extra)
        .collect();
    for extra in &extras {
        hints.push(extra_hint(&extra.id));
    }
    if !extras.is_empty() {
        hints.push(prune_hint(rendered));
    }
    hints
}

const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
const MANAGED_BY_US: &str = "milvus-l7";

/// Rendered with our `managed-by` label, live without it.
fn lacks_ownership(object: &ObjectDiff) -> bool {
    let label = |v: &Option<Value>| {
        v.as_ref()
            .and_then(|v| v.pointer("/metadata/labels"))
            .and_then(|l| l.get(MANAGED_BY))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    label(&object.rendered).as_deref() == Some(MANAGED_BY_US)
        && label(&object.live).as_deref() != Some(MANAGED_BY_US)
}

/// kubectl's ApplySet prune: deletes what an earlier apply of the same set
/// made and this render no longer has (docs/lifecycle.md, pruning).
fn prune_hint(rendered: &Rendered) -> String {
    let (release, namespace) = (&rendered.params.release, &rendered.params.namespace);
    format!(
        "to prune what a render no longer has on every apply: milvus-l7 render <same flags> | KUBECTL_APPLYSET=true kubectl apply --server-side --prune --applyset=configmaps/{release}-milvus-l7 -n {namespace} -f - (objects applied before the first such apply are not in the set: delete them as above)"
    )
}

fn service_hints(rendered: &Rendered, service: &ObjectDiff) -> Vec<String> {
    let fix = rendered.helm_upgrade_command();
    let name = format!("{}/{}", service.id.namespace, service.id.name);
    match (service.status, &service.live, &service.rendered) {
        (Status::Missing, _, _) => vec![format!(
            "the Milvus Service {name} is not in the live export: install or upgrade the chart with our values: {fix}; if it exists, add `svc` to the `kubectl get` that made the export"
        )],
        (Status::Changed, Some(live), Some(want)) => {
            let mut hints = annotation_hints(live, want, &name, &fix);
            if let Some(hint) = type_hint(live, want, &name, &fix) {
                hints.push(hint);
            }
            if hints.is_empty() {
                hints.push(format!(
                    "the live Service {name} differs from what our Helm values make: {fix}"
                ));
            }
            hints
        }
        _ => Vec::new(),
    }
}

fn annotation_hints(live: &Value, want: &Value, name: &str, fix: &str) -> Vec<String> {
    let annotation = |v: &Value, key: &str| {
        v.pointer("/metadata/annotations")
            .and_then(|a| a.get(key))
            .cloned()
    };
    let mut hints = Vec::new();
    for (key, why) in SERVICE_ANNOTATIONS {
        let (have, expected) = (annotation(live, key), annotation(want, key));
        if expected.is_none() || have == expected {
            continue;
        }
        let what = if have.is_none() {
            "lacks"
        } else {
            "has a different value for"
        };
        hints.push(format!(
            "the live Service {name} {what} the `{key}` annotation ({why}); the chart writes it from service.annotations: {fix}"
        ));
    }
    hints
}

fn type_hint(live: &Value, want: &Value, name: &str, fix: &str) -> Option<String> {
    let have = live.pointer("/spec/type")?.as_str()?;
    let expected = want.pointer("/spec/type")?.as_str()?;
    (have != expected)
        .then(|| format!("the live Service {name} is of type {have}, not {expected}: {fix}"))
}

fn extra_hint(id: &ResId) -> String {
    format!(
        "{} {}/{} is live but no longer rendered (left by an earlier render with other overlays?); delete it once nothing uses it: kubectl delete {} {} -n {}",
        id.kind,
        id.namespace,
        id.name,
        id.kind.to_lowercase(),
        id.name,
        id.namespace
    )
}
