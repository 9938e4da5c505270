//! Connection draining against the pod's grace period. When a Milvus pod
//! stops, the load balancer stops sending it new requests and lets running
//! ones finish for `drainingTimeoutSec`; the kubelet kills the pod after
//! its `terminationGracePeriodSeconds`. A draining time longer than the
//! grace period promises what the pod cannot keep: requests are cut when
//! the pod is killed.
//!
//! The milvus/milvus chart has no value for the proxy's grace period
//! (milvus-helm `templates/proxy-deployment.yaml` sets none, and
//! `values.yaml` has no such proxy key), so the pod gets Kubernetes'
//! default, 30 s (kubernetes/api `core/v1/types.go`, PodSpec
//! `terminationGracePeriodSeconds`: "Defaults to 30 seconds"). A warning,
//! not an error: a post-render patch can raise the grace period, which
//! these objects cannot show.

use crate::k8s::resource::Resource;

/// Kubernetes' default `terminationGracePeriodSeconds`, which the chart's
/// proxy pods get.
pub const CHART_POD_GRACE_SECONDS: u64 = 30;

/// Where each kind keeps the draining time.
const DRAINING: &[(&str, &str)] = &[
    (
        "BackendConfig",
        "/spec/connectionDraining/drainingTimeoutSec",
    ),
    (
        "GCPBackendPolicy",
        "/spec/default/connectionDraining/drainingTimeoutSec",
    ),
];

/// A draining time longer than the chart's pods live after SIGTERM.
pub(super) fn warnings(object: &Resource) -> Vec<String> {
    DRAINING
        .iter()
        .filter(|(kind, _)| *kind == object.id.kind)
        .filter_map(|(_, pointer)| {
            let seconds = object.value.pointer(pointer)?.as_u64()?;
            (seconds > CHART_POD_GRACE_SECONDS).then(|| {
                format!(
                    "{}: drainingTimeoutSec is {seconds} s, longer than the {CHART_POD_GRACE_SECONDS} s the milvus chart's pods get to stop (terminationGracePeriodSeconds, which the chart cannot set): requests still running at {CHART_POD_GRACE_SECONDS} s are cut; use --set drainingTimeoutSec={} or less, or raise the pods' grace period with a post-render patch",
                    object.id,
                    CHART_POD_GRACE_SECONDS - 5
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn draining_longer_than_the_grace_period_is_a_warning() {
        let config = |seconds: u64| {
            Resource::new(
                json!({"apiVersion": "cloud.google.com/v1", "kind": "BackendConfig",
                "metadata": {"name": "b", "namespace": "default"},
                "spec": {"connectionDraining": {"drainingTimeoutSec": seconds}}}),
            )
            .unwrap()
        };
        assert!(warnings(&config(30)).is_empty());
        let found = warnings(&config(60));
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("longer than the 30 s"), "{found:?}");
        let policy = Resource::new(
            json!({"apiVersion": "networking.gke.io/v1", "kind": "GCPBackendPolicy",
            "metadata": {"name": "p", "namespace": "default"},
            "spec": {"default": {"connectionDraining": {"drainingTimeoutSec": 45}}}}),
        )
        .unwrap();
        assert_eq!(warnings(&policy).len(), 1);
    }
}
