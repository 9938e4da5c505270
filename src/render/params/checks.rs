//! The checks of resolved values: names Kubernetes and Google must accept,
//! ports, protocols, the chart mode, free-text rules — each failure names
//! the parameter and where it was set.

use super::table::{ParamType, PARAMETERS};
use crate::error::{Error, Result};
use crate::k8s::annotations::{INTERNAL_GATEWAY_CLASS, INTERNAL_INGRESS_CLASS};
use crate::k8s::names;
use crate::quote::quoted;
use crate::render::free_text;
use crate::render::overlay::{CertificateSource, LoadBalancer};
use crate::render::setting::Origin;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The merged values and where each came from: what every check reads,
/// so that a failing check names the value and its origin.
pub struct Resolved<'a> {
    /// Every parameter's value.
    pub values: &'a Map<String, Value>,
    /// Where each was set.
    pub origins: &'a BTreeMap<String, Origin>,
}

impl Resolved<'_> {
    /// A text parameter's value (empty when it is not text).
    pub fn text(&self, key: &str) -> String {
        self.values[key].as_str().unwrap_or_default().to_string()
    }

    /// A list parameter's items.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.values[key]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The error for `key`, naming where it was set.
    pub fn fail(&self, key: &str, message: String, hint: &str) -> Error {
        Error::Param {
            key: key.into(),
            origin: self.origins[key].to_string(),
            message,
            hint: hint.into(),
        }
    }

    /// `result`'s error as the error for `key`.
    pub fn check(
        &self,
        key: &str,
        result: std::result::Result<(), String>,
        hint: &str,
    ) -> Result<()> {
        result.map_err(|m| self.fail(key, m, hint))
    }

    /// A port parameter's value, refused outside 1 to 65535.
    pub fn port(&self, key: &str) -> Result<u16> {
        let n = self.values[key].as_u64().unwrap_or(0);
        u16::try_from(n).ok().filter(|p| *p > 0).ok_or_else(|| {
            self.fail(
                key,
                format!("{n} is not a TCP port"),
                "use a number from 1 to 65535",
            )
        })
    }
}

/// The release, namespace, domain and object names are names Kubernetes
/// (and, for a Google-managed certificate, Google) must accept.
fn check_names(r: &Resolved, certificate: Option<CertificateSource>) -> Result<()> {
    r.check(
        "release",
        names::check_release(&r.text("release")),
        "use lowercase letters, digits and `-`, starting with a letter, like Helm requires",
    )?;
    r.check(
        "namespace",
        names::check_dns1123_label(&r.text("namespace"), 63),
        "use an existing namespace name",
    )?;
    check_domains(r, certificate)?;
    r.check(
        "serviceName",
        names::check_dns1035_label(&r.text("serviceName"), 63),
        "a Service name is a DNS-1035 label",
    )?;
    for key in ["backendConfigName", "certificateName"] {
        r.check(
            key,
            names::check_dns1123_subdomain(&r.text(key)),
            "object names are lowercase DNS names",
        )?;
    }
    Ok(())
}

/// Every domain is a host an Ingress and a Gateway accept, named once; a
/// Google-managed certificate takes no wildcard, no name over 63
/// characters and at most [`names::MANAGED_CERTIFICATE_MAX_DOMAINS`] names.
fn check_domains(r: &Resolved, certificate: Option<CertificateSource>) -> Result<()> {
    let domains = r.list("domain");
    let google_managed = certificate == Some(CertificateSource::GoogleManaged);
    for (i, domain) in domains.iter().enumerate() {
        r.check(
            "domain",
            names::check_ingress_host(domain),
            "give the lowercase DNS name clients will connect to, e.g. milvus.example.com",
        )?;
        if domains[..i].contains(domain) {
            return Err(r.fail(
                "domain",
                format!("{} is given twice", quoted(domain)),
                "name each domain once",
            ));
        }
        if google_managed {
            r.check(
                "domain",
                names::check_managed_certificate_domain(domain),
                "use the self-managed overlay for wildcard or long names, or a shorter name",
            )?;
        }
    }
    if google_managed && domains.len() > names::MANAGED_CERTIFICATE_MAX_DOMAINS {
        return Err(r.fail(
            "domain",
            format!(
                "{} domains, but a ManagedCertificate takes at most {}",
                domains.len(),
                names::MANAGED_CERTIFICATE_MAX_DOMAINS
            ),
            "split the names over several releases, or use the self-managed overlay",
        ));
    }
    Ok(())
}

/// The free-text parameters that are set follow their rules (see
/// [`free_text`]).
fn check_free_text(r: &Resolved) -> Result<()> {
    for (key, rule) in free_text::RULES {
        let Some(value) = r.values.get(*key).and_then(Value::as_str) else {
            continue;
        };
        free_text::check(*rule, value).map_err(|(message, hint)| r.fail(key, message, hint))?;
    }
    Ok(())
}

/// The parameters of a few fixed words ([`ParamType::OneOf`]) hold one of
/// them, and the Ingress class is a DNS label.
fn check_words_and_class(r: &Resolved) -> Result<()> {
    for parameter in PARAMETERS {
        let ParamType::OneOf(words) = parameter.kind else {
            continue;
        };
        let value = r.text(parameter.name);
        if !words.contains(&value.as_str()) {
            return Err(r.fail(
                parameter.name,
                format!("{} is not {}", quoted(&value), one_of(words)),
                words_hint(parameter.name),
            ));
        }
    }
    let ingress_class = r.text("ingressClass");
    if !ingress_class.is_empty() {
        r.check(
            "ingressClass",
            names::check_dns1123_label(&ingress_class, 63),
            "e.g. gce or gce-internal",
        )?;
    }
    Ok(())
}

/// `a, b or c`.
fn one_of(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Why a fixed-word parameter has the words it has.
fn words_hint(key: &str) -> &'static str {
    match key {
        "mode" => "the milvus/milvus chart runs either a cluster (cluster.enabled: true, its default) or standalone",
        _ => "GKE accepts only HTTP, HTTPS and HTTP2 here",
    }
}

/// The `internal` overlay makes the Ingress class `gce-internal` and the
/// GatewayClass `gke-l7-rilb`; an `ingressClass`, or a `gatewayClass` set
/// by the user, naming another class would be silently overridden by its
/// patch, so the two are refused together.
fn check_class_against_load_balancer(
    r: &Resolved,
    load_balancer: Option<LoadBalancer>,
) -> Result<()> {
    if load_balancer != Some(LoadBalancer::Internal) {
        return Ok(());
    }
    let ingress_class = r.text("ingressClass");
    if !ingress_class.is_empty() && ingress_class != INTERNAL_INGRESS_CLASS {
        return Err(r.fail(
            "ingressClass",
            format!(
                "{} conflicts with the internal overlay, which sets the class {INTERNAL_INGRESS_CLASS}",
                quoted(&ingress_class)
            ),
            "drop ingressClass (the overlay sets it), or drop --overlay internal for the external load balancer",
        ));
    }
    // Present only with the gateway overlay.
    let Some(gateway_class) = r.values.get("gatewayClass").and_then(Value::as_str) else {
        return Ok(());
    };
    let set_by_user = r
        .origins
        .get("gatewayClass")
        .is_some_and(|origin| *origin != Origin::Default);
    if set_by_user && gateway_class != INTERNAL_GATEWAY_CLASS {
        return Err(r.fail(
            "gatewayClass",
            format!(
                "{} conflicts with the internal overlay, which sets the class {INTERNAL_GATEWAY_CLASS}",
                quoted(gateway_class)
            ),
            "drop gatewayClass (the overlay sets it), or drop --overlay internal and keep the class (gke-l7-regional-external-managed is the regional external one)",
        ));
    }
    Ok(())
}

/// Every check of the resolved values, in the order a user would fix
/// them: names, ports, free text, fixed words, then combinations.
pub fn check_all(
    r: &Resolved,
    certificate: Option<CertificateSource>,
    load_balancer: Option<LoadBalancer>,
) -> Result<()> {
    check_names(r, certificate)?;
    r.port("servicePort")?;
    r.port("healthCheckPort")?;
    r.check(
        "servicePortName",
        check_port_name(&r.text("servicePortName")),
        "port names are at most 15 lowercase letters, digits and `-`, with a letter",
    )?;
    r.check(
        "helmTimeout",
        crate::duration::parse(&r.text("helmTimeout")).map(|_| ()),
        "give a duration such as 90s, 5m or 1h",
    )?;
    check_free_text(r)?;
    check_words_and_class(r)?;
    check_class_against_load_balancer(r, load_balancer)
}

/// An IANA service name, which is what a Service port name must be.
fn check_port_name(name: &str) -> std::result::Result<(), String> {
    names::check_dns1123_label(name, 15)?;
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        return Err(format!("{} needs at least one letter", quoted(name)));
    }
    if name.contains("--") {
        return Err(format!("{} must not contain `--`", quoted(name)));
    }
    Ok(())
}
