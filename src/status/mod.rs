//! Status: answers the guide's "wait until" steps from live exports
//! (`kubectl get ingress,managedcertificate -o yaml`, or the Gateway API
//! kinds): for each object of the render, what its controller wrote, read
//! one kind per module ([`ingress`], [`managed_certificate`], [`gateway`],
//! [`http_route`], [`gke_policy`]). Then it prints the exact pymilvus
//! `connections.connect(...)` line for the variant.
//!
//! Each finding is [`State::Ready`], [`State::Waiting`] (the controller is
//! still working: it resolves alone, `--follow` keeps following) or
//! [`State::ActionNeeded`] (it will not resolve without a change: `--follow`
//! stops at once with the reason and the fix).
//!
//! Exit 0 when everything is ready, 1 when something is not (yet), 2 on an
//! error (unreadable input, or an object of the render missing from it), so
//! `until milvus-l7 status --live <(kubectl get ...); do sleep 30; done` works.

use crate::error::{Error, Result};
use crate::k8s::kind::{self, GroupKind};
use crate::k8s::resource::{ResId, Resource};
use crate::load::live::Keep;
use crate::render::overlay::CertificateSource;
use crate::render::Rendered;
use time::OffsetDateTime;

mod conditions;
pub mod follow;
mod gateway;
mod gke_policy;
mod http_route;
mod ingress;
mod managed_certificate;
mod report;
pub mod watch;

pub use report::{connect_text, to_json, to_text};

/// Where one step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Ready,
    /// Not yet; the controller is working on it and it resolves alone.
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
    /// What the check is about within its object (`Programmed`, `listener
    /// https: Accepted`), where checks come and go with the status (a
    /// listener reported, an optional condition written); empty where an
    /// object's checks are always the same, in the same order.
    pub topic: String,
}

impl Check {
    /// The check, about `topic` (see [`Check::topic`]).
    fn on(mut self, topic: impl Into<String>) -> Check {
        self.topic = topic.into();
        self
    }
}

/// Everything `status` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub checks: Vec<Check>,
    /// The load balancer's address, once it has one.
    pub address: Option<String>,
    /// The pymilvus lines to connect with, one per domain, the primary first.
    pub connect: Vec<String>,
    /// What is ready but will not stay so (a certificate that expires
    /// within 30 days), for the caller to show.
    pub warnings: Vec<String>,
}

impl Status {
    pub fn ready(&self) -> bool {
        self.checks.iter().all(|c| c.state == State::Ready)
    }

    /// The first check that will not resolve alone, if any: where
    /// `--follow` stops.
    pub fn action_needed(&self) -> Option<&Check> {
        self.checks.iter().find(|c| c.state == State::ActionNeeded)
    }
}

/// The kinds whose controllers write a status `status` reads, each with
/// the module that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Assessed {
    Ingress,
    ManagedCertificate,
    Gateway,
    HttpRoute,
    /// GCPBackendPolicy, HealthCheckPolicy and GCPGatewayPolicy: one
    /// status shape, written by the GKE Gateway controller.
    GkePolicy,
}

/// The kind table of `status`: every kind it reads, by (group, kind).
const ASSESSED: [(GroupKind, Assessed); 8] = [
    (kind::INGRESS, Assessed::Ingress),
    (kind::EXTENSIONS_INGRESS, Assessed::Ingress),
    (kind::MANAGED_CERTIFICATE, Assessed::ManagedCertificate),
    (kind::GATEWAY, Assessed::Gateway),
    (kind::HTTP_ROUTE, Assessed::HttpRoute),
    (kind::GCP_BACKEND_POLICY, Assessed::GkePolicy),
    (kind::HEALTH_CHECK_POLICY, Assessed::GkePolicy),
    (kind::GCP_GATEWAY_POLICY, Assessed::GkePolicy),
];

impl Assessed {
    fn of(id: &ResId) -> Option<Assessed> {
        ASSESSED
            .iter()
            .find(|(kind, _)| kind.is_id(id))
            .map(|(_, assessed)| *assessed)
    }
}

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

/// Checks every rendered object whose controller writes a status against
/// its live counterpart, now (the clock of every expiry check,
/// [`crate::check::now`]). A rendered object missing from the live input
/// is an error: the export was taken from the wrong place.
pub fn assess(rendered: &Rendered, live: &[Resource]) -> Result<Status> {
    assess_at(rendered, live, crate::check::now())
}

/// [`assess`] at a given instant: certificate expiry depends on it.
pub fn assess_at(rendered: &Rendered, live: &[Resource], now: OffsetDateTime) -> Result<Status> {
    let mut pairs = Vec::new();
    for (wanted, assessed) in watched_with_kind(rendered) {
        let found = find_live(wanted, live, &rendered.params.namespace)?;
        pairs.push((wanted, found, assessed));
    }
    let address = pairs
        .iter()
        .find_map(|(_, found, assessed)| match assessed {
            Assessed::Ingress => ingress::address(&found.value),
            Assessed::Gateway => gateway::address(&found.value),
            Assessed::ManagedCertificate | Assessed::HttpRoute | Assessed::GkePolicy => None,
        });
    let mut checks = Vec::new();
    let mut warnings = Vec::new();
    for (wanted, found, assessed) in pairs {
        let object = found.id.to_string();
        checks.extend(match assessed {
            Assessed::Ingress => ingress::checks(&object, &found.value, rendered),
            Assessed::ManagedCertificate => {
                let certificate = managed_certificate::Certificate {
                    object: &object,
                    live: &found.value,
                    now,
                };
                warnings.extend(certificate.expiry_warning());
                managed_certificate::checks(certificate, wanted, address.as_deref())
            }
            Assessed::Gateway => gateway::checks(&object, &found.value, wanted),
            Assessed::HttpRoute => http_route::checks(&object, &found.value, wanted),
            Assessed::GkePolicy => gke_policy::checks(&object, &found.value),
        });
    }
    let connect = rendered
        .params
        .domains
        .iter()
        .map(|domain| connect_line(rendered, domain, address.as_deref()))
        .collect();
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
    watched_with_kind(rendered).map(|(resource, _)| resource)
}

fn watched_with_kind(rendered: &Rendered) -> impl Iterator<Item = (&Resource, Assessed)> + Clone {
    rendered
        .resources
        .iter()
        .filter_map(|wanted| Assessed::of(&wanted.id).map(|assessed| (wanted, assessed)))
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
            "export it: `kubectl get ingress,managedcertificate -n {namespace} -o yaml` (gateway: `kubectl get gateway,httproute,gcpbackendpolicy,healthcheckpolicy,gcpgatewaypolicy -n {namespace} -o yaml`), or give the same --release/--namespace/--set as for render"
        ),
    })
}

fn check(object: &str, state: State, detail: impl Into<String>, hint: Option<String>) -> Check {
    Check {
        object: object.to_string(),
        state,
        detail: shown(&detail.into()),
        hint: hint.as_deref().map(shown),
        topic: String::new(),
    }
}

/// Most characters of a check's detail or hint: a controller's message is
/// a sentence or two.
const MAX_SHOWN_CHARS: usize = 1000;

/// A detail or hint as printed: it quotes what controllers wrote on live
/// objects (a condition's message, a domain, a backend's state), which may
/// hold anything — a private key pasted into a field, terminal escapes — so
/// keys are replaced, control characters escaped (one line) and the whole
/// cut, in the text report and the JSON one alike.
fn shown(text: &str) -> String {
    let redacted = crate::redact::private_keys(text);
    let escaped = crate::quote::escape_controls(&redacted);
    crate::quote::cut(&escaped, MAX_SHOWN_CHARS).into_owned()
}

/// The load balancer's address, or a wait for it: the guide's
/// `kubectl get ingress -w` until ADDRESS appears.
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

/// The guide's pymilvus line for the variant and one domain (TLS server
/// name): with a self-managed (self-signed) certificate the client must
/// trust it (`server_pem_path`).
fn connect_line(rendered: &Rendered, domain: &str, address: Option<&str>) -> String {
    let host = address.unwrap_or("<ADDRESS>");
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::render::params::{ParamInputs, Setting};
    use crate::render::{render, Sources};
    use serde_json::json;

    /// The built-in render with these overlays and `--set`s.
    pub(crate) fn rendered(overlays: &[&str], extra: &[(&str, &str)]) -> Rendered {
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
    fn every_kind_of_the_table_is_assessed_and_others_are_not() {
        for (kind, _) in ASSESSED {
            let id = ResId {
                group: kind.group.into(),
                version: "v1".into(),
                kind: kind.kind.into(),
                namespace: "default".into(),
                name: "x".into(),
            };
            assert!(Assessed::of(&id).is_some(), "{kind}");
        }
        let service = ResId {
            group: String::new(),
            version: "v1".into(),
            kind: "Service".into(),
            namespace: "default".into(),
            name: "x".into(),
        };
        assert_eq!(Assessed::of(&service), None);
    }

    #[test]
    fn the_gateway_variant_watches_the_gateway_its_route_and_its_policies() {
        let rendered = rendered(&["gateway"], &[("certMap", "m")]);
        let mut kinds: Vec<&str> = watched(&rendered).map(|r| r.id.kind.as_str()).collect();
        kinds.sort_unstable();
        assert_eq!(
            kinds,
            [
                "GCPBackendPolicy",
                "Gateway",
                "HTTPRoute",
                "HealthCheckPolicy"
            ]
        );
    }

    #[test]
    fn an_ssl_policy_and_a_redirect_are_watched_too() {
        let rendered = rendered(
            &["gateway", "https-only"],
            &[
                ("certMap", "m"),
                ("sslPolicy", "tls12"),
                ("redirect", "true"),
            ],
        );
        let mut kinds: Vec<&str> = watched(&rendered).map(|r| r.id.kind.as_str()).collect();
        kinds.sort_unstable();
        assert_eq!(
            kinds,
            [
                "GCPBackendPolicy",
                "GCPGatewayPolicy",
                "Gateway",
                "HTTPRoute",
                "HTTPRoute",
                "HealthCheckPolicy"
            ]
        );
    }
}

#[cfg(test)]
mod several_domains_tests {
    use super::tests::rendered;
    use super::*;

    #[test]
    fn every_domain_is_checked_and_has_its_connection_line() {
        let rendered = rendered(
            &["google-managed"],
            &[("domain", "a.example.com,b.example.com")],
        );
        // The rendered objects as if just applied: no status anywhere yet.
        let status = assess(&rendered, &rendered.resources).unwrap();
        for domain in ["a.example.com", "b.example.com"] {
            assert!(
                status
                    .checks
                    .iter()
                    .any(|c| c.detail.contains(&format!("domain {domain}"))),
                "{domain} unchecked: {:?}",
                status.checks
            );
        }
        assert_eq!(status.connect.len(), 2);
        assert!(status.connect[1].contains("server_name=\"b.example.com\""));
        assert!(!status.ready());
    }
}
