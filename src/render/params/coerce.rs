//! Turning a setting into its parameter's type: strings from the
//! environment or `--set` become numbers, booleans or lists as needed. A
//! built-in parameter's type is declared ([`super::table`]); an overlay's
//! is its default's, as overlay.yaml declares nothing else.

use super::table::ParamType;
use crate::error::{Error, Result};
use crate::quote;
use crate::render::setting::Setting;
use serde_json::{json, Value};

/// The shape a setting is converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Text; a number given is kept as its digits.
    Text,
    /// A whole number (`--set servicePort=19530`).
    WholeNumber,
    /// Any finite number (an overlay's `logSampleRate: 1.0`).
    Fraction,
    /// `true` or `false`.
    Bool,
    /// A list of names.
    List,
}

impl Shape {
    /// A built-in parameter's shape, from its declared type.
    pub fn of_type(kind: ParamType) -> Shape {
        match kind {
            ParamType::Text | ParamType::Name | ParamType::Path | ParamType::OneOf(_) => {
                Shape::Text
            }
            ParamType::Port => Shape::WholeNumber,
            ParamType::Bool => Shape::Bool,
            ParamType::List => Shape::List,
        }
    }

    /// An overlay parameter's shape: overlay.yaml declares a parameter by
    /// its default only, so the default's YAML type is its type.
    pub fn of_overlay_default(default: &Value) -> Shape {
        match default {
            Value::Number(n) if n.is_f64() => Shape::Fraction,
            Value::Number(_) => Shape::WholeNumber,
            Value::Bool(_) => Shape::Bool,
            Value::Array(_) => Shape::List,
            Value::String(_) | Value::Null | Value::Object(_) => Shape::Text,
        }
    }
}

/// Converts a setting to `shape`. Strings from the environment or `--set`
/// become numbers, booleans or lists as needed; a text parameter keeps `on`
/// or `0123` as text.
pub fn coerce(setting: &Setting, shape: Shape) -> Result<Value> {
    let bad = |expected: &str| Error::Param {
        key: setting.key.clone(),
        origin: setting.origin.to_string(),
        message: format!("expected {expected}, got {}", short(&setting.value)),
        hint: format!("set `{}` to {expected}", setting.key),
    };
    Ok(match (shape, &setting.value) {
        // A fraction (e.g. logSampleRate 1.0) takes any finite number; its
        // range is checked on the objects.
        (Shape::Fraction, Value::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(|f| json!(f))
            .ok_or_else(|| bad("a number"))?,
        (Shape::Fraction, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| json!(f))
            .ok_or_else(|| bad("a number like 0.5"))?,
        (Shape::Fraction, _) => return Err(bad("a number")),
        (Shape::WholeNumber, Value::Number(n)) if n.is_u64() => setting.value.clone(),
        (Shape::WholeNumber, Value::String(s)) => s
            .trim()
            .parse::<u64>()
            .map(|n| json!(n))
            .map_err(|_| bad("a whole number"))?,
        (Shape::WholeNumber, _) => return Err(bad("a whole number")),
        (Shape::Bool, Value::Bool(_)) => setting.value.clone(),
        (Shape::Bool, Value::String(s)) => match s.trim() {
            "true" => json!(true),
            "false" => json!(false),
            _ => return Err(bad("true or false")),
        },
        (Shape::Bool, _) => return Err(bad("true or false")),
        (Shape::List, _) => json!(as_string_list(setting)?),
        (Shape::Text, Value::String(_)) => setting.value.clone(),
        (Shape::Text, Value::Number(n)) => json!(n.to_string()),
        (Shape::Text, Value::Bool(_) | Value::Null | Value::Array(_) | Value::Object(_)) => {
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
pub fn as_string_list(setting: &Setting) -> Result<Vec<String>> {
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
