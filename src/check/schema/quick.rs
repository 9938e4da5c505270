//! A yes/no answer to "does this object satisfy its schema?" read straight
//! from the schema, without compiling it. Compiling a schema with
//! `jsonschema` (meta-schema check, validator tree) was two thirds of a
//! render's instructions, for objects that are almost always valid.
//!
//! The answer is one-sided on purpose: `true` only when every keyword met
//! is one understood here and holds. Anything else — an unknown keyword, a
//! format that `jsonschema` checks, a pattern the `regex` crate cannot take,
//! a `$ref` that is not a local pointer — is `false`, and the caller then
//! compiles the schema and lets `jsonschema` decide and word the messages.
//! Being stricter than `jsonschema` costs time, never correctness.
//!
//! The schemas are read at build time: `build.rs` writes each as `static`
//! [`Node`]s (`src/check/schema/generate.rs`), so a render neither parses
//! nor allocates a schema for this check.

use serde_json::{Number, Value};

include!(concat!(env!("OUT_DIR"), "/quick_forms.rs"));

/// Formats `jsonschema` does not know and so ignores (`ignore_unknown_formats`
/// is its default): the OpenAPI number formats of Kubernetes schemas.
const IGNORED_FORMATS: &[&str] = &["int32", "int64", "double"];

/// Whether `instance` has the `format` as `jsonschema` checks it; `false`
/// (not sure) for formats checked only there.
fn format_holds(format: &str, instance: &Value) -> bool {
    match (format, instance) {
        (_, _) if IGNORED_FORMATS.contains(&format) => true,
        ("byte", Value::String(text)) => is_base64(text),
        ("date-time", Value::String(text)) => {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .is_ok()
        }
        ("byte" | "date-time", _) => true,
        _ => false,
    }
}

/// The OpenAPI `byte` format: standard base64 (the API server decodes
/// Secret `data` with it). Also given to `jsonschema`, which does not know it.
pub(super) fn is_base64(text: &str) -> bool {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .is_ok()
}

/// What [`Schema::to_value`] gives for [`Schema::Unsure`].
#[cfg(test)]
pub(super) const UNSURE: &str = "deferred to jsonschema";

/// Beyond this depth of nested schemas the answer is "not sure": a `$ref`
/// cycle that does not descend into the object cannot loop.
const MAX_DEPTH: usize = 128;

/// The quick form of the embedded schema `file` (the name in `schemas/`),
/// or `None` when it uses a keyword the quick check does not know: then
/// every object of its kind goes to `jsonschema`.
pub(super) fn form(file: &str) -> Option<Schema> {
    QUICK_FORMS
        .iter()
        .find(|(name, _)| *name == file)
        .and_then(|(_, form)| *form)
}

/// A schema as the quick check reads it: only the keywords it understands
/// (`src/check/schema/keywords.rs`), as `static` data written by `build.rs`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Schema {
    Bool(bool),
    /// A schema object with a keyword of `keywords::DEFERRED`.
    Unsure,
    Node(&'static Node),
}

/// The keywords of one schema object; `None`: absent.
#[derive(Debug)]
pub(super) struct Node {
    reference: Option<&'static str>,
    types: Option<&'static [&'static str]>,
    allowed: Option<&'static [Literal]>,
    properties: Option<Named>,
    additional_properties: Option<Schema>,
    required: Option<&'static [&'static str]>,
    items: Option<Schema>,
    pattern: Option<&'static str>,
    format: Option<&'static str>,
    /// Apart, because few schemas have any: a `Node` stays small.
    bounds: Option<&'static Bounds>,
    defs: Option<Named>,
    definitions: Option<Named>,
}

impl Node {
    /// What the generated statics leave out.
    const EMPTY: Node = Node {
        reference: None,
        types: None,
        allowed: None,
        properties: None,
        additional_properties: None,
        required: None,
        items: None,
        pattern: None,
        format: None,
        bounds: None,
        defs: None,
        definitions: None,
    };

    fn bounds(&self) -> &Bounds {
        self.bounds.unwrap_or(&Bounds::NONE)
    }
}

/// The numeric keywords of one schema object.
#[derive(Debug)]
struct Bounds {
    min_length: Option<u64>,
    max_length: Option<u64>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    min_properties: Option<u64>,
    max_properties: Option<u64>,
    minimum: Option<Num>,
    maximum: Option<Num>,
}

impl Bounds {
    const NONE: Bounds = Bounds {
        min_length: None,
        max_length: None,
        min_items: None,
        max_items: None,
        min_properties: None,
        max_properties: None,
        minimum: None,
        maximum: None,
    };
}

/// `properties`, `$defs`: schemas by name, in file order. A list searched
/// in order, not a hash map: a level has a handful of names.
type Named = &'static [(&'static str, Schema)];

fn get(named: Named, name: &str) -> Option<&'static Schema> {
    named.iter().find(|(n, _)| *n == name).map(|(_, s)| s)
}

/// One value of `enum`: the kinds of JSON value the generator writes (a
/// fraction, a list or an object makes the schema not understood).
/// Integers are split as `serde_json` splits them, so equality is exact.
#[derive(Debug)]
#[allow(
    dead_code,
    reason = "build.rs writes the kinds of value the schemas of today have"
)]
enum Literal {
    Null,
    Bool(bool),
    Unsigned(u64),
    Negative(i64),
    Str(&'static str),
}

impl Literal {
    /// Equal as `serde_json::Value`s are: `1.0` is not `1`.
    fn equals(&self, instance: &Value) -> bool {
        match self {
            Literal::Null => instance.is_null(),
            Literal::Bool(b) => instance.as_bool() == Some(*b),
            Literal::Unsigned(u) => instance.as_u64() == Some(*u),
            Literal::Negative(i) => instance.as_i64() == Some(*i),
            Literal::Str(s) => instance.as_str() == Some(*s),
        }
    }
}

/// `minimum`, `maximum`, as `serde_json` holds a number: integers apart
/// from fractions, so that comparing integers stays exact.
#[derive(Debug, Clone, Copy)]
#[allow(
    dead_code,
    reason = "build.rs writes the kinds of number the schemas of today have"
)]
enum Num {
    Unsigned(u64),
    Negative(i64),
    Float(f64),
}

impl Num {
    fn number(self) -> Number {
        match self {
            Num::Unsigned(u) => u.into(),
            Num::Negative(i) => i.into(),
            Num::Float(f) => Number::from_f64(f).expect("JSON numbers are finite"),
        }
    }
}

/// Whether `instance` is valid against `schema`, whose `$ref`s point into
/// its `$defs` or `definitions`.
pub(super) fn is_valid(schema: Schema, instance: &Value) -> bool {
    Walk { root: schema }.valid(schema, instance, 0)
}

struct Walk {
    root: Schema,
}

impl Walk {
    fn valid(&self, schema: Schema, instance: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match schema {
            Schema::Bool(allowed) => allowed,
            Schema::Unsure => false,
            Schema::Node(node) => self.node(node, instance, depth + 1),
        }
    }

    /// Every keyword of `node` holds. In draft 7 a `$ref` hides its
    /// siblings; checking them as well is only stricter. Keywords for
    /// another type than the instance's hold.
    fn node(&self, node: &Node, instance: &Value, depth: usize) -> bool {
        let bounds = node.bounds();
        node.reference.is_none_or(|r| {
            self.resolve(r)
                .is_some_and(|t| self.valid(t, instance, depth))
        }) && node
            .types
            .is_none_or(|t| t.iter().any(|name| has_type(instance, name)))
            && node
                .allowed
                .is_none_or(|e| e.iter().any(|l| l.equals(instance)))
            && node.format.is_none_or(|f| format_holds(f, instance))
            && match instance {
                Value::Object(fields) => self.object(node, fields, depth),
                Value::Array(items) => {
                    within(items.len(), bounds.min_items, bounds.max_items)
                        && node
                            .items
                            .is_none_or(|s| items.iter().all(|item| self.valid(s, item, depth)))
                }
                Value::String(text) => {
                    within(text.chars().count(), bounds.min_length, bounds.max_length)
                        && node
                            .pattern
                            .is_none_or(|p| super::pattern::matches(p, text))
                }
                Value::Number(n) => {
                    bounds.minimum.is_none_or(|m| !less(n, &m.number()))
                        && bounds.maximum.is_none_or(|m| !less(&m.number(), n))
                }
                _ => true,
            }
    }

    fn object(&self, node: &Node, fields: &serde_json::Map<String, Value>, depth: usize) -> bool {
        let bounds = node.bounds();
        within(fields.len(), bounds.min_properties, bounds.max_properties)
            && node
                .required
                .is_none_or(|names| names.iter().all(|name| fields.contains_key(*name)))
            && fields.iter().all(
                |(name, field)| match node.properties.and_then(|p| get(p, name)) {
                    Some(declared) => self.valid(*declared, field, depth),
                    None => node
                        .additional_properties
                        .is_none_or(|s| self.valid(s, field, depth)),
                },
            )
    }

    /// `#/$defs/NAME` or `#/definitions/NAME` of the root; any other
    /// reference is "not sure".
    fn resolve(&self, reference: &str) -> Option<Schema> {
        let Schema::Node(root) = self.root else {
            return None;
        };
        let (defs, name) = match reference.split_once('/').map(|(_, r)| r) {
            Some(r) => match r.split_once('/') {
                Some(("$defs", name)) => (root.defs?, name),
                Some(("definitions", name)) => (root.definitions?, name),
                _ => return None,
            },
            None => return None,
        };
        if reference.starts_with("#/") && !name.contains(['/', '~']) {
            get(defs, name).copied()
        } else {
            None
        }
    }
}

/// `count` is within the optional bounds.
fn within(count: usize, min: Option<u64>, max: Option<u64>) -> bool {
    let count = count as u64;
    min.is_none_or(|m| count >= m) && max.is_none_or(|m| count <= m)
}

/// Integers are only the ones written without a fraction: `jsonschema` also
/// takes `1.0`, and being stricter only costs a compile.
fn has_type(instance: &Value, name: &str) -> bool {
    match name {
        "object" => instance.is_object(),
        "array" => instance.is_array(),
        "string" => instance.is_string(),
        "boolean" => instance.is_boolean(),
        "null" => instance.is_null(),
        "number" => instance.is_number(),
        "integer" => instance.is_i64() || instance.is_u64(),
        _ => false,
    }
}

/// `a < b`, exact for integers; with a fraction on either side, `f64`.
fn less(a: &Number, b: &Number) -> bool {
    if let (Some(a), Some(b)) = (a.as_i64(), b.as_i64()) {
        return a < b;
    }
    if let (Some(a), Some(b)) = (a.as_u64(), b.as_u64()) {
        return a < b;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(a), Some(b)) => a < b,
        _ => true,
    }
}

/// The JSON a quick form was generated from, less its annotations and with
/// each `type` as a list: what a test compares with the embedded schema to
/// check the generated statics against the JSON schemas.
#[cfg(test)]
impl Schema {
    pub(super) fn to_value(self) -> Value {
        let node = match self {
            Schema::Bool(allowed) => return Value::Bool(allowed),
            Schema::Unsure => return Value::String(UNSURE.to_string()),
            Schema::Node(node) => node,
        };
        let mut keywords = serde_json::Map::new();
        let mut put = |keyword: &str, value: Option<Value>| {
            if let Some(value) = value {
                keywords.insert(keyword.to_string(), value);
            }
        };
        let named = |named: Named| {
            Value::Object(
                named
                    .iter()
                    .map(|(n, s)| (n.to_string(), s.to_value()))
                    .collect(),
            )
        };
        let strings = |names: &[&str]| Value::from(names.to_vec());
        put("$ref", node.reference.map(Value::from));
        put("type", node.types.map(strings));
        put(
            "enum",
            node.allowed
                .map(|e| e.iter().map(Literal::to_value).collect()),
        );
        put("properties", node.properties.map(named));
        put(
            "additionalProperties",
            node.additional_properties.map(Schema::to_value),
        );
        put("required", node.required.map(strings));
        put("items", node.items.map(Schema::to_value));
        put("pattern", node.pattern.map(Value::from));
        put("format", node.format.map(Value::from));
        put("$defs", node.defs.map(named));
        put("definitions", node.definitions.map(named));
        let bounds = node.bounds();
        put("minLength", bounds.min_length.map(Value::from));
        put("maxLength", bounds.max_length.map(Value::from));
        put("minItems", bounds.min_items.map(Value::from));
        put("maxItems", bounds.max_items.map(Value::from));
        put("minProperties", bounds.min_properties.map(Value::from));
        put("maxProperties", bounds.max_properties.map(Value::from));
        put("minimum", bounds.minimum.map(|n| Value::Number(n.number())));
        put("maximum", bounds.maximum.map(|n| Value::Number(n.number())));
        Value::Object(keywords)
    }
}

#[cfg(test)]
impl Literal {
    fn to_value(&self) -> Value {
        match *self {
            Literal::Null => Value::Null,
            Literal::Bool(b) => b.into(),
            Literal::Unsigned(u) => u.into(),
            Literal::Negative(i) => i.into(),
            Literal::Str(s) => s.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `{"type": ["string", "integer"], "maxLength": 3, "minimum": 2}`
    static STRING_OR_INTEGER: Node = Node {
        types: Some(&["string", "integer"]),
        bounds: Some(&Bounds {
            max_length: Some(3),
            minimum: Some(Num::Unsigned(2)),
            ..Bounds::NONE
        }),
        ..Node::EMPTY
    };

    #[test]
    fn keywords_hold_for_their_own_type_only() {
        let valid = |instance| is_valid(Schema::Node(&STRING_OR_INTEGER), &instance);
        assert!(valid(json!("abc")));
        assert!(!valid(json!("abcd")));
        assert!(valid(json!(2)));
        assert!(!valid(json!(1)));
        assert!(!valid(json!(2.5)));
        assert!(!valid(json!(true)));
    }

    /// `{"$defs": {"port": {"type": "integer", "maximum": 65535}},
    ///   "properties": {"port": {"$ref": "#/$defs/port"}},
    ///   "required": ["port"], "additionalProperties": false}`
    static PORTS: Node = Node {
        defs: Some(&[("port", Schema::Node(&PORT))]),
        properties: Some(&[("port", Schema::Node(&PORT_REF))]),
        required: Some(&["port"]),
        additional_properties: Some(Schema::Bool(false)),
        ..Node::EMPTY
    };
    static PORT: Node = Node {
        types: Some(&["integer"]),
        bounds: Some(&Bounds {
            maximum: Some(Num::Unsigned(65535)),
            ..Bounds::NONE
        }),
        ..Node::EMPTY
    };
    static PORT_REF: Node = Node {
        reference: Some("#/$defs/port"),
        ..Node::EMPTY
    };
    /// `{"properties": {"a": {"$ref": "other.json#/x"}}}`
    static ELSEWHERE: Node = Node {
        properties: Some(&[("a", Schema::Node(&ELSEWHERE_REF))]),
        ..Node::EMPTY
    };
    static ELSEWHERE_REF: Node = Node {
        reference: Some("other.json#/x"),
        ..Node::EMPTY
    };

    #[test]
    fn references_properties_and_additional_properties() {
        let valid = |instance| is_valid(Schema::Node(&PORTS), &instance);
        assert!(valid(json!({"port": 443})));
        assert!(!valid(json!({"port": 70000})));
        assert!(!valid(json!({})));
        assert!(!valid(json!({"port": 443, "prot": 1})));
        let elsewhere = is_valid(Schema::Node(&ELSEWHERE), &json!({"a": 1}));
        assert!(!elsewhere, "not sure is not valid");
    }

    /// `{"enum": [null, true, 1, -1, "a"]}`, and bounds beyond `i64`.
    static LITERALS: Node = Node {
        allowed: Some(&[
            Literal::Null,
            Literal::Bool(true),
            Literal::Unsigned(1),
            Literal::Negative(-1),
            Literal::Str("a"),
        ]),
        ..Node::EMPTY
    };
    static HUGE: Node = Node {
        bounds: Some(&Bounds {
            minimum: Some(Num::Unsigned(u64::MAX - 1)),
            maximum: Some(Num::Float(1.9e19)),
            ..Bounds::NONE
        }),
        ..Node::EMPTY
    };

    /// `enum` compares as `serde_json::Value`s do, and integer bounds stay
    /// exact where an `f64` would round `u64::MAX - 1` up to `u64::MAX`.
    #[test]
    fn literals_and_bounds_compare_as_json_values() {
        let literals = LITERALS.allowed.unwrap();
        for instance in [
            json!(null),
            json!(true),
            json!(1),
            json!(-1),
            json!("a"),
            json!(1.0),
            json!(false),
            json!("b"),
            json!(-1.0),
        ] {
            let expected = literals
                .iter()
                .map(Literal::to_value)
                .any(|l| l == instance);
            assert_eq!(
                is_valid(Schema::Node(&LITERALS), &instance),
                expected,
                "{instance}"
            );
        }
        assert!(is_valid(Schema::Node(&HUGE), &json!(u64::MAX)));
        assert!(is_valid(Schema::Node(&HUGE), &json!(u64::MAX - 1)));
        assert!(!is_valid(Schema::Node(&HUGE), &json!(u64::MAX - 2)));
    }
}
