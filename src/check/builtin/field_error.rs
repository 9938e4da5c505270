//! One refusal of the API server's built-in validation, written as the
//! server writes it (apimachinery `pkg/util/validation/field/errors.go`,
//! `Error.Error`): `spec.rules[0].host: Invalid value: "1.2.3.4": must be a
//! DNS name, not an IP address`. Users search for these texts, and the
//! tests compare them with what `kubectl apply` prints.

use std::fmt;

/// The offending value as the server shows it: strings quoted, numbers
/// bare, and nothing at all for values it omits (a Secret's data, an
/// over-long annotation set).
#[derive(Debug, Clone, PartialEq)]
pub enum BadValue {
    Text(String),
    Number(i64),
    /// Shown as JSON, as the server marshals structured values.
    Json(String),
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Go's %q and JSON agree on printable text, which is all a
            // manifest field holds in practice.
            BadValue::Text(text) => write!(f, "{}", serde_json::Value::from(text.as_str())),
            BadValue::Number(number) => write!(f, "{number}"),
            BadValue::Json(json) => f.write_str(json),
        }
    }
}

/// The error types the checks here produce (`field.ErrorType`).
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Invalid(BadValue),
    Required,
    Duplicate(BadValue),
    NotSupported(BadValue),
    TooLong,
}

/// A field path, an error type and the detail text.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub path: String,
    pub kind: Kind,
    pub detail: String,
}

impl FieldError {
    pub fn invalid(path: &str, value: BadValue, detail: impl Into<String>) -> FieldError {
        FieldError::new(path, Kind::Invalid(value), detail)
    }

    /// One `Invalid value` per message of a format check (the server adds
    /// one error per message, not one per field).
    pub fn invalid_each(path: &str, value: &str, messages: Vec<String>) -> Vec<FieldError> {
        messages
            .into_iter()
            .map(|m| FieldError::invalid(path, BadValue::Text(value.to_string()), m))
            .collect()
    }

    pub fn required(path: &str, detail: impl Into<String>) -> FieldError {
        FieldError::new(path, Kind::Required, detail)
    }

    pub fn duplicate(path: &str, value: BadValue) -> FieldError {
        FieldError::new(path, Kind::Duplicate(value), "")
    }

    /// `supported values: "A", "B"`, as `field.NotSupported` lists them.
    pub fn not_supported(path: &str, value: &str, supported: &[&str]) -> FieldError {
        let listed: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
        FieldError::new(
            path,
            Kind::NotSupported(BadValue::Text(value.to_string())),
            format!("supported values: {}", listed.join(", ")),
        )
    }

    /// `field.TooLong`: the value is never shown.
    pub fn too_long_bytes(path: &str, max: usize) -> FieldError {
        FieldError::new(
            path,
            Kind::TooLong,
            format!("may not be more than {max} bytes"),
        )
    }

    fn new(path: &str, kind: Kind, detail: impl Into<String>) -> FieldError {
        FieldError {
            path: path.to_string(),
            kind,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path)?;
        match &self.kind {
            Kind::Invalid(value) => write!(f, "Invalid value: {value}")?,
            Kind::Duplicate(value) => write!(f, "Duplicate value: {value}")?,
            Kind::NotSupported(value) => write!(f, "Unsupported value: {value}")?,
            Kind::Required => f.write_str("Required value")?,
            Kind::TooLong => f.write_str("Too long")?,
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// `path[key]`: apimachinery's `Path.Key` always brackets a map key.
pub fn key(path: &str, key: &str) -> String {
    format!("{path}[{key}]")
}

/// `path[index]`.
pub fn index(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_as_the_api_server_writes_them() {
        let host = FieldError::invalid(
            "spec.rules[0].host",
            BadValue::Text("1.2.3.4".into()),
            "must be a DNS name, not an IP address",
        );
        assert_eq!(
            host.to_string(),
            r#"spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address"#
        );
        assert_eq!(
            FieldError::required("data[tls.key]", "").to_string(),
            "data[tls.key]: Required value"
        );
        assert_eq!(
            FieldError::not_supported("p", "Foo", &["Exact", "Prefix"]).to_string(),
            r#"p: Unsupported value: "Foo": supported values: "Exact", "Prefix""#
        );
        assert_eq!(
            FieldError::too_long_bytes("metadata.annotations", 262144).to_string(),
            "metadata.annotations: Too long: may not be more than 262144 bytes"
        );
        assert_eq!(
            FieldError::invalid("p", BadValue::Number(70000), "x").to_string(),
            "p: Invalid value: 70000: x"
        );
    }
}
