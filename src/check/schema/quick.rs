//! A yes/no answer to "does this object satisfy its schema?" read straight
//! from the parsed schema, without compiling it. Compiling a schema with
//! `jsonschema` (meta-schema check, validator tree) was two thirds of a
//! render's instructions, for objects that are almost always valid.
//!
//! The answer is one-sided on purpose: `true` only when every keyword met
//! is one understood here and holds. Anything else — an unknown keyword, a
//! format that `jsonschema` checks, a pattern the `regex` crate cannot take,
//! a `$ref` that is not a local pointer — is `false`, and the caller then
//! compiles the schema and lets `jsonschema` decide and word the messages.
//! Being stricter than `jsonschema` costs time, never correctness.

use regex_automata::meta::{Builder, Config, Regex};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{LazyLock, Mutex};

/// Keywords that describe and never constrain (draft 7 and the Kubernetes
/// `x-kubernetes-*` extensions, which the API server evaluates, not schemas).
#[cfg(test)]
pub(super) const ANNOTATIONS: &[&str] =
    &["description", "title", "default", "$defs", "definitions"];

/// Formats `jsonschema` does not know and so ignores (`ignore_unknown_formats`
/// is its default): the OpenAPI number formats of Kubernetes schemas.
const IGNORED_FORMATS: &[&str] = &["int32", "int64", "double"];

/// Beyond this depth of nested schemas the answer is "not sure": a `$ref`
/// cycle that does not descend into the object cannot loop.
const MAX_DEPTH: usize = 128;

/// A schema as the quick check reads it: only the keywords it understands,
/// typed, with names and patterns borrowed from the embedded text. Reading
/// this costs a fraction of a `serde_json::Value` (no map of owned keys per
/// level), and a render reads a schema per kind. A keyword outside the
/// fields below fails the parse, and then every object of that kind goes
/// to `jsonschema` (see [`Schema::parse`]).
#[derive(Debug)]
pub(super) enum Schema<'a> {
    Bool(bool),
    Node(Box<Node<'a>>),
}

/// The keywords of one schema object.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Node<'a> {
    #[serde(rename = "$ref", borrow, default)]
    reference: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default)]
    types: Option<Types<'a>>,
    #[serde(rename = "enum", default)]
    allowed: Option<Vec<Value>>,
    #[serde(borrow, default)]
    properties: Option<Named<'a>>,
    #[serde(rename = "additionalProperties", borrow, default)]
    additional_properties: Option<Schema<'a>>,
    #[serde(borrow, default)]
    required: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    items: Option<Schema<'a>>,
    #[serde(rename = "minLength", default)]
    min_length: Option<u64>,
    #[serde(rename = "maxLength", default)]
    max_length: Option<u64>,
    #[serde(rename = "minItems", default)]
    min_items: Option<u64>,
    #[serde(rename = "maxItems", default)]
    max_items: Option<u64>,
    #[serde(rename = "minProperties", default)]
    min_properties: Option<u64>,
    #[serde(rename = "maxProperties", default)]
    max_properties: Option<u64>,
    #[serde(default)]
    minimum: Option<Number>,
    #[serde(default)]
    maximum: Option<Number>,
    #[serde(borrow, default)]
    pattern: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    format: Option<Cow<'a, str>>,
    #[serde(rename = "$defs", borrow, default)]
    defs: Option<Named<'a>>,
    #[serde(borrow, default)]
    definitions: Option<Named<'a>>,
    // Annotations: allowed, never read.
    #[serde(rename = "description", default)]
    _description: Option<IgnoredAny>,
    #[serde(rename = "title", default)]
    _title: Option<IgnoredAny>,
    #[serde(rename = "default", default)]
    _default: Option<IgnoredAny>,
}

/// `properties`, `$defs`: schemas by name, in file order. A list searched
/// in order, not a hash map: a level has a handful of names, and hashing
/// each while parsing cost more than every lookup a render makes.
#[derive(Debug, Default)]
pub(super) struct Named<'a>(Vec<(Cow<'a, str>, Schema<'a>)>);

impl<'a> Named<'a> {
    fn get(&self, name: &str) -> Option<&Schema<'a>> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Named<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NamedVisitor;
        impl<'de> Visitor<'de> for NamedVisitor {
            type Value = Named<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("schemas by name")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut named = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry::<Cow<'de, str>, Schema<'de>>()? {
                    named.push(entry);
                }
                Ok(Named(named))
            }
        }
        deserializer.deserialize_map(NamedVisitor)
    }
}

/// `type`: one name or a list of names.
#[derive(Debug)]
struct Types<'a>(Vec<Cow<'a, str>>);

impl<'a> Schema<'a> {
    /// The schema of `text`, or `None` when it uses a keyword (or a form of
    /// one) the quick check does not know.
    pub(super) fn parse(text: &'a str) -> Option<Schema<'a>> {
        serde_json::from_str(text).ok()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Schema<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SchemaVisitor;
        impl<'de> Visitor<'de> for SchemaVisitor {
            type Value = Schema<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a schema: true, false or an object")
            }
            fn visit_bool<E: de::Error>(self, allowed: bool) -> Result<Self::Value, E> {
                Ok(Schema::Bool(allowed))
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
                Node::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|node| Schema::Node(Box::new(node)))
            }
        }
        deserializer.deserialize_any(SchemaVisitor)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Types<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TypesVisitor;
        impl<'de> Visitor<'de> for TypesVisitor {
            type Value = Types<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a type name or a list of them")
            }
            fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Self::Value, E> {
                Ok(Types(vec![Cow::Borrowed(name)]))
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
                Ok(Types(vec![Cow::Owned(name.to_string())]))
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<Cow<'de, str>>()? {
                    names.push(name);
                }
                Ok(Types(names))
            }
        }
        deserializer.deserialize_any(TypesVisitor)
    }
}

/// Whether `instance` is valid against `schema`, whose `$ref`s point into
/// its `$defs` or `definitions`.
pub(super) fn is_valid(schema: &Schema<'_>, instance: &Value) -> bool {
    Walk { root: schema }.valid(schema, instance, 0)
}

struct Walk<'s, 'a> {
    root: &'s Schema<'a>,
}

impl Walk<'_, '_> {
    fn valid(&self, schema: &Schema<'_>, instance: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match schema {
            Schema::Bool(allowed) => *allowed,
            Schema::Node(node) => self.node(node, instance, depth + 1),
        }
    }

    /// Every keyword of `node` holds. In draft 7 a `$ref` hides its
    /// siblings; checking them as well is only stricter. Keywords for
    /// another type than the instance's hold.
    fn node(&self, node: &Node<'_>, instance: &Value, depth: usize) -> bool {
        node.reference.as_deref().is_none_or(|r| {
            self.resolve(r)
                .is_some_and(|t| self.valid(t, instance, depth))
        }) && node
            .types
            .as_ref()
            .is_none_or(|t| t.0.iter().any(|name| has_type(instance, name)))
            && node.allowed.as_ref().is_none_or(|e| e.contains(instance))
            && node
                .format
                .as_deref()
                .is_none_or(|f| IGNORED_FORMATS.contains(&f))
            && match instance {
                Value::Object(fields) => self.object(node, fields, depth),
                Value::Array(items) => {
                    within(items.len(), node.min_items, node.max_items)
                        && node
                            .items
                            .as_ref()
                            .is_none_or(|s| items.iter().all(|item| self.valid(s, item, depth)))
                }
                Value::String(text) => {
                    within(text.chars().count(), node.min_length, node.max_length)
                        && node.pattern.as_deref().is_none_or(|p| matches(p, text))
                }
                Value::Number(n) => {
                    node.minimum.as_ref().is_none_or(|m| !less(n, m))
                        && node.maximum.as_ref().is_none_or(|m| !less(m, n))
                }
                _ => true,
            }
    }

    fn object(
        &self,
        node: &Node<'_>,
        fields: &serde_json::Map<String, Value>,
        depth: usize,
    ) -> bool {
        within(fields.len(), node.min_properties, node.max_properties)
            && node
                .required
                .as_ref()
                .is_none_or(|names| names.iter().all(|name| fields.contains_key(name.as_ref())))
            && fields.iter().all(|(name, field)| {
                match node.properties.as_ref().and_then(|p| p.get(name)) {
                    Some(declared) => self.valid(declared, field, depth),
                    None => node
                        .additional_properties
                        .as_ref()
                        .is_none_or(|s| self.valid(s, field, depth)),
                }
            })
    }

    /// `#/$defs/NAME` or `#/definitions/NAME` of the root; any other
    /// reference is "not sure".
    fn resolve(&self, reference: &str) -> Option<&Schema<'_>> {
        let Schema::Node(root) = self.root else {
            return None;
        };
        let (defs, name) = match reference.split_once('/').map(|(_, r)| r) {
            Some(r) => match r.split_once('/') {
                Some(("$defs", name)) => (root.defs.as_ref()?, name),
                Some(("definitions", name)) => (root.definitions.as_ref()?, name),
                _ => return None,
            },
            None => return None,
        };
        if reference.starts_with("#/") && !name.contains(['/', '~']) {
            defs.get(name)
        } else {
            None
        }
    }
}

#[cfg(test)]
pub(super) fn is_annotation(key: &str) -> bool {
    ANNOTATIONS.contains(&key) || key.starts_with("x-kubernetes-")
}

/// The names the `quick` walk understands; a schema keyword outside these
/// and [`ANNOTATIONS`] sends every object of its kind to the compiler.
#[cfg(test)]
pub(super) const UNDERSTOOD: &[&str] = &[
    "$ref",
    "type",
    "enum",
    "properties",
    "additionalProperties",
    "required",
    "items",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minimum",
    "maximum",
    "pattern",
    "format",
];

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

/// The pattern translated from ECMA 262 as `jsonschema` does; a pattern
/// the `regex` crate refuses (look-around, back-references) never matches.
/// Only the PikeVM is built: the `regex` crate's default also builds a
/// one-pass DFA and a lazy DFA, which cost twice the compile time and pay
/// off only on long texts, not on names and paths.
fn matches(pattern: &str, text: &str) -> bool {
    static COMPILED: LazyLock<Mutex<HashMap<String, Option<Regex>>>> =
        LazyLock::new(Mutex::default);
    let mut compiled = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
    let regex = compiled.entry(pattern.to_string()).or_insert_with(|| {
        jsonschema_regex::to_rust_regex(pattern)
            .ok()
            .and_then(|p| pike_vm().build(&p).ok())
    });
    regex.as_ref().is_some_and(|r| r.is_match(text))
}

fn pike_vm() -> Builder {
    let mut builder = Builder::new();
    let only_pike_vm = Config::new()
        .onepass(false)
        .backtrack(false)
        .hybrid(false)
        .dfa(false);
    builder.configure(only_pike_vm);
    builder
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn valid(schema: &str, instance: Value) -> bool {
        is_valid(
            &Schema::parse(schema).expect("a readable schema"),
            &instance,
        )
    }

    #[test]
    fn a_keyword_it_does_not_know_makes_the_schema_unreadable() {
        assert!(Schema::parse(r#"{"patternProperties": {}}"#).is_none());
        assert!(Schema::parse(r#"{"items": [{"type": "string"}]}"#).is_none());
        assert!(Schema::parse(r#"{"type": "string", "description": "x"}"#).is_some());
    }

    #[test]
    fn keywords_hold_for_their_own_type_only() {
        let schema = r#"{"type": ["string", "integer"], "maxLength": 3, "minimum": 2}"#;
        assert!(valid(schema, json!("abc")));
        assert!(!valid(schema, json!("abcd")));
        assert!(valid(schema, json!(2)));
        assert!(!valid(schema, json!(1)));
        assert!(!valid(schema, json!(2.5)));
        assert!(!valid(schema, json!(true)));
    }

    #[test]
    fn references_properties_and_additional_properties() {
        let schema = r##"{
            "$defs": {"port": {"type": "integer", "maximum": 65535}},
            "properties": {"port": {"$ref": "#/$defs/port"}},
            "required": ["port"],
            "additionalProperties": false
        }"##;
        assert!(valid(schema, json!({"port": 443})));
        assert!(!valid(schema, json!({"port": 70000})));
        assert!(!valid(schema, json!({})));
        assert!(!valid(schema, json!({"port": 443, "prot": 1})));
        let elsewhere = r##"{"properties": {"a": {"$ref": "other.json#/x"}}}"##;
        assert!(!valid(elsewhere, json!({"a": 1})), "not sure is not valid");
    }
}
