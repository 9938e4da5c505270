//! Lints of the milvus chart's Helm values against the objects: what the
//! values mount and how Milvus serves, which the load balancer's objects
//! must agree with.

use crate::k8s::kind::SERVICE;
use crate::k8s::resource::Resource;
use crate::problem::{About, Problem, Subject};
use serde_json::Value;

/// Every lint of the Helm values; `namespace` is the release's.
pub fn problems(values: &Value, namespace: &str, resources: &[Resource]) -> Vec<Problem> {
    let mut problems = secrets_naming_managed_certificates(values, namespace, resources);
    problems.extend(cleartext_protocol_with_tls(values, resources));
    problems
}

/// A Secret volume (`volumes`, or a component's `volumes` such as
/// `proxy.volumes`) that names a ManagedCertificate rather than a Secret:
/// a ManagedCertificate is a GKE object, not a Secret, so the kubelet
/// cannot mount it and the pod never starts (ContainerCreating). This is
/// what `backend-tls` with `google-managed` gave when `backendTlsSecret`
/// defaulted to `certificateName`.
fn secrets_naming_managed_certificates(
    values: &Value,
    namespace: &str,
    resources: &[Resource],
) -> Vec<Problem> {
    let is = |kind: &str, name: &str| {
        resources
            .iter()
            .any(|r| r.id.kind == kind && r.id.namespace == namespace && r.id.name == name)
    };
    mounted_secrets(values)
        .into_iter()
        .filter(|(_, name)| is("ManagedCertificate", name) && !is("Secret", name))
        .map(|(place, name)| {
            Problem::new(
                Subject::about(About::HelmValues),
                format!("{place} mounts Secret `{name}`, but `{name}` is the ManagedCertificate: Google keeps its key, no Secret of that name exists, and the pod cannot start"),
                "name a kubernetes.io/tls Secret for Milvus' own certificate: --set backendTlsSecret=NAME (create it with `milvus-l7 cert` and `kubectl create secret tls NAME --cert tls.crt --key tls.key`)",
            )
        })
        .collect()
}

/// `(place, secretName)` of every Secret volume at the top level and one
/// level down (the chart's components: `proxy`, `standalone`, …).
fn mounted_secrets(values: &Value) -> Vec<(String, String)> {
    let mut found = secret_volumes(values.get("volumes"), "volumes");
    if let Some(map) = values.as_object() {
        for (component, section) in map {
            found.extend(secret_volumes(
                section.get("volumes"),
                &format!("{component}.volumes"),
            ));
        }
    }
    found
}

fn secret_volumes(volumes: Option<&Value>, place: &str) -> Vec<(String, String)> {
    volumes
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, volume)| {
            let name = volume.pointer("/secret/secretName")?.as_str()?;
            Some((format!("{place}[{i}]"), name.to_string()))
        })
        .collect()
}

/// GKE's Gateway also accepts `appProtocol: kubernetes.io/h2c`: HTTP/2 in
/// clear text. Milvus with `common.security.tlsMode` 1 or 2 serves TLS
/// only, so a load balancer speaking h2c to it fails every request (and
/// every health check that uses it); h2c fits only tlsMode 0.
fn cleartext_protocol_with_tls(values: &Value, resources: &[Resource]) -> Vec<Problem> {
    let Some(mode) = tls_mode(values).filter(|m| *m > 0) else {
        return Vec::new();
    };
    resources
        .iter()
        .filter(|r| SERVICE.is_id(&r.id))
        .flat_map(|service| {
            service
                .value
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|port| {
                    port.get("appProtocol").and_then(Value::as_str) == Some(H2C)
                })
                .map(move |port| {
                    Problem::new(
                        &service.id,
                        format!(
                            "port `{}` has appProtocol {H2C}, HTTP/2 in clear text, but the Helm values set Milvus' tlsMode to {mode}, so Milvus answers TLS only",
                            port.get("name").and_then(Value::as_str).unwrap_or_default()
                        ),
                        "use appProtocol HTTP2 (HTTP/2 over TLS, --set appProtocol=HTTP2); h2c fits only tlsMode 0",
                    )
                })
        })
        .collect()
}

/// The cleartext HTTP/2 protocol name of the Gateway API (and Kubernetes).
pub(super) const H2C: &str = "kubernetes.io/h2c";

/// `common.security.tlsMode` from `extraConfigFiles."user.yaml"`.
fn tls_mode(values: &Value) -> Option<u64> {
    let text = values.pointer("/extraConfigFiles/user.yaml")?.as_str()?;
    let docs = crate::yaml::parse_stream(text, "user.yaml", crate::yaml::Limits::default()).ok()?;
    docs.first()?.pointer("/common/security/tlsMode")?.as_u64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn managed_certificate(name: &str) -> Resource {
        Resource::new(
            json!({"apiVersion": "networking.gke.io/v1", "kind": "ManagedCertificate",
            "metadata": {"name": name, "namespace": "default"}, "spec": {"domains": ["a.b"]}}),
        )
        .unwrap()
    }

    #[test]
    fn a_volume_naming_the_managed_certificate_is_refused() {
        let values =
            json!({"proxy": {"volumes": [{"name": "t", "secret": {"secretName": "crt"}}]}});
        let found = problems(&values, "default", &[managed_certificate("crt")]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0]
            .message
            .starts_with("proxy.volumes[0] mounts Secret `crt`"));
        assert!(found[0].hint.contains("backendTlsSecret"));
        // Another Secret name, or a Secret of the same name: fine.
        assert!(problems(&values, "default", &[managed_certificate("other")]).is_empty());
        let top = json!({"volumes": [{"name": "t", "secret": {"secretName": "crt"}}]});
        assert_eq!(
            problems(&top, "default", &[managed_certificate("crt")]).len(),
            1
        );
    }

    #[test]
    fn h2c_does_not_fit_a_tls_milvus() {
        let service = Resource::new(json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "s", "namespace": "default"},
            "spec": {"ports": [{"name": "milvus", "port": 19530, "appProtocol": "kubernetes.io/h2c"}]}}))
        .unwrap();
        let with_mode = |mode: u64| json!({"extraConfigFiles": {"user.yaml": format!("common:\n  security:\n    tlsMode: {mode}\n")}});
        let found = problems(&with_mode(1), "default", std::slice::from_ref(&service));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("clear text"), "{found:?}");
        assert!(problems(&with_mode(0), "default", &[service]).is_empty());
    }
}
