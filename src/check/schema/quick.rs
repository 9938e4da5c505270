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
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// Keywords that describe and never constrain (draft 7 and the Kubernetes
/// `x-kubernetes-*` extensions, which the API server evaluates, not schemas).
pub(super) const ANNOTATIONS: &[&str] =
    &["description", "title", "default", "$defs", "definitions"];

/// Formats `jsonschema` does not know and so ignores (`ignore_unknown_formats`
/// is its default): the OpenAPI number formats of Kubernetes schemas.
const IGNORED_FORMATS: &[&str] = &["int32", "int64", "double"];

/// Beyond this depth of nested schemas the answer is "not sure": a `$ref`
/// cycle that does not descend into the object cannot loop.
const MAX_DEPTH: usize = 128;

/// Whether `instance` is valid against `schema`, whose `$ref`s point into `schema`.
pub(super) fn is_valid(schema: &Value, instance: &Value) -> bool {
    Walk { root: schema }.valid(schema, instance, 0)
}

struct Walk<'s> {
    root: &'s Value,
}

impl Walk<'_> {
    fn valid(&self, schema: &Value, instance: &Value, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match schema {
            Value::Bool(allowed) => *allowed,
            // In draft 7 a `$ref` hides its siblings; checking them as well
            // is only stricter.
            Value::Object(keywords) => keywords
                .iter()
                .all(|(key, value)| self.keyword(keywords, key, value, instance, depth)),
            _ => false,
        }
    }

    fn keyword(
        &self,
        schema: &Map<String, Value>,
        key: &str,
        value: &Value,
        instance: &Value,
        depth: usize,
    ) -> bool {
        let depth = depth + 1;
        match (key, instance) {
            ("$ref", _) => value
                .as_str()
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|pointer| self.root.pointer(pointer))
                .is_some_and(|target| self.valid(target, instance, depth)),
            ("type", _) => match value {
                Value::String(name) => has_type(instance, name),
                Value::Array(names) => names
                    .iter()
                    .any(|n| n.as_str().is_some_and(|n| has_type(instance, n))),
                _ => false,
            },
            ("enum", _) => value.as_array().is_some_and(|e| e.contains(instance)),
            ("properties", Value::Object(fields)) => value.as_object().is_some_and(|props| {
                fields.iter().all(|(name, field)| {
                    props.get(name).is_none_or(|s| self.valid(s, field, depth))
                })
            }),
            ("additionalProperties", Value::Object(fields)) => {
                let declared = schema.get("properties").and_then(Value::as_object);
                !schema.contains_key("patternProperties")
                    && fields.iter().all(|(name, field)| {
                        declared.is_some_and(|d| d.contains_key(name))
                            || self.valid(value, field, depth)
                    })
            }
            ("required", Value::Object(fields)) => value.as_array().is_some_and(|names| {
                names
                    .iter()
                    .all(|n| n.as_str().is_some_and(|n| fields.contains_key(n)))
            }),
            ("items", Value::Array(items)) => {
                (value.is_object() || value.is_boolean())
                    && items.iter().all(|item| self.valid(value, item, depth))
            }
            ("minLength", Value::String(s)) => at_least(s.chars().count(), value),
            ("maxLength", Value::String(s)) => at_most(s.chars().count(), value),
            ("minItems", Value::Array(a)) => at_least(a.len(), value),
            ("maxItems", Value::Array(a)) => at_most(a.len(), value),
            ("minProperties", Value::Object(o)) => at_least(o.len(), value),
            ("maxProperties", Value::Object(o)) => at_most(o.len(), value),
            ("minimum", Value::Number(n)) => value.as_number().is_some_and(|m| !less(n, m)),
            ("maximum", Value::Number(n)) => value.as_number().is_some_and(|m| !less(m, n)),
            ("pattern", Value::String(s)) => value.as_str().is_some_and(|p| matches(p, s)),
            ("format", _) => value.as_str().is_some_and(|f| IGNORED_FORMATS.contains(&f)),
            // Keywords that apply to another type than the instance's hold.
            (
                "properties"
                | "additionalProperties"
                | "required"
                | "items"
                | "minLength"
                | "maxLength"
                | "minItems"
                | "maxItems"
                | "minProperties"
                | "maxProperties"
                | "minimum"
                | "maximum"
                | "pattern",
                _,
            ) => true,
            _ => is_annotation(key),
        }
    }
}

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

fn at_least(count: usize, limit: &Value) -> bool {
    limit.as_u64().is_some_and(|l| count as u64 >= l)
}

fn at_most(count: usize, limit: &Value) -> bool {
    limit.as_u64().is_some_and(|l| count as u64 <= l)
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
