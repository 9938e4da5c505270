//! One schema failure, found by the quick walk ([`super::quick`]) or by
//! `jsonschema`, and worded as the Kubernetes API server words it, so that
//! both paths print the same message and a user reads what `kubectl apply`
//! would have said.
//!
//! The API server validates a custom resource with kube-openapi
//! (`pkg/validation/errors/schema.go`: `in body should match '%s'`, `in body
//! must be of type %s: %q`, `in body should be greater than or equal to %v`,
//! …; `pkg/validation/validate/schema_messages.go`: the `oneOf`, `anyOf` and
//! `not` messages), then turns each error into an apimachinery `field.Error`
//! (apiextensions-apiserver `pkg/apiserver/validation/validation.go`,
//! `kubeOpenAPIResultToFieldErrors`: Required, NotSupported, TooLong,
//! TooMany, TypeInvalid, else Invalid), which prints as `Type: value: detail`
//! (apimachinery `pkg/util/validation/field/errors.go`, `ErrorBody`). An
//! unknown field is refused by strict decoding with `unknown field "%s"`
//! (apiextensions-apiserver `pkg/apiserver/customresource_handler.go`).

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::ValidationError;
use serde_json::Value;

/// Where a failure is (a JSON Pointer into the checked instance) and what.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Failure {
    pub pointer: String,
    pub kind: Kind,
}

/// What failed, with what the message needs.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    /// `property` is missing from the object at the pointer.
    Required {
        property: String,
    },
    /// `field` of the object at the pointer is not declared; `allowed` are
    /// the declared ones, for the hint.
    Unknown {
        field: String,
        allowed: Vec<String>,
    },
    Type {
        expected: Vec<String>,
    },
    Enum {
        allowed: Vec<Value>,
    },
    MinLength(u64),
    MaxLength(u64),
    MinItems(u64),
    MaxItems(u64),
    MinProperties(u64),
    MaxProperties(u64),
    Minimum(Value),
    Maximum(Value),
    Pattern(String),
    Format(String),
    OneOfNone,
    OneOfMany(usize),
    AnyOf,
    Not,
    /// A keyword the quick walk never decides: `jsonschema`'s own words.
    Other(String),
}

impl Kind {
    /// Whether the API server runs no CEL rule on an object with this
    /// error: a wrong type, a value outside its enum, a missing required
    /// field, a string, list or map too long (apiextensions-apiserver
    /// `pkg/registry/customresource/strategy.go`, `hasBlockingErr`: the
    /// object has not the shape its rules were written for), or an unknown
    /// field, which strict decoding refuses before any rule runs. Other
    /// errors (a pattern, a minimum) leave the rules to run, and their
    /// messages add up.
    pub fn blocks_rules(&self) -> bool {
        matches!(
            self,
            Kind::Type { .. }
                | Kind::Enum { .. }
                | Kind::Required { .. }
                | Kind::MaxLength(_)
                | Kind::MaxItems(_)
                | Kind::MaxProperties(_)
                | Kind::Unknown { .. }
        )
    }
}

/// The failures of one `jsonschema` error: one per unknown field, and for a
/// `oneOf` or `anyOf` its own failure followed by those of the branch that
/// failed least (see [`best_branch`]). `allowed` gives the declared
/// properties next to a failed `additionalProperties` (its schema path).
pub(super) fn from_jsonschema(
    error: &ValidationError<'_>,
    allowed: &dyn Fn(&str) -> Vec<String>,
) -> Vec<Failure> {
    let pointer = error.instance_path().as_str().to_string();
    let one = |kind| {
        vec![Failure {
            pointer: pointer.clone(),
            kind,
        }]
    };
    let with_best = |kind, context: &[Vec<ValidationError<'static>>]| {
        let branches: Vec<Vec<Failure>> = context
            .iter()
            .map(|branch| {
                branch
                    .iter()
                    .flat_map(|e| from_jsonschema(e, allowed))
                    .collect()
            })
            .collect();
        let mut failures = one(kind);
        failures.extend(best_branch(branches));
        failures
    };
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed(error.schema_path().as_str());
            unexpected
                .iter()
                .map(|field| Failure {
                    pointer: pointer.clone(),
                    kind: Kind::Unknown {
                        field: field.clone(),
                        allowed: allowed.clone(),
                    },
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => one(Kind::Required {
            property: property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_string),
        }),
        ValidationErrorKind::Type { kind } => one(Kind::Type {
            expected: match kind {
                TypeKind::Single(t) => vec![t.to_string()],
                TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
            },
        }),
        ValidationErrorKind::Enum { options } => one(Kind::Enum {
            allowed: options.as_array().cloned().unwrap_or_default(),
        }),
        ValidationErrorKind::MinLength { limit } => one(Kind::MinLength(*limit)),
        ValidationErrorKind::MaxLength { limit } => one(Kind::MaxLength(*limit)),
        ValidationErrorKind::MinItems { limit } => one(Kind::MinItems(*limit)),
        ValidationErrorKind::MaxItems { limit } => one(Kind::MaxItems(*limit)),
        ValidationErrorKind::MinProperties { limit } => one(Kind::MinProperties(*limit)),
        ValidationErrorKind::MaxProperties { limit } => one(Kind::MaxProperties(*limit)),
        ValidationErrorKind::Minimum { limit } => one(Kind::Minimum(limit.clone())),
        ValidationErrorKind::Maximum { limit } => one(Kind::Maximum(limit.clone())),
        ValidationErrorKind::Pattern { pattern } => one(Kind::Pattern(pattern.clone())),
        ValidationErrorKind::Format { format } => one(Kind::Format(format.clone())),
        ValidationErrorKind::Not { .. } => one(Kind::Not),
        ValidationErrorKind::AnyOf { context } => with_best(Kind::AnyOf, context),
        ValidationErrorKind::OneOfNotValid { context } => with_best(Kind::OneOfNone, context),
        ValidationErrorKind::OneOfMultipleValid { context } => one(Kind::OneOfMany(
            context.iter().filter(|b| b.is_empty()).count(),
        )),
        _ => one(Kind::Other(error.masked_with("the value").to_string())),
    }
}

/// The failures kube-openapi reports with a failed `oneOf` or `anyOf`: those
/// of one branch. `schema_props.go` keeps the branch with the most checks
/// that passed (`MatchCount`), the first of equals; this keeps the one with
/// the fewest failures of its own, not counting the `oneOf` and `anyOf`
/// failures that only sum up the ones below them, the first of equals. For
/// the Gateway's address `1.2.3.4:8080` both pick the `IPAddress` branch
/// and its `ipv4` failure, as the Gateway API conformance suite expects.
pub(super) fn best_branch(branches: Vec<Vec<Failure>>) -> Vec<Failure> {
    let own = |branch: &Vec<Failure>| {
        let summary =
            |f: &&Failure| matches!(f.kind, Kind::AnyOf | Kind::OneOfNone | Kind::OneOfMany(_));
        branch.iter().filter(|f| !summary(f)).count()
    };
    branches
        .into_iter()
        .filter(|b| !b.is_empty())
        .min_by_key(own)
        .unwrap_or_default()
}

/// Shown in place of a value that is not to be printed: Secret data, and
/// values too long to read in a message (apimachinery's own placeholder).
const OMITTED: &str = "\"<value omitted>\"";

/// One failure as the API server prints it, without the object: the field
/// path (kubectl-style, `path` is the failure's pointer turned into one,
/// `""` at the top) and the message. `value` is the value at the pointer.
///
/// The message names the field by its path from the root kube-openapi
/// validated, `in body`: the object's, except for a failure in `status`,
/// which the API server validates only on the status subresource, with the
/// status as root and `status` put back in front of the field path alone
/// (apiextensions-apiserver `pkg/registry/customresource/validator.go`,
/// `ValidateStatusUpdate`): `status.addresses[0].value: Invalid value: …:
/// addresses[0].value in body must be of type ipv4: …`.
pub(super) fn word(kind: &Kind, path: &str, value: &Value, secret: bool) -> (String, String) {
    let shown = || show(value, secret);
    let name = match path.strip_prefix("status.") {
        Some(rest) => rest,
        None if path.is_empty() => "body",
        None => path,
    };
    let message = match kind {
        Kind::Required { property } => {
            return (crate::k8s::field_path::child(path, property), "Required value".into())
        }
        Kind::Unknown { field, .. } => {
            let field = crate::k8s::field_path::child(path, field);
            let message = format!("unknown field {}", go_quote(&field));
            return (field, message);
        }
        // TypeInvalid, the value being the type kube-openapi found.
        Kind::Type { expected } => {
            let found = go_quote(type_name(value));
            let expected = expected.join(",");
            format!("Invalid value: {found}: {name} in body must be of type {expected}: {found}")
        }
        Kind::Enum { allowed } => {
            let values: Vec<String> = allowed
                .iter()
                .map(|v| match v {
                    Value::String(s) => go_quote(s),
                    other => go_quote(&other.to_string()),
                })
                .collect();
            format!(
                "Unsupported value: {}: supported values: {}",
                shown(),
                values.join(", ")
            )
        }
        Kind::MaxLength(limit) => format!("Too long: may not be more than {limit} {}", plural(*limit, "byte")),
        Kind::MaxItems(limit) => too_many(value.as_array().map_or(0, Vec::len), *limit),
        Kind::MaxProperties(limit) => too_many(value.as_object().map_or(0, |o| o.len()), *limit),
        Kind::MinLength(limit) => {
            format!("Invalid value: {}: {name} in body should be at least {limit} chars long", shown())
        }
        Kind::MinItems(limit) => {
            let size = value.as_array().map_or(0, Vec::len);
            format!("Invalid value: {size}: {name} in body should have at least {limit} items")
        }
        Kind::MinProperties(limit) => {
            let size = value.as_object().map_or(0, |o| o.len());
            format!("Invalid value: {size}: {name} in body should have at least {limit} properties")
        }
        Kind::Minimum(limit) => format!(
            "Invalid value: {}: {name} in body should be greater than or equal to {limit}",
            shown()
        ),
        Kind::Maximum(limit) => format!(
            "Invalid value: {}: {name} in body should be less than or equal to {limit}",
            shown()
        ),
        Kind::Pattern(pattern) => {
            format!("Invalid value: {}: {name} in body should match '{pattern}'", shown())
        }
        Kind::Format(format) => {
            let shown = shown();
            format!("Invalid value: {shown}: {name} in body must be of type {format}: {shown}")
        }
        // Not `Validation` errors: the API server reports them as
        // `field.Invalid(nil, "", err.Error())`.
        Kind::OneOfNone => format!(
            "Invalid value: \"\": {} must validate one and only one schema (oneOf). Found none valid",
            go_quote(name)
        ),
        Kind::OneOfMany(valid) => format!(
            "Invalid value: \"\": {} must validate one and only one schema (oneOf). Found {valid} valid alternatives",
            go_quote(name)
        ),
        Kind::AnyOf => format!(
            "Invalid value: \"\": {} must validate at least one schema (anyOf)",
            go_quote(name)
        ),
        Kind::Not => format!(
            "Invalid value: \"\": {} must not validate the schema (not)",
            go_quote(name)
        ),
        Kind::Other(text) => format!("Invalid value: {}: {text}", shown()),
    };
    (path.to_string(), message)
}

/// `field.TooMany`: `Too many: 20: must have at most 16 items`.
fn too_many(actual: usize, limit: u64) -> String {
    format!(
        "Too many: {actual}: must have at most {limit} {}",
        plural(limit, "item")
    )
}

fn plural(count: u64, noun: &str) -> String {
    match count {
        1 => noun.to_string(),
        _ => format!("{noun}s"),
    }
}

/// The JSON type kube-openapi names for a value (`validate/type.go`,
/// `schemaInfoForType`): an integer is `integer`, any other number `number`.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A bad value as `field.Error` prints it: a string quoted (`%q`), a number
/// or boolean bare, anything else as JSON. Secret data, lists, objects and
/// values longer than 80 characters are [`OMITTED`].
fn show(value: &Value, secret: bool) -> String {
    let text = match value {
        Value::String(s) => go_quote(s),
        other => other.to_string(),
    };
    if secret || value.is_array() || value.is_object() || text.len() > 80 {
        OMITTED.to_string()
    } else {
        text
    }
}

/// Go's `strconv.Quote`: printable characters as they are, the usual
/// escapes, other control characters as `\xNN`.
pub(super) fn go_quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            '\u{7}' => quoted.push_str("\\a"),
            '\u{8}' => quoted.push_str("\\b"),
            '\u{c}' => quoted.push_str("\\f"),
            '\u{b}' => quoted.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                quoted.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => quoted.push_str(&format!("\\u{:04x}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn worded(kind: Kind, path: &str, value: Value) -> String {
        let (field, message) = word(&kind, path, &value, false);
        format!("{field}: {message}")
    }

    /// The texts of apimachinery's and kube-openapi's sources, filled in.
    #[test]
    fn failures_are_worded_as_the_api_server_words_them() {
        let enum_ = Kind::Enum {
            allowed: vec![
                json!("Exact"),
                json!("PathPrefix"),
                json!("RegularExpression"),
            ],
        };
        assert_eq!(
            worded(enum_, "spec.rules[0].matches[0].path.type", json!("FooBar")),
            "spec.rules[0].matches[0].path.type: Unsupported value: \"FooBar\": supported values: \"Exact\", \"PathPrefix\", \"RegularExpression\""
        );
        assert_eq!(
            worded(Kind::Pattern("^a$".into()), "spec.x[0]", json!("xpto.com")),
            "spec.x[0]: Invalid value: \"xpto.com\": spec.x[0] in body should match '^a$'"
        );
        assert_eq!(
            worded(Kind::Format("ipv4".into()), "spec.addresses[0].value", json!("1.2.3.4:8080")),
            "spec.addresses[0].value: Invalid value: \"1.2.3.4:8080\": spec.addresses[0].value in body must be of type ipv4: \"1.2.3.4:8080\""
        );
        assert_eq!(
            worded(
                Kind::Required {
                    property: "name".into()
                },
                "spec.rules[0]",
                json!({})
            ),
            "spec.rules[0].name: Required value"
        );
        assert_eq!(
            worded(Kind::MaxLength(253), "spec.hostname", json!("a")),
            "spec.hostname: Too long: may not be more than 253 bytes"
        );
        assert_eq!(
            worded(Kind::MaxItems(1), "spec.l", json!([1, 2])),
            "spec.l: Too many: 2: must have at most 1 item"
        );
        assert_eq!(
            worded(Kind::Minimum(json!(1)), "spec.port", json!(0)),
            "spec.port: Invalid value: 0: spec.port in body should be greater than or equal to 1"
        );
        assert_eq!(
            worded(Kind::Type { expected: vec!["string".into()] }, "spec.n", json!(3)),
            "spec.n: Invalid value: \"integer\": spec.n in body must be of type string: \"integer\""
        );
        assert_eq!(
            worded(
                Kind::Unknown {
                    field: "htp".into(),
                    allowed: vec![]
                },
                "spec.rules[0]",
                json!({})
            ),
            "spec.rules[0].htp: unknown field \"spec.rules[0].htp\""
        );
        assert_eq!(
            worded(Kind::OneOfNone, "spec.addresses[0]", json!({})),
            "spec.addresses[0]: Invalid value: \"\": \"spec.addresses[0]\" must validate one and only one schema (oneOf). Found none valid"
        );
    }

    #[test]
    fn a_failure_in_status_is_named_from_the_status() {
        assert_eq!(
            worded(Kind::Format("ipv4".into()), "status.addresses[0].value", json!("1.2.3.4:8080")),
            "status.addresses[0].value: Invalid value: \"1.2.3.4:8080\": addresses[0].value in body must be of type ipv4: \"1.2.3.4:8080\""
        );
        assert_eq!(
            worded(Kind::Pattern("^a$".into()), "statuses", json!("b")),
            "statuses: Invalid value: \"b\": statuses in body should match '^a$'"
        );
    }

    #[test]
    fn secret_and_long_values_are_omitted() {
        let (_, message) = word(&Kind::Pattern("^a$".into()), "data", &json!("SECRET"), true);
        assert!(!message.contains("SECRET"), "{message}");
        assert!(message.contains(OMITTED), "{message}");
        let long = json!("a".repeat(100));
        let (_, message) = word(&Kind::Pattern("^b$".into()), "x", &long, false);
        assert!(
            message.starts_with("Invalid value: \"<value omitted>\""),
            "{message}"
        );
    }

    #[test]
    fn strings_are_quoted_as_go_quotes_them() {
        assert_eq!(go_quote("a\"b\\c\nd\u{1}é"), "\"a\\\"b\\\\c\\nd\\x01é\"");
    }

    #[test]
    fn the_branch_with_fewest_failures_is_reported_first_of_equals() {
        let f = |p: &str| Failure {
            pointer: p.into(),
            kind: Kind::Not,
        };
        let best = best_branch(vec![vec![f("/a"), f("/b")], vec![f("/c")], vec![f("/d")]]);
        assert_eq!(best, vec![f("/c")]);
        let any_of = Failure {
            pointer: "/e".into(),
            kind: Kind::AnyOf,
        };
        let summed_up = vec![any_of, f("/e")];
        let best = best_branch(vec![summed_up.clone(), vec![f("/g")]]);
        assert_eq!(best, summed_up, "a summary is not a failure of its own");
    }
}
