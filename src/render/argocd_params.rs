//! Argo CD's `ARGOCD_APP_PARAMETERS`: the Application's plugin parameters as
//! one JSON array, e.g.
//! `[{"name":"domain","string":"milvus.example.com"},{"name":"overlays","array":["self-managed"]}]`.
//!
//! Argo CD (`ApplicationSourcePluginParameters.Environ`) sends this variable
//! *and* one `PARAM_<NAME>` variable per value whenever the Application has a
//! `plugin:` section. We read the JSON as well because it carries what the
//! `PARAM_*` variables lose:
//! - the exact parameter name (`PARAM_` upper-cases it and replaces every
//!   other character by `_`: `healthCheckPort` arrives as
//!   `PARAM_HEALTHCHECKPORT`);
//! - an array set to empty (`"array": []` sends no `PARAM_OVERLAYS_<i>` at all);
//! - that a name is really meant for this plugin, so a typo in the
//!   Application is an error rather than a silently ignored variable.
//!
//! Without parameters Argo CD sends `null`, which means "none".

use crate::error::{Error, Result};
use crate::render::setting::{Origin, Setting};
use serde_json::Value;

/// The environment variable Argo CD puts the parameters in.
pub const VARIABLE: &str = "ARGOCD_APP_PARAMETERS";

/// One setting per parameter that has a value, in the Application's order.
pub fn settings(json: &str) -> Result<Vec<Setting>> {
    if json.trim().is_empty() {
        return Ok(Vec::new());
    }
    let parsed: Value = serde_json::from_str(json).map_err(|e| malformed(&e.to_string()))?;
    let items = match parsed {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => return Err(malformed("expected a JSON array of parameters")),
    };
    items
        .iter()
        .map(setting)
        .collect::<Result<Vec<_>>>()
        .map(|s| s.into_iter().flatten().collect())
}

/// `{"name": N, "string": S}` → N = S; `{"name": N, "array": [...]}` → N = list;
/// `{"name": N, "map": {...}}` → N = mapping (refused later: no parameter of
/// ours is a map). An item without a value sets nothing.
fn setting(item: &Value) -> Result<Option<Setting>> {
    let name = item
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| malformed(&format!("parameter without a name: {item}")))?;
    // `"string": ""` is what Argo CD sends for a field cleared in its UI: unset.
    let value = ["array", "string", "map"].iter().find_map(|field| {
        item.get(*field)
            .filter(|v| !v.is_null() && **v != Value::String(String::new()))
            .cloned()
    });
    Ok(value.map(|value| Setting {
        key: name.to_string(),
        value,
        origin: Origin::ArgoCdParameter(name.to_string()),
    }))
}

fn malformed(message: &str) -> Error {
    Error::Parse {
        location: format!("env {VARIABLE}"),
        message: message.to_string(),
        hint: "Argo CD sets this variable from the Application's spec.source.plugin.parameters; \
               when setting it by hand, write e.g. [{\"name\":\"domain\",\"string\":\"milvus.example.com\"}]"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_and_arrays_keep_names_and_order() {
        let s = settings(
            r#"[{"name":"healthCheckPort","string":"9092"},{"name":"overlays","array":["self-managed"]}]"#,
        )
        .unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].key.as_str(), &s[0].value),
            ("healthCheckPort", &json!("9092"))
        );
        assert_eq!(
            (s[1].key.as_str(), &s[1].value),
            ("overlays", &json!(["self-managed"]))
        );
        assert!(
            s[0].origin.to_string().contains("ARGOCD_APP_PARAMETERS"),
            "{}",
            s[0].origin
        );
    }

    #[test]
    fn an_empty_array_is_a_value() {
        let s = settings(r#"[{"name":"overlays","array":[]}]"#).unwrap();
        assert_eq!(s[0].value, json!([]));
    }

    #[test]
    fn null_and_empty_mean_no_parameters() {
        assert!(settings("null").unwrap().is_empty());
        assert!(settings("").unwrap().is_empty());
        assert!(settings("[]").unwrap().is_empty());
    }

    #[test]
    fn a_parameter_without_value_sets_nothing() {
        assert!(settings(r#"[{"name":"domain"}]"#).unwrap().is_empty());
    }

    #[test]
    fn malformed_json_names_the_variable() {
        for bad in ["[{", r#"{"name":"domain"}"#, r#"[{"string":"x"}]"#] {
            let err = settings(bad).unwrap_err().report().to_string();
            assert!(
                err.contains("env ARGOCD_APP_PARAMETERS") && err.contains("hint:"),
                "{err}"
            );
        }
    }
}
