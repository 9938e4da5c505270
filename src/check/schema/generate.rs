//! Writes the quick form of each schema as Rust `static`s, which
//! `quick.rs` includes: a render then reads its schemas without parsing
//! them or allocating (reading them at run time was a tenth of a render's
//! instructions and a third of its peak heap). Run by `build.rs`, after the
//! schema is stripped of prose and its top level closed, so the quick form
//! and the text `jsonschema` compiles say the same.

use super::keywords::{ANNOTATIONS, CHECKED, DEFINITIONS};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::fmt::Write;

/// The statics written so far: one per distinct schema object, numbered
/// across all schemas so that they can share one file.
#[derive(Default)]
pub struct Generator {
    statics: String,
    nodes: usize,
    /// The static written for each `Node` literal: a third of the schema
    /// objects are the same few (`{"type": "string"}`), and sharing them
    /// keeps the statics, and the pages a render reads, fewer.
    written: HashMap<String, usize>,
}

impl Generator {
    /// The Rust expression of `schema`'s quick form (a `Schema`), or `None`
    /// when it uses a keyword, or a form of one, that the quick check does
    /// not know: then every object of its kind goes to `jsonschema`. A
    /// schema not understood leaves no statics behind.
    pub fn quick_form(&mut self, schema: &Value) -> Option<String> {
        let (statics, nodes) = (self.statics.len(), self.nodes);
        let form = self.schema(schema);
        if form.is_none() {
            self.statics.truncate(statics);
            self.nodes = nodes;
            self.written.retain(|_, n| *n < nodes);
        }
        form
    }

    /// The statics the expressions of [`Generator::quick_form`] refer to.
    pub fn statics(&self) -> &str {
        &self.statics
    }

    fn schema(&mut self, schema: &Value) -> Option<String> {
        match schema {
            Value::Bool(allowed) => Some(format!("Schema::Bool({allowed})")),
            Value::Object(keywords) => {
                let literal = format!("Node {{ {}..Node::EMPTY }}", self.node(keywords)?);
                let n = match self.written.get(&literal) {
                    Some(&n) => n,
                    None => {
                        let n = self.nodes;
                        self.nodes += 1;
                        writeln!(self.statics, "static NODE_{n}: Node = {literal};")
                            .expect("writing to a String");
                        self.written.insert(literal, n);
                        n
                    }
                };
                Some(format!("Schema::Node(&NODE_{n})"))
            }
            _ => None,
        }
    }

    /// The fields of one `Node` literal, each followed by `, `.
    fn node(&mut self, keywords: &Map<String, Value>) -> Option<String> {
        let (mut fields, mut bounds) = (String::new(), String::new());
        for (keyword, value) in keywords {
            let keyword = keyword.as_str();
            if ANNOTATIONS.contains(&keyword) {
                continue;
            }
            if !CHECKED.contains(&keyword) && !DEFINITIONS.contains(&keyword) {
                return None;
            }
            let (field, expression) = match keyword {
                "$ref" => ("reference", string(value)?),
                "type" => ("types", type_names(value)?),
                "enum" => ("allowed", literals(value)?),
                "properties" => ("properties", self.named(value)?),
                "$defs" => ("defs", self.named(value)?),
                "definitions" => ("definitions", self.named(value)?),
                "additionalProperties" => ("additional_properties", self.schema(value)?),
                "items" => ("items", self.schema(value)?),
                "not" => ("not", self.schema(value)?),
                "oneOf" => ("one_of", self.list(value)?),
                "anyOf" => ("any_of", self.list(value)?),
                "required" => ("required", strings(value.as_array()?)?),
                "pattern" => ("pattern", string(value)?),
                "format" => ("format", string(value)?),
                "minimum" | "maximum" => {
                    let bound = number(value.as_number()?);
                    write!(bounds, "{keyword}: Some({bound}), ").expect("writing to a String");
                    continue;
                }
                "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties"
                | "maxProperties" => {
                    let field = snake_case(keyword);
                    let count = value.as_u64()?;
                    write!(bounds, "{field}: Some({count}), ").expect("writing to a String");
                    continue;
                }
                _ => panic!("keywords.rs lists `{keyword}`, which generate.rs does not write"),
            };
            write!(fields, "{field}: Some({expression}), ").expect("writing to a String");
        }
        if !bounds.is_empty() {
            write!(
                fields,
                "bounds: Some(&Bounds {{ {bounds}..Bounds::NONE }}), "
            )
            .expect("writing to a String");
        }
        Some(fields)
    }

    /// `oneOf`, `anyOf`: a slice of schemas, in file order.
    fn list(&mut self, value: &Value) -> Option<String> {
        let mut entries = String::new();
        for schema in value.as_array()? {
            let schema = self.schema(schema)?;
            write!(entries, "{schema}, ").expect("writing to a String");
        }
        Some(format!("&[{entries}]"))
    }

    /// `properties`, `$defs`: a slice of names and schemas, in file order.
    fn named(&mut self, value: &Value) -> Option<String> {
        let mut entries = String::new();
        for (name, schema) in value.as_object()? {
            let schema = self.schema(schema)?;
            write!(entries, "({name:?}, {schema}), ").expect("writing to a String");
        }
        Some(format!("&[{entries}]"))
    }
}

/// `minLength` → `min_length`, the field of `Bounds`.
fn snake_case(keyword: &str) -> String {
    keyword
        .chars()
        .flat_map(|c| match c.is_ascii_uppercase() {
            true => vec!['_', c.to_ascii_lowercase()],
            false => vec![c],
        })
        .collect()
}

/// A string literal (`Debug` writes the escapes Rust reads).
fn string(value: &Value) -> Option<String> {
    value.as_str().map(|s| format!("{s:?}"))
}

fn strings(values: &[Value]) -> Option<String> {
    let names: Option<Vec<String>> = values.iter().map(string).collect();
    Some(format!("&[{}]", names?.join(", ")))
}

/// `type`: one name or a list of names.
fn type_names(value: &Value) -> Option<String> {
    match value {
        Value::String(_) => strings(std::slice::from_ref(value)),
        Value::Array(names) => strings(names),
        _ => None,
    }
}

/// `enum`: null, booleans, integers and strings; a fraction, a list or an
/// object among the values is not understood.
fn literals(value: &Value) -> Option<String> {
    let mut literals = Vec::new();
    for allowed in value.as_array()? {
        literals.push(match allowed {
            Value::Null => "Literal::Null".to_string(),
            Value::Bool(b) => format!("Literal::Bool({b})"),
            Value::String(s) => format!("Literal::Str({s:?})"),
            Value::Number(n) if n.is_u64() => format!("Literal::Unsigned({n})"),
            Value::Number(n) if n.is_i64() => format!("Literal::Negative({n})"),
            _ => return None,
        });
    }
    Some(format!("&[{}]", literals.join(", ")))
}

/// `minimum`, `maximum`: kept as integers when written as integers, so that
/// comparing integers stays exact.
fn number(n: &Number) -> String {
    if let Some(u) = n.as_u64() {
        format!("Num::Unsigned({u})")
    } else if let Some(i) = n.as_i64() {
        format!("Num::Negative({i})")
    } else {
        let f = n
            .as_f64()
            .expect("a JSON number is an f64 when not an integer");
        format!("Num::Float({f:?})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn understood(schema: Value) -> bool {
        Generator::default().quick_form(&schema).is_some()
    }

    #[test]
    fn a_keyword_or_form_it_does_not_know_makes_the_schema_not_understood() {
        assert!(!understood(json!({"patternProperties": {}})));
        assert!(!understood(
            json!({"properties": {"a": {"dependencies": {}}}})
        ));
        assert!(!understood(json!({"items": [{"type": "string"}]})));
        assert!(!understood(json!({"enum": [1.5]})));
        assert!(!understood(json!({"enum": [{"a": 1}]})));
        assert!(!understood(json!({"minLength": -1})));
        assert!(!understood(json!({"type": null})));
        assert!(understood(
            json!({"type": "string", "title": "x", "default": null})
        ));
    }

    #[test]
    fn one_of_any_of_and_not_are_written_as_schemas() {
        let mut generator = Generator::default();
        let schema = json!({"oneOf": [{"anyOf": [{"format": "ipv4"}]}, {"not": {"enum": ["a"]}}]});
        generator.quick_form(&schema).unwrap();
        let statics = generator.statics();
        assert!(statics.contains("format: Some(\"ipv4\")"), "{statics}");
        assert!(
            statics.contains("any_of: Some(&[Schema::Node(&NODE_0), ])"),
            "{statics}"
        );
        assert!(statics.contains("not: Some(Schema::Node("), "{statics}");
        assert!(
            statics.contains("one_of: Some(&[Schema::Node("),
            "{statics}"
        );
        assert!(!understood(json!({"allOf": [{}]})), "allOf is not read");
    }

    #[test]
    fn a_schema_not_understood_leaves_no_statics() {
        let mut generator = Generator::default();
        let form = generator.quick_form(&json!({"type": "object"})).unwrap();
        let statics = generator.statics().to_string();
        let nested = json!({"properties": {"a": {"type": "string"}, "b": {"if": {}}}});
        assert!(generator.quick_form(&nested).is_none());
        assert_eq!(generator.statics(), statics);
        assert_eq!(form, "Schema::Node(&NODE_0)");
    }

    #[test]
    fn equal_schema_objects_share_one_static() {
        let mut generator = Generator::default();
        let schema = json!({"properties": {"a": {"type": "string"}, "b": {"type": "string"}}});
        generator.quick_form(&schema).unwrap();
        let again = generator.quick_form(&json!({"type": "string"})).unwrap();
        assert_eq!(generator.statics().lines().count(), 2);
        assert_eq!(again, "Schema::Node(&NODE_0)");
    }

    #[test]
    fn statics_are_rust_literals() {
        let mut generator = Generator::default();
        let schema = json!({"type": "integer", "minimum": -3, "maximum": 1.5, "maxLength": 2,
                            "enum": [null, "a\"b"], "properties": {"x": true}});
        assert_eq!(
            generator.quick_form(&schema).unwrap(),
            "Schema::Node(&NODE_0)"
        );
        assert_eq!(
            generator.statics(),
            "static NODE_0: Node = Node { types: Some(&[\"integer\"]), \
             allowed: Some(&[Literal::Null, Literal::Str(\"a\\\"b\")]), \
             properties: Some(&[(\"x\", Schema::Bool(true)), ]), \
             bounds: Some(&Bounds { minimum: Some(Num::Negative(-3)), \
             maximum: Some(Num::Float(1.5)), max_length: Some(2), ..Bounds::NONE }), \
             ..Node::EMPTY };\n"
        );
    }
}
