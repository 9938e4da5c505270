//! The layers parameters are set in — built-in defaults aside: the config
//! file, the environment (Argo CD's and our own variables), the flags —
//! gathered into one list of settings, lowest precedence first.

use super::ParamInputs;
use crate::bounded_read::Limit;
use crate::error::{Error, Result};
use crate::render::argocd_params;
use crate::render::fleet_layout;
use crate::render::setting::{Origin, Setting};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Name of the config file looked for in the working directory; also the
/// marker file Argo CD's plugin discovery looks for.
pub const CONFIG_FILE: &str = "milvus-l7.yaml";

/// The config file holds a handful of parameters: a megabyte is far more
/// than any real one, and bounds what a wrong `--config` costs.
pub const CONFIG_LIMIT: Limit<'static> = Limit {
    max_bytes: 1 << 20,
    hint: "a config file holds a few parameters (release: …, domain: …); check that --config names milvus-l7.yaml",
};

/// All settings from every layer, lowest precedence first.
pub fn gather(inputs: &ParamInputs) -> Result<Vec<Setting>> {
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
    // Above the destination namespace, so that `argocd-parameters` (which
    // Argo CD runs without ARGOCD_APP_NAMESPACE) announces what `generate` renders.
    settings.extend(fleet_layout::settings_from_env(
        env.get(fleet_layout::SOURCE_PATH_VARIABLE).copied(),
    ));
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
pub const ARGOCD_APP_NAME: &str = "ARGOCD_APP_NAME";

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

/// `HEALTH_CHECK_PORT` → `healthCheckPort`.
pub fn camel_case(screaming: &str) -> String {
    heck::ToLowerCamelCase::to_lower_camel_case(screaming.to_lowercase().as_str())
}
