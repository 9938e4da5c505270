//! What the Ingress says: the domain, the port, the certificate (a
//! ManagedCertificate or a TLS Secret, by name), the class, a static IP, and
//! HTTPS-only (`allow-http: "false"`, or a FrontendConfig redirect/SSL
//! policy). Each maps to a parameter or an overlay.

use super::found::Found;
use super::settings::Settings;
use crate::k8s::annotations::{
    FRONTEND_CONFIG, GLOBAL_STATIC_IP, INGRESS_CLASS, INTERNAL_INGRESS_CLASS, MANAGED_CERTIFICATES,
    REGIONAL_STATIC_IP,
};
use serde_json::Value;

const ALLOW_HTTP: &str = "kubernetes.io/ingress.allow-http";

pub fn read(found: &Found, settings: &mut Settings) {
    let ingress = &found.front.value;
    let annotation = |key: &str| {
        ingress
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
    };
    let release = settings
        .get("release")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let hosts: Vec<&str> = ingress
        .pointer("/spec/rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|rule| rule["host"].as_str())
        .collect();
    settings.set_domains(&hosts, &release);
    read_port(ingress, settings);
    read_certificate(
        ingress,
        annotation(MANAGED_CERTIFICATES),
        &release,
        settings,
    );
    match annotation(INGRESS_CLASS) {
        Some(INTERNAL_INGRESS_CLASS) => settings.overlay("internal"),
        Some(class) => settings.set("ingressClass", class),
        None => {}
    }
    if let Some(class) = ingress
        .pointer("/spec/ingressClassName")
        .and_then(Value::as_str)
    {
        settings.cannot_express(format!(
            "Ingress spec.ingressClassName `{class}`: milvus-l7 sets the class with the kubernetes.io/ingress.class annotation (parameter ingressClass), which GKE reads"
        ));
    }
    if let Some(address) = annotation(GLOBAL_STATIC_IP).or(annotation(REGIONAL_STATIC_IP)) {
        settings.overlay("static-ip");
        settings.set("staticIpName", address);
    }
    read_https_only(
        found,
        annotation(ALLOW_HTTP),
        annotation(FRONTEND_CONFIG),
        settings,
    );
}

/// The backend port: a number is `servicePort`; a port by name cannot be
/// expressed (the render refers to the port by number, like the guide).
fn read_port(ingress: &Value, settings: &mut Settings) {
    let port = ingress.pointer("/spec/rules/0/http/paths/0/backend/service/port");
    match port.and_then(|p| p.get("number")).and_then(Value::as_u64) {
        Some(number) => settings.set_unless_default("servicePort", number),
        None => settings.cannot_express(
            "the Ingress backend names its Service port instead of numbering it; the render uses the number (servicePort)".into(),
        ),
    }
}

/// A Google-managed certificate by annotation, or a Secret by `spec.tls`:
/// the overlay, and `certificateName` when it is not `<release>-milvus-tls`.
fn read_certificate(
    ingress: &Value,
    managed: Option<&str>,
    release: &str,
    settings: &mut Settings,
) {
    let secret = ingress
        .pointer("/spec/tls/0/secretName")
        .and_then(Value::as_str);
    let (overlay, name) = match (managed, secret) {
        (Some(managed), _) => ("google-managed", managed),
        (None, Some(secret)) => ("self-managed", secret),
        (None, None) => {
            settings.cannot_express(
                "the Ingress has no certificate (no managed-certificates annotation, no spec.tls): the config selects no certificate overlay, so HTTPS is not served".into(),
            );
            return;
        }
    };
    if managed.is_some() && secret.is_some() {
        settings.cannot_express(format!(
            "the Ingress uses both a ManagedCertificate and the TLS Secret `{}`: only the ManagedCertificate is imported",
            secret.unwrap_or_default()
        ));
    }
    settings.overlay(overlay);
    if name != format!("{release}-milvus-tls") {
        settings.set("certificateName", name);
    }
}

/// HTTP switched off, or redirected to HTTPS by a FrontendConfig (whose SSL
/// policy comes along): the `https-only` overlay.
fn read_https_only(
    found: &Found,
    allow_http: Option<&str>,
    frontend_config: Option<&str>,
    settings: &mut Settings,
) {
    let frontend = frontend_config.and_then(|name| found.named("FrontendConfig", name));
    let redirect = frontend
        .and_then(|f| f.value.pointer("/spec/redirectToHttps/enabled"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let ssl_policy = frontend
        .and_then(|f| f.value.pointer("/spec/sslPolicy"))
        .and_then(Value::as_str);
    if allow_http != Some("false") && !redirect && ssl_policy.is_none() {
        return;
    }
    settings.overlay("https-only");
    if redirect {
        settings.set("redirect", true);
    }
    if let Some(policy) = ssl_policy {
        settings.set("sslPolicy", policy);
    }
    if frontend_config.is_some() && frontend.is_none() {
        settings.cannot_express(format!(
            "the Ingress names the FrontendConfig `{}`, which is not in the export: add `frontendconfig` to the `kubectl get`",
            frontend_config.unwrap_or_default()
        ));
    }
}
