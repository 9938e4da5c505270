//! The user's own values for the milvus chart (parameter `values`):
//! resources, storage, dependencies stay theirs, with the L7 values on top.
//!
//! Helm merges values files key by key but replaces strings whole, and
//! `extraConfigFiles.user.yaml` is a string holding Milvus' YAML config: a
//! user's `user.yaml` would drop `tlsMode: 1` or ours would drop theirs. So
//! the files are merged here, `user.yaml` as YAML, into the one values file
//! both roads (the stream and `-o DIR`) hand to Helm.
//!
//! A user value that fights a value the L7 setup needs is an error, not a
//! silent override: the load balancer would be unhealthy with either winner.

use crate::bounded_read::{self, Limit};
use crate::error::{Error, Result};
use crate::quote;
use crate::render::params::Params;
use crate::yaml;
use serde_json::{json, Map, Value};
use std::path::Path;

/// The chart value that holds Milvus' own config as a YAML string.
const USER_YAML: [&str; 2] = ["extraConfigFiles", "user.yaml"];

/// One of the user's values files, read.
#[derive(Debug, Clone)]
pub struct UserValues {
    /// The file as given (for messages).
    pub path: String,
    /// Its mapping.
    pub values: Value,
}

/// Reads the files named by the `values` parameter, in order.
pub fn read(params: &Params) -> Result<Vec<UserValues>> {
    let paths: Vec<String> = match params.get("values") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        _ => Vec::new(),
    };
    paths
        .iter()
        .map(|p| read_one(p, &params.values_origin))
        .collect()
}

/// Largest values file accepted: the milvus chart's own values.yaml is
/// about 40 KB.
const VALUES_LIMIT: Limit<'static> = Limit {
    max_bytes: 4 << 20,
    hint: "",
};

/// Reads one values file through the bounded reader (no device, FIFO or
/// endless file); a failure names the file and where `values` was set.
fn read_one(path: &str, origin: &str) -> Result<UserValues> {
    let text = bounded_read::text_file(Path::new(path), VALUES_LIMIT).map_err(|e| {
        let reason = e.to_string();
        let reason = reason.split("\n  hint:").next().unwrap_or_default();
        Error::Param {
            key: "values".into(),
            origin: origin.into(),
            message: format!(
                "cannot use the values file {}: {reason}",
                quote::escape(path)
            ),
            hint: format!(
                "give Helm values files (regular files of at most {} MiB); paths in \
                 milvus-l7.yaml are relative to it",
                VALUES_LIMIT.max_bytes >> 20
            ),
        }
    })?;
    let docs = yaml::parse_stream(&text, path, yaml::Limits::default())?;
    let values = match docs.as_slice() {
        [] => json!({}),
        [Value::Object(_)] => docs[0].clone(),
        _ => {
            return Err(Error::Parse {
                location: path.into(),
                message: "a Helm values file must be one mapping".into(),
                hint: "write the chart's values as `key: value`, like the chart's values.yaml"
                    .into(),
            })
        }
    };
    Ok(UserValues {
        path: path.into(),
        values,
    })
}

/// The user's files beneath `l7` (the rendered L7 values); an error naming
/// file, key and why when a user value fights one the L7 setup needs.
pub fn merge(l7: &Value, files: &[UserValues], params: &Params) -> Result<Value> {
    if files.is_empty() {
        return Ok(l7.clone());
    }
    let required = required_values(l7, params);
    let mut merged = json!({});
    for file in files {
        let mut path = Vec::new();
        find_conflicts(&file.values, &required, &mut path, &file.path)?;
        merged = merge_over(&merged, &file.values, &file.path)?;
    }
    merge_over(&merged, l7, "the L7 values")
}

/// What the L7 setup needs of the chart: the rendered values plus the
/// chart defaults it relies on without writing them (the port, its name,
/// the Service type, cluster or standalone, the Service name).
fn required_values(l7: &Value, params: &Params) -> Value {
    let mut required = l7.clone();
    let implied = json!({
        "service": {
            "type": "ClusterIP",
            "port": params.service_port,
            "portName": params.service_port_name,
        },
        "cluster": {"enabled": params.get("mode") != Some(&json!("standalone"))},
    });
    fill_missing(&mut required, &implied);
    if !params.service_name_explicit {
        required["nameOverride"] = json!("");
        required["fullnameOverride"] = json!("");
    }
    required
}

fn fill_missing(target: &mut Value, defaults: &Value) {
    if let (Value::Object(t), Value::Object(d)) = (target, defaults) {
        for (k, v) in d {
            match t.get_mut(k) {
                Some(existing) => fill_missing(existing, v),
                None => {
                    t.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

fn find_conflicts(
    user: &Value,
    required: &Value,
    path: &mut Vec<String>,
    file: &str,
) -> Result<()> {
    let (Value::Object(user), Value::Object(required)) = (user, required) else {
        return Ok(());
    };
    for (key, theirs) in user {
        let Some(ours) = required.get(key) else {
            continue;
        };
        path.push(key.clone());
        let at_user_yaml = path.iter().map(String::as_str).eq(USER_YAML);
        match (theirs, ours) {
            (Value::Object(_), Value::Object(_)) => find_conflicts(theirs, ours, path, file)?,
            (Value::String(t), Value::String(o)) if at_user_yaml => {
                let t = parse_user_yaml(t, file)?;
                let o = parse_user_yaml(o, "the L7 values")?;
                find_conflicts(&t, &o, path, file)?;
            }
            _ if values_equal(theirs, ours) => {}
            _ => return Err(conflict(file, path, theirs, ours)),
        }
        path.pop();
    }
    Ok(())
}

/// `1` and `"1"` are the same to Milvus and Helm alike.
fn values_equal(a: &Value, b: &Value) -> bool {
    a == b || (a.is_string() != b.is_string() && scalar_text(a) == scalar_text(b))
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn conflict(file: &str, path: &[String], theirs: &Value, ours: &Value) -> Error {
    let key = path.join(".");
    Error::Param {
        key: "values".into(),
        origin: file.into(),
        message: format!(
            "`{key}: {theirs}` fights the L7 setup, which needs `{key}: {ours}`: {}",
            why(&key)
        ),
        hint: format!("remove `{key}` from {file}; milvus-l7 sets it"),
    }
}

/// Why the L7 setup needs the value at `key`, and the parameter that changes it.
fn why(key: &str) -> &'static str {
    match key {
        "service.type" => {
            "the Google Cloud L7 load balancer reaches Milvus through a ClusterIP Service \
             with container-native load balancing; LoadBalancer would add a second, \
             Layer-4 load balancer"
        }
        "service.port" => "the Ingress/HTTPRoute backend targets it; set the parameter servicePort",
        "service.portName" => {
            "cloud.google.com/app-protocols is keyed by the port name; set the parameter servicePortName"
        }
        "cluster.enabled" => "the overlays follow the parameter mode (cluster or standalone); set mode",
        "nameOverride" | "fullnameOverride" => {
            "it renames the Milvus Service the Ingress/HTTPRoute points at; set the parameter serviceName"
        }
        k if k.starts_with("service.annotations.") => {
            "the load balancer reads this annotation from the Service; set backendConfigName, \
             appProtocol or servicePortName instead"
        }
        k if k.ends_with("tlsMode") => {
            "the load balancer speaks TLS to Milvus only with common.security.tlsMode 1 \
             (one-way TLS); 2 (mutual TLS) needs client certificates it does not have"
        }
        _ => "milvus-l7 renders this value (a parameter or an overlay sets it)",
    }
}

fn parse_user_yaml(text: &str, origin: &str) -> Result<Value> {
    let location = format!("{origin} (extraConfigFiles.user.yaml)");
    let docs = yaml::parse_stream(text, &location, yaml::Limits::default())?;
    match docs.as_slice() {
        [] => Ok(json!({})),
        [Value::Object(_)] => Ok(docs[0].clone()),
        _ => Err(Error::Parse {
            location,
            message: "Milvus' user.yaml must be one mapping".into(),
            hint: "write Milvus settings as `section: {key: value}`".into(),
        }),
    }
}

/// Helm's rule (maps merge key by key, everything else is replaced by
/// `top`), except that `extraConfigFiles.user.yaml` merges as YAML.
fn merge_over(base: &Value, top: &Value, top_origin: &str) -> Result<Value> {
    merge_at(base, top, &mut Vec::new(), top_origin)
}

fn merge_at(base: &Value, top: &Value, path: &mut Vec<String>, origin: &str) -> Result<Value> {
    match (base, top) {
        (Value::Object(b), Value::Object(t)) => {
            let mut out: Map<String, Value> = b.clone();
            for (k, v) in t {
                path.push(k.clone());
                let merged = match out.get(k) {
                    Some(existing) => merge_at(existing, v, path, origin)?,
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
                path.pop();
            }
            Ok(Value::Object(out))
        }
        (Value::String(b), Value::String(t)) if path.iter().map(String::as_str).eq(USER_YAML) => {
            let b = parse_user_yaml(b, "your values")?;
            let t = parse_user_yaml(t, origin)?;
            Ok(json!(yaml::to_string(&merge_at(
                &b,
                &t,
                &mut Vec::new(),
                origin
            )?)))
        }
        _ => Ok(top.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_or_missing_file_is_refused_naming_where_values_was_set() {
        for path in ["/dev/zero", "/nonexistent/values.yaml"] {
            let err = read_one(path, "--set values").unwrap_err().to_string();
            assert!(
                err.contains("set by --set values") && err.contains(path),
                "{path}: {err}"
            );
        }
        let err = read_one("/dev/zero", "--set values")
            .unwrap_err()
            .to_string();
        assert!(err.contains("character device"), "{err}");
    }

    #[test]
    fn maps_merge_and_user_yaml_merges_as_yaml() {
        let user = json!({"proxy": {"replicas": 2}, "service": {"labels": {"a": "b"}},
            "extraConfigFiles": {"user.yaml": "queryNode:\n  gracefulTime: 10\n"}});
        let ours = json!({"service": {"type": "ClusterIP"},
            "extraConfigFiles": {"user.yaml": "common:\n  security:\n    tlsMode: 1\n"}});
        let merged = merge_over(&user, &ours, "l7").unwrap();
        assert_eq!(merged["proxy"]["replicas"], 2);
        assert_eq!(
            merged["service"],
            json!({"labels": {"a": "b"}, "type": "ClusterIP"})
        );
        let config = merged["extraConfigFiles"]["user.yaml"].as_str().unwrap();
        let config = parse_user_yaml(config, "t").unwrap();
        assert_eq!(config["queryNode"]["gracefulTime"], 10);
        assert_eq!(config["common"]["security"]["tlsMode"], 1);
    }

    #[test]
    fn a_fight_names_file_key_and_why() {
        let required =
            json!({"extraConfigFiles": {"user.yaml": "common:\n  security:\n    tlsMode: 1\n"}});
        let user =
            json!({"extraConfigFiles": {"user.yaml": "common:\n  security:\n    tlsMode: 2\n"}});
        let err = find_conflicts(&user, &required, &mut Vec::new(), "mine.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("mine.yaml") && err.contains("tlsMode") && err.contains("one-way TLS"),
            "{err}"
        );
        let same = json!({"extraConfigFiles": {"user.yaml": "common:\n  security:\n    tlsMode: \"1\"\n"}});
        assert!(find_conflicts(&same, &required, &mut Vec::new(), "f").is_ok());
    }
}
