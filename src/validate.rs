//! Validation of a set of objects: duplicates, schemas ([`crate::schema`]),
//! cross-reference lints ([`crate::lint`]) and, for self-managed
//! certificates, the certificate checks ([`crate::cert_check`]).
//!
//! Two entry points: [`rendered`] runs inside every render (so `render`,
//! `diff` and `status` never work from invalid objects), [`objects`] checks
//! a user's own manifests for `milvus-l7 validate PATH`. Both collect every
//! problem before failing.

use crate::cert_check;
use crate::error::Result;
use crate::lint::{self, Expectations, ServiceView};
use crate::params::Params;
use crate::problem::{self, Problem};
use crate::resource::Resource;
use crate::schema;
use base64::Engine;
use serde_json::Value;

/// Refuses output that `kubectl apply` would reject or GKE would mis-handle.
/// Certificate warnings (expiry within 30 days, CN only) go to stderr.
pub fn rendered(params: &Params, resources: &[Resource], helm_values: &Value) -> Result<()> {
    let services = services_with(
        resources,
        ServiceView::of_helm_values(helm_values, &params.release, &params.namespace),
    );
    let mut report = check(resources, &services, &expectations(params));
    if let Some(tls) = &params.tls {
        let findings = cert_check::check_files(tls, &params.domain, now_unix());
        report.problems.extend(findings.problems);
        report.warnings.extend(findings.warnings);
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    problem::into_result(report.problems, "the rendered objects")
}

/// What validating a set of objects found.
#[derive(Debug, Default)]
pub struct Report {
    pub problems: Vec<Problem>,
    /// Certificates that expire soon, and similar: printed, not fatal.
    pub warnings: Vec<String>,
    /// Objects of kinds without a schema (only their metadata was checked).
    pub unchecked: Vec<String>,
}

/// Validates a user's objects. `helm_values` are the milvus chart's values
/// when known (then the Service they make is checked too); otherwise the
/// Milvus Service is known by name and port from the parameters only.
pub fn objects(resources: &[Resource], helm_values: Option<&Value>, params: &Params) -> Report {
    let chart_service = match helm_values {
        Some(values) => ServiceView::of_helm_values(values, &params.release, &params.namespace),
        None => ServiceView::by_name(
            &params.namespace,
            &params.service_name,
            &params.service_port_name,
            params.service_port,
        ),
    };
    let services = services_with(resources, chart_service);
    let mut report = check(resources, &services, &expectations(params));
    let findings = secret_certificates(resources);
    report.problems.extend(findings.problems);
    report.warnings.extend(findings.warnings);
    report
}

fn expectations(params: &Params) -> Expectations {
    Expectations {
        service_port: params.service_port,
        health_check_port: params.health_check_port,
    }
}

/// The Service objects, plus the chart's Service unless an object of the
/// same name replaces it.
fn services_with(resources: &[Resource], chart: ServiceView) -> Vec<ServiceView> {
    let mut services: Vec<ServiceView> = resources
        .iter()
        .filter_map(ServiceView::of_object)
        .collect();
    if !services
        .iter()
        .any(|s| s.namespace == chart.namespace && s.name == chart.name)
    {
        services.push(chart);
    }
    services
}

fn check(resources: &[Resource], services: &[ServiceView], expect: &Expectations) -> Report {
    let mut report = Report {
        problems: duplicates(resources),
        ..Report::default()
    };
    let schemas = schema::builtin();
    for resource in resources {
        let checked = schemas.check(resource);
        if !checked.has_schema {
            report.unchecked.push(resource.id.to_string());
        }
        report.problems.extend(checked.problems);
    }
    report
        .problems
        .extend(lint::all(resources, services, expect));
    report.warnings.extend(lint::warnings(resources));
    report
}

fn duplicates(resources: &[Resource]) -> Vec<Problem> {
    resources
        .iter()
        .enumerate()
        .filter(|(i, r)| resources[..*i].iter().any(|o| o.id.matches(&r.id)))
        .map(|(_, r)| {
            Problem::new(
                r.id.to_string(),
                "appears twice",
                "two templates, overlays or files produce the same object; remove one or rename it",
            )
        })
        .collect()
}

/// TLS Secrets that an Ingress (`spec.tls`) or a Gateway listener
/// (`tls.certificateRefs`) uses: the certificate in `tls.crt` must go with
/// `tls.key` and cover the hosts it serves.
fn secret_certificates(resources: &[Resource]) -> cert_check::Findings {
    let mut findings = cert_check::Findings::default();
    for usage in tls_secret_usages(resources) {
        let Some(secret) = resources.iter().find(|r| {
            r.is_secret() && r.id.namespace == usage.namespace && r.id.name == usage.secret
        }) else {
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

fn tls_secret_usages(resources: &[Resource]) -> Vec<TlsSecretUsage> {
    let mut usages = Vec::new();
    for object in resources {
        match object.id.kind.as_str() {
            "Ingress" => usages.extend(ingress_tls_secrets(object)),
            "Gateway" => usages.extend(gateway_tls_secrets(object)),
            _ => {}
        }
    }
    usages
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
    let subject = secret.id.to_string();
    let decoded = |key: &str| {
        secret
            .value
            .pointer(&format!("/data/{}", key.replace('/', "~1")))
            .and_then(Value::as_str)
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok())
    };
    let secret_type = secret.value.get("type").and_then(Value::as_str);
    match (secret_type, decoded("tls.crt"), decoded("tls.key")) {
        (Some("kubernetes.io/tls"), Some(cert), Some(key)) => {
            let cert_origin = format!("{subject} data tls.crt");
            let key_origin = format!("{subject} data tls.key");
            cert_check::check(
                &cert,
                &key,
                hosts,
                now_unix(),
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

fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

pub const VALIDATE_EXAMPLES: &str = "Examples:
  milvus-l7 validate --overlay self-managed --tls-cert tls.crt --tls-key tls.key   # the render
  milvus-l7 validate out/              # a render -o directory, helm/values.yaml included
  milvus-l7 validate k8s/ingress.yaml k8s/backendconfig.yaml --release milvus-prod
  kubectl get ingress,managedcertificate,backendconfig -o yaml | milvus-l7 validate -";

/// `milvus-l7 validate` arguments.
#[derive(Debug, clap::Args)]
pub struct ValidateCommand {
    /// Files or directories of YAML/JSON manifests (`-` for stdin). Without any, the render is validated.
    #[arg(value_name = "PATH")]
    pub paths: Vec<std::path::PathBuf>,
    /// Render parameters; with PATHs they say which Milvus Service, ports and health port to expect.
    #[command(flatten)]
    pub params: crate::cli::ParamArgs,
}

/// Runs `milvus-l7 validate`: exit 0 valid, 2 with every problem listed.
pub fn run(
    cmd: &ValidateCommand,
    quiet: bool,
    verbose: bool,
    env: Vec<(String, String)>,
) -> Result<crate::cli::Outcome> {
    if cmd.paths.is_empty() {
        let rendered = cmd.params.render(env)?;
        if !quiet {
            eprintln!("valid: {} rendered objects", rendered.resources.len());
        }
        return Ok(crate::cli::Outcome::Clean);
    }
    let sources = cmd.params.sources()?;
    let (params, _) = crate::params::resolve(&cmd.params.inputs(env)?, &sources.overlays)?;
    let loaded = crate::manifest_set::load(&cmd.paths, &mut std::io::stdin())?;
    if loaded.objects.is_empty() && loaded.problems.is_empty() {
        return Err(crate::error::Error::Invalid {
            subject: cmd
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            message: "no Kubernetes object found".into(),
            hint: "give YAML or JSON manifests, or directories holding them (.yaml, .yml, .json)"
                .into(),
        });
    }
    let resources: Vec<Resource> = loaded.objects.iter().map(|(_, r)| r.clone()).collect();
    let report = objects(&resources, loaded.helm_values.as_ref(), &params);
    if verbose {
        for skipped in &loaded.skipped {
            eprintln!("note: skipped {} (not an object file)", skipped.display());
        }
        for id in &report.unchecked {
            eprintln!("note: no schema for {id}; only its metadata and references were checked");
        }
    }
    if !quiet {
        for warning in &report.warnings {
            eprintln!("warning: {warning}");
        }
    }
    let mut problems = loaded.problems;
    problems.extend(
        report
            .problems
            .into_iter()
            .map(|p| with_file(p, &loaded.objects)),
    );
    problem::into_result(problems, "the given manifests")?;
    if !quiet {
        eprintln!("valid: {} objects", resources.len());
    }
    Ok(crate::cli::Outcome::Clean)
}

/// Prefixes the file an object came from, so the user knows what to edit.
fn with_file(problem: Problem, objects: &[(String, Resource)]) -> Problem {
    match objects
        .iter()
        .find(|(_, r)| problem.subject == r.id.to_string())
    {
        Some((file, _)) => Problem {
            subject: format!("{file}: {}", problem.subject),
            ..problem
        },
        None => problem,
    }
}
