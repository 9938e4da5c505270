//! What the API server checks after the schema, in its order: defaults are
//! applied, then `x-kubernetes-list-type` (`set` items and `map` keys
//! unique), then the CEL rules (`x-kubernetes-validations`). It runs only
//! for an object that passed its schema, as the server skips the rules of
//! an object with schema errors.
//!
//! The rules come from the trees build.rs writes (`build/rules_trees.rs`).
//! Only the nodes the object has are visited, so a rule under
//! `spec.rules[].filters[]` is never compiled for a route without filters;
//! each rule is compiled once per thread (by [`parser`], else cel-rust's
//! own parser) and run (the CEL engine is kube-rs's `kube-cel`, on
//! cel-rust, with the Kubernetes libraries).
//! Rules on `oldSelf` are skipped: they only run on update. `self` is shown
//! as the server shows it: integers are CEL `int`s (`to_cel`), and a rule's
//! escaped field names (`p.__namespace__`) name the fields
//! (`unescape_selectors`).

use crate::k8s::field_path;
use crate::problem::{Problem, Subject};
use include_dir::{include_dir, Dir};
use kube_cel::cel::objects::{Key, Map};
use kube_cel::cel::parser::Expression;
use kube_cel::cel::{Context, ExecutionError, Program, Value as Cel};
use kube_cel::KubeCelExt;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

mod parser;

/// The rules trees by schema file name (only schemas that have any).
static TREES: Dir<'static> = include_dir!("$OUT_DIR/rules");

/// The rules tree of the schema `file`, parsed, or `None`.
pub(super) fn tree(file: &str) -> Option<Value> {
    let text = TREES.get_file(file)?.contents_utf8()?;
    Some(serde_json::from_str(text).unwrap_or_else(|e| panic!("rules of {file}: {e}")))
}

/// The problems the API server finds in `object` (decoded and defaulted,
/// `super::decode`) after its schema passed.
pub(super) fn problems(
    tree: &Value,
    object: &Value,
    subject: &Subject,
    file: &str,
) -> Vec<Problem> {
    let mut walk = Walk {
        object,
        subject,
        file,
        problems: Vec::new(),
    };
    walk.node(tree, object, &mut String::new());
    walk.problems
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
            if !super::decode::is_built_in(self.object) {
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
            let program = compiled(text);
            let passed = program.as_ref().map(|program| context.resolve(program));
            let message = match passed {
                Ok(Ok(Cel::Bool(true))) => return None,
                Ok(Ok(Cel::Bool(false))) => message(rule, text, context),
                Ok(Ok(_)) => format!("rule did not evaluate to a bool: {text}"),
                Ok(Err(e)) => {
                    let cause = program.as_ref().map_or(e.clone(), |p| cause(p, context, e));
                    runtime_error(&cause, rule, text)
                }
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

/// A rule that could not be evaluated, in the API server's words
/// (apiextensions-apiserver `pkg/apiserver/schema/cel/validation.go`,
/// `validateExpressions`): `no such key: certificateRefs evaluating rule:
/// <message or rule>`, and for an overload missing at run time its own
/// sentence. cel-rust's errors are worded as cel-go's (`common/types/err.go`)
/// where they say the same thing.
fn runtime_error(error: &ExecutionError, rule: &Value, text: &str) -> String {
    let subject = match rule.get("message").and_then(Value::as_str) {
        Some(message) if !message.trim().is_empty() => message.trim(),
        _ => text.trim(),
    };
    let error = match error {
        ExecutionError::NoSuchKey(key) => format!("no such key: {key}"),
        ExecutionError::NoSuchOverload => {
            return format!("'no such overload': call arguments did not match a supported operator, function or macro signature for rule: {subject}");
        }
        ExecutionError::DivisionByZero(_) => "division by zero".to_string(),
        ExecutionError::RemainderByZero(_) => "modulus by zero".to_string(),
        ExecutionError::Overflow(..) => "integer overflow".to_string(),
        other => other.to_string(),
    };
    format!("{error} evaluating rule: {subject}")
}

/// What made `expr` fail with `error`. cel-rust reports a function whose
/// argument or receiver failed (`size(self.certificateRefs)` without the
/// field) as "Missing argument or target", losing the argument's own error,
/// which cel-go (and so the API server) reports: this evaluates the failing
/// node's parts, in order, down to the first that fails for another reason.
fn cause(expr: &Expression, context: &Context, error: ExecutionError) -> ExecutionError {
    match error {
        ExecutionError::MissingArgumentOrTarget => {
            explain(expr, context, 0).unwrap_or(ExecutionError::MissingArgumentOrTarget)
        }
        other => other,
    }
}

/// The first error below `expr` that is not "Missing argument or target",
/// if `expr` fails.
fn explain(expr: &Expression, context: &Context, depth: usize) -> Option<ExecutionError> {
    use kube_cel::cel::common::ast::Expr;
    if depth > 64 {
        return None;
    }
    match context.resolve(expr) {
        Ok(_) => return None,
        Err(ExecutionError::MissingArgumentOrTarget) => {}
        Err(other) => return Some(other),
    }
    match &expr.expr {
        Expr::Call(call) => call
            .target
            .iter()
            .map(|target| &**target)
            .chain(&call.args)
            .find_map(|part| explain(part, context, depth + 1)),
        Expr::Select(select) => explain(&select.operand, context, depth + 1),
        Expr::Comprehension(loop_) => {
            if let Some(found) = explain(&loop_.iter_range, context, depth + 1) {
                return Some(found);
            }
            let items: Vec<Cel> = match context.resolve(&loop_.iter_range).ok()? {
                Cel::List(items) => items.iter().cloned().collect(),
                Cel::Map(map) => map.map.keys().map(Cel::from).collect(),
                _ => return None,
            };
            let init = context.resolve(&loop_.accu_init).ok()?;
            items.into_iter().find_map(|item| {
                let mut scope = context.new_inner_scope();
                scope.add_variable_from_value(loop_.iter_var.clone(), item);
                scope.add_variable_from_value(loop_.accu_var.clone(), init.clone());
                explain(&loop_.loop_step, &scope, depth + 1)
            })
        }
        _ => None,
    }
}

/// The rule's `messageExpression` if it yields a string, else its `message`,
/// else the server's "failed rule" text.
fn message(rule: &Value, text: &str, context: &Context) -> String {
    if let Some(expression) = rule.get("messageExpression").and_then(Value::as_str) {
        if let Ok(Cel::String(s)) = compiled(expression)
            .map(|p| context.resolve(&p))
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
    static PROGRAMS: RefCell<HashMap<String, Rc<Expression>>> = RefCell::new(HashMap::new());
    /// The Kubernetes CEL libraries, registered once per thread.
    static BASE: Context<'static> = {
        let mut context = Context::default();
        context.register_all();
        context
    };
}

/// The expression tree of `source`, compiled on first use: by [`parser`]
/// when it reads the rule (the same tree, in a fraction of the time), else
/// by cel-rust, which also words what does not parse.
fn compiled(source: &str) -> Result<Rc<Expression>, String> {
    PROGRAMS.with(|programs| {
        if let Some(program) = programs.borrow().get(source) {
            return Ok(program.clone());
        }
        let unescaped = unescape_selectors(source);
        let expression = match parser::parse(&unescaped) {
            Some(expression) => expression,
            None => Program::compile(&unescaped)
                .map_err(|e| e.to_string())?
                .expression()
                .clone(),
        };
        let program = Rc::new(expression);
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
        scope.add_variable_from_value("self", to_cel(value));
        f(&scope)
    })
}

/// `value` as the API server shows it to CEL: a JSON integer is an `int`
/// (int64), as the server makes every `type: integer` field.
/// (`kube_cel::cel::to_value` makes a non-negative one a `uint`, and cel-rust
/// finds `uint(80) == 80` false and `uint(1) + 1` an error, so a rule such as
/// `self.port == 80` would fail on a port of 80.) A number beyond int64 stays
/// a `uint`, a fraction is a `double`.
fn to_cel(value: &Value) -> Cel {
    match value {
        Value::Null => Cel::Null,
        Value::Bool(b) => Cel::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Cel::Int(i),
            (None, Some(u)) => Cel::UInt(u),
            (None, None) => Cel::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Cel::String(Arc::new(s.clone())),
        Value::Array(items) => Cel::List(Arc::new(items.iter().map(to_cel).collect())),
        Value::Object(fields) => {
            let map: HashMap<Key, Cel> = fields
                .iter()
                .map(|(name, field)| (Key::from(name.as_str()), to_cel(field)))
                .collect();
            Cel::Map(Map { map: Arc::new(map) })
        }
    }
}

/// The CEL reserved words the API server escapes as `__word__` when they
/// name a field (`apiserver/pkg/cel/escaping.go`) and that cel-rust takes
/// as a field name after a dot. The other four (`true`, `false`, `null`,
/// `in`) are tokens of its grammar, so `self.in` does not parse: no rule of
/// the embedded schemas names such a field (a test below says so).
const RESERVED_SELECTORS: &[&str] = &[
    "as",
    "break",
    "const",
    "continue",
    "else",
    "for",
    "function",
    "if",
    "import",
    "let",
    "loop",
    "package",
    "namespace",
    "return",
    "var",
    "void",
    "while",
];

/// `source` with every escaped field name after a dot (`p.__namespace__`)
/// written plainly (`p.namespace`), outside string literals.
///
/// The API server shows an object's fields to CEL under escaped names: a
/// field named like a reserved word is `__namespace__` in a rule (Gateway
/// API's parentRefs rules say `has(p1.__namespace__)`). Here the object is a
/// plain map with the field's own name, so without this `has()` is false
/// and `p1.__namespace__` a missing key, and two parentRefs to the same
/// Gateway in different namespaces look like one. The other escapes
/// (`__dash__`, `__dot__`, `__slash__`, `__underscores__`) would need the
/// index form (`p['a-b']`); no rule of the embedded schemas uses them (a
/// test below says so).
fn unescape_selectors(source: &str) -> std::borrow::Cow<'_, str> {
    if !source.contains("__") {
        return source.into();
    }
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' || c == b'"' {
            let end = string_end(bytes, i);
            out.push_str(&source[i..end]);
            i = end;
        } else if c == b'_' || c.is_ascii_alphabetic() {
            let start = i;
            while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            let word = &source[start..i];
            let after_dot = source[..start].trim_end().ends_with('.');
            let plain = word
                .strip_prefix("__")
                .and_then(|w| w.strip_suffix("__"))
                .filter(|w| after_dot && RESERVED_SELECTORS.contains(w));
            out.push_str(plain.unwrap_or(word));
        } else {
            let len = source[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&source[i..i + len]);
            i += len;
        }
    }
    out.into()
}

/// The index just past the string literal that opens at `start` (a quote,
/// single or tripled; a backslash escapes the next byte).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let triple = bytes.len() >= start + 3 && bytes[start + 1] == quote && bytes[start + 2] == quote;
    let (mut i, width) = if triple {
        (start + 3, 3)
    } else {
        (start + 1, 1)
    };
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            i += 2;
        } else if bytes[i] == quote && (width == 1 || bytes[i..].starts_with(&[quote; 3])) {
            return i + width;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(rule: &str, value: &Value) -> Result<Cel, String> {
        let program = compiled(rule)?;
        with_self(value, |context| {
            context.resolve(&program).map_err(|e| e.to_string())
        })
    }

    /// The error cel-rust hides behind "Missing argument or target" is
    /// found, inside a macro's loop too; other errors are kept.
    #[test]
    fn a_runtime_error_names_its_cause() {
        let failing = |rule: &str, value: &Value| {
            let program = compiled(rule).unwrap();
            with_self(value, |context| {
                let error = context.resolve(&program).unwrap_err();
                runtime_error(&cause(&program, context, error), &json!({}), rule)
            })
        };
        assert_eq!(
            failing("size(self.refs) > 0", &json!({})),
            "no such key: refs evaluating rule: size(self.refs) > 0"
        );
        assert_eq!(
            failing("self.all(l, size(l.refs) > 0)", &json!([{"refs": [1]}, {}])),
            "no such key: refs evaluating rule: self.all(l, size(l.refs) > 0)"
        );
        assert_eq!(
            failing("self.a / 0 == 1", &json!({"a": 1})),
            "division by zero evaluating rule: self.a / 0 == 1"
        );
        let message = json!({"message": " refs are needed "});
        let program = compiled("self.refs == 1").unwrap();
        let said = with_self(&json!({}), |context| {
            let error = context.resolve(&program).unwrap_err();
            runtime_error(&cause(&program, context, error), &message, "self.refs == 1")
        });
        assert_eq!(said, "no such key: refs evaluating rule: refs are needed");
    }

    #[test]
    fn an_escaped_reserved_field_name_reads_the_field() {
        let rule = "has(self.__namespace__) && self.__namespace__ == 'test'";
        assert_eq!(
            run(rule, &json!({"namespace": "test"})),
            Ok(Cel::Bool(true))
        );
        assert_eq!(run(rule, &json!({"name": "test"})), Ok(Cel::Bool(false)));
        assert_eq!(
            run("self . __while__ == 'x'", &json!({"while": "x"})),
            Ok(Cel::Bool(true))
        );
    }

    #[test]
    fn an_integer_field_is_a_cel_int() {
        let object = json!({"port": 80, "list": [1, 2], "big": u64::MAX, "ratio": 0.5});
        for rule in [
            "self.port == 80",
            "self.port + 1 == 81",
            "2 in self.list",
            "self.list.exists(x, x == 1)",
            "self.big == 18446744073709551615u",
            "self.ratio == 0.5",
        ] {
            assert_eq!(run(rule, &object), Ok(Cel::Bool(true)), "{rule}");
        }
    }

    #[test]
    fn only_field_names_outside_strings_are_unescaped() {
        assert_eq!(
            unescape_selectors(
                r#"p.__namespace__ == '.__namespace__' && __namespace__ == "x.__as__\"" "#
            ),
            r#"p.namespace == '.__namespace__' && __namespace__ == "x.__as__\"" "#
        );
        assert_eq!(
            unescape_selectors("p.__namespace__ + '''a.__if__ ' b''' + p.__if__ + p.__dash__"),
            "p.namespace + '''a.__if__ ' b''' + p.if + p.__dash__"
        );
        assert_eq!(unescape_selectors("p.x__namespace__"), "p.x__namespace__");
    }

    /// Code of `text` without its string literals.
    fn code(text: &str) -> String {
        let bytes = text.as_bytes();
        let (mut out, mut i) = (String::new(), 0);
        while i < bytes.len() {
            if bytes[i] == b'\'' || bytes[i] == b'"' {
                i = string_end(bytes, i);
            } else {
                out.push(bytes[i] as char);
                i += 1;
            }
        }
        out
    }

    /// Every escape in a rule of an embedded schema is one `unescape_selectors` undoes.
    #[test]
    fn the_embedded_rules_keep_no_escaped_name() {
        fn texts<'a>(tree: &'a Value, out: &mut Vec<&'a str>) {
            match tree {
                Value::Object(fields) => {
                    for (key, value) in fields {
                        match (key.as_str(), value) {
                            ("rule" | "messageExpression", Value::String(text)) => out.push(text),
                            _ => texts(value, out),
                        }
                    }
                }
                Value::Array(items) => items.iter().for_each(|item| texts(item, out)),
                _ => {}
            }
        }
        let (mut checked, mut escaped) = (0, 0);
        for file in TREES.files() {
            let name = file.path().to_string_lossy();
            let tree = super::tree(&name).expect("a rules tree");
            let mut found = Vec::new();
            texts(&tree, &mut found);
            for text in found {
                checked += 1;
                escaped += usize::from(code(text).contains("__"));
                let left = code(&unescape_selectors(text));
                assert!(
                    !left.contains("__"),
                    "{name}: an escaped name is left in {text}"
                );
            }
        }
        assert!(checked > 100, "{checked} rules");
        assert!(
            escaped > 0,
            "no rule has an escaped name: the test proves nothing"
        );
    }
}
