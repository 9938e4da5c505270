//! A live ManagedCertificate as the managed-certificate controller writes
//! it: `status.certificateStatus`, `status.domainStatus[]` and
//! `status.expireTime` (GoogleCloudPlatform/gke-managed-certs v1.2.12
//! `pkg/config/config.go`: every value below is one of its constants). The
//! controller patches the status into the object itself (no status
//! subresource, no `observedGeneration`), so there is no generation to
//! compare; a domain of the render that the status does not list yet is
//! waiting.

use super::{check, Check, State};
use crate::k8s::resource::Resource;
use crate::tls::check::EXPIRY_WARNING_DAYS;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A live ManagedCertificate, seen at an instant.
#[derive(Clone, Copy)]
pub(super) struct Certificate<'a> {
    pub object: &'a str,
    pub live: &'a Value,
    pub now: OffsetDateTime,
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
    pub(super) fn expiry_warning(&self) -> Option<String> {
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
pub(super) fn checks(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::tests::rendered;
    use crate::status::{assess_at, Status};
    use serde_json::json;

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
}
