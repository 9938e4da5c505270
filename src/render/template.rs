//! The template engine: minijinja over the in-memory template and overlay trees.
//!
//! Settings: no auto-escaping (minijinja would JSON-escape
//! `*.yaml` templates), strict undefined values (a typo in a template is an
//! error, not an empty string), a compact `tojson` (annotation values must
//! look like what kubectl prints) and a `b64encode` filter for Secret data.

use crate::error::{Error, Result};
use crate::render::file_tree::FileTree;
use crate::yaml;
use base64::Engine as _;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde_json::Value;

pub struct TemplateEngine {
    env: Environment<'static>,
}

/// The parameters as templates read them. minijinja copies a
/// `serde_json::Value` into its own values whole, so a render converts
/// them once here rather than for each of its templates and patch strings.
pub struct TemplateContext(minijinja::Value);

impl TemplateContext {
    pub fn new(parameters: &Value) -> Self {
        TemplateContext(minijinja::Value::from(minijinja::value::Serde(parameters)))
    }
}

impl TemplateEngine {
    /// Serves the files of both trees: templates under their own path
    /// (`base/ingress.yaml.j2`), overlay files under `overlays/<path>`.
    pub fn new(templates: &FileTree, overlays: &FileTree) -> Result<Self> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters are valid");
        env.set_syntax(syntax);
        env.add_filter("tojson", tojson);
        env.add_filter("b64encode", b64encode);
        // `{{ serviceName | suffixed("-gateway") }}`: a derived object name
        // that fits a DNS label, the suffix kept (see names::with_suffix).
        env.add_filter("suffixed", |name: String, suffix: String| {
            crate::k8s::names::with_suffix(&name, &suffix)
        });
        // `{{ refuse("what GKE refuses", "how to fix") }}`: an overlay states
        // a combination the controllers refuse as data, next to what it renders.
        env.add_function(
            "refuse",
            |message: String, hint: String| -> Result<String, minijinja::Error> {
                Err(minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("{REFUSED}{message}{REFUSED}{hint}"),
                ))
            },
        );
        // Templates compile on first use, so a render pays only for the
        // base and the overlays it selects.
        let (templates, overlays) = (templates.clone(), overlays.clone());
        env.set_loader(move |name| {
            let text = match name.strip_prefix("overlays/") {
                Some(rest) => overlays.get(rest),
                None => templates.get(name),
            };
            Ok(text.map(str::to_string))
        });
        Ok(TemplateEngine { env })
    }

    pub fn has(&self, name: &str) -> bool {
        self.env.get_template(name).is_ok()
    }

    /// Renders a template into the YAML documents it produces (none, when a
    /// conditional template renders empty).
    pub fn render_documents(&self, name: &str, context: &TemplateContext) -> Result<Vec<Value>> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_error(name, &e))?;
        let text = template
            .render(&context.0)
            .map_err(|e| template_error(name, &e))?;
        yaml::parse_stream(
            &text,
            &format!("output of template {name}"),
            yaml::Limits::default(),
        )
        .map_err(|e| Error::TemplateOutput {
            template: name.to_string(),
            source: Box::new(e),
        })
    }

    /// Renders every string inside `value` as a template, so inline overlay
    /// patches can say `"{{ certificateName }}"`.
    pub fn render_strings(
        &self,
        value: &mut Value,
        context: &TemplateContext,
        origin: &str,
    ) -> Result<()> {
        match value {
            Value::String(s) if s.contains("{{") || s.contains("{%") => {
                *s = self
                    .env
                    .render_str(s, &context.0)
                    .map_err(|e| template_error(origin, &e))?;
            }
            Value::Array(items) => items
                .iter_mut()
                .try_for_each(|v| self.render_strings(v, context, origin))?,
            Value::Object(map) => map
                .values_mut()
                .try_for_each(|v| self.render_strings(v, context, origin))?,
            _ => {}
        }
        Ok(())
    }
}

/// Marks a refusal by `refuse()` in an error's detail, and separates its hint.
const REFUSED: &str = "\u{1}refused\u{1}";

fn template_error(name: &str, e: &minijinja::Error) -> Error {
    let refused = e.detail().and_then(|d| d.strip_prefix(REFUSED));
    if let Some((message, hint)) = refused.and_then(|r| r.split_once(REFUSED)) {
        let file = e.name().unwrap_or(name);
        let overlay = file
            .strip_prefix("overlays/")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or(file);
        return Error::Overlay {
            overlay: overlay.to_string(),
            message: message.to_string(),
            hint: hint.to_string(),
        };
    }
    let template = match (e.name(), e.line()) {
        (Some(n), Some(line)) => format!("{n}:{line}"),
        (None, Some(line)) => format!("{name}:{line}"),
        _ => name.to_string(),
    };
    let message = match e.detail() {
        Some(detail) => format!("{}: {detail}", e.kind()),
        None => e.kind().to_string(),
    };
    let hint = match e.kind() {
        minijinja::ErrorKind::UndefinedError => "the template uses a parameter that does not exist; docs/rendering.md lists them (sections Parameters and Overlays), and an overlay.yaml its own under `parameters:`",
        minijinja::ErrorKind::SyntaxError => "fix the Jinja syntax at that line",
        minijinja::ErrorKind::TemplateNotFound => "check the file name in overlay.yaml, or the --templates/--overlays directory",
        _ => "check the template at that line",
    };
    Error::Template {
        template,
        message,
        hint: hint.into(),
    }
}

/// JSON without spaces, as kubectl and GKE write annotation values.
fn tojson(value: minijinja::Value) -> Result<String, minijinja::Error> {
    serde_json::to_string(&value)
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string()))
}

fn b64encode(value: String) -> String {
    base64::engine::general_purpose::STANDARD.encode(value.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn engine(files: &[(&str, &str)]) -> TemplateEngine {
        TemplateEngine::new(
            &FileTree::from_map("test", files.iter().copied()),
            &FileTree::default(),
        )
        .unwrap()
    }

    #[test]
    fn tojson_is_compact_and_yaml_safe() {
        let e = engine(&[(
            "t.yaml.j2",
            "a: {{ {'milvus': 'HTTP2'} | tojson | tojson }}\n",
        )]);
        let docs = e
            .render_documents("t.yaml.j2", &TemplateContext::new(&json!({})))
            .unwrap();
        assert_eq!(docs, vec![json!({"a": "{\"milvus\":\"HTTP2\"}"})]);
    }

    #[test]
    fn undefined_parameter_names_template_and_line() {
        let e = engine(&[("t.yaml.j2", "a: 1\nb: {{ nope }}\n")]);
        let err = e
            .render_documents("t.yaml.j2", &TemplateContext::new(&json!({})))
            .unwrap_err()
            .to_string();
        assert!(err.contains("t.yaml.j2:2"), "{err}");
        assert!(err.contains("undefined"), "{err}");
    }

    #[test]
    fn empty_render_gives_no_documents() {
        let e = engine(&[("t.yaml.j2", "{% if false %}\na: 1\n{% endif %}\n")]);
        assert!(e
            .render_documents("t.yaml.j2", &TemplateContext::new(&json!({})))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn b64encode_encodes() {
        let e = engine(&[("t.yaml.j2", "a: {{ 'hi' | b64encode }}\n")]);
        assert_eq!(
            e.render_documents("t.yaml.j2", &TemplateContext::new(&json!({})))
                .unwrap(),
            vec![json!({"a": "aGk="})]
        );
    }
}
