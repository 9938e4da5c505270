//! What the Milvus Service says: the Helm release (its
//! `app.kubernetes.io/instance` label or `meta.helm.sh/release-name`), the
//! namespace, the Service name when it is not the chart's default, and the
//! protocol the load balancer speaks to it (`app-protocols`).

use super::found::Found;
use super::settings::Settings;
use crate::error::{Error, Result};
use crate::k8s::annotations::APP_PROTOCOLS;
use crate::k8s::names::chart_fullname;
use serde_json::Value;

const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";
const HELM_RELEASE_ANNOTATION: &str = "meta.helm.sh/release-name";

pub fn read(found: &Found, settings: &mut Settings) -> Result<()> {
    let front = &found.front;
    let namespace = &front.id.namespace;
    let service_name = found.service_name.as_deref().ok_or_else(|| Error::Invalid {
        subject: format!("{} {namespace}/{}", front.id.kind, front.id.name),
        message: "its first rule has no backend Service".into(),
        hint: "import reads the guide's Ingress: one host rule, path /, backend the Milvus Service".into(),
    })?;
    let release = found
        .service
        .and_then(release_of)
        .unwrap_or_else(|| release_from_name(service_name));
    settings.set("release", release.clone());
    settings.set_unless_default("namespace", namespace.clone());
    if service_name != chart_fullname(&release) {
        settings.set("serviceName", service_name);
    }
    if let Some((port_name, protocol)) = found.service.and_then(app_protocol) {
        settings.set_unless_default("servicePortName", port_name);
        settings.set_unless_default("appProtocol", protocol);
    }
    Ok(())
}

/// The release Helm installed the Service with.
fn release_of(service: &crate::k8s::resource::Resource) -> Option<String> {
    let metadata = service.value.get("metadata")?;
    metadata
        .pointer("/annotations")
        .and_then(|a| a.get(HELM_RELEASE_ANNOTATION))
        .or_else(|| {
            metadata
                .pointer("/labels")
                .and_then(|l| l.get(INSTANCE_LABEL))
        })
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The chart's fullname rule read backwards: `<release>-milvus`, or a name
/// containing `milvus` that is the release itself.
fn release_from_name(service_name: &str) -> String {
    service_name
        .strip_suffix("-milvus")
        .unwrap_or(service_name)
        .to_string()
}

/// The one (port name, protocol) pair of the `app-protocols` annotation.
fn app_protocol(service: &crate::k8s::resource::Resource) -> Option<(String, String)> {
    let json = service
        .value
        .pointer("/metadata/annotations")?
        .get(APP_PROTOCOLS)?
        .as_str()?;
    let map: serde_json::Map<String, Value> = serde_json::from_str(json).ok()?;
    let (name, protocol) = map.iter().next()?;
    Some((name.clone(), protocol.as_str()?.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_release_is_read_back_from_the_chart_s_service_name() {
        assert_eq!(release_from_name("my-release-milvus"), "my-release");
        assert_eq!(release_from_name("milvus-prod"), "milvus-prod");
    }
}
