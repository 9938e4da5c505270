//! Validation of a set of objects: duplicates, schemas ([`schema`]),
//! cross-reference lints ([`lint`]) and, for self-managed certificates,
//! the certificate checks ([`crate::tls::check`]).
//!
//! [`ResId::matches`]: crate::k8s::resource::ResId::matches
//!
//! Two entry points: [`rendered`] runs inside every render (so `render`,
//! `diff` and `status` never work from invalid objects), [`objects`] checks
//! a user's own manifests for `milvus-l7 validate PATH`, each of which an
//! [`Admission`] has already checked alone as it was read. Both collect
//! every problem before failing.

mod admission;
pub mod builtin;
pub mod lint;
pub mod schema;

pub use admission::Admission;

use crate::error::Result;
use crate::k8s::kind::{GATEWAY, INGRESS, SECRET};
use crate::k8s::resource::{ResId, Resource};
use crate::problem::{self, Problem, Subject};
use crate::tls::check as cert_check;
use crate::tls::TlsFiles;
use base64::Engine;
use lint::{Expectations, Objects, ServiceView};
use serde_json::Value;
use std::collections::HashSet;

/// What the checks need to know of the parameters: which Milvus Service
/// the objects must point at, and where its health check answers.
#[derive(Debug, Clone)]
pub struct Setup {
    pub release: String,
    pub namespace: String,
    pub service_name: String,
    pub service_port_name: String,
    pub service_port: u16,
    pub health_check_port: u16,
}

/// The certificate files of a self-managed render and the domains they must cover.
#[derive(Debug, Clone, Copy)]
pub struct CertificateFiles<'a> {
    pub files: &'a TlsFiles,
    pub domains: &'a [String],
}

/// Refuses output that `kubectl apply` would reject or GKE would mis-handle.
/// Returns the warnings (certificate expiry within 30 days, CN only) for
/// the caller to show.
pub fn rendered(
    setup: &Setup,
    certificate: Option<CertificateFiles>,
    resources: &[Resource],
    helm_values: &Value,
) -> Result<Vec<String>> {
    let services = [ServiceView::of_helm_values(
        helm_values,
        &setup.release,
        &setup.namespace,
    )];
    let objects = Objects::new(resources);
    let mut report = check(&objects, resources, &services, &expectations(setup));
    report.problems.extend(lint::helm_values::problems(
        helm_values,
        &setup.namespace,
        resources,
    ));
    if let Some(certificate) = certificate {
        let domains: Vec<&str> = certificate.domains.iter().map(String::as_str).collect();
        let findings = cert_check::check_files(certificate.files, &domains, now().unix_timestamp());
        report.problems.extend(findings.problems);
        report.warnings.extend(findings.warnings);
    }
    problem::into_result(report.problems, "the rendered objects")?;
    Ok(report.warnings)
}

/// Whether objects of `id`'s kind are checked against a schema; of the
/// others only the metadata and references are checked.
pub fn has_schema(id: &ResId) -> bool {
    schema::builtin().has_schema(id)
}

/// What validating a set of objects found.
#[derive(Debug, Default, PartialEq)]
pub struct Report {
    pub problems: Vec<Problem>,
    /// Certificates that expire soon, and similar: printed, not fatal.
    pub warnings: Vec<String>,
}

impl Report {
    fn is_empty(&self) -> bool {
        self.problems.is_empty() && self.warnings.is_empty()
    }

    /// `other`'s findings after these.
    fn append(&mut self, other: Report) {
        self.problems.extend(other.problems);
        self.warnings.extend(other.warnings);
    }

    /// Everything found, as text: what orders two reports of one identity.
    fn describe(&self) -> String {
        let problems = self.problems.iter().map(ToString::to_string);
        let warnings = self.warnings.iter().cloned();
        problems.chain(warnings).collect::<Vec<_>>().join("\n")
    }
}

/// Validates a user's objects, each already checked alone by `admitted`
/// (see [`Admission`]), which may hold only what the checks across objects
/// read of each. `helm_values` are the milvus chart's values when known
/// (then the Service they make is checked too); otherwise the Milvus
/// Service is known by name and port from the parameters only.
pub fn objects(
    resources: &[Resource],
    admitted: Admission,
    helm_values: Option<&Value>,
    setup: &Setup,
) -> Report {
    let chart_service = match helm_values {
        Some(values) => ServiceView::of_helm_values(values, &setup.release, &setup.namespace),
        None => ServiceView::by_name(
            &setup.namespace,
            &setup.service_name,
            &setup.service_port_name,
            setup.service_port,
        ),
    };
    let services = [chart_service];
    let objects = Objects::new(resources);
    let alone = admitted.into_report(resources);
    let mut report = related(&objects, resources, alone, &services, &expectations(setup));
    if let Some(values) = helm_values {
        report.problems.extend(lint::helm_values::problems(
            values,
            &setup.namespace,
            resources,
        ));
    }
    let findings = secret_certificates(&objects);
    report.problems.extend(findings.problems);
    report.warnings.extend(findings.warnings);
    report
}

fn expectations(setup: &Setup) -> Expectations {
    Expectations {
        service_port: setup.service_port,
        health_check_port: setup.health_check_port,
    }
}

/// The API server's own admission of one object: its schema, then, only
/// where the schema passed (the server validates only what it decoded),
/// its built-in checks ([`builtin`]).
fn admit(resource: &Resource, report: &mut Report) {
    let checked = schema::builtin().check(resource);
    if checked.problems.is_empty() {
        report.problems.extend(builtin::problems(resource));
    }
    report.problems.extend(checked.problems);
}

/// Every check of objects in memory: each alone, then across them.
fn check(
    objects: &Objects<'_>,
    resources: &[Resource],
    services: &[ServiceView],
    expect: &Expectations,
) -> Report {
    let alone = Admission::new(false).check_all(resources);
    related(objects, resources, alone, services, expect)
}

/// Duplicates first, then `alone` (what each object alone gave), then the
/// lints across objects; `objects` is the index of `resources`, built once
/// per validation.
fn related(
    objects: &Objects<'_>,
    resources: &[Resource],
    alone: Report,
    services: &[ServiceView],
    expect: &Expectations,
) -> Report {
    let mut report = Report {
        problems: duplicates(resources),
        ..Report::default()
    };
    report.append(alone);
    report
        .problems
        .extend(lint::all_indexed(objects, resources, services, expect));
    report
}

/// Every object after the first of its identity (see [`ResId::matches`]),
/// found with one hash lookup per object: comparing every pair made
/// `validate` quadratic (100k objects did not finish in two minutes).
fn duplicates(resources: &[Resource]) -> Vec<Problem> {
    let mut seen = HashSet::with_capacity(resources.len());
    resources
        .iter()
        .filter(|r| !seen.insert(r.id.match_key()))
        .map(|r| {
            Problem::new(
                &r.id,
                "appears twice",
                "two templates, overlays or files produce the same object; remove one or rename it",
            )
        })
        .collect()
}

/// TLS Secrets that an Ingress (`spec.tls`) or a Gateway listener
/// (`tls.certificateRefs`) uses: the certificate in `tls.crt` must go with
/// `tls.key` and cover the hosts it serves.
fn secret_certificates(objects: &Objects<'_>) -> cert_check::Findings {
    let mut findings = cert_check::Findings::default();
    for usage in tls_secret_usages(objects) {
        // Through the index: a scan of every object per use made an export
        // of N Ingresses with their Secrets quadratic (40k pairs: 8.2 s).
        let Some(secret) = objects.find(SECRET, &usage.namespace, &usage.secret) else {
            continue;
        };
        let hosts: Vec<&str> = usage.hosts.iter().map(String::as_str).collect();
        let found = tls_secret_findings(secret, usage.user, &hosts);
        findings.problems.extend(found.problems);
        findings.warnings.extend(found.warnings);
    }
    findings
}

/// One use of a TLS Secret: by which kind, for which hosts.
struct TlsSecretUsage {
    user: &'static str,
    namespace: String,
    secret: String,
    hosts: Vec<String>,
}

fn tls_secret_usages(objects: &Objects<'_>) -> Vec<TlsSecretUsage> {
    let ingresses = objects.of_kind(INGRESS).flat_map(ingress_tls_secrets);
    let gateways = objects.of_kind(GATEWAY).flat_map(gateway_tls_secrets);
    ingresses.chain(gateways).collect()
}

/// `spec.tls[]`: `secretName` for `hosts`.
fn ingress_tls_secrets(ingress: &Resource) -> Vec<TlsSecretUsage> {
    items(ingress.value.pointer("/spec/tls"))
        .filter_map(|entry| {
            Some(TlsSecretUsage {
                user: "an Ingress",
                namespace: ingress.id.namespace.clone(),
                secret: entry.get("secretName")?.as_str()?.to_string(),
                hosts: items(entry.get("hosts"))
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect(),
            })
        })
        .collect()
}

/// `spec.listeners[].tls.certificateRefs[]` of kind Secret (the
/// default), for the listener's `hostname`.
fn gateway_tls_secrets(gateway: &Resource) -> Vec<TlsSecretUsage> {
    let mut usages = Vec::new();
    for listener in items(gateway.value.pointer("/spec/listeners")) {
        let hosts: Vec<String> = listener
            .get("hostname")
            .and_then(Value::as_str)
            .map(String::from)
            .into_iter()
            .collect();
        for reference in items(listener.pointer("/tls/certificateRefs")) {
            let field = |key: &str| reference.get(key).and_then(Value::as_str);
            let is_secret = field("kind").unwrap_or("Secret") == "Secret"
                && field("group").unwrap_or("").is_empty();
            let Some(name) = field("name").filter(|_| is_secret) else {
                continue;
            };
            usages.push(TlsSecretUsage {
                user: "a Gateway",
                namespace: field("namespace")
                    .unwrap_or(&gateway.id.namespace)
                    .to_string(),
                secret: name.to_string(),
                hosts: hosts.clone(),
            });
        }
    }
    usages
}

fn items(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

fn tls_secret_findings(secret: &Resource, user: &str, hosts: &[&str]) -> cert_check::Findings {
    let subject = Subject::object(&secret.id);
    let decoded = |key: &str| {
        secret
            .value
            .pointer(&jsonptr::PointerBuf::from_tokens(["data", key]).to_string())
            .and_then(Value::as_str)
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok())
    };
    let secret_type = secret.value.get("type").and_then(Value::as_str);
    match (secret_type, decoded("tls.crt"), decoded("tls.key")) {
        (Some("kubernetes.io/tls"), Some(cert), Some(key)) => {
            let field = |key| subject.clone().field(crate::k8s::field_path::child("data", key));
            let (cert_origin, key_origin) = (field("tls.crt"), field("tls.key"));
            cert_check::check(
                &cert,
                &key,
                hosts,
                now().unix_timestamp(),
                cert_check::Origins {
                    cert: &cert_origin,
                    key: &key_origin,
                },
            )
        }
        _ => cert_check::Findings {
            problems: vec![Problem::new(
                subject,
                format!("{user} uses this Secret for TLS, but it is not of type kubernetes.io/tls with base64 PEM data tls.crt and tls.key"),
                "make it with `kubectl create secret tls`, or render it: --overlay self-managed --tls-cert tls.crt --tls-key tls.key",
            )],
            warnings: Vec::new(),
        },
    }
}

/// The one clock of every expiry check (certificate files, TLS Secrets,
/// a live ManagedCertificate's `expireTime`), so that they agree on "now";
/// the checks themselves take the time as an argument and are tested at
/// fixed instants.
pub fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::resource::ResId;
    use serde_json::json;

    fn object(api_version: &str, kind: &str, name: &str) -> Resource {
        let value = json!({"apiVersion": api_version, "kind": kind,
            "metadata": {"name": name, "namespace": "default"}});
        Resource {
            id: ResId::of(&value).unwrap(),
            value,
        }
    }

    /// The objects of one file or one golden render of `testdata`.
    fn objects_of(files: &[std::path::PathBuf]) -> Vec<Resource> {
        let mut objects = Vec::new();
        for file in files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "yaml"))
        {
            let text = std::fs::read_to_string(file).unwrap();
            let documents = crate::yaml::parse_stream(&text, "t", crate::yaml::Limits::default());
            for document in documents.unwrap_or_default() {
                objects.extend(
                    crate::load::live::unwrap_list(document)
                        .into_iter()
                        .flatten(),
                );
            }
        }
        objects
    }

    /// Sets of objects to validate: each live export and golden render in
    /// `testdata`, and each again with its Services changed in ways the
    /// lints across objects judge (another port name, `kubernetes.io/h2c`,
    /// no annotations).
    fn corpus() -> Vec<Vec<Resource>> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let listing = |dir: std::path::PathBuf| -> Vec<std::path::PathBuf> {
            let mut paths: Vec<_> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            paths.sort();
            paths
        };
        let mut sets: Vec<Vec<Resource>> = Vec::new();
        for file in listing(root.join("live"))
            .into_iter()
            .chain(listing(root.join("guide")))
        {
            sets.push(objects_of(&[file]));
        }
        for case in listing(root.join("golden")) {
            sets.push(objects_of(&listing(case)));
        }
        let ports = |value: &mut Value, key: &str, to: Value| {
            for port in value["spec"]["ports"].as_array_mut().into_iter().flatten() {
                port[key] = to.clone();
            }
        };
        let variants: [&dyn Fn(&mut Value); 3] = [
            &|v| ports(v, "name", json!("other")),
            &|v| ports(v, "appProtocol", json!("kubernetes.io/h2c")),
            &|v| v["metadata"]["annotations"] = json!({}),
        ];
        let with_services: Vec<Vec<Resource>> = sets
            .iter()
            .filter(|set| set.iter().any(|r| r.id.kind == "Service"))
            .cloned()
            .collect();
        assert!(with_services.len() >= 3, "the corpus has Services");
        for change in variants {
            for set in &with_services {
                let changed = set.iter().map(|object| {
                    let mut value = object.value.clone();
                    if object.id.kind == "Service" {
                        change(&mut value);
                    }
                    Resource::new(value).unwrap()
                });
                sets.push(changed.collect());
            }
        }
        sets
    }

    fn findings(report: &Report) -> Vec<String> {
        let problems = report.problems.iter().map(ToString::to_string);
        problems.chain(report.warnings.iter().cloned()).collect()
    }

    /// `validate PATH` holds of each object only what the checks across
    /// objects read ([`lint::related_part`]): they must find exactly what
    /// they find in the whole objects.
    #[test]
    fn the_parts_validate_holds_give_the_findings_of_the_whole_objects() {
        let setup = Setup {
            release: "my-release".into(),
            namespace: "default".into(),
            service_name: "my-release-milvus".into(),
            service_port_name: "milvus".into(),
            service_port: 19530,
            health_check_port: 9091,
        };
        let values =
            json!({"extraConfigFiles": {"user.yaml": "common:\n  security:\n    tlsMode: 1\n"}});
        let mut found = 0;
        for (whole, helm_values) in corpus()
            .iter()
            .flat_map(|set| [(set, None), (set, Some(&values))])
        {
            let held_admission = Admission::new(false);
            let held: Vec<Resource> = whole
                .iter()
                .map(|r| Resource {
                    id: r.id.clone(),
                    value: held_admission.admit(r.clone()),
                })
                .collect();
            let whole_admission = Admission::new(false);
            for resource in whole {
                whole_admission.admit(resource.clone());
            }
            let from_held = objects(&held, held_admission, helm_values, &setup);
            let from_whole = objects(whole, whole_admission, helm_values, &setup);
            found += from_whole.problems.len();
            assert_eq!(findings(&from_held), findings(&from_whole));
        }
        assert!(found > 20, "the corpus has problems to find: {found}");
    }

    #[test]
    fn duplicates_are_found_once_each_also_across_old_api_groups() {
        let objects = [
            object("networking.k8s.io/v1", "Ingress", "a"),
            object("extensions/v1beta1", "Ingress", "a"),
            object("v1", "Service", "a"),
            object("networking.k8s.io/v1", "Ingress", "a"),
        ];
        let found = duplicates(&objects);
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0].subject.object_id().map(|id| id.group.as_str()),
            Some("extensions"),
            "{:?}",
            found[0]
        );
    }

    /// Not a benchmark: a guard against going back to comparing every
    /// pair, which took minutes here (5e9 comparisons) and takes
    /// milliseconds with a hash set.
    #[test]
    fn a_hundred_thousand_objects_are_checked_for_duplicates_in_linear_time() {
        let objects: Vec<Resource> = (0..100_000)
            .map(|i| object("v1", "ConfigMap", &format!("c{i}")))
            .collect();
        let started = std::time::Instant::now();
        assert!(duplicates(&objects).is_empty());
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
    }
}
