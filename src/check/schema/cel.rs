//! What the API server checks after the schema, in its order: defaults are
//! applied, then `x-kubernetes-list-type` (`set` items and `map` keys
//! unique), then the CEL rules (`x-kubernetes-validations`). It runs only
//! for an object that passed its schema, as the server skips the rules of
//! an object with schema errors.
//!
//! The rules come from the trees build.rs writes (`build/rules_trees.rs`).
//! Only the nodes the object has are visited, so a rule under
//! `spec.rules[].filters[]` is never compiled for a route without filters;
//! each rule is compiled once per thread and run (the CEL engine is
//! kube-rs's `kube-cel`, on cel-rust, with the Kubernetes libraries).
//! Rules on `oldSelf` are skipped: they only run on update.

use crate::k8s::field_path;
use crate::problem::{Problem, Subject};
use include_dir::{include_dir, Dir};
use kube_cel::cel::{Context, Program, Value as Cel};
use kube_cel::KubeCelExt;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// The rules trees by schema file name (only schemas that have any).
static TREES: Dir<'static> = include_dir!("$OUT_DIR/rules");

/// The rules tree of the schema `file`, parsed, or `None`.
pub(super) fn tree(file: &str) -> Option<Value> {
    let text = TREES.get_file(file)?.contents_utf8()?;
    Some(serde_json::from_str(text).unwrap_or_else(|e| panic!("rules of {file}: {e}")))
}

/// The problems the API server finds in `object` after its schema passed.
pub(super) fn problems(
    tree: &Value,
    object: &Value,
    subject: &Subject,
    file: &str,
) -> Vec<Problem> {
    let mut defaulted = object.clone();
    apply_defaults(tree, &mut defaulted);
    let mut walk = Walk {
        object: &defaulted,
        subject,
        file,
        problems: Vec::new(),
    };
    walk.node(tree, &defaulted, &mut String::new());
    walk.problems
}

/// Fills in the `default` of every absent field of the objects present.
fn apply_defaults(tree: &Value, value: &mut Value) {
    match value {
        Value::Object(fields) => {
            if let Some(Value::Object(properties)) = tree.get("properties") {
                for (name, child) in properties {
                    if let (false, Some(default)) =
                        (fields.contains_key(name), child.get("default"))
                    {
                        fields.insert(name.clone(), default.clone());
                    }
                    if let Some(field) = fields.get_mut(name) {
                        apply_defaults(child, field);
                    }
                }
            }
            if let Some(additional) = tree.get("additionalProperties") {
                let declared = tree.get("properties");
                for (name, field) in fields.iter_mut() {
                    if declared.and_then(|d| d.get(name)).is_none() {
                        apply_defaults(additional, field);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_tree) = tree.get("items") {
                items
                    .iter_mut()
                    .for_each(|item| apply_defaults(item_tree, item));
            }
        }
        _ => {}
    }
}

/// Whether `object` is of a kind the API server itself serves (the core
/// group and `networking.k8s.io`, whose schemas come from the Kubernetes
/// OpenAPI). For those the server does not enforce the OpenAPI's list types:
/// `validation.go` finds duplicates, in its own words, which
/// `check::builtin` reproduces (e.g. a Service's duplicate ports).
fn is_built_in(object: &Value) -> bool {
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    !api_version.contains('/') || api_version.starts_with("networking.k8s.io/")
}

struct Walk<'a> {
    /// The whole (defaulted) object, to name fields by kubectl's paths.
    object: &'a Value,
    subject: &'a Subject,
    file: &'a str,
    problems: Vec<Problem>,
}

impl Walk<'_> {
    /// Checks `value` at the JSON Pointer `pointer` against its `tree`, then its children.
    fn node(&mut self, tree: &Value, value: &Value, pointer: &mut String) {
        if let Value::Array(items) = value {
            if !is_built_in(self.object) {
                self.list_type(tree, items, pointer);
            }
        }
        if let Some(Value::Array(rules)) = tree.get("x-kubernetes-validations") {
            for rule in rules {
                self.rule(rule, value, pointer);
            }
        }
        let mut child = |name: &str, child_tree: &Value, child_value: &Value, walk: &mut Self| {
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
            walk.node(child_tree, child_value, pointer);
            pointer.truncate(len);
        };
        match value {
            Value::Object(fields) => {
                let declared = tree.get("properties");
                for (name, field) in fields {
                    // The trees hold `additionalProperties` only for maps,
                    // which declare no properties.
                    let child_tree = declared
                        .and_then(|d| d.get(name))
                        .or_else(|| tree.get("additionalProperties"));
                    if let Some(child_tree) = child_tree {
                        child(name, child_tree, field, self);
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_tree) = tree.get("items") {
                    for (index, item) in items.iter().enumerate() {
                        child(&index.to_string(), item_tree, item, self);
                    }
                }
            }
            _ => {}
        }
    }

    /// `set`: no two equal items; `map`: no two items with the same keys.
    fn list_type(&mut self, tree: &Value, items: &[Value], pointer: &str) {
        let keys: Vec<&str> = match tree.get("x-kubernetes-list-type").and_then(Value::as_str) {
            Some("set") => Vec::new(),
            Some("map") => tree
                .get("x-kubernetes-list-map-keys")
                .and_then(Value::as_array)
                .map(|k| k.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default(),
            _ => return,
        };
        let identity = |item: &Value| -> Value {
            if keys.is_empty() {
                item.clone()
            } else {
                keys.iter()
                    .map(|k| {
                        (
                            (*k).to_string(),
                            item.get(*k).cloned().unwrap_or(Value::Null),
                        )
                    })
                    .collect::<serde_json::Map<_, _>>()
                    .into()
            }
        };
        let seen: Vec<Value> = items.iter().map(identity).collect();
        for (index, id) in seen.iter().enumerate() {
            if seen[..index].contains(id) {
                let path = field_path::from_pointer(self.object, &format!("{pointer}/{index}"));
                self.problems.push(Problem::new(
                    self.subject.clone().field(path),
                    format!("Duplicate value: {id}"),
                    "make each entry unique; the API server refuses duplicates in this list",
                ));
            }
        }
    }

    fn rule(&mut self, rule: &Value, value: &Value, pointer: &str) {
        let Some(text) = rule.get("rule").and_then(Value::as_str) else {
            return;
        };
        if text.contains("oldSelf") {
            return; // transition rules run only on update
        }
        let outcome = with_self(value, |context| {
            let passed = compiled(text).map(|program| program.execute(context));
            let message = match passed {
                Ok(Ok(Cel::Bool(true))) => return None,
                Ok(Ok(Cel::Bool(false))) => message(rule, text, context),
                Ok(Ok(_)) => format!("rule did not evaluate to a bool: {text}"),
                // As the API server: the rule's message, then the error
                // (`no such key: certificateRefs`).
                Ok(Err(e)) => format!("{}: {e}", static_message(rule, text)),
                Err(e) => format!("rule could not be compiled ({e}): {text}"),
            };
            Some(message)
        });
        if let Some(message) = outcome {
            let mut at = pointer.to_string();
            if let Some(field) = rule.get("fieldPath").and_then(Value::as_str) {
                at.push_str(&field_path_pointer(field));
            }
            let path = field_path::from_pointer(self.object, &at);
            let shown = if path.is_empty() {
                String::new()
            } else {
                format!("{path}: ")
            };
            self.problems.push(Problem::new(
                self.subject,
                format!("{shown}Invalid value: \"{}\": {message}", type_name(value)),
                format!(
                    "the API server refuses this (a rule of schemas/{})",
                    self.file
                ),
            ));
        }
    }
}

/// The rule's `messageExpression` if it yields a string, else its `message`,
/// else the server's "failed rule" text.
fn message(rule: &Value, text: &str, context: &Context) -> String {
    if let Some(expression) = rule.get("messageExpression").and_then(Value::as_str) {
        if let Ok(Cel::String(s)) = compiled(expression)
            .map(|p| p.execute(context))
            .and_then(|r| r.map_err(|e| e.to_string()))
        {
            return s.to_string();
        }
    }
    static_message(rule, text)
}

/// The rule's `message`, else the server's "failed rule" text.
fn static_message(rule: &Value, text: &str) -> String {
    match rule.get("message").and_then(Value::as_str) {
        Some(message) => message.to_string(),
        None => format!("failed rule: {text}"),
    }
}

/// A rule's `fieldPath` (`.spec.port`, `.items['a.b']`) as JSON Pointer tokens.
fn field_path_pointer(field: &str) -> String {
    let mut pointer = String::new();
    for part in field.split(['.', '[']).filter(|p| !p.is_empty()) {
        let token = part.trim_end_matches(']').trim_matches('\'');
        pointer.push('/');
        pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
    }
    pointer
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::Bool(_) => "boolean",
        Value::Null => "null",
    }
}

thread_local! {
    /// The compiled rules of this thread, by their text.
    static PROGRAMS: RefCell<HashMap<String, Rc<Program>>> = RefCell::new(HashMap::new());
    /// The Kubernetes CEL libraries, registered once per thread.
    static BASE: Context<'static> = {
        let mut context = Context::default();
        context.register_all();
        context
    };
}

/// The program of `source`, compiled on first use.
fn compiled(source: &str) -> Result<Rc<Program>, String> {
    PROGRAMS.with(|programs| {
        if let Some(program) = programs.borrow().get(source) {
            return Ok(program.clone());
        }
        let program = Rc::new(Program::compile(source).map_err(|e| e.to_string())?);
        programs
            .borrow_mut()
            .insert(source.to_string(), program.clone());
        Ok(program)
    })
}

/// Runs `f` in a context where `self` is `value`.
fn with_self<T>(value: &Value, f: impl FnOnce(&Context) -> T) -> T {
    BASE.with(|base| {
        let mut scope = base.new_inner_scope();
        let converted = kube_cel::cel::to_value(value).unwrap_or(Cel::Null);
        scope.add_variable_from_value("self", converted);
        f(&scope)
    })
}
