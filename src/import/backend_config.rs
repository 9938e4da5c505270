//! What the BackendConfig says: its name, the health check, and the fields
//! the `grpc-timeouts`, `cloud-armor` and `access-logging` overlays set.

use super::settings::Settings;
use crate::k8s::resource::Resource;
use serde_json::Value;

/// BackendConfig fields of the `grpc-timeouts` overlay and their parameters.
const TIMEOUTS: &[(&str, &str)] = &[
    ("/spec/timeoutSec", "timeoutSec"),
    (
        "/spec/connectionDraining/drainingTimeoutSec",
        "drainingTimeoutSec",
    ),
    ("/spec/healthCheck/checkIntervalSec", "checkIntervalSec"),
    ("/spec/healthCheck/timeoutSec", "healthCheckTimeoutSec"),
    ("/spec/healthCheck/healthyThreshold", "healthyThreshold"),
    ("/spec/healthCheck/unhealthyThreshold", "unhealthyThreshold"),
];

/// Health check fields of the base template and their parameters.
const HEALTH_CHECK: &[(&str, &str)] = &[
    ("/spec/healthCheck/port", "healthCheckPort"),
    ("/spec/healthCheck/requestPath", "healthCheckPath"),
    ("/spec/healthCheck/type", "healthCheckType"),
];

pub fn read(backend_config: &Resource, settings: &mut Settings) {
    let release = settings
        .get("release")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if backend_config.id.name != format!("{release}-backendconfig") {
        settings.set("backendConfigName", backend_config.id.name.clone());
    }
    let spec = &backend_config.value;
    for (pointer, key) in HEALTH_CHECK {
        if let Some(value) = spec.pointer(pointer) {
            settings.set_unless_default(key, value.clone());
        }
    }
    let timeouts: Vec<_> = TIMEOUTS
        .iter()
        .filter_map(|(pointer, key)| Some((*key, spec.pointer(pointer)?.clone())))
        .collect();
    if !timeouts.is_empty() {
        settings.overlay("grpc-timeouts");
        for (key, value) in timeouts {
            settings.set(key, value);
        }
    }
    if let Some(policy) = spec.pointer("/spec/securityPolicy/name") {
        settings.overlay("cloud-armor");
        settings.set("securityPolicy", policy.clone());
    }
    if spec.pointer("/spec/logging/enable") == Some(&Value::Bool(true)) {
        settings.overlay("access-logging");
        if let Some(rate) = spec.pointer("/spec/logging/sampleRate") {
            settings.set("logSampleRate", rate.clone());
        }
    }
}
