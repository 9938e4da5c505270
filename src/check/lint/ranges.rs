//! Numeric ranges Google Cloud enforces when GKE programs the load
//! balancer, not when `kubectl apply` stores the object: the BackendConfig
//! CRD (ingress-gce `pkg/apis/backendconfig/v1`, and the vendored schema)
//! has no `minimum`/`maximum`, and ingress-gce's own validation
//! (`pkg/backendconfig/validation.go`) checks only the logging sample rate.
//! A value out of range is stored, then the sync fails with at most an
//! event on the Ingress. So the ranges are checked here, before apply.
//!
//! Sources: the GKE Gateway policy CRDs in GoogleCloudPlatform/gke-gateway-api
//! (`GCPBackendPolicy.timeoutSec` 1..2147483647, `drainingTimeoutSec`
//! 0..3600, `HealthCheckPolicy` interval and timeout 1..300, thresholds
//! 1..10, which describe the same Compute backend service and health
//! check), ingress-gce `validateLogging` (sample rate 0.0..1.0), and Google's
//! connection-draining page (0..3600 s,
//! <https://cloud.google.com/load-balancing/docs/enabling-connection-draining>).
//! The Gateway policies carry these bounds in their schemas already
//! (`schemas/`), so only the advice above a day applies to them here.

use crate::k8s::resource::Resource;
use crate::problem::Problem;

/// One bounded field of a kind: where it is, its range, and which
/// parameter renders it (for the hint).
struct Bound {
    kind: &'static str,
    pointer: &'static str,
    min: f64,
    max: f64,
    parameter: &'static str,
}

/// Compute's backend-service timeout is an int32 of seconds.
const INT32_MAX: f64 = 2_147_483_647.0;

const BOUNDS: &[Bound] = &[
    Bound {
        kind: "BackendConfig",
        pointer: "/spec/timeoutSec",
        min: 1.0,
        max: INT32_MAX,
        parameter: "timeoutSec (grpc-timeouts)",
    },
    Bound {
        kind: "BackendConfig",
        pointer: "/spec/connectionDraining/drainingTimeoutSec",
        min: 0.0,
        max: 3600.0,
        parameter: "drainingTimeoutSec (grpc-timeouts)",
    },
    Bound {
        kind: "BackendConfig",
        pointer: "/spec/healthCheck/checkIntervalSec",
        min: 1.0,
        max: 300.0,
        parameter: "checkIntervalSec (grpc-timeouts)",
    },
    Bound {
        kind: "BackendConfig",
        pointer: "/spec/healthCheck/timeoutSec",
        min: 1.0,
        max: 300.0,
        parameter: "healthCheckTimeoutSec (grpc-timeouts)",
    },
    Bound {
        kind: "BackendConfig",
        pointer: "/spec/healthCheck/healthyThreshold",
        min: 1.0,
        max: 10.0,
        parameter: "healthyThreshold (grpc-timeouts)",
    },
    Bound {
        kind: "BackendConfig",
        pointer: "/spec/healthCheck/unhealthyThreshold",
        min: 1.0,
        max: 10.0,
        parameter: "unhealthyThreshold (grpc-timeouts)",
    },
    Bound {
        kind: "BackendConfig",
        pointer: "/spec/logging/sampleRate",
        min: 0.0,
        max: 1.0,
        parameter: "logSampleRate (access-logging)",
    },
];

/// Google advises backend-service timeouts of at most a day; longer ones
/// are accepted but keep dead connections for as long.
const ADVISED_MAX_TIMEOUT_SEC: f64 = 86_400.0;

/// Where each kind keeps the backend-service timeout.
const TIMEOUTS: &[(&str, &str)] = &[
    ("BackendConfig", "/spec/timeoutSec"),
    ("GCPBackendPolicy", "/spec/default/timeoutSec"),
];

/// Every bounded field of `object` that is set and out of range.
pub(super) fn out_of_range(object: &Resource) -> Vec<Problem> {
    BOUNDS
        .iter()
        .filter(|b| b.kind == object.id.kind)
        .filter_map(|b| check(object, b))
        .collect()
}

fn check(object: &Resource, bound: &Bound) -> Option<Problem> {
    let value = object.value.pointer(bound.pointer)?;
    let field = field_name(bound.pointer);
    let in_range = value
        .as_f64()
        .is_some_and(|n| n >= bound.min && n <= bound.max);
    if in_range {
        return None;
    }
    Some(Problem::new(
        &object.id,
        format!(
            "{field} is {value}, outside {}..{}: Google Cloud refuses it when GKE syncs the load balancer, after kubectl apply has accepted it",
            show(bound.min),
            show(bound.max)
        ),
        format!(
            "use a value from {} to {} (parameter {})",
            show(bound.min),
            show(bound.max),
            bound.parameter
        ),
    ))
}

/// Timeouts over a day: accepted, but not advised.
pub(super) fn warnings(object: &Resource) -> Vec<String> {
    TIMEOUTS
        .iter()
        .filter(|(kind, _)| *kind == object.id.kind)
        .filter_map(|(_, pointer)| {
            let seconds = object.value.pointer(pointer)?.as_f64()?;
            (seconds > ADVISED_MAX_TIMEOUT_SEC && seconds <= INT32_MAX).then(|| {
                format!(
                    "{}: {} is {seconds} s, more than a day ({ADVISED_MAX_TIMEOUT_SEC} s), which Google advises as the longest backend-service timeout; idle connections are then kept that long",
                    object.id,
                    field_name(pointer)
                )
            })
        })
        .collect()
}

/// `/spec/healthCheck/timeoutSec` → `spec.healthCheck.timeoutSec`.
fn field_name(pointer: &str) -> String {
    pointer.trim_start_matches('/').replace('/', ".")
}

fn show(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn backend_config(spec: Value) -> Resource {
        Resource::new(
            json!({"apiVersion": "cloud.google.com/v1", "kind": "BackendConfig",
            "metadata": {"name": "b", "namespace": "default"}, "spec": spec}),
        )
        .unwrap()
    }

    fn messages(spec: Value) -> Vec<String> {
        out_of_range(&backend_config(spec))
            .into_iter()
            .map(|p| p.message)
            .collect()
    }

    #[test]
    fn values_inside_the_ranges_pass() {
        let spec = json!({"timeoutSec": 1, "connectionDraining": {"drainingTimeoutSec": 0},
            "healthCheck": {"checkIntervalSec": 300, "timeoutSec": 1, "healthyThreshold": 10, "unhealthyThreshold": 1},
            "logging": {"enable": true, "sampleRate": 0.5}});
        assert_eq!(messages(spec), Vec::<String>::new());
    }

    #[test]
    fn each_bound_is_enforced() {
        for (spec, field) in [
            (
                json!({"timeoutSec": 0}),
                "spec.timeoutSec is 0, outside 1..2147483647",
            ),
            (
                json!({"timeoutSec": 1_000_000_000_000_u64}),
                "spec.timeoutSec is 1000000000000, outside 1..2147483647",
            ),
            (
                json!({"connectionDraining": {"drainingTimeoutSec": 3601}}),
                "drainingTimeoutSec is 3601, outside 0..3600",
            ),
            (
                json!({"healthCheck": {"checkIntervalSec": 301}}),
                "checkIntervalSec is 301, outside 1..300",
            ),
            (
                json!({"healthCheck": {"timeoutSec": 0}}),
                "spec.healthCheck.timeoutSec is 0, outside 1..300",
            ),
            (
                json!({"healthCheck": {"healthyThreshold": 11}}),
                "healthyThreshold is 11, outside 1..10",
            ),
            (
                json!({"healthCheck": {"unhealthyThreshold": 0}}),
                "unhealthyThreshold is 0, outside 1..10",
            ),
            (
                json!({"logging": {"sampleRate": 1.5}}),
                "sampleRate is 1.5, outside 0..1",
            ),
            (json!({"timeoutSec": "30"}), "spec.timeoutSec is \"30\""),
        ] {
            let found = messages(spec);
            assert_eq!(found.len(), 1, "{found:?}");
            assert!(found[0].contains(field), "{found:?}");
        }
    }

    #[test]
    fn a_timeout_over_a_day_is_a_warning_only() {
        let object = backend_config(json!({"timeoutSec": 90_000}));
        assert!(out_of_range(&object).is_empty());
        let found = warnings(&object);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("more than a day"), "{found:?}");
        assert!(warnings(&backend_config(json!({"timeoutSec": 3600}))).is_empty());
    }
}
