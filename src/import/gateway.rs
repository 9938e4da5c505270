//! What a Gateway setup (the `gateway` overlay) says: the domain (the HTTPS
//! listener's hostname), the certificate (a TLS Secret by name, a
//! Certificate Manager map, or certificates named in the listener's
//! `tls.options`: pre-shared or regional Certificate Manager ones), the GatewayClass (`gke-l7-rilb` is the
//! `internal` overlay), the port the HTTPRoute sends to, and the health
//! check of the HealthCheckPolicy. What else differs (timeouts, policies,
//! addresses, an HTTP listener) the verifying diff lists.

use super::found::Found;
use super::settings::Settings;
use crate::k8s::annotations::{
    listener_option, CERTMAP, CERT_MANAGER_CERTS_OPTION, INTERNAL_GATEWAY_CLASS,
    PRE_SHARED_CERTS_OPTION,
};
use crate::render::free_text;
use serde_json::Value;

const DEFAULT_CLASS: &str = "gke-l7-global-external-managed";

pub fn read(found: &Found, settings: &mut Settings) {
    let gateway = &found.front.value;
    settings.overlay("gateway");
    let https = gateway
        .pointer("/spec/listeners")
        .and_then(Value::as_array)
        .and_then(|all| all.iter().find(|l| l["protocol"] == "HTTPS"));
    let release = settings
        .get("release")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let hosts: Vec<&str> = gateway
        .pointer("/spec/listeners")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|l| l["protocol"] == "HTTPS")
        .filter_map(|l| l["hostname"].as_str())
        .collect();
    settings.set_domains(&hosts, &release);
    let secret = https
        .and_then(|l| l.pointer("/tls/certificateRefs/0/name"))
        .and_then(Value::as_str);
    let certmap = gateway
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(CERTMAP))
        .and_then(Value::as_str);
    let option = |key: &str| https.and_then(|l| listener_option(l, key));
    // Names a render would refuse are not carried into milvus-l7.yaml (the
    // verifying render would blame that file): said as not expressible,
    // with the live field they came from.
    let mut names = |key: &str| {
        let names = option(key)?;
        match free_text::check(free_text::Rule::GcpNameList, names) {
            Ok(()) if !names.is_empty() => Some(names),
            Ok(()) => {
                settings.cannot_express(format!("the HTTPS listener's tls.options {key} is empty"));
                None
            }
            Err((message, _)) => {
                settings
                    .cannot_express(format!("the HTTPS listener's tls.options {key}: {message}"));
                None
            }
        }
    };
    let named =
        option(PRE_SHARED_CERTS_OPTION).is_some() || option(CERT_MANAGER_CERTS_OPTION).is_some();
    let pre_shared = names(PRE_SHARED_CERTS_OPTION);
    let cert_manager = names(CERT_MANAGER_CERTS_OPTION);
    match (secret, certmap, pre_shared, cert_manager) {
        (Some(secret), ..) => {
            settings.overlay("self-managed");
            if secret != format!("{release}-milvus-tls") {
                settings.set("certificateName", secret);
            }
        }
        (None, Some(map), ..) => settings.set("certMap", map),
        (None, None, Some(names), _) => {
            settings.overlay("pre-shared");
            settings.set("preSharedCerts", names);
        }
        (None, None, None, Some(names)) => settings.set("certManagerCerts", names),
        (None, None, None, None) if named => {}
        (None, None, None, None) => settings.cannot_express(
            format!("the Gateway's HTTPS listener has no certificate (no certificateRefs, no {CERTMAP} annotation, no {PRE_SHARED_CERTS_OPTION} or {CERT_MANAGER_CERTS_OPTION} option)"),
        ),
    }
    match gateway
        .pointer("/spec/gatewayClassName")
        .and_then(Value::as_str)
    {
        Some(INTERNAL_GATEWAY_CLASS) => settings.overlay("internal"),
        Some(DEFAULT_CLASS) | None => {}
        Some(class) => settings.set("gatewayClass", class),
    }
    read_route_port(found, settings);
    read_health_check(found, settings);
}

/// The port of the HTTPRoute (named like the Gateway) is `servicePort`.
fn read_route_port(found: &Found, settings: &mut Settings) {
    let port = found
        .named("HTTPRoute", &found.front.id.name)
        .and_then(|route| route.value.pointer("/spec/rules/0/backendRefs/0/port"))
        .and_then(Value::as_u64);
    if let Some(port) = port {
        settings.set_unless_default("servicePort", port);
    }
}

/// The HealthCheckPolicy's `default.config`: type, port and path.
fn read_health_check(found: &Found, settings: &mut Settings) {
    let Some(config) = found
        .all
        .iter()
        .find(|r| r.id.kind == "HealthCheckPolicy" && r.id.namespace == found.front.id.namespace)
        .and_then(|p| p.value.pointer("/spec/default/config"))
    else {
        return;
    };
    let Some(kind) = config.get("type").and_then(Value::as_str) else {
        return;
    };
    settings.set_unless_default("healthCheckType", kind);
    let check = &config[format!("{}HealthCheck", kind.to_lowercase())];
    if let Some(port) = check.get("port") {
        settings.set_unless_default("healthCheckPort", port.clone());
    }
    if let Some(path) = check.get("requestPath") {
        settings.set_unless_default("healthCheckPath", path.clone());
    }
}
