//! Status: answers the guide's "wait until" steps
//! from live exports (`kubectl get ingress,managedcertificate -o yaml`):
//! is the certificate Active, does the load balancer have an address, is
//! HTTPS (443) served, are the backends HEALTHY — and for each step that is
//! not done, what to do. Then it prints the exact pymilvus
//! `connections.connect(...)` line for the variant.
//!
//! Exit 0 when everything is ready, 1 when something is not (yet), 2 on an
//! error (unreadable input, or an object of the render missing from it), so
//! `until milvus-l7 status --live <(kubectl get ...); do sleep 30; done` works.

use crate::error::{Error, Result};
use crate::k8s::annotations::{
    annotation, INGRESS_BACKENDS, INGRESS_HTTPS_FORWARDING_RULE, MANAGED_CERTIFICATES,
    PRE_SHARED_CERT,
};
use crate::k8s::resource::{ResId, Resource};
use crate::load::live::Keep;
use crate::render::overlay::CertificateSource;
use crate::render::Rendered;
use crate::tls::check::EXPIRY_WARNING_DAYS;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub mod follow;

/// Where one step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Ready,
    /// Not yet; GKE is working on it.
    Waiting,
    /// Not ready, and it will not become ready without a change.
    ActionNeeded,
}

impl State {
    /// The word reports print for the state.
    pub fn label(self) -> &'static str {
        match self {
            State::Ready => "ready",
            State::Waiting => "waiting",
            State::ActionNeeded => "action",
        }
    }
}

/// One answered question about one live object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub object: String,
    pub state: State,
    pub detail: String,
    pub hint: Option<String>,
}

/// Everything `status` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub checks: Vec<Check>,
    /// The load balancer's address, once it has one.
    pub address: Option<String>,
    /// The pymilvus line to connect with.
    pub connect: String,
    /// What is ready but will not stay so (a certificate that expires
    /// within 30 days), for the caller to show.
    pub warnings: Vec<String>,
}

impl Status {
    pub fn ready(&self) -> bool {
        self.checks.iter().all(|c| c.state == State::Ready)
    }
}

/// The kinds `status` reads from a live export.
const ASSESSED_KINDS: [&str; 4] = ["Ingress", "ManagedCertificate", "Gateway", "HTTPRoute"];

/// How much of a live object [`assess`] needs, decided while the export is
/// read so that a whole-cluster export costs little more than its text:
/// the rendered objects it assesses whole, others of their kinds by name
/// (for the message when one is missing), nothing of the rest.
pub fn needed(rendered: &Rendered, id: &ResId) -> Keep {
    if watched(rendered).any(|r| r.id.matches(id)) {
        Keep::Whole
    } else if watched(rendered).any(|r| r.id.kind == id.kind) {
        Keep::Id
    } else {
        Keep::Nothing
    }
}

/// Checks every rendered Ingress, ManagedCertificate, Gateway and HTTPRoute
/// against its live counterpart, now (the clock of every expiry check,
/// [`crate::check::now`]). A rendered object missing from the live input
/// is an error: the export was taken from the wrong place.
pub fn assess(rendered: &Rendered, live: &[Resource]) -> Result<Status> {
    assess_at(rendered, live, crate::check::now())
}

/// [`assess`] at a given instant: certificate expiry depends on it.
pub fn assess_at(rendered: &Rendered, live: &[Resource], now: OffsetDateTime) -> Result<Status> {
    let mut pairs = Vec::new();
    for wanted in watched(rendered) {
        pairs.push((wanted, find_live(wanted, live, &rendered.params.namespace)?));
    }
    let address = pairs
        .iter()
        .find_map(|(_, found)| match found.id.kind.as_str() {
            "Ingress" => ingress_address(&found.value),
            "Gateway" => gateway_address(&found.value),
            _ => None,
        });
    let mut checks = Vec::new();
    let mut warnings = Vec::new();
    for (wanted, found) in pairs {
        let object = found.id.to_string();
        checks.extend(match found.id.kind.as_str() {
            "Ingress" => ingress(&object, &found.value, rendered),
            "ManagedCertificate" => {
                let certificate = Certificate {
                    object: &object,
                    live: &found.value,
                    now,
                };
                warnings.extend(certificate.expiry_warning());
                managed_certificate(certificate, wanted, address.as_deref())
            }
            "Gateway" => gateway(&object, &found.value),
            _ => route(&object, &found.value),
        });
    }
    let connect = connect_line(rendered, address.as_deref());
    Ok(Status {
        checks,
        address,
        connect,
        warnings,
    })
}

/// The rendered objects whose live status [`assess`] reads: the ones an
/// export (or a watch) must hold.
pub fn watched(rendered: &Rendered) -> impl Iterator<Item = &Resource> + Clone {
    rendered
        .resources
        .iter()
        .filter(|wanted| ASSESSED_KINDS.contains(&wanted.id.kind.as_str()))
}

fn find_live<'a>(wanted: &Resource, live: &'a [Resource], namespace: &str) -> Result<&'a Resource> {
    if let Some(found) = live.iter().find(|l| l.id.matches(&wanted.id)) {
        return Ok(found);
    }
    let same_kind: Vec<String> = live
        .iter()
        .filter(|l| l.id.kind == wanted.id.kind)
        .map(|l| format!("{}/{}", l.id.namespace, l.id.name))
        .collect();
    let present = if same_kind.is_empty() {
        format!("it has no {}", wanted.id.kind)
    } else {
        format!("it has {} {}", wanted.id.kind, same_kind.join(", "))
    };
    Err(Error::Invalid {
        subject: wanted.id.to_string(),
        message: format!("not in the live input ({present})"),
        hint: format!(
            "export it: `kubectl get ingress,managedcertificate -n {namespace} -o yaml` (gateway: `kubectl get gateway,httproute -n {namespace} -o yaml`), or give the same --release/--namespace/--set as for render"
        ),
    })
}

fn check(object: &str, state: State, detail: impl Into<String>, hint: Option<String>) -> Check {
    Check {
        object: object.to_string(),
        state,
        detail: detail.into(),
        hint,
    }
}

/// The guide's `kubectl get ingress -w` until ADDRESS and `80, 443` appear,
/// plus the backends' health that GKE writes into an annotation.
fn ingress_address(live: &Value) -> Option<String> {
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

fn address_check(object: &str, address: Option<String>) -> Check {
    match address {
        Some(ip) => check(object, State::Ready, format!("address {ip}"), None),
        None => check(
            object,
            State::Waiting,
            "no address yet",
            Some("GKE is creating the load balancer; this takes a few minutes".into()),
        ),
    }
}

fn ingress(object: &str, live: &Value, rendered: &Rendered) -> Vec<Check> {
    vec![
        address_check(object, ingress_address(live)),
        https_check(object, live),
        backends_check(object, live, rendered),
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

/// `ingress.kubernetes.io/backends`: `{"k8s-be-…": "HEALTHY" | "UNHEALTHY" | "Unknown"}`.
fn backends_check(object: &str, live: &Value, rendered: &Rendered) -> Check {
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
            format!("backend health unreadable: {text}"),
            None,
        );
    };
    let not_healthy: Vec<String> = states
        .iter()
        .filter(|(_, s)| s.as_str() != Some("HEALTHY"))
        .map(|(name, s)| format!("{name} {}", s.as_str().unwrap_or("?")))
        .collect();
    if not_healthy.is_empty() {
        return check(
            object,
            State::Ready,
            format!("{} backend(s) HEALTHY", states.len()),
            None,
        );
    }
    let unhealthy = states.values().any(|s| s.as_str() == Some("UNHEALTHY"));
    let port = rendered.params.health_check_port;
    if unhealthy {
        check(
            object,
            State::ActionNeeded,
            format!("backend(s) {}", not_healthy.join(", ")),
            Some(format!("the load balancer's health check fails. It must probe Milvus' /healthz on port {port} (the BackendConfig, named by the Service annotation cloud.google.com/backend-config), the Milvus pods must be ready (`kubectl get pods`), and the firewall must allow Google's health checkers to reach port {port}. Right after creation this can take a few minutes")),
        )
    } else {
        check(
            object,
            State::Waiting,
            format!("backend(s) {}", not_healthy.join(", ")),
            Some("health checks are starting; wait a minute".into()),
        )
    }
}

/// A live ManagedCertificate, seen at an instant.
#[derive(Clone, Copy)]
struct Certificate<'a> {
    object: &'a str,
    live: &'a Value,
    now: OffsetDateTime,
}

/// Where an Active certificate stands against its `expireTime`.
enum Expiry {
    /// No `expireTime`, or one that is not RFC 3339.
    Unknown,
    Expired(String),
    /// Fewer than [`EXPIRY_WARNING_DAYS`] left.
    Soon {
        days: i64,
        at: String,
    },
    Fine {
        days: i64,
        at: String,
    },
}

impl Certificate<'_> {
    fn status(&self, key: &str) -> Option<&str> {
        self.live.pointer(&format!("/status/{key}"))?.as_str()
    }

    /// `status.expireTime` against now. Google renews a managed
    /// certificate about 30 days before it expires, so one that gets
    /// closer was not renewed: the same 30 days as for a self-managed one.
    fn expiry(&self) -> Expiry {
        let Some(text) = self.status("expireTime") else {
            return Expiry::Unknown;
        };
        let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) else {
            return Expiry::Unknown;
        };
        let at_text = text.to_string();
        let left = at - self.now;
        if left.is_negative() {
            Expiry::Expired(at_text)
        } else if left.whole_days() < EXPIRY_WARNING_DAYS {
            Expiry::Soon {
                days: left.whole_days(),
                at: at_text,
            }
        } else {
            Expiry::Fine {
                days: left.whole_days(),
                at: at_text,
            }
        }
    }

    /// The warning for an Active certificate that expires soon.
    fn expiry_warning(&self) -> Option<String> {
        if self.status("certificateStatus") != Some("Active") {
            return None;
        }
        match self.expiry() {
            Expiry::Soon { days, at } => Some(format!(
                "{}: the certificate expires in {days} days ({at}) and Google has not renewed it yet; it renews only while every domain resolves to the load balancer (check DNS)",
                self.object
            )),
            _ => None,
        }
    }
}

/// The guide's `kubectl get -f managed-crt.yaml -o yaml -w` until Active.
fn managed_certificate(
    certificate: Certificate<'_>,
    wanted: &Resource,
    address: Option<&str>,
) -> Vec<Check> {
    let object = certificate.object;
    let status = certificate.live.get("status").unwrap_or(&Value::Null);
    let mut checks = vec![certificate_status_check(certificate)];
    let domain_states: Vec<(String, String)> = status
        .get("domainStatus")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| {
            Some((
                d.get("domain")?.as_str()?.to_string(),
                d.get("status")?.as_str()?.to_string(),
            ))
        })
        .collect();
    let rendered_domains = wanted
        .value
        .pointer("/spec/domains")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    for domain in rendered_domains {
        let state = domain_states
            .iter()
            .find(|(d, _)| d == domain)
            .map(|(_, s)| s.as_str());
        checks.push(domain_check(object, domain, state, address));
    }
    checks
}

fn certificate_status_check(certificate: Certificate<'_>) -> Check {
    let object = certificate.object;
    let status = certificate.status("certificateStatus").unwrap_or_default();
    let name = certificate
        .status("certificateName")
        .unwrap_or("not yet named");
    match status {
        "Active" => active_check(object, name, certificate.expiry()),
        "Provisioning" => check(
            object,
            State::Waiting,
            format!("certificate Provisioning ({name})"),
            Some("Google provisions it once each domain resolves to the load balancer's address; this takes 15 to 60 minutes".into()),
        ),
        "ProvisioningFailed" => check(
            object,
            State::ActionNeeded,
            format!("certificate ProvisioningFailed ({name})"),
            Some("fix the domain problems below (DNS, CAA); Google retries".into()),
        ),
        "ProvisioningFailedPermanently" => check(
            object,
            State::ActionNeeded,
            format!("certificate ProvisioningFailedPermanently ({name})"),
            Some("fix DNS for every domain, then delete and re-apply the ManagedCertificate".into()),
        ),
        "RenewalFailed" => check(
            object,
            State::ActionNeeded,
            format!("certificate RenewalFailed ({name})"),
            Some("every domain must still resolve to the load balancer; fix DNS and Google retries".into()),
        ),
        "" => check(
            object,
            State::Waiting,
            "certificate has no status yet",
            Some("the managed-certificates controller has not processed it yet; an Ingress must name it in networking.gke.io/managed-certificates".into()),
        ),
        other => check(object, State::Waiting, format!("certificate {other} ({name})"), None),
    }
}

/// An Active certificate is ready until it expires: GKE keeps serving an
/// expired one, and clients refuse it.
fn active_check(object: &str, name: &str, expiry: Expiry) -> Check {
    match expiry {
        Expiry::Unknown => check(object, State::Ready, format!("certificate Active ({name})"), None),
        Expiry::Fine { days, at } | Expiry::Soon { days, at } => check(
            object,
            State::Ready,
            format!("certificate Active ({name}, expires {at}, in {days} days)"),
            None,
        ),
        Expiry::Expired(at) => check(
            object,
            State::ActionNeeded,
            format!("certificate Active but expired on {at} ({name}): clients refuse it"),
            Some("Google renews a managed certificate only while every domain resolves to the load balancer: fix DNS (the domain checks below), then wait; if it stays expired, delete and re-apply the ManagedCertificate".into()),
        ),
    }
}

/// Each `domainStatus` value, with what to do (the states gke-managed-certs sets on a ManagedCertificate).
fn domain_check(object: &str, domain: &str, state: Option<&str>, address: Option<&str>) -> Check {
    let detail = |s: &str| format!("domain {domain}: {s}");
    let target = address.unwrap_or("the load balancer's address (the Ingress ADDRESS)");
    match state {
        Some("Active") => check(object, State::Ready, detail("Active"), None),
        Some("Provisioning") => check(
            object,
            State::Waiting,
            detail("Provisioning"),
            Some(format!("make sure {domain} has an A record to {target}")),
        ),
        Some("FailedNotVisible") => check(
            object,
            State::ActionNeeded,
            detail("FailedNotVisible"),
            Some(format!("{domain} does not resolve to the load balancer: create an A record (or a CNAME to one) pointing at {target}, and remove any AAAA record pointing elsewhere; Google retries")),
        ),
        Some("FailedCaaChecking") => check(
            object,
            State::Waiting,
            detail("FailedCaaChecking"),
            Some("the CAA lookup failed temporarily; Google retries".into()),
        ),
        Some("FailedCaaForbidden") => check(
            object,
            State::ActionNeeded,
            detail("FailedCaaForbidden"),
            Some(format!("a CAA record of {domain} forbids Google's certificate authority: add `0 issue \"pki.goog\"` to it")),
        ),
        Some("FailedRateLimited") => check(
            object,
            State::Waiting,
            detail("FailedRateLimited"),
            Some("the certificate authority rate-limits this domain; wait, and do not re-create the certificate meanwhile".into()),
        ),
        Some(other) => check(object, State::Waiting, detail(other), None),
        None => check(
            object,
            State::Waiting,
            detail("no status yet"),
            Some("the live ManagedCertificate may not list this domain yet: apply the render".into()),
        ),
    }
}

fn gateway_address(live: &Value) -> Option<String> {
    live.pointer("/status/addresses")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find_map(|x| x.get("value").and_then(Value::as_str))
        })
        .map(String::from)
}

/// Gateway API: an address, `Accepted=True` (the controller took the
/// Gateway: class, listeners and certificates are valid) and
/// `Programmed=True` (the load balancer is configured).
fn gateway(object: &str, live: &Value) -> Vec<Check> {
    let conditions = live.pointer("/status/conditions");
    vec![
        address_check(object, gateway_address(live)),
        condition_check(object, conditions, "Accepted"),
        condition_check(object, conditions, "Programmed"),
    ]
}

/// HTTPRoute: each parent has `Accepted=True` and `ResolvedRefs=True`.
fn route(object: &str, live: &Value) -> Vec<Check> {
    let parents = live
        .pointer("/status/parents")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if parents.is_empty() {
        return vec![check(
            object,
            State::Waiting,
            "not accepted by its Gateway yet",
            Some("the Gateway controller has not processed the route yet".into()),
        )];
    }
    parents
        .iter()
        .flat_map(|p| {
            ["Accepted", "ResolvedRefs"].map(|c| condition_check(object, p.get("conditions"), c))
        })
        .collect()
}

fn condition_check(object: &str, conditions: Option<&Value>, wanted: &str) -> Check {
    let found = conditions
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(wanted));
    let text = |key: &str| {
        found
            .and_then(|c| c.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    match text("status").as_str() {
        "True" => check(object, State::Ready, wanted, None),
        "" => check(
            object,
            State::Waiting,
            format!("{wanted}: not reported yet"),
            None,
        ),
        status => check(
            object,
            State::Waiting,
            format!(
                "{wanted} is {status}: {} {}",
                text("reason"),
                text("message")
            )
            .trim_end()
            .to_string(),
            Some("`kubectl describe` the object for the controller's events".into()),
        ),
    }
}

/// The guide's pymilvus line for the variant: with a self-managed
/// (self-signed) certificate the client must trust it (`server_pem_path`).
fn connect_line(rendered: &Rendered, address: Option<&str>) -> String {
    let host = address.unwrap_or("<ADDRESS>");
    let domain = &rendered.params.domain;
    if rendered.params.certificate == Some(CertificateSource::Secret) {
        let pem = rendered
            .params
            .tls
            .as_ref()
            .map(|t| t.cert_path.display().to_string())
            .unwrap_or_else(|| "tls.crt".into());
        format!("connections.connect(\"default\", host=\"{host}\", port=\"443\", server_pem_path=\"{pem}\", secure=True, server_name=\"{domain}\")")
    } else {
        format!("connections.connect(\"default\", host=\"{host}\", port=\"443\", secure=True, server_name=\"{domain}\")")
    }
}

/// The report for a person: each object's checks, the verdict, the connect line.
pub fn to_text(status: &Status) -> String {
    let mut out = String::new();
    let mut object = "";
    for c in &status.checks {
        if c.object != object {
            object = &c.object;
            out.push_str(&format!("{object}\n"));
        }
        out.push_str(&format!("  {:<8} {}\n", c.state.label(), c.detail));
        if let Some(hint) = &c.hint {
            if c.state != State::Ready {
                out.push_str(&format!("           hint: {hint}\n"));
            }
        }
    }
    let pending = status
        .checks
        .iter()
        .filter(|c| c.state != State::Ready)
        .count();
    if pending == 0 {
        out.push_str("\nready\n");
    } else {
        out.push_str(&format!("\nnot ready: {pending} check(s) pending\n"));
    }
    out.push_str(&format!("\nconnect with pymilvus:\n  {}\n", status.connect));
    out
}

/// The report for a program.
pub fn to_json(status: &Status) -> String {
    let report = JsonReport {
        ready: status.ready(),
        address: status.address.as_deref(),
        checks: status
            .checks
            .iter()
            .map(|c| JsonCheck {
                object: &c.object,
                state: c.state.label(),
                detail: &c.detail,
                hint: c.hint.as_deref(),
            })
            .collect(),
        connect: &status.connect,
        warnings: &status.warnings,
    };
    format!(
        "{}\n",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    )
}

/// The `--output json` document.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    ready: bool,
    address: Option<&'a str>,
    checks: Vec<JsonCheck<'a>>,
    connect: &'a str,
    warnings: &'a [String],
}

#[derive(serde::Serialize)]
struct JsonCheck<'a> {
    object: &'a str,
    state: &'static str,
    detail: &'a str,
    hint: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::params::{ParamInputs, Setting};
    use crate::render::{render, Sources};
    use serde_json::json;

    fn rendered(overlays: &[&str], extra: &[(&str, &str)]) -> Rendered {
        let mut flags = vec![Setting {
            key: "overlays".into(),
            value: json!(overlays),
            origin: crate::render::params::Origin::Flag("--overlay".into()),
        }];
        flags.extend(extra.iter().map(|(k, v)| Setting {
            key: k.to_string(),
            value: json!(v),
            origin: crate::render::params::Origin::Flag(format!("--set {k}")),
        }));
        let inputs = ParamInputs {
            flags,
            ..Default::default()
        };
        render(&inputs, &Sources::builtin()).unwrap()
    }

    #[test]
    fn every_domain_status_has_a_state_and_advice() {
        let cases = [
            ("Active", State::Ready),
            ("Provisioning", State::Waiting),
            ("FailedNotVisible", State::ActionNeeded),
            ("FailedCaaChecking", State::Waiting),
            ("FailedCaaForbidden", State::ActionNeeded),
            ("FailedRateLimited", State::Waiting),
        ];
        for (status, state) in cases {
            let c = domain_check("o", "a.example.com", Some(status), Some("1.2.3.4"));
            assert_eq!(c.state, state, "{status}");
            assert_eq!(c.hint.is_some(), state != State::Ready, "{status}");
        }
        let not_visible = domain_check(
            "o",
            "a.example.com",
            Some("FailedNotVisible"),
            Some("1.2.3.4"),
        );
        assert!(not_visible.hint.unwrap().contains("pointing at 1.2.3.4"));
        let forbidden = domain_check("o", "a.example.com", Some("FailedCaaForbidden"), None);
        assert!(forbidden.hint.unwrap().contains("pki.goog"));
    }

    #[test]
    fn certificate_statuses() {
        for (status, state) in [
            ("Active", State::Ready),
            ("Provisioning", State::Waiting),
            ("ProvisioningFailed", State::ActionNeeded),
            ("ProvisioningFailedPermanently", State::ActionNeeded),
            ("RenewalFailed", State::ActionNeeded),
            ("", State::Waiting),
        ] {
            let live =
                json!({"status": {"certificateStatus": status, "certificateName": "mcrt-1"}});
            let certificate = Certificate {
                object: "o",
                live: &live,
                now: OffsetDateTime::UNIX_EPOCH,
            };
            assert_eq!(
                certificate_status_check(certificate).state,
                state,
                "{status}"
            );
        }
    }

    /// The live ManagedCertificate of `testdata/live/milvus-google-managed.yaml`
    /// (expireTime 2025-06-02T02:41:10-07:00), assessed `days` before it expires.
    fn managed_certificate_status(days_before_expiry: i64) -> Status {
        let rendered = rendered(&["google-managed"], &[]);
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/live/milvus-google-managed.yaml"
        ))
        .unwrap();
        let live: Vec<Resource> = crate::yaml::parse_stream(&text, "live", Default::default())
            .unwrap()
            .into_iter()
            .flat_map(|d| match d.get("items").and_then(Value::as_array) {
                Some(items) => items.clone(),
                None => vec![d],
            })
            .filter_map(Resource::new)
            .collect();
        let expires = OffsetDateTime::parse("2025-06-02T02:41:10.000-07:00", &Rfc3339).unwrap();
        let now = expires - time::Duration::days(days_before_expiry);
        assess_at(&rendered, &live, now).unwrap()
    }

    fn certificate_check(status: &Status) -> &Check {
        status
            .checks
            .iter()
            .find(|c| c.detail.starts_with("certificate "))
            .unwrap()
    }

    #[test]
    fn an_expired_managed_certificate_is_not_ready() {
        let status = managed_certificate_status(-1);
        let check = certificate_check(&status);
        assert_eq!(check.state, State::ActionNeeded, "{check:?}");
        assert!(check.detail.contains("expired on 2025-06-02"), "{check:?}");
        assert!(!status.ready());
    }

    #[test]
    fn a_managed_certificate_expiring_within_30_days_is_ready_with_a_warning() {
        let status = managed_certificate_status(10);
        let check = certificate_check(&status);
        assert_eq!(check.state, State::Ready, "{check:?}");
        assert!(check.detail.contains("in 10 days"), "{check:?}");
        assert_eq!(status.warnings.len(), 1, "{:?}", status.warnings);
        assert!(
            status.warnings[0].contains("ManagedCertificate")
                && status.warnings[0].contains("expires in 10 days"),
            "{:?}",
            status.warnings
        );
    }

    #[test]
    fn a_managed_certificate_valid_for_90_days_is_ready_without_a_warning() {
        let status = managed_certificate_status(90);
        let check = certificate_check(&status);
        assert_eq!(check.state, State::Ready, "{check:?}");
        assert!(check.detail.contains("in 90 days"), "{check:?}");
        assert!(status.warnings.is_empty(), "{:?}", status.warnings);
    }

    #[test]
    fn a_gateway_not_accepted_or_not_programmed_is_not_ready() {
        let conditions = |accepted: &str, programmed: &str| {
            json!({"status": {"addresses": [{"value": "34.1.2.3"}], "conditions": [
                {"type": "Accepted", "status": accepted, "reason": "Invalid", "message": "bad class"},
                {"type": "Programmed", "status": programmed, "reason": "Pending"}]}})
        };
        let states = |live: Value| -> Vec<(State, String)> {
            gateway("g", &live)
                .into_iter()
                .map(|c| (c.state, c.detail))
                .collect()
        };
        assert!(states(conditions("True", "True"))
            .iter()
            .all(|(s, _)| *s == State::Ready));
        assert!(states(conditions("False", "True")).contains(&(
            State::Waiting,
            "Accepted is False: Invalid bad class".into()
        )));
        assert!(states(conditions("True", "Unknown"))
            .contains(&(State::Waiting, "Programmed is Unknown: Pending".into())));
        assert!(states(json!({})).contains(&(State::Waiting, "no address yet".into())));
    }

    #[test]
    fn gateway_variant_reads_gateway_and_route_status() {
        let rendered = rendered(&["gateway"], &[("certMap", "m")]);
        let gateway = json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
            "metadata": {"name": "my-release-milvus", "namespace": "default"},
            "status": {"addresses": [{"type": "IPAddress", "value": "34.1.2.3"}],
                "conditions": [{"type": "Accepted", "status": "True"},
                    {"type": "Programmed", "status": "True"}]}});
        let mut route = json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": "my-release-milvus", "namespace": "default"},
            "status": {"parents": [{"conditions": [
                {"type": "Accepted", "status": "True"},
                {"type": "ResolvedRefs", "status": "False", "reason": "BackendNotFound", "message": "no Service"}]}]}});
        let live = |route: &Value| {
            vec![
                Resource::new(gateway.clone()).unwrap(),
                Resource::new(route.clone()).unwrap(),
            ]
        };
        let status = assess(&rendered, &live(&route)).unwrap();
        assert_eq!(status.address.as_deref(), Some("34.1.2.3"));
        assert!(!status.ready());
        assert!(status
            .checks
            .iter()
            .any(|c| c.detail == "ResolvedRefs is False: BackendNotFound no Service"));
        route["status"]["parents"][0]["conditions"][1]["status"] = json!("True");
        let ready = assess(&rendered, &live(&route)).unwrap();
        assert!(ready.ready(), "{ready:?}");
        assert_eq!(
            ready.connect,
            "connections.connect(\"default\", host=\"34.1.2.3\", port=\"443\", secure=True, server_name=\"my-release.milvus.io\")"
        );
    }
}
