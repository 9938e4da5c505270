//! A yes/no answer to "does this object satisfy its schema?" read straight
//! from the schema, without compiling it. Compiling a schema with
//! `jsonschema` (meta-schema check, validator tree) was two thirds of a
//! render's instructions, for objects that are almost always valid.
//!
//! The answer is one-sided on purpose: [`Outcome::Valid`] only when every
//! keyword met is one understood here and holds, and [`Outcome::Invalid`],
//! with every failure, only when the walk decided every keyword it met and
//! some certainly fail. Anything else — a format that `jsonschema` checks
//! its own way, a pattern the `regex` crate cannot take, a `$ref` that is
//! not a local pointer, a `1.0` where an integer is expected — is
//! [`Outcome::Unsure`], and the caller then compiles the schema and lets
//! `jsonschema` decide. Being unsure costs time, never correctness. The
//! failures are worded by [`super::failure`], as are `jsonschema`'s.
//!
//! The schemas are read at build time: `build.rs` writes each as `static`
//! [`Node`]s (`src/check/schema/generate.rs`), so a render neither parses
//! nor allocates a schema for this check.

use super::failure::{best_branch, Failure, Kind};
use serde_json::{Number, Value};
use std::fmt::Write;

include!(concat!(env!("OUT_DIR"), "/quick_forms.rs"));

/// Formats `jsonschema` does not know and so ignores (`ignore_unknown_formats`
/// is its default): the OpenAPI number formats of Kubernetes schemas.
const IGNORED_FORMATS: &[&str] = &["int32", "int64", "double"];

/// Whether `instance` has the `format` as `jsonschema` checks it; `None`
/// (not sure) for formats checked only there. `ipv4` and `ipv6` are the
/// standard library's parsers, as in `jsonschema`; `byte` is
/// [`is_base64`], which `jsonschema` is given; `date-time` is parsed by
/// another crate than `jsonschema`'s, so only its success is trusted.
fn format_holds(format: &str, instance: &Value) -> Option<bool> {
    let Value::String(text) = instance else {
        return Some(true);
    };
    match format {
        _ if IGNORED_FORMATS.contains(&format) => Some(true),
        "byte" => Some(is_base64(text)),
        "ipv4" => Some(text.parse::<std::net::Ipv4Addr>().is_ok()),
        "ipv6" => Some(text.parse::<std::net::Ipv6Addr>().is_ok()),
        "date-time" => {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .is_ok()
                .then_some(true)
        }
        _ => None,
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
    one_of: Option<&'static [Schema]>,
    any_of: Option<&'static [Schema]>,
    not: Option<Schema>,
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
        one_of: None,
        any_of: None,
        not: None,
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

    fn value(&self) -> Value {
        match *self {
            Literal::Null => Value::Null,
            Literal::Bool(b) => b.into(),
            Literal::Unsigned(u) => u.into(),
            Literal::Negative(i) => i.into(),
            Literal::Str(s) => s.into(),
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

/// What the quick walk concludes of one instance.
#[derive(Debug)]
pub(super) enum Outcome {
    Valid,
    /// Every failure, each as `jsonschema` reports it.
    Invalid(Vec<Failure>),
    /// The walk met a keyword or a value it cannot decide.
    Unsure,
}

/// What a schema says of a value: `invalid` when a keyword certainly
/// fails, `unsure` when one could not be decided here. Both can hold: the
/// value is then invalid, but its failures are not all known.
#[derive(Debug, Clone, Copy, Default)]
struct Verdict {
    invalid: bool,
    unsure: bool,
}

impl Verdict {
    const VALID: Verdict = Verdict {
        invalid: false,
        unsure: false,
    };
    const INVALID: Verdict = Verdict {
        invalid: true,
        unsure: false,
    };
    const UNSURE: Verdict = Verdict {
        invalid: false,
        unsure: true,
    };

    fn and(&mut self, other: Verdict) {
        self.invalid |= other.invalid;
        self.unsure |= other.unsure;
    }

    fn is_valid(self) -> bool {
        !self.invalid && !self.unsure
    }
}

/// The quick walk of `instance` against `schema`, whose `$ref`s point into
/// its `$defs` or `definitions`.
pub(super) fn check(schema: Schema, instance: &Value) -> Outcome {
    let mut walk = Walk {
        root: schema,
        pointer: String::new(),
        failures: Vec::new(),
    };
    let verdict = walk.valid(schema, instance, 0);
    match (verdict.invalid, verdict.unsure) {
        (false, false) => Outcome::Valid,
        (true, false) => Outcome::Invalid(walk.failures),
        _ => Outcome::Unsure,
    }
}

/// Whether the quick walk finds `instance` valid (false: invalid or not sure).
#[cfg(test)]
pub(super) fn is_valid(schema: Schema, instance: &Value) -> bool {
    matches!(check(schema, instance), Outcome::Valid)
}

struct Walk {
    root: Schema,
    /// The JSON Pointer of the value being checked.
    pointer: String,
    failures: Vec<Failure>,
}

impl Walk {
    fn valid(&mut self, schema: Schema, instance: &Value, depth: usize) -> Verdict {
        if depth > MAX_DEPTH {
            return Verdict::UNSURE;
        }
        match schema {
            Schema::Bool(true) => Verdict::VALID,
            Schema::Bool(false) => Verdict::UNSURE,
            Schema::Node(node) => self.node(node, instance, depth + 1),
        }
    }

    fn fail(&mut self, kind: Kind) -> Verdict {
        self.failures.push(Failure {
            pointer: self.pointer.clone(),
            kind,
        });
        Verdict::INVALID
    }

    /// The verdict on the value at `token` below the current one.
    fn below(&mut self, token: &str, schema: Schema, instance: &Value, depth: usize) -> Verdict {
        let len = self.pointer.len();
        self.pointer.push('/');
        for c in token.chars() {
            match c {
                '~' => self.pointer.push_str("~0"),
                '/' => self.pointer.push_str("~1"),
                c => self.pointer.push(c),
            }
        }
        let verdict = self.valid(schema, instance, depth);
        self.pointer.truncate(len);
        verdict
    }

    /// The verdict of one branch of a `oneOf`, `anyOf` or `not`, and its
    /// failures, kept apart from the others'.
    fn branch(
        &mut self,
        schema: Schema,
        instance: &Value,
        depth: usize,
    ) -> (Verdict, Vec<Failure>) {
        let outer = std::mem::take(&mut self.failures);
        let verdict = self.valid(schema, instance, depth);
        (verdict, std::mem::replace(&mut self.failures, outer))
    }

    /// Every keyword of `node`, each on its own as `jsonschema` checks them
    /// (keywords for another type than the instance's hold). In draft 7 a
    /// `$ref` hides its siblings.
    fn node(&mut self, node: &'static Node, instance: &Value, depth: usize) -> Verdict {
        if let Some(reference) = node.reference {
            return match self.resolve(reference) {
                Some(target) => self.valid(target, instance, depth),
                None => Verdict::UNSURE,
            };
        }
        let mut verdict = Verdict::VALID;
        let bounds = node.bounds();
        if let Some(types) = node.types {
            if !types.iter().any(|name| has_type(instance, name)) {
                // `jsonschema` takes `1.0` as an integer.
                verdict.and(
                    match is_whole_fraction(instance) && types.contains(&"integer") {
                        true => Verdict::UNSURE,
                        false => self.fail(Kind::Type {
                            expected: types.iter().map(|t| t.to_string()).collect(),
                        }),
                    },
                );
            }
        }
        if let Some(allowed) = node.allowed {
            if !allowed.iter().any(|l| l.equals(instance)) {
                // `jsonschema` takes `1.0` as equal to `1`.
                verdict.and(match is_whole_fraction(instance) {
                    true => Verdict::UNSURE,
                    false => self.fail(Kind::Enum {
                        allowed: allowed.iter().map(Literal::value).collect(),
                    }),
                });
            }
        }
        if let Some(format) = node.format {
            verdict.and(match format_holds(format, instance) {
                Some(true) => Verdict::VALID,
                Some(false) => self.fail(Kind::Format(format.to_string())),
                None => Verdict::UNSURE,
            });
        }
        match instance {
            Value::Object(fields) => verdict.and(self.object(node, fields, depth)),
            Value::Array(items) => {
                let count = items.len() as u64;
                if let Some(min) = bounds.min_items.filter(|m| count < *m) {
                    verdict.and(self.fail(Kind::MinItems(min)));
                }
                if let Some(max) = bounds.max_items.filter(|m| count > *m) {
                    verdict.and(self.fail(Kind::MaxItems(max)));
                }
                if let Some(schema) = node.items {
                    let mut index = String::new();
                    for (i, item) in items.iter().enumerate() {
                        index.clear();
                        write!(index, "{i}").expect("writing to a String");
                        verdict.and(self.below(&index, schema, item, depth));
                    }
                }
            }
            Value::String(text) => {
                let count = text.chars().count() as u64;
                if let Some(min) = bounds.min_length.filter(|m| count < *m) {
                    verdict.and(self.fail(Kind::MinLength(min)));
                }
                if let Some(max) = bounds.max_length.filter(|m| count > *m) {
                    verdict.and(self.fail(Kind::MaxLength(max)));
                }
                if let Some(pattern) = node.pattern {
                    verdict.and(match super::pattern::matches(pattern, text) {
                        Some(true) => Verdict::VALID,
                        Some(false) => self.fail(Kind::Pattern(pattern.to_string())),
                        None => Verdict::UNSURE,
                    });
                }
            }
            Value::Number(n) => {
                // Exact between integers; with a fraction, only a pass is trusted.
                let exact = |m: Num| !n.is_f64() && !matches!(m, Num::Float(_));
                if let Some(min) = bounds.minimum.filter(|m| less(n, &m.number())) {
                    verdict.and(match exact(min) {
                        true => self.fail(Kind::Minimum(Value::Number(min.number()))),
                        false => Verdict::UNSURE,
                    });
                }
                if let Some(max) = bounds.maximum.filter(|m| less(&m.number(), n)) {
                    verdict.and(match exact(max) {
                        true => self.fail(Kind::Maximum(Value::Number(max.number()))),
                        false => Verdict::UNSURE,
                    });
                }
            }
            _ => {}
        }
        if let Some(branches) = node.any_of {
            verdict.and(self.any_of(branches, instance, depth));
        }
        if let Some(branches) = node.one_of {
            verdict.and(self.one_of(branches, instance, depth));
        }
        if let Some(schema) = node.not {
            let (not, _) = self.branch(schema, instance, depth);
            verdict.and(match (not.invalid, not.unsure) {
                (true, _) => Verdict::VALID,
                (false, true) => Verdict::UNSURE,
                (false, false) => self.fail(Kind::Not),
            });
        }
        verdict
    }

    fn object(
        &mut self,
        node: &'static Node,
        fields: &serde_json::Map<String, Value>,
        depth: usize,
    ) -> Verdict {
        let mut verdict = Verdict::VALID;
        let bounds = node.bounds();
        let count = fields.len() as u64;
        if let Some(min) = bounds.min_properties.filter(|m| count < *m) {
            verdict.and(self.fail(Kind::MinProperties(min)));
        }
        if let Some(max) = bounds.max_properties.filter(|m| count > *m) {
            verdict.and(self.fail(Kind::MaxProperties(max)));
        }
        for name in node.required.unwrap_or_default() {
            if !fields.contains_key(*name) {
                let property = name.to_string();
                verdict.and(self.fail(Kind::Required { property }));
            }
        }
        for (name, field) in fields {
            let schema = match node.properties.and_then(|p| get(p, name)) {
                Some(declared) => *declared,
                None => match node.additional_properties {
                    None => continue,
                    Some(Schema::Bool(false)) => {
                        let allowed = node.properties.unwrap_or_default();
                        let allowed = allowed.iter().map(|(n, _)| n.to_string()).collect();
                        let field = name.clone();
                        verdict.and(self.fail(Kind::Unknown { field, allowed }));
                        continue;
                    }
                    Some(other) => other,
                },
            };
            verdict.and(self.below(name, schema, field, depth));
        }
        verdict
    }

    /// Valid when a branch is; invalid, with the failures of the branch
    /// that failed least, when every branch certainly fails.
    fn any_of(&mut self, branches: &[Schema], instance: &Value, depth: usize) -> Verdict {
        let mut results = Vec::with_capacity(branches.len());
        for branch in branches {
            let (verdict, failures) = self.branch(*branch, instance, depth);
            if verdict.is_valid() {
                return Verdict::VALID;
            }
            results.push((verdict, failures));
        }
        self.none_valid(Kind::AnyOf, results)
    }

    /// Valid when exactly one branch is and the others certainly fail.
    fn one_of(&mut self, branches: &[Schema], instance: &Value, depth: usize) -> Verdict {
        let results: Vec<_> = branches
            .iter()
            .map(|branch| self.branch(*branch, instance, depth))
            .collect();
        let valid = results.iter().filter(|(v, _)| v.is_valid()).count();
        let unsure = results.iter().any(|(v, _)| v.unsure);
        match valid {
            1 if !unsure => Verdict::VALID,
            0 => self.none_valid(Kind::OneOfNone, results),
            _ if unsure => Verdict::UNSURE,
            _ => self.fail(Kind::OneOfMany(valid)),
        }
    }

    /// No branch of a `oneOf` or `anyOf` valid: its failure and the best
    /// branch's when all certainly fail, else not sure.
    fn none_valid(&mut self, kind: Kind, results: Vec<(Verdict, Vec<Failure>)>) -> Verdict {
        if results.iter().any(|(v, _)| v.unsure) {
            let all_fail = results.iter().all(|(v, _)| v.invalid);
            return Verdict {
                invalid: all_fail,
                unsure: true,
            };
        }
        let verdict = self.fail(kind);
        self.failures
            .extend(best_branch(results.into_iter().map(|(_, f)| f).collect()));
        verdict
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

/// Integers are only the ones written without a fraction: `jsonschema` also
/// takes `1.0`, which the walk leaves to it.
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

/// `1.0`: a number `serde_json` holds as a fraction, which `jsonschema`
/// compares as an integer.
fn is_whole_fraction(instance: &Value) -> bool {
    instance
        .as_f64()
        .is_some_and(|f| instance.is_f64() && f.fract() == 0.0)
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
            node.allowed.map(|e| e.iter().map(Literal::value).collect()),
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
        let list = |schemas: &[Schema]| schemas.iter().map(|s| s.to_value()).collect();
        put("oneOf", node.one_of.map(list));
        put("anyOf", node.any_of.map(list));
        put("not", node.not.map(Schema::to_value));
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
            let expected = literals.iter().map(Literal::value).any(|l| l == instance);
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
