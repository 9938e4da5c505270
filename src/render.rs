//! The render pipeline, in the order of DESIGN.md's data flow:
//! parameters → base templates → overlays → validation → legacy sort.

use crate::error::{Error, Result};
use crate::file_tree::FileTree;
use crate::overlay;
use crate::params::{self, ParamInputs, Params};
use crate::resource::{self, Resource};
use crate::template::TemplateEngine;
use crate::validate;
use serde_json::Value;

/// Where templates and overlays come from: built in, or a user's copies.
#[derive(Debug, Clone)]
pub struct Sources {
    pub templates: FileTree,
    pub overlays: FileTree,
}

impl Sources {
    pub fn builtin() -> Self {
        Sources {
            templates: FileTree::builtin_templates(),
            overlays: FileTree::builtin_overlays(),
        }
    }
}

/// The desired state: Kubernetes objects in output order, plus the values
/// for the milvus/milvus Helm chart (which makes the Service).
#[derive(Debug, Clone)]
pub struct Rendered {
    pub params: Params,
    pub resources: Vec<Resource>,
    pub helm_values: Value,
}

const BASE_DIR: &str = "base";
const HELM_VALUES_TEMPLATE: &str = "helm/values.yaml.j2";

pub fn render(inputs: &ParamInputs, sources: &Sources) -> Result<Rendered> {
    let (params, overlays) = params::resolve(inputs, &sources.overlays)?;
    let engine = TemplateEngine::new(&sources.templates, &sources.overlays)?;
    let context = params.context();

    let mut resources = Vec::new();
    for (name, _) in sources
        .templates
        .files_in(BASE_DIR)
        .filter(|(name, _)| name.ends_with(".j2"))
    {
        for doc in engine.render_documents(name, &context)? {
            resources.push(Resource::new(doc).ok_or_else(|| incomplete_object(name))?);
        }
    }
    let mut helm_values = render_helm_values(&engine, &context, &sources.templates)?;
    overlay::apply_all(
        &overlays,
        &engine,
        &context,
        &mut resources,
        &mut helm_values,
    )?;
    validate::rendered(&params, &resources, &helm_values)?;
    refuse_empty(&resources, &params)?;
    resource::sort_legacy(&mut resources);
    Ok(Rendered {
        params,
        resources,
        helm_values,
    })
}

fn render_helm_values(
    engine: &TemplateEngine,
    context: &Value,
    templates: &FileTree,
) -> Result<Value> {
    if !engine.has(HELM_VALUES_TEMPLATE) {
        return Err(Error::Template {
            template: HELM_VALUES_TEMPLATE.into(),
            message: format!("missing from {}", templates.origin),
            hint: "copy templates/helm/values.yaml.j2 into your --templates directory".into(),
        });
    }
    let mut docs = engine.render_documents(HELM_VALUES_TEMPLATE, context)?;
    match (docs.len(), docs.first()) {
        (1, Some(Value::Object(_))) => Ok(docs.remove(0)),
        _ => Err(Error::Template {
            template: HELM_VALUES_TEMPLATE.into(),
            message: "must render exactly one mapping".into(),
            hint: "remove extra `---` documents from the template".into(),
        }),
    }
}

fn incomplete_object(template: &str) -> Error {
    Error::Template {
        template: template.into(),
        message: "rendered an object without apiVersion, kind or metadata.name".into(),
        hint: "every document a template renders must be a complete Kubernetes object".into(),
    }
}

/// An empty stream is never what anyone wants, and under Argo CD it is
/// dangerous: with auto-sync and prune, an empty manifest list deletes every
/// object of the Application. So zero objects is an error, never exit 0.
fn refuse_empty(resources: &[Resource], params: &Params) -> Result<()> {
    if !resources.is_empty() {
        return Ok(());
    }
    Err(Error::Invalid {
        subject: "render".into(),
        message: format!(
            "no Kubernetes objects were rendered (overlays: [{}])",
            params.overlays.join(", ")
        ),
        hint: "the base templates (templates/base/*.yaml.j2) and the overlays must produce at \
               least one object; check --templates/--overlays directories and overlays that \
               remove objects"
            .into(),
    })
}
