//! A live Ingress as ingress-gce writes it: the address in
//! `status.loadBalancer.ingress`, the HTTPS forwarding rule and the
//! backends' health in `ingress.kubernetes.io/*` annotations
//! (kubernetes/ingress-gce v1.38.8 `pkg/annotations/ingress.go`,
//! `pkg/loadbalancers/l7.go`). Neither the status nor the annotations carry
//! a generation, so there is none to compare.

use super::{address_check, check, Check, State};
use crate::k8s::annotations::{
    annotation, INGRESS_BACKENDS, INGRESS_HTTPS_FORWARDING_RULE, MANAGED_CERTIFICATES,
    PRE_SHARED_CERT,
};
use crate::render::Rendered;
use serde_json::Value;

/// The guide's `kubectl get ingress -w` until ADDRESS appears.
pub(super) fn address(live: &Value) -> Option<String> {
    live.pointer("/status/loadBalancer/ingress")
        .and_then(Value::as_array)
        .and_then(|list| {
            list.iter().find_map(|i| {
                i.get("ip")
                    .or_else(|| i.get("hostname"))
                    .and_then(Value::as_str)
                    .map(String::from)
            })
        })
}

/// Address, HTTPS, backends: in this order, always (`--follow` matches
/// checks by position).
pub(super) fn checks(object: &str, live: &Value, rendered: &Rendered) -> Vec<Check> {
    vec![
        address_check(object, address(live)),
        https_check(object, live),
        backends_check(object, live, rendered.params.health_check_port),
    ]
}

fn https_check(object: &str, live: &Value) -> Check {
    let has_certificate = live
        .pointer("/spec/tls")
        .and_then(Value::as_array)
        .is_some_and(|t| !t.is_empty())
        || annotation(live, MANAGED_CERTIFICATES).is_some()
        || annotation(live, PRE_SHARED_CERT).is_some();
    if !has_certificate {
        return check(
            object,
            State::ActionNeeded,
            "HTTPS (443) is not served: the Ingress has no certificate",
            Some("render and apply with --overlay google-managed or --overlay self-managed".into()),
        );
    }
    match annotation(live, INGRESS_HTTPS_FORWARDING_RULE) {
        Some(rule) => check(
            object,
            State::Ready,
            format!("HTTPS (443) served (forwarding rule {rule})"),
            None,
        ),
        None => check(
            object,
            State::Waiting,
            "HTTPS (443) not served yet: no HTTPS forwarding rule",
            Some("GKE adds it once the certificate is attached; with a Secret, check that it exists and is a valid kubernetes.io/tls Secret (`kubectl describe ingress` shows sync errors)".into()),
        ),
    }
}

/// What one backend's health says. ingress-gce writes, per backend
/// service, `HEALTHY` as soon as one instance or endpoint is healthy,
/// otherwise the last Compute health state it saw, or `Unknown` when it
/// could not ask (`pkg/backends/backends.go` `Pool.Health`, v1.38.8). The
/// Compute states are those of google.golang.org/api compute/v1 (vendored
/// in the same tag): `HealthStatusForNetworkEndpoint.HealthState` (`HEALTHY`,
/// `UNHEALTHY`, `DRAINING`, `UNKNOWN`) and the detailed states of
/// `ManagedInstanceInstanceHealth.DetailedHealthState`, which add `TIMEOUT`:
/// "a connection to the application health checking endpoint cannot be
/// established, or the server does not respond within the specified timeout".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Health {
    Healthy,
    /// `UNKNOWN`, `Unknown`, `DRAINING` or a state not listed here: the
    /// health checks are starting, or an endpoint is leaving.
    Settling,
    /// `UNHEALTHY` or `TIMEOUT`: the probe fails or is not answered.
    Failing,
}

impl Health {
    fn of(state: &str) -> Health {
        match state {
            "HEALTHY" => Health::Healthy,
            "UNHEALTHY" | "TIMEOUT" => Health::Failing,
            _ => Health::Settling,
        }
    }
}

/// `ingress.kubernetes.io/backends`: `{"k8s1-…": "HEALTHY" | "UNHEALTHY" | …}`.
fn backends_check(object: &str, live: &Value, port: u16) -> Check {
    let Some(text) = annotation(live, INGRESS_BACKENDS) else {
        return check(
            object,
            State::Waiting,
            "backend health not reported yet",
            Some("GKE writes it once the load balancer's backends exist".into()),
        );
    };
    let Some(states) = serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.as_object().cloned())
    else {
        return check(
            object,
            State::Waiting,
            format!(
                "backend health not readable yet ({})",
                crate::quote::escape(text)
            ),
            Some(
                "ingress-gce writes `Unknown` when it cannot ask Compute Engine; wait a minute"
                    .into(),
            ),
        );
    };
    let state_of = |s: &Value| s.as_str().unwrap_or("?").to_string();
    let not_healthy: Vec<String> = states
        .iter()
        .filter(|(_, s)| Health::of(&state_of(s)) != Health::Healthy)
        .map(|(name, s)| format!("{name} {}", state_of(s)))
        .collect();
    let worst = states
        .values()
        .map(|s| Health::of(&state_of(s)))
        .max()
        .unwrap_or(Health::Settling);
    match worst {
        Health::Healthy => check(
            object,
            State::Ready,
            format!("{} backend(s) HEALTHY", states.len()),
            None,
        ),
        Health::Failing => check(
            object,
            State::ActionNeeded,
            format!("backend(s) {}", not_healthy.join(", ")),
            Some(format!("the load balancer's health check fails (UNHEALTHY) or gets no answer in time (TIMEOUT). It must probe Milvus' /healthz on port {port} (the BackendConfig, named by the Service annotation cloud.google.com/backend-config), the Milvus pods must be ready (`kubectl get pods`), and the firewall must allow Google's health checkers (130.211.0.0/22, 35.191.0.0/16) to reach port {port}")),
        ),
        Health::Settling => check(
            object,
            State::Waiting,
            format!("backend(s) {}", not_healthy.join(", ")),
            Some("health checks are starting (UNKNOWN) or endpoints are draining after a change (DRAINING); wait a minute".into()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn backends(states: &[(&str, &str)]) -> Check {
        let map: serde_json::Map<String, Value> = states
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        let live = json!({"metadata": {"annotations": {
            "ingress.kubernetes.io/backends": Value::Object(map).to_string()}}});
        backends_check("o", &live, 9091)
    }

    #[test]
    fn every_compute_health_state_has_a_state() {
        for (health, state) in [
            ("HEALTHY", State::Ready),
            ("UNHEALTHY", State::ActionNeeded),
            ("TIMEOUT", State::ActionNeeded),
            ("DRAINING", State::Waiting),
            ("UNKNOWN", State::Waiting),
            ("Unknown", State::Waiting),
            ("SOMETHING_NEW", State::Waiting),
        ] {
            let c = backends(&[("k8s1-a", health)]);
            assert_eq!(c.state, state, "{health}");
            assert_eq!(c.hint.is_some(), state != State::Ready, "{health}");
        }
    }

    #[test]
    fn the_worst_backend_decides_and_each_unhealthy_one_is_named() {
        let c = backends(&[("a", "HEALTHY"), ("b", "DRAINING"), ("c", "TIMEOUT")]);
        assert_eq!(c.state, State::ActionNeeded);
        assert_eq!(c.detail, "backend(s) b DRAINING, c TIMEOUT");
        assert!(c.hint.unwrap().contains("port 9091"));
    }

    #[test]
    fn unknown_as_the_whole_annotation_is_waiting() {
        let live =
            json!({"metadata": {"annotations": {"ingress.kubernetes.io/backends": "Unknown"}}});
        assert_eq!(backends_check("o", &live, 9091).state, State::Waiting);
    }
}
