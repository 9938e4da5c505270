//! Health-check lints: the load balancer must probe Milvus' `/healthz` on
//! its metrics port, with a timeout Google Cloud accepts. Both the
//! Ingress' BackendConfig and the Gateway's HealthCheckPolicy.

use super::Expectations;
use crate::k8s::resource::Resource;
use crate::problem::{Problem, Subject};
use serde_json::Value;

/// The health check must target Milvus' `/healthz` port: the serving port
/// speaks gRPC only, so a health check there fails and the load balancer
/// answers 502.
fn check_health_port(
    subject: &Subject,
    field: &str,
    port: Option<u64>,
    expect: &Expectations,
) -> Vec<Problem> {
    let wanted = expect.health_check_port;
    let problem = |message: String, hint: String| vec![Problem::new(subject, message, hint)];
    let set_wanted = || {
        format!(
            "set {field} to {wanted}, Milvus' metrics port that serves /healthz (healthCheckPort)"
        )
    };
    match port {
        // healthCheckPort itself may be the serving port: then the hint
        // must not repeat it back as the fix.
        Some(p) if p == u64::from(expect.service_port) => problem(
            format!("{field} is {p}, the gRPC serving port: Milvus answers no HTTP health check there"),
            format!("use Milvus' metrics port for healthCheckPort (9091 unless the chart's metrics port was changed), not the serving port {p}"),
        ),
        None => problem(format!("{field} is not set: GKE health-checks the serving port {}, where Milvus answers gRPC only", expect.service_port), set_wanted()),
        Some(p) if p != u64::from(wanted) => problem(format!("{field} is {p}, not Milvus' health port {wanted}"), set_wanted()),
        Some(_) => Vec::new(),
    }
}

/// BackendConfig `spec.healthCheck`: the port, and the timeout against the interval.
pub(super) fn backend_config(config: &Resource, expect: &Expectations) -> Vec<Problem> {
    let check = config.value.pointer("/spec/healthCheck");
    let mut problems = backend_config_port(config, expect);
    problems.extend(timeout_within_interval(
        &Subject::object(&config.id),
        "spec.healthCheck",
        seconds(check, "timeoutSec"),
        seconds(check, "checkIntervalSec"),
        None,
    ));
    problems
}

fn backend_config_port(config: &Resource, expect: &Expectations) -> Vec<Problem> {
    let port = config
        .value
        .pointer("/spec/healthCheck/port")
        .and_then(Value::as_u64);
    check_health_port(
        &Subject::object(&config.id),
        "spec.healthCheck.port",
        port,
        expect,
    )
}

/// HealthCheckPolicy `spec.default`: the port of its `<type>HealthCheck`,
/// and the timeout against the interval (both default to 5 s).
pub(super) fn health_check_policy(policy: &Resource, expect: &Expectations) -> Vec<Problem> {
    let default = policy.value.pointer("/spec/default");
    let mut problems = health_check_policy_port(policy, expect);
    problems.extend(timeout_within_interval(
        &Subject::object(&policy.id),
        "spec.default",
        seconds(default, "timeoutSec"),
        seconds(default, "checkIntervalSec"),
        Some(HEALTH_CHECK_POLICY_DEFAULT_SECONDS),
    ));
    problems
}

fn health_check_policy_port(policy: &Resource, expect: &Expectations) -> Vec<Problem> {
    let config = policy.value.pointer("/spec/default/config");
    let (field, check) = config
        .and_then(Value::as_object)
        .and_then(|c| {
            c.iter()
                .find(|(k, v)| k.ends_with("HealthCheck") && v.is_object())
        })
        .map(|(k, v)| (format!("spec.default.config.{k}.port"), Some(v)))
        .unwrap_or_else(|| ("spec.default.config.<type>HealthCheck.port".into(), None));
    let port = check.and_then(|c| c.get("port")).and_then(Value::as_u64);
    check_health_port(&Subject::object(&policy.id), &field, port, expect)
}

/// HealthCheckPolicy's default for both `timeoutSec` and `checkIntervalSec`
/// (its CRD). BackendConfig leaves unset values to Google Cloud, whose
/// defaults differ by backend type, so there only set values are compared.
const HEALTH_CHECK_POLICY_DEFAULT_SECONDS: u64 = 5;

fn seconds(section: Option<&Value>, key: &str) -> Option<u64> {
    section.and_then(|s| s.get(key)).and_then(Value::as_u64)
}

/// Google Cloud refuses a health check whose timeout is longer than its
/// interval, and GKE then keeps the old one (or none) without a word on
/// the object.
fn timeout_within_interval(
    subject: &Subject,
    section: &str,
    timeout: Option<u64>,
    interval: Option<u64>,
    default: Option<u64>,
) -> Vec<Problem> {
    let (Some(timeout_value), Some(interval_value)) = (timeout.or(default), interval.or(default))
    else {
        return Vec::new();
    };
    if timeout_value <= interval_value {
        return Vec::new();
    }
    let shown = |value: Option<u64>, effective: u64| match value {
        Some(v) => v.to_string(),
        None => format!("unset, so {effective}"),
    };
    vec![Problem::new(
        subject,
        format!(
            "{section}.timeoutSec ({}) is longer than {section}.checkIntervalSec ({}): Google Cloud refuses such a health check",
            shown(timeout, timeout_value),
            shown(interval, interval_value)
        ),
        "make timeoutSec at most checkIntervalSec (grpc-timeouts overlay: --set healthCheckTimeoutSec=N --set checkIntervalSec=M with N <= M)",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn subjects(problems: &[Problem]) -> Vec<String> {
        problems.iter().map(|p| p.message.clone()).collect()
    }

    #[test]
    fn a_timeout_longer_than_the_interval_is_refused() {
        let check = |timeout: Option<u64>, interval: Option<u64>, default: Option<u64>| {
            subjects(&timeout_within_interval(
                &Subject::from("o"),
                "spec.healthCheck",
                timeout,
                interval,
                default,
            ))
        };
        assert!(check(Some(5), Some(15), None).is_empty());
        assert!(check(Some(15), Some(15), None).is_empty());
        assert_eq!(
            check(Some(30), Some(15), None),
            ["spec.healthCheck.timeoutSec (30) is longer than spec.healthCheck.checkIntervalSec (15): Google Cloud refuses such a health check"]
        );
        assert!(
            check(Some(30), None, None).is_empty(),
            "unknown default: not compared"
        );
        assert_eq!(
            check(Some(10), None, Some(5)),
            ["spec.healthCheck.timeoutSec (10) is longer than spec.healthCheck.checkIntervalSec (unset, so 5): Google Cloud refuses such a health check"]
        );
    }

    #[test]
    fn backend_config_and_health_check_policy_read_their_own_fields() {
        let expect = Expectations {
            service_port: 19530,
            health_check_port: 9091,
        };
        let config = Resource::new(
            json!({"apiVersion": "cloud.google.com/v1", "kind": "BackendConfig",
            "metadata": {"name": "b", "namespace": "default"},
            "spec": {"healthCheck": {"port": 9091, "timeoutSec": 20, "checkIntervalSec": 10}}}),
        )
        .unwrap();
        assert_eq!(backend_config(&config, &expect).len(), 1);
        let policy = Resource::new(
            json!({"apiVersion": "networking.gke.io/v1", "kind": "HealthCheckPolicy",
            "metadata": {"name": "h", "namespace": "default"},
            "spec": {"default": {"timeoutSec": 6,
                "config": {"type": "HTTP", "httpHealthCheck": {"port": 9091}}},
                "targetRef": {"group": "", "kind": "Service", "name": "s"}}}),
        )
        .unwrap();
        let found = subjects(&health_check_policy(&policy, &expect));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("spec.default.timeoutSec (6)"),
            "{found:?}"
        );
    }
}
