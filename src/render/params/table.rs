//! The built-in parameters, declared once: name, type, default and what
//! it is for. The type decides how a string from the environment or
//! `--set` is read ([`super::coerce`]), instead of a guess from the
//! default's JSON shape; the checks of each value are in [`super::checks`].

use crate::k8s::names;
use serde_json::{json, Map, Value};

/// Where the milvus chart is published (parameter `chartRepo`).
pub const DEFAULT_CHART_REPO: &str = "https://zilliztech.github.io/milvus-helm/";
/// The chart version the tests pass against (parameter `chartVersion`).
pub const DEFAULT_CHART_VERSION: &str = "5.0.19";
/// How long `helm template` may run (parameter `helmTimeout`): Helm's own
/// `--timeout` default, far beyond a chart fetched from a slow repository.
pub const DEFAULT_HELM_TIMEOUT: &str = "5m";

/// What kind of value a parameter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// Text kept as given (`on` and `0123` stay text).
    Text,
    /// A Kubernetes or DNS name (checked by its own rule).
    Name,
    /// A file path; empty means none.
    Path,
    /// A TCP port, 1 to 65535.
    Port,
    /// `true` or `false`.
    Bool,
    /// A list of names: a YAML list, or names separated by commas.
    List,
    /// One of a few fixed words.
    OneOf(&'static [&'static str]),
}

/// A parameter's built-in default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultValue {
    /// Derived from the release after merging ([`derive_defaults`]).
    FromRelease,
    /// This text.
    Text(&'static str),
    /// This port.
    Port(u16),
    /// This boolean.
    Bool(bool),
    /// This list.
    List(&'static [&'static str]),
}

impl DefaultValue {
    /// The default as templates and the type conversion see it.
    pub fn value(self) -> Value {
        match self {
            DefaultValue::FromRelease => Value::Null,
            DefaultValue::Text(text) => json!(text),
            DefaultValue::Port(port) => json!(port),
            DefaultValue::Bool(b) => json!(b),
            DefaultValue::List(items) => json!(items),
        }
    }
}

/// One built-in parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parameter {
    /// Its name, as `--set NAME=` and templates spell it.
    pub name: &'static str,
    /// The kind of value it holds.
    pub kind: ParamType,
    /// Its default.
    pub default: DefaultValue,
    /// What it is for (Argo CD shows it; docs/rendering.md lists it).
    pub doc: &'static str,
}

/// The protocols GKE load balancers speak (health checks and backends).
const PROTOCOLS: &[&str] = &["HTTP", "HTTPS", "HTTP2"];

const fn parameter(
    name: &'static str,
    kind: ParamType,
    default: DefaultValue,
    doc: &'static str,
) -> Parameter {
    Parameter {
        name,
        kind,
        default,
        doc,
    }
}

/// Every built-in parameter, in the order Argo CD shows them.
pub const PARAMETERS: &[Parameter] = &[
    parameter(
        "release",
        ParamType::Name,
        DefaultValue::Text("my-release"),
        "Helm release name of Milvus (DNS-1035 label, at most 53 characters)",
    ),
    parameter(
        "namespace",
        ParamType::Name,
        DefaultValue::Text("default"),
        "namespace of every object",
    ),
    parameter(
        "mode",
        ParamType::OneOf(&["cluster", "standalone"]),
        DefaultValue::Text("cluster"),
        "how the chart runs Milvus: cluster (a proxy Deployment) or standalone",
    ),
    parameter(
        "domain",
        ParamType::Name,
        DefaultValue::FromRelease,
        "DNS name clients connect to; default <release>.milvus.io",
    ),
    parameter(
        "overlays",
        ParamType::List,
        DefaultValue::List(&["google-managed"]),
        "overlays to apply, in order",
    ),
    parameter(
        "serviceName",
        ParamType::Name,
        DefaultValue::FromRelease,
        "Milvus Service name; default follows the chart's fullname rule",
    ),
    parameter(
        "backendConfigName",
        ParamType::Name,
        DefaultValue::FromRelease,
        "BackendConfig name; default <release>-backendconfig",
    ),
    parameter(
        "certificateName",
        ParamType::Name,
        DefaultValue::FromRelease,
        "ManagedCertificate or TLS Secret name; default <release>-milvus-tls",
    ),
    parameter(
        "servicePort",
        ParamType::Port,
        DefaultValue::Port(19530),
        "Milvus gRPC port on the Service",
    ),
    parameter(
        "servicePortName",
        ParamType::Name,
        DefaultValue::Text("milvus"),
        "name of that port (chart service.portName); app-protocols is keyed by it",
    ),
    parameter(
        "healthCheckPort",
        ParamType::Port,
        DefaultValue::Port(9091),
        "port of Milvus' /healthz (the metrics port)",
    ),
    parameter(
        "healthCheckPath",
        ParamType::Text,
        DefaultValue::Text("/healthz"),
        "health check request path",
    ),
    parameter(
        "healthCheckType",
        ParamType::OneOf(PROTOCOLS),
        DefaultValue::Text("HTTP"),
        "health check protocol: HTTP, HTTPS or HTTP2",
    ),
    parameter(
        "appProtocol",
        ParamType::OneOf(PROTOCOLS),
        DefaultValue::Text("HTTP2"),
        "load balancer to Milvus protocol: HTTP, HTTPS or HTTP2",
    ),
    parameter(
        "ingressClass",
        ParamType::Name,
        DefaultValue::Text(""),
        "kubernetes.io/ingress.class annotation (e.g. gce); empty leaves it unset",
    ),
    parameter(
        "tlsCert",
        ParamType::Path,
        DefaultValue::Text(""),
        "self-managed: PEM certificate file to put in the TLS Secret",
    ),
    parameter(
        "tlsKey",
        ParamType::Path,
        DefaultValue::Text(""),
        "self-managed: PEM private key file to put in the TLS Secret",
    ),
    parameter(
        "chart",
        ParamType::Bool,
        DefaultValue::Bool(false),
        "render the milvus chart too (helm template): one stream with the whole release",
    ),
    parameter(
        "chartPath",
        ParamType::Path,
        DefaultValue::Text(""),
        "the milvus chart as a directory or .tgz (offline); empty: chartRepo + chartVersion",
    ),
    parameter(
        "chartRepo",
        ParamType::Text,
        DefaultValue::Text(DEFAULT_CHART_REPO),
        "Helm repository of the milvus chart",
    ),
    parameter(
        "chartVersion",
        ParamType::Text,
        DefaultValue::Text(DEFAULT_CHART_VERSION),
        "milvus chart version (pinned)",
    ),
    parameter(
        "values",
        ParamType::List,
        DefaultValue::List(&[]),
        "your own Helm values files for the chart (one or a list), beneath the L7 values",
    ),
    parameter(
        "helmTimeout",
        ParamType::Text,
        DefaultValue::Text(DEFAULT_HELM_TIMEOUT),
        "how long helm may run before it is stopped (e.g. 90s, 5m)",
    ),
];

/// The built-in parameters as (name, default, what it is for).
pub fn core_parameters() -> Vec<(&'static str, Value, &'static str)> {
    PARAMETERS
        .iter()
        .map(|p| (p.name, p.default.value(), p.doc))
        .collect()
}

/// The built-in parameter `name`, if there is one.
pub fn parameter_named(name: &str) -> Option<&'static Parameter> {
    PARAMETERS.iter().find(|p| p.name == name)
}

/// Fills the defaults that follow the release ([`DefaultValue::FromRelease`]).
pub fn derive_defaults(values: &mut Map<String, Value>) {
    let release = values["release"].as_str().unwrap_or_default().to_string();
    let derived = [
        ("domain", format!("{release}.milvus.io")),
        ("serviceName", names::chart_fullname(&release)),
        // Within 63 characters like the chart's own names, so every release
        // Helm accepts renders; the release is cut, never the suffix.
        (
            "backendConfigName",
            names::with_suffix(&release, "-backendconfig"),
        ),
        (
            "certificateName",
            names::with_suffix(&release, "-milvus-tls"),
        ),
    ];
    for (key, value) in derived {
        if values[key].is_null() {
            values.insert(key.into(), json!(value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_the_derived_defaults_are_from_the_release() {
        let mut values: Map<String, Value> = PARAMETERS
            .iter()
            .map(|p| (p.name.to_string(), p.default.value()))
            .collect();
        derive_defaults(&mut values);
        for p in PARAMETERS {
            assert!(!values[p.name].is_null(), "{} has no default", p.name);
        }
    }

    #[test]
    fn a_fixed_default_is_of_its_type() {
        for p in PARAMETERS {
            let fits = match (p.kind, p.default) {
                (_, DefaultValue::FromRelease) => true,
                (ParamType::Port, DefaultValue::Port(port)) => port > 0,
                (ParamType::Bool, DefaultValue::Bool(_)) => true,
                (ParamType::List, DefaultValue::List(_)) => true,
                (ParamType::OneOf(words), DefaultValue::Text(t)) => words.contains(&t),
                (ParamType::Text | ParamType::Name | ParamType::Path, DefaultValue::Text(_)) => {
                    true
                }
                _ => false,
            };
            assert!(
                fits,
                "{}: {:?} default for a {:?}",
                p.name, p.default, p.kind
            );
        }
    }
}
