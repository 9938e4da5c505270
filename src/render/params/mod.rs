//! Parameters: what the user wants rendered.
//!
//! Layers, lowest precedence first (later layers win, key by key):
//! 1. built-in defaults, which reproduce the Milvus guide exactly;
//!    `ARGOCD_APP_NAMESPACE` replaces the default namespace;
//! 2. the config file (`milvus-l7.yaml` in the working directory, or `--config`);
//! 3. environment: `ARGOCD_ENV_<KEY>` (the Application's `plugin.env`), then
//!    the Argo CD plugin parameters (`ARGOCD_APP_PARAMETERS`, then the
//!    `PARAM_<KEY>` variables Argo CD derives from it), then `MILVUS_L7_<KEY>`.
//!    Variable names match a parameter ignoring case and `_`, so both
//!    `HEALTH_CHECK_PORT` and Argo CD's `HEALTHCHECKPORT` mean `healthCheckPort`;
//! 4. command-line flags (`--release`, `--set key=value`, …).
//!
//! Overlays may declare parameters of their own (`parameters:` in
//! overlay.yaml); those keys are known only when the overlay is selected, so
//! a typo or a parameter of an unselected overlay is reported, not ignored.

mod checks;
mod coerce;
mod known;
mod layers;
mod table;
#[cfg(test)]
mod tests;
mod tls_files;

pub use crate::render::setting::{Origin, Setting};
pub use layers::{CONFIG_FILE, CONFIG_LIMIT};
pub use table::{
    core_parameters, ParamType, Parameter, DEFAULT_CHART_REPO, DEFAULT_CHART_VERSION,
    DEFAULT_HELM_TIMEOUT, PARAMETERS,
};

use crate::error::Result;
use crate::render::file_tree::FileTree;
use crate::render::overlay::{self, CertificateSource, LoadBalancer, Overlay};
use crate::tls::TlsFiles;
use checks::Resolved;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Everything the resolver reads, gathered by the caller so that the library
/// itself never looks at the process environment or the working directory.
#[derive(Debug, Default, Clone)]
pub struct ParamInputs {
    /// The config file's path and text, if one is used.
    pub config: Option<(PathBuf, String)>,
    /// The process environment (only the variables named above are read).
    pub env: Vec<(String, String)>,
    /// Flags, in command-line order.
    pub flags: Vec<Setting>,
}

/// Resolved, validated parameters.
#[derive(Debug, Clone)]
pub struct Params {
    /// Helm release name of Milvus.
    pub release: String,
    /// Namespace of every object.
    pub namespace: String,
    /// The DNS name clients connect to.
    pub domain: String,
    /// The Milvus Service, as the chart names it (or as set).
    pub service_name: String,
    /// True when the Service name was set, so the chart needs `fullnameOverride`.
    pub service_name_explicit: bool,
    /// The BackendConfig's name.
    pub backend_config_name: String,
    /// The TLS Secret's or ManagedCertificate's name.
    pub certificate_name: String,
    /// Milvus' gRPC port on the Service.
    pub service_port: u16,
    /// That port's name, which the annotations key on.
    pub service_port_name: String,
    /// Where the load balancer checks health.
    pub health_check_port: u16,
    /// The protocol from load balancer to Milvus.
    pub app_protocol: String,
    /// The selected overlays, in order.
    pub overlays: Vec<String>,
    /// Where the parameter `values` (the user's Helm values files) was set,
    /// for messages about those files.
    pub values_origin: String,
    /// The certificate the selected overlays supply, as they declare it.
    pub certificate: Option<CertificateSource>,
    /// The load balancer the selected overlays declare, when not the
    /// global external one.
    pub load_balancer: Option<LoadBalancer>,
    /// The self-managed certificate and key, when given.
    pub tls: Option<TlsFiles>,
    /// Every parameter by name (core and overlay-declared), as templates see it.
    values: Map<String, Value>,
    /// Where each parameter's value came from.
    origins: BTreeMap<String, Origin>,
}

impl Params {
    /// The template context: every parameter by name, plus `tls` (`{cert, key}`
    /// PEM text, or null) and `serviceNameExplicit`.
    pub fn context(&self) -> Value {
        let mut map = self.values.clone();
        let tls = self
            .tls
            .as_ref()
            .map(|t| json!({"cert": t.cert_pem, "key": t.key_pem}));
        map.insert("tls".into(), tls.unwrap_or(Value::Null));
        map.insert(
            "serviceNameExplicit".into(),
            Value::Bool(self.service_name_explicit),
        );
        map.insert(
            "regionalLoadBalancer".into(),
            Value::Bool(self.regional_load_balancer()),
        );
        Value::Object(map)
    }

    /// Whether the load balancer is regional: an overlay declares one
    /// (`loadBalancer: internal`), or `ingressClass` is a regional class.
    /// Templates read it as `regionalLoadBalancer` (the static address key).
    pub fn regional_load_balancer(&self) -> bool {
        let class = self.get("ingressClass").and_then(Value::as_str);
        self.load_balancer.is_some()
            || class.is_some_and(|c| crate::k8s::annotations::REGIONAL_INGRESS_CLASSES.contains(&c))
    }

    /// What the checks need to know of these parameters.
    pub fn setup(&self) -> crate::check::Setup {
        crate::check::Setup {
            release: self.release.clone(),
            namespace: self.namespace.clone(),
            service_name: self.service_name.clone(),
            service_port_name: self.service_port_name.clone(),
            service_port: self.service_port,
            health_check_port: self.health_check_port,
        }
    }

    /// Any parameter by name, core or overlay-declared.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// Where a parameter's value came from: [`Origin::Default`] when nothing set it.
    pub fn origin(&self, key: &str) -> Option<&Origin> {
        self.origins.get(key)
    }
}

/// Merges the layers, loads the selected overlays from `overlay_tree`, and
/// validates every value.
pub fn resolve(inputs: &ParamInputs, overlay_tree: &FileTree) -> Result<(Params, Vec<Overlay>)> {
    let settings = layers::gather(inputs)?;
    let overlay_names = match settings.iter().rev().find(|s| s.key == "overlays") {
        Some(s) => coerce::as_string_list(s)?,
        None => coerce::as_string_list(&Setting {
            key: "overlays".into(),
            value: table::parameter_named("overlays").map_or(Value::Null, |p| p.default.value()),
            origin: Origin::Default,
        })?,
    };
    let overlays = overlay::load(overlay_tree, &overlay_names)?;

    let known = known::known_parameters(&overlays);
    let settings: Vec<Setting> = settings
        .into_iter()
        .map(|s| known::with_known_env_key(s, &known))
        .collect();
    let under_argocd = inputs.env.iter().any(|(k, _)| k == layers::ARGOCD_APP_NAME);
    for setting in &settings {
        known::check_known(under_argocd, setting, &known, overlay_tree)?;
    }
    let mut values: Map<String, Value> = known
        .iter()
        .map(|(k, declared)| (k.clone(), declared.default.clone()))
        .collect();
    let mut origins: BTreeMap<String, Origin> =
        known.keys().map(|k| (k.clone(), Origin::Default)).collect();
    for setting in &settings {
        let Some(declared) = known.get(&setting.key) else {
            continue; // someone else's variable under Argo CD's prefixes
        };
        let typed = coerce::coerce(setting, declared.shape)?;
        values.insert(setting.key.clone(), typed);
        origins.insert(setting.key.clone(), setting.origin.clone());
    }
    table::derive_defaults(&mut values);
    known::check_required(&values, &known)?;
    build(values, origins, &overlays).map(|p| (p, overlays))
}

/// Checks the merged values and makes them [`Params`].
fn build(
    values: Map<String, Value>,
    origins: BTreeMap<String, Origin>,
    overlays: &[Overlay],
) -> Result<Params> {
    let r = Resolved {
        values: &values,
        origins: &origins,
    };
    let certificate = overlays.iter().find_map(|o| o.certificate);
    let load_balancer = overlays.iter().find_map(|o| o.load_balancer);
    checks::check_all(&r, certificate, load_balancer)?;
    let service_port = r.port("servicePort")?;
    let health_check_port = r.port("healthCheckPort")?;
    let tls = tls_files::read(&r, certificate)?;
    Ok(Params {
        release: r.text("release"),
        namespace: r.text("namespace"),
        domain: r.text("domain"),
        service_name_explicit: origins["serviceName"] != Origin::Default,
        service_name: r.text("serviceName"),
        backend_config_name: r.text("backendConfigName"),
        certificate_name: r.text("certificateName"),
        service_port,
        service_port_name: r.text("servicePortName"),
        health_check_port,
        app_protocol: r.text("appProtocol"),
        overlays: overlays.iter().map(|o| o.name.clone()).collect(),
        values_origin: origins["values"].to_string(),
        certificate,
        load_balancer,
        tls,
        values,
        origins,
    })
}
