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

use crate::bounded_read::{self, Limit};
use crate::error::{Error, Result};
use crate::k8s::names;
use crate::quote::{self, quoted};
use crate::render::argocd_params;
use crate::render::file_tree::FileTree;
use crate::render::free_text;
use crate::render::overlay::{self, CertificateSource, LoadBalancer, Overlay};
pub use crate::render::setting::{Origin, Setting};
use crate::suggest;
use crate::tls::TlsFiles;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the milvus chart is published (parameter `chartRepo`).
pub const DEFAULT_CHART_REPO: &str = "https://zilliztech.github.io/milvus-helm/";
/// The chart version the tests pass against (parameter `chartVersion`).
pub const DEFAULT_CHART_VERSION: &str = "5.0.19";
/// How long `helm template` may run (parameter `helmTimeout`): Helm's own
/// `--timeout` default, far beyond a chart fetched from a slow repository.
pub const DEFAULT_HELM_TIMEOUT: &str = "5m";

/// Name of the config file looked for in the working directory; also the
/// marker file Argo CD's plugin discovery looks for.
pub const CONFIG_FILE: &str = "milvus-l7.yaml";

/// The config file holds a handful of parameters: a megabyte is far more
/// than any real one, and bounds what a wrong `--config` costs.
pub const CONFIG_LIMIT: Limit<'static> = Limit {
    max_bytes: 1 << 20,
    hint: "a config file holds a few parameters (release: …, domain: …); check that --config names milvus-l7.yaml",
};

/// A certificate chain or a key is a few kilobytes of PEM.
const PEM_LIMIT: Limit<'static> = Limit {
    max_bytes: 1 << 20,
    hint: "give the PEM certificate and key files; `milvus-l7 cert --domain D` creates them",
};

/// The built-in parameters: name, default, and what it is for.
/// `null` defaults are derived from the release after merging.
pub fn core_parameters() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        (
            "release",
            json!("my-release"),
            "Helm release name of Milvus (DNS-1035 label, at most 53 characters)",
        ),
        ("namespace", json!("default"), "namespace of every object"),
        (
            "mode",
            json!("cluster"),
            "how the chart runs Milvus: cluster (a proxy Deployment) or standalone",
        ),
        (
            "domain",
            Value::Null,
            "DNS name clients connect to; default <release>.milvus.io",
        ),
        (
            "overlays",
            json!(["google-managed"]),
            "overlays to apply, in order",
        ),
        (
            "serviceName",
            Value::Null,
            "Milvus Service name; default follows the chart's fullname rule",
        ),
        (
            "backendConfigName",
            Value::Null,
            "BackendConfig name; default <release>-backendconfig",
        ),
        (
            "certificateName",
            Value::Null,
            "ManagedCertificate or TLS Secret name; default <release>-milvus-tls",
        ),
        (
            "servicePort",
            json!(19530),
            "Milvus gRPC port on the Service",
        ),
        (
            "servicePortName",
            json!("milvus"),
            "name of that port (chart service.portName); app-protocols is keyed by it",
        ),
        (
            "healthCheckPort",
            json!(9091),
            "port of Milvus' /healthz (the metrics port)",
        ),
        (
            "healthCheckPath",
            json!("/healthz"),
            "health check request path",
        ),
        (
            "healthCheckType",
            json!("HTTP"),
            "health check protocol: HTTP, HTTPS or HTTP2",
        ),
        (
            "appProtocol",
            json!("HTTP2"),
            "load balancer to Milvus protocol: HTTP, HTTPS or HTTP2",
        ),
        (
            "ingressClass",
            json!(""),
            "kubernetes.io/ingress.class annotation (e.g. gce); empty leaves it unset",
        ),
        (
            "tlsCert",
            json!(""),
            "self-managed: PEM certificate file to put in the TLS Secret",
        ),
        (
            "tlsKey",
            json!(""),
            "self-managed: PEM private key file to put in the TLS Secret",
        ),
        (
            "chart",
            json!(false),
            "render the milvus chart too (helm template): one stream with the whole release",
        ),
        (
            "chartPath",
            json!(""),
            "the milvus chart as a directory or .tgz (offline); empty: chartRepo + chartVersion",
        ),
        (
            "chartRepo",
            json!(DEFAULT_CHART_REPO),
            "Helm repository of the milvus chart",
        ),
        (
            "chartVersion",
            json!(DEFAULT_CHART_VERSION),
            "milvus chart version (pinned)",
        ),
        (
            "values",
            json!([]),
            "your own Helm values files for the chart (one or a list), beneath the L7 values",
        ),
        (
            "helmTimeout",
            json!(DEFAULT_HELM_TIMEOUT),
            "how long helm may run before it is stopped (e.g. 90s, 5m)",
        ),
    ]
}

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
}

/// Merges the layers, loads the selected overlays from `overlay_tree`, and
/// validates every value.
pub fn resolve(inputs: &ParamInputs, overlay_tree: &FileTree) -> Result<(Params, Vec<Overlay>)> {
    let settings = gather(inputs)?;
    let overlay_names = match last_setting(&settings, "overlays") {
        Some(s) => as_string_list(s)?,
        None => as_string_list(&Setting {
            key: "overlays".into(),
            value: core_default("overlays"),
            origin: Origin::Default,
        })?,
    };
    let overlays = overlay::load(overlay_tree, &overlay_names)?;

    let known = known_parameters(&overlays);
    let settings: Vec<Setting> = settings
        .into_iter()
        .map(|s| with_known_env_key(s, &known))
        .collect();
    let under_argocd = inputs.env.iter().any(|(k, _)| k == ARGOCD_APP_NAME);
    for setting in &settings {
        check_known(under_argocd, setting, &known, overlay_tree)?;
    }
    let settings: Vec<Setting> = settings
        .into_iter()
        .filter(|s| known.contains_key(&s.key))
        .collect();
    let mut values: Map<String, Value> = known
        .iter()
        .map(|(k, (default, _))| (k.clone(), default.clone()))
        .collect();
    let mut origins: BTreeMap<String, Origin> =
        known.keys().map(|k| (k.clone(), Origin::Default)).collect();
    for setting in &settings {
        let typed = coerce(setting, &known[&setting.key].0)?;
        values.insert(setting.key.clone(), typed);
        origins.insert(setting.key.clone(), setting.origin.clone());
    }
    derive_defaults(&mut values);
    check_required(&values, &known)?;
    build(values, origins, &overlays).map(|p| (p, overlays))
}

/// All settings from every layer, lowest precedence first.
fn gather(inputs: &ParamInputs) -> Result<Vec<Setting>> {
    let mut settings = Vec::new();
    let env: BTreeMap<&str, &str> = inputs
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    if let Some(ns) = env.get("ARGOCD_APP_NAMESPACE").filter(|ns| !ns.is_empty()) {
        settings.push(Setting {
            key: "namespace".into(),
            value: json!(ns),
            origin: Origin::Env("ARGOCD_APP_NAMESPACE".into()),
        });
    }
    if let Some((path, text)) = &inputs.config {
        settings.extend(config_settings(path, text)?);
    }
    settings.extend(env_settings(&env, "ARGOCD_ENV_")?);
    if let Some(json) = env.get(argocd_params::VARIABLE) {
        settings.extend(argocd_params::settings(json)?);
    }
    // A field typed into and cleared in Argo CD's UI arrives as `PARAM_X=`
    // (and `"string": ""`): unset, not an empty value.
    settings.extend(
        env_settings(&env, "PARAM_")?
            .into_iter()
            .filter(|s| s.value != json!("")),
    );
    let own = env_settings(&env, OWN_PREFIX)?;
    if env.contains_key(ARGOCD_APP_NAME) {
        settings.extend(own.into_iter().filter(|s| !is_service_link(&s.origin)));
    } else {
        settings.extend(own);
    }
    settings.extend(inputs.flags.iter().cloned());
    Ok(settings)
}

/// milvus-l7's own environment variables: `MILVUS_L7_<KEY>`.
const OWN_PREFIX: &str = "MILVUS_L7_";
/// Set by Argo CD for every plugin command: we run under Argo CD.
const ARGOCD_APP_NAME: &str = "ARGOCD_APP_NAME";

/// Under Argo CD the plugin inherits the sidecar's environment, where
/// Kubernetes injects `MILVUS_L7_SERVICE_HOST`, `MILVUS_L7_SERVICE_PORT`,
/// `MILVUS_L7_PORT…` for a Service named `milvus-l7` in the argocd
/// namespace: never parameters.
fn is_service_link(origin: &Origin) -> bool {
    matches!(origin, Origin::Env(name)
        if name.strip_prefix(OWN_PREFIX).is_some_and(|rest|
            rest == "SERVICE_HOST" || rest.starts_with("SERVICE_PORT") || rest.starts_with("PORT")))
}

fn config_settings(path: &Path, text: &str) -> Result<Vec<Setting>> {
    let origin = path.display().to_string();
    let docs = crate::yaml::parse_stream(text, &origin, crate::yaml::Limits::default())?;
    let map = match docs.as_slice() {
        [] => return Ok(Vec::new()),
        [Value::Object(map)] => map.clone(),
        _ => {
            return Err(Error::Parse {
                location: origin,
                message: "the config file must be one mapping of parameter names to values".into(),
                hint: "write `key: value` lines, e.g. `domain: milvus.example.com`".into(),
            })
        }
    };
    let base_dir = path.parent().unwrap_or(Path::new(""));
    Ok(map
        .into_iter()
        .map(|(key, value)| {
            // File paths in the config file are relative to the file, like kustomize.
            let value = match (key.as_str(), &value) {
                ("tlsCert" | "tlsKey" | "chartPath", Value::String(p)) if !p.is_empty() => {
                    json!(base_dir.join(p).display().to_string())
                }
                ("values", _) => relative_paths(base_dir, &value),
                _ => value,
            };
            Setting {
                origin: Origin::ConfigFile {
                    path: origin.clone(),
                    key: key.clone(),
                },
                key,
                value,
            }
        })
        .collect())
}

/// `values` in the config file: one path or a list, each relative to the file.
fn relative_paths(base_dir: &Path, value: &Value) -> Value {
    let join = |v: &Value| match v {
        Value::String(p) if !p.is_empty() => json!(base_dir.join(p).display().to_string()),
        other => other.clone(),
    };
    match value {
        Value::Array(items) => Value::Array(items.iter().map(join).collect()),
        single => join(single),
    }
}

/// The list parameters, as Argo CD spells their array items
/// (`PARAM_OVERLAYS_0`, `PARAM_VALUES_1`, …).
const LIST_PARAMETERS: [(&str, &str); 2] = [("OVERLAYS", "overlays"), ("VALUES", "values")];

/// Reads `<PREFIX><KEY>` variables for every key a user could mean, plus
/// Argo CD's array form `PARAM_OVERLAYS_0`, `PARAM_OVERLAYS_1`, …
fn env_settings(env: &BTreeMap<&str, &str>, prefix: &str) -> Result<Vec<Setting>> {
    let mut settings = Vec::new();
    for (name, value) in env.iter().filter(|(k, _)| k.starts_with(prefix)) {
        let rest = &name[prefix.len()..];
        if list_item(rest).is_some() {
            continue; // gathered below, in index order
        }
        let key = camel_case(rest);
        settings.push(Setting {
            key,
            value: Value::String(value.to_string()),
            origin: Origin::Env(name.to_string()),
        });
    }
    for (upper, key) in LIST_PARAMETERS {
        let mut items: Vec<(usize, &str)> = env
            .iter()
            .filter_map(|(k, v)| {
                let (name, index) = list_item(k.strip_prefix(prefix)?)?;
                (name == upper).then_some((index, *v))
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        items.sort();
        let list = items.iter().map(|(_, v)| json!(v)).collect();
        settings.push(Setting {
            key: key.into(),
            value: Value::Array(list),
            origin: Origin::Env(format!("{prefix}{upper}_<n>")),
        });
    }
    Ok(settings)
}

/// `OVERLAYS_3` → (`OVERLAYS`, 3) for the list parameters.
fn list_item(rest: &str) -> Option<(&'static str, usize)> {
    LIST_PARAMETERS.iter().find_map(|(upper, _)| {
        let index = rest.strip_prefix(upper)?.strip_prefix('_')?;
        index.parse::<usize>().ok().map(|i| (*upper, i))
    })
}

/// Environment variable names lose the parameter's case: `PARAM_HEALTHCHECKPORT`
/// (Argo CD's escaping) and `MILVUS_L7_HEALTH_CHECK_PORT` both arrive here as
/// a lower- or camel-cased guess. Map such a guess to the known key it spells.
fn with_known_env_key(
    mut setting: Setting,
    known: &BTreeMap<String, (Value, Option<String>)>,
) -> Setting {
    if setting.origin.is_env() && !known.contains_key(&setting.key) {
        let spelled = setting.key.to_lowercase();
        if let Some(key) = known.keys().find(|k| k.to_lowercase() == spelled) {
            setting.key = key.clone();
        }
    }
    setting
}

/// `HEALTH_CHECK_PORT` → `healthCheckPort`.
fn camel_case(screaming: &str) -> String {
    heck::ToLowerCamelCase::to_lower_camel_case(screaming.to_lowercase().as_str())
}

fn core_default(key: &str) -> Value {
    core_parameters()
        .into_iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, v, _)| v)
        .unwrap_or(Value::Null)
}

fn last_setting<'a>(settings: &'a [Setting], key: &str) -> Option<&'a Setting> {
    settings.iter().rev().find(|s| s.key == key)
}

/// Known keys with their default and the overlay that declares them (None for core).
fn known_parameters(overlays: &[Overlay]) -> BTreeMap<String, (Value, Option<String>)> {
    let mut known: BTreeMap<String, (Value, Option<String>)> = core_parameters()
        .into_iter()
        .map(|(k, v, _)| (k.to_string(), (v, None)))
        .collect();
    for o in overlays {
        for (k, v) in &o.parameters {
            known
                .entry(k.clone())
                .or_insert((v.clone(), Some(o.name.clone())));
        }
    }
    known
}

fn check_known(
    under_argocd: bool,
    setting: &Setting,
    known: &BTreeMap<String, (Value, Option<String>)>,
    tree: &FileTree,
) -> Result<()> {
    if known.contains_key(&setting.key) {
        return Ok(());
    }
    // Environment variables under Argo CD's shared prefixes may belong to
    // someone else: skip them rather than fail the whole app.
    if setting.origin.is_reserved_argocd() || (under_argocd && setting.origin.is_env()) {
        return Ok(());
    }
    // Only on the error path: which unselected overlay declares the key.
    let available = overlay::available(tree);
    let owner = available.iter().find(|name| {
        overlay::load(tree, std::slice::from_ref(*name))
            .map(|o| o[0].parameters.contains_key(&setting.key))
            .unwrap_or(false)
    });
    let hint = match (
        owner,
        suggest::closest(&setting.key, known.keys().map(String::as_str)),
    ) {
        (Some(o), _) => format!(
            "`{}` is a parameter of overlay `{o}`, which is not selected; add `--overlay {o}`",
            setting.key
        ),
        (None, Some(close)) => format!("did you mean `{close}`?"),
        (None, None) => format!(
            "known parameters: {}",
            known.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
    };
    Err(Error::Param {
        key: setting.key.clone(),
        origin: setting.origin.to_string(),
        message: "unknown parameter".into(),
        hint,
    })
}

/// Overlay parameters declared with a `null` default must be set.
fn check_required(
    values: &Map<String, Value>,
    known: &BTreeMap<String, (Value, Option<String>)>,
) -> Result<()> {
    for (key, (_, owner)) in known {
        if let (Some(overlay), Value::Null) = (owner, &values[key]) {
            return Err(Error::Overlay {
                overlay: overlay.clone(),
                message: format!("needs the parameter `{key}`, which is not set"),
                hint: format!("add `--set {key}=...`, or `{key}:` in milvus-l7.yaml"),
            });
        }
    }
    Ok(())
}

/// Converts a setting to the type of its default. Strings from the
/// environment or `--set` become numbers, booleans or lists as needed; a
/// string parameter keeps `on` or `0123` as text.
fn coerce(setting: &Setting, default: &Value) -> Result<Value> {
    let bad = |expected: &str| Error::Param {
        key: setting.key.clone(),
        origin: setting.origin.to_string(),
        message: format!("expected {expected}, got {}", short(&setting.value)),
        hint: format!("set `{}` to {expected}", setting.key),
    };
    Ok(match (default, &setting.value) {
        // A parameter whose default is a fraction (e.g. logSampleRate 1.0)
        // takes any finite number; its range is checked on the objects.
        (Value::Number(d), Value::Number(n)) if d.is_f64() => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(|f| json!(f))
            .ok_or_else(|| bad("a number"))?,
        (Value::Number(d), Value::String(s)) if d.is_f64() => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| json!(f))
            .ok_or_else(|| bad("a number like 0.5"))?,
        (Value::Number(_), Value::Number(n)) if n.is_u64() => setting.value.clone(),
        (Value::Number(_), Value::String(s)) => s
            .trim()
            .parse::<u64>()
            .map(|n| json!(n))
            .map_err(|_| bad("a whole number"))?,
        (Value::Number(_), _) => return Err(bad("a whole number")),
        (Value::Bool(_), Value::Bool(_)) => setting.value.clone(),
        (Value::Bool(_), Value::String(s)) => match s.trim() {
            "true" => json!(true),
            "false" => json!(false),
            _ => return Err(bad("true or false")),
        },
        (Value::Bool(_), _) => return Err(bad("true or false")),
        (Value::Array(_), _) => json!(as_string_list(setting)?),
        (_, Value::String(_)) => setting.value.clone(),
        (_, Value::Number(n)) => json!(n.to_string()),
        (_, Value::Bool(_) | Value::Null | Value::Array(_) | Value::Object(_)) => {
            return Err(bad("a string"))
        }
    })
}

fn short(value: &Value) -> String {
    // JSON escapes control characters already; `escape` covers the rest.
    let s = quote::escape(&value.to_string());
    if s.len() > 60 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(57).map(|(i, _)| i).unwrap_or(s.len())]
        )
    } else {
        s
    }
}

/// A list given as a YAML list or as a comma-separated string.
fn as_string_list(setting: &Setting) -> Result<Vec<String>> {
    let bad = || Error::Param {
        key: setting.key.clone(),
        origin: setting.origin.to_string(),
        message: format!("expected a list of names, got {}", short(&setting.value)),
        hint: "give a YAML list, or names separated by commas".into(),
    };
    match &setting.value {
        Value::String(s) => Ok(s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(String::from).ok_or_else(bad))
            .collect(),
        _ => Err(bad()),
    }
}

fn derive_defaults(values: &mut Map<String, Value>) {
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

/// The merged values and where each came from: what every check reads,
/// so that a failing check names the value and its origin.
struct Resolved<'a> {
    values: &'a Map<String, Value>,
    origins: &'a BTreeMap<String, Origin>,
}

impl Resolved<'_> {
    fn text(&self, key: &str) -> String {
        self.values[key].as_str().unwrap_or_default().to_string()
    }

    fn fail(&self, key: &str, message: String, hint: &str) -> Error {
        Error::Param {
            key: key.into(),
            origin: self.origins[key].to_string(),
            message,
            hint: hint.into(),
        }
    }

    fn check(&self, key: &str, result: std::result::Result<(), String>, hint: &str) -> Result<()> {
        result.map_err(|m| self.fail(key, m, hint))
    }

    fn port(&self, key: &str) -> Result<u16> {
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
    check_names(&r, certificate)?;
    let service_port = r.port("servicePort")?;
    let health_check_port = r.port("healthCheckPort")?;
    r.check(
        "servicePortName",
        check_port_name(&r.text("servicePortName")),
        "port names are at most 15 lowercase letters, digits and `-`, with a letter",
    )?;
    check_protocols_and_mode(&r)?;
    r.check(
        "helmTimeout",
        crate::duration::parse(&r.text("helmTimeout")).map(|_| ()),
        "give a duration such as 90s, 5m or 1h",
    )?;
    let tls = read_tls_files(&r, certificate)?;
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
        load_balancer: overlays.iter().find_map(|o| o.load_balancer),
        tls,
        values,
    })
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
    let domain = r.text("domain");
    r.check(
        "domain",
        names::check_ingress_host(&domain),
        "give the lowercase DNS name clients will connect to, e.g. milvus.example.com",
    )?;
    if certificate == Some(CertificateSource::GoogleManaged) {
        r.check(
            "domain",
            names::check_managed_certificate_domain(&domain),
            "use the self-managed overlay for wildcard or long names, or a shorter name",
        )?;
    }
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

/// The health check path, the protocols, the chart mode and the Ingress
/// class are values from short fixed lists or of a fixed form.
fn check_protocols_and_mode(r: &Resolved) -> Result<()> {
    check_free_text(r)?;
    for key in ["healthCheckType", "appProtocol"] {
        if !["HTTP", "HTTPS", "HTTP2"].contains(&r.text(key).as_str()) {
            return Err(r.fail(
                key,
                format!("{} is not HTTP, HTTPS or HTTP2", quoted(&r.text(key))),
                "GKE accepts only HTTP, HTTPS and HTTP2 here",
            ));
        }
    }
    if !["cluster", "standalone"].contains(&r.text("mode").as_str()) {
        return Err(r.fail(
            "mode",
            format!("{} is not cluster or standalone", quoted(&r.text("mode"))),
            "the milvus/milvus chart runs either a cluster (cluster.enabled: true, its default) or standalone",
        ));
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

fn read_tls_files(
    r: &Resolved,
    certificate: Option<CertificateSource>,
) -> Result<Option<TlsFiles>> {
    let cert = r.values["tlsCert"].as_str().unwrap_or_default();
    let key = r.values["tlsKey"].as_str().unwrap_or_default();
    let fail = |k: &str, message: &str, hint: &str| r.fail(k, message.into(), hint);
    match (cert.is_empty(), key.is_empty()) {
        (true, true) => return Ok(None),
        (false, true) => {
            return Err(fail(
                "tlsKey",
                "a certificate was given without its key",
                "give both --tls-cert and --tls-key",
            ))
        }
        (true, false) => {
            return Err(fail(
                "tlsCert",
                "a key was given without its certificate",
                "give both --tls-cert and --tls-key",
            ))
        }
        (false, false) => {}
    }
    if certificate != Some(CertificateSource::Secret) {
        return Err(fail(
            "tlsCert",
            "certificate files are only used by the self-managed overlay, which is not selected",
            "add `--overlay self-managed`, or drop --tls-cert/--tls-key",
        ));
    }
    let read = |k: &str, path: &str| {
        let bytes = bounded_read::file(Path::new(path), PEM_LIMIT).map_err(|e| {
            fail(
                k,
                &format!("cannot read {path}: {}", read_failure(&e)),
                "give the PEM file; `milvus-l7 cert --domain D` creates a key and certificate",
            )
        })?;
        String::from_utf8(bytes).map_err(|_| {
            fail(
                k,
                &format!("{path} is not PEM text (it holds bytes that are not UTF-8)"),
                "give the PEM file (`-----BEGIN ...`), not DER; `openssl x509 -inform der -in F -out F.pem` converts a certificate",
            )
        })
    };
    Ok(Some(TlsFiles {
        cert_path: cert.into(),
        key_path: key.into(),
        cert_pem: read("tlsCert", cert)?,
        key_pem: read("tlsKey", key)?,
    }))
}

/// Why a file could not be read, without the path (the caller names it).
fn read_failure(e: &Error) -> String {
    match e {
        Error::Invalid { message, .. } => message.clone(),
        Error::Io { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overlays() -> FileTree {
        FileTree::from_map(
            "test",
            [
                (
                    "google-managed/overlay.yaml",
                    "description: g\ncertificate: google-managed\nconflicts: {self-managed: x}\n",
                ),
                (
                    "self-managed/overlay.yaml",
                    "description: s\ncertificate: secret\nconflicts: {google-managed: x}\n",
                ),
                (
                    "static-ip/overlay.yaml",
                    "description: ip\nparameters: {staticIpName: null}\n",
                ),
            ],
        )
    }

    fn flag(key: &str, value: Value) -> Setting {
        Setting {
            key: key.into(),
            value,
            origin: Origin::Flag(format!("--{key}")),
        }
    }

    #[test]
    fn defaults_reproduce_the_guide() {
        let (p, _) = resolve(&ParamInputs::default(), &overlays()).unwrap();
        assert_eq!(p.release, "my-release");
        assert_eq!(p.namespace, "default");
        assert_eq!(p.domain, "my-release.milvus.io");
        assert_eq!(p.service_name, "my-release-milvus");
        assert_eq!(p.backend_config_name, "my-release-backendconfig");
        assert_eq!(p.certificate_name, "my-release-milvus-tls");
        assert_eq!((p.service_port, p.health_check_port), (19530, 9091));
        assert!(!p.service_name_explicit);
    }

    #[test]
    fn flags_beat_env_beat_config_beat_argocd_namespace() {
        let inputs = ParamInputs {
            config: Some((
                PathBuf::from("milvus-l7.yaml"),
                "release: from-config\nnamespace: cfg\ndomain: a.example.com\n".into(),
            )),
            env: vec![
                ("ARGOCD_APP_NAMESPACE".into(), "argo".into()),
                ("MILVUS_L7_DOMAIN".into(), "b.example.com".into()),
                ("PARAM_RELEASE".into(), "from-param".into()),
            ],
            flags: vec![flag("domain", json!("c.example.com"))],
        };
        let (p, _) = resolve(&inputs, &overlays()).unwrap();
        assert_eq!(p.namespace, "cfg");
        assert_eq!(p.release, "from-param");
        assert_eq!(p.domain, "c.example.com");
    }

    #[test]
    fn argocd_namespace_replaces_the_default() {
        let inputs = ParamInputs {
            env: vec![("ARGOCD_APP_NAMESPACE".into(), "milvus".into())],
            ..Default::default()
        };
        assert_eq!(resolve(&inputs, &overlays()).unwrap().0.namespace, "milvus");
    }

    #[test]
    fn argocd_array_parameters_keep_their_order() {
        let inputs = ParamInputs {
            env: vec![
                ("PARAM_OVERLAYS_1".into(), "static-ip".into()),
                ("PARAM_OVERLAYS_0".into(), "self-managed".into()),
                ("PARAM_STATIC_IP_NAME".into(), "milvus-ip".into()),
            ],
            ..Default::default()
        };
        assert_eq!(
            resolve(&inputs, &overlays()).unwrap().0.overlays,
            ["self-managed", "static-ip"]
        );
    }

    fn env(pairs: &[(&str, &str)]) -> ParamInputs {
        ParamInputs {
            env: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn argocd_escaped_parameter_names_reach_camel_case_keys() {
        // Argo CD turns parameter `healthCheckPort` into PARAM_HEALTHCHECKPORT.
        let (p, _) = resolve(
            &env(&[
                ("PARAM_HEALTHCHECKPORT", "9092"),
                ("ARGOCD_ENV_SERVICENAME", "vectors"),
            ]),
            &overlays(),
        )
        .unwrap();
        assert_eq!(p.health_check_port, 9092);
        assert_eq!(p.service_name, "vectors");
    }

    #[test]
    fn argocd_app_parameters_sit_between_argocd_env_and_param() {
        let json = r#"[{"name":"release","string":"from-json"},{"name":"domain","string":"json.example.com"},{"name":"namespace","string":"json-ns"}]"#;
        let (p, _) = resolve(
            &env(&[
                ("ARGOCD_APP_NAMESPACE", "argo"),
                ("ARGOCD_ENV_RELEASE", "from-env"),
                ("ARGOCD_ENV_DOMAIN", "env.example.com"),
                ("ARGOCD_APP_PARAMETERS", json),
                ("PARAM_RELEASE", "from-param"),
            ]),
            &overlays(),
        )
        .unwrap();
        assert_eq!(p.release, "from-param", "PARAM_ beats the JSON");
        assert_eq!(p.domain, "json.example.com", "the JSON beats ARGOCD_ENV_");
        assert_eq!(
            p.namespace, "json-ns",
            "an explicit namespace beats ARGOCD_APP_NAMESPACE"
        );
    }

    #[test]
    fn argocd_app_parameters_alone_are_enough() {
        let json = r#"[{"name":"overlays","array":["self-managed","static-ip"]},{"name":"staticIpName","string":"ip"}]"#;
        let (p, _) = resolve(&env(&[("ARGOCD_APP_PARAMETERS", json)]), &overlays()).unwrap();
        assert_eq!(p.overlays, ["self-managed", "static-ip"]);
        assert_eq!(p.get("staticIpName"), Some(&json!("ip")));
    }

    #[test]
    fn an_empty_overlays_array_from_argocd_selects_no_overlay() {
        let json = r#"[{"name":"overlays","array":[]}]"#;
        let (p, _) = resolve(&env(&[("ARGOCD_APP_PARAMETERS", json)]), &overlays()).unwrap();
        assert!(p.overlays.is_empty());
    }

    #[test]
    fn a_typo_in_the_applications_parameters_is_an_error() {
        let json = r#"[{"name":"domian","string":"x.example.com"}]"#;
        let err = resolve(
            &env(&[
                ("ARGOCD_APP_PARAMETERS", json),
                ("PARAM_DOMIAN", "x.example.com"),
            ]),
            &overlays(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("`domian`") && err.contains("did you mean `domain`"),
            "{err}"
        );
        assert!(err.contains("ARGOCD_APP_PARAMETERS"), "{err}");
    }

    #[test]
    fn a_map_parameter_is_refused_with_its_origin() {
        let json = r#"[{"name":"domain","map":{"a":"b"}}]"#;
        let err = resolve(&env(&[("ARGOCD_APP_PARAMETERS", json)]), &overlays())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`domain`") && err.contains("expected a string"),
            "{err}"
        );
    }

    #[test]
    fn unknown_variables_under_argocds_prefixes_are_left_alone() {
        // The sidecar's environment is shared with other tools.
        let (p, _) = resolve(
            &env(&[("PARAM_SOMETHING_ELSE", "x"), ("ARGOCD_ENV_OTHER", "y")]),
            &overlays(),
        )
        .unwrap();
        assert_eq!(p.release, "my-release");
    }

    #[test]
    fn unknown_key_suggests_the_closest() {
        let inputs = ParamInputs {
            config: Some((PathBuf::from("c.yaml"), "domian: x.example.com\n".into())),
            ..Default::default()
        };
        let err = resolve(&inputs, &overlays()).unwrap_err().to_string();
        assert!(
            err.contains("`domian`") && err.contains("did you mean `domain`"),
            "{err}"
        );
        assert!(err.contains("c.yaml"), "{err}");
    }

    #[test]
    fn parameter_of_an_unselected_overlay_names_the_overlay() {
        let inputs = ParamInputs {
            flags: vec![flag("staticIpName", json!("ip"))],
            ..Default::default()
        };
        let err = resolve(&inputs, &overlays()).unwrap_err().to_string();
        assert!(err.contains("--overlay static-ip"), "{err}");
    }

    #[test]
    fn required_overlay_parameters_must_be_set() {
        let missing = ParamInputs {
            flags: vec![flag("overlays", json!(["static-ip"]))],
            ..Default::default()
        };
        let err = resolve(&missing, &overlays()).unwrap_err().to_string();
        assert!(
            err.contains("`staticIpName`") && err.contains("--set staticIpName="),
            "{err}"
        );
        let given = ParamInputs {
            flags: vec![
                flag("overlays", json!(["static-ip"])),
                flag("staticIpName", json!("milvus-ip")),
            ],
            ..Default::default()
        };
        assert_eq!(
            resolve(&given, &overlays()).unwrap().0.get("staticIpName"),
            Some(&json!("milvus-ip"))
        );
    }

    #[test]
    fn strings_from_env_become_numbers_and_stay_strings() {
        let inputs = ParamInputs {
            env: vec![
                ("MILVUS_L7_SERVICE_PORT".into(), "19531".into()),
                ("MILVUS_L7_NAMESPACE".into(), "on".into()),
            ],
            ..Default::default()
        };
        let (p, _) = resolve(&inputs, &overlays()).unwrap();
        assert_eq!(p.service_port, 19531);
        assert_eq!(p.namespace, "on");
        let bad = ParamInputs {
            flags: vec![flag("servicePort", json!("http"))],
            ..Default::default()
        };
        assert!(resolve(&bad, &overlays())
            .unwrap_err()
            .to_string()
            .contains("whole number"));
    }

    #[test]
    fn google_managed_refuses_wildcard_and_uppercase_domains() {
        for domain in ["*.milvus.io", "Milvus.example.com"] {
            let inputs = ParamInputs {
                flags: vec![flag("domain", json!(domain))],
                ..Default::default()
            };
            let err = resolve(&inputs, &overlays()).unwrap_err().to_string();
            assert!(err.contains("`domain`"), "{err}");
        }
        let self_managed = ParamInputs {
            flags: vec![
                flag("domain", json!("*.milvus.io")),
                flag("overlays", json!(["self-managed"])),
            ],
            ..Default::default()
        };
        assert!(resolve(&self_managed, &overlays()).is_ok());
    }

    #[test]
    fn key_material_never_appears_in_debug() {
        let t = TlsFiles {
            cert_path: "c".into(),
            key_path: "k".into(),
            cert_pem: "CERT".into(),
            key_pem: "SECRET-KEY".into(),
        };
        assert!(!format!("{t:?}").contains("SECRET-KEY"));
    }

    #[test]
    fn an_emptied_argocd_field_means_unset() {
        let json = r#"[{"name":"domain","string":""}]"#;
        let (p, _) = resolve(
            &env(&[("ARGOCD_APP_PARAMETERS", json), ("PARAM_DOMAIN", "")]),
            &overlays(),
        )
        .unwrap();
        assert_eq!(p.domain, "my-release.milvus.io");
    }

    #[test]
    fn under_argocd_the_sidecars_service_links_are_not_parameters() {
        let links = [
            ("MILVUS_L7_PORT", "tcp://10.0.0.1:8080"),
            ("MILVUS_L7_SERVICE_PORT", "8080"),
            ("MILVUS_L7_SERVICE_HOST", "10.0.0.1"),
        ];
        let outside = resolve(&env(&links), &overlays());
        assert!(
            outside.is_err(),
            "outside Argo CD an unknown variable is an error"
        );
        let mut inside = links.to_vec();
        inside.push(("ARGOCD_APP_NAME", "milvus"));
        inside.push(("MILVUS_L7_CHART_PATH", "/charts/milvus.tgz"));
        let (p, _) = resolve(&env(&inside), &overlays()).unwrap();
        assert_eq!(p.service_port, 19530);
        assert_eq!(p.get("chartPath"), Some(&json!("/charts/milvus.tgz")));
    }

    #[test]
    fn camel_case_from_env_names() {
        assert_eq!(camel_case("HEALTH_CHECK_PORT"), "healthCheckPort");
        assert_eq!(camel_case("RELEASE"), "release");
    }
}
