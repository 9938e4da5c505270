//! The render pipeline: parameters → base templates → overlays →
//! validation → legacy sort. [`render`] is the whole of it; the stages
//! live in the modules below.

pub(crate) mod argocd_params;
pub mod chart;
pub(crate) mod check_guard;
pub(crate) mod dir_swap;
pub mod file_tree;
pub(crate) mod free_text;
pub mod helm_major;
pub mod output;
pub mod overlay;
pub(crate) mod ownership;
pub mod params;
pub mod setting;
pub(crate) mod template;

use crate::error::{Error, Result};
use file_tree::FileTree;

use crate::check::{self, CertificateFiles};
use crate::k8s::chart_service::ChartService;
use crate::k8s::resource::{self, Resource};
use params::{ParamInputs, Params};
use serde_json::Value;
use template::{TemplateContext, TemplateEngine};

/// Where templates and overlays come from: built in, or a user's copies.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The base templates and the Helm values template.
    pub templates: FileTree,
    /// One directory per overlay.
    pub overlays: FileTree,
}

impl Sources {
    /// The templates and overlays built into the binary.
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
    /// The parameters it was rendered with.
    pub params: Params,
    /// The objects, in kustomize's legacy order.
    pub resources: Vec<Resource>,
    /// Values for the milvus chart, which makes the Milvus Service.
    pub helm_values: Value,
    /// What the user should know but need not act on (e.g. a certificate
    /// that expires within 30 days), for the caller to show.
    pub warnings: Vec<String>,
}

impl Rendered {
    /// The Service the milvus chart makes from this render's Helm values.
    pub fn chart_service(&self) -> ChartService {
        ChartService::from_values(
            &self.helm_values,
            &self.params.release,
            &self.params.namespace,
        )
    }

    /// The command that makes the live Service match: what every hint
    /// about the Service ends with.
    pub fn helm_upgrade_command(&self) -> String {
        format!(
            "helm upgrade --install {} milvus/milvus -n {} -f out/helm/values.yaml (written by `milvus-l7 render -o out/`)",
            self.params.release, self.params.namespace
        )
    }
}

const BASE_DIR: &str = "base";
const HELM_VALUES_TEMPLATE: &str = "helm/values.yaml.j2";

/// The whole render: resolve the parameters, render the base, apply the overlays, check, sort.
pub fn render(inputs: &ParamInputs, sources: &Sources) -> Result<Rendered> {
    let (params, overlays) = params::resolve(inputs, &sources.overlays)?;
    let engine = TemplateEngine::new(&sources.templates, &sources.overlays)?;
    let context = TemplateContext::new(&params.context());
    let mut resources = render_base(&engine, &context, &sources.templates)?;
    let mut helm_values = render_helm_values(&engine, &context, &sources.templates)?;
    overlay::apply_all(
        &overlays,
        &engine,
        &context,
        &mut resources,
        &mut helm_values,
    )?;
    ownership::stamp(&mut resources, &ownership::labels(&engine, &context)?);
    let user_values = chart::user_values::read(&params)?;
    let helm_values = chart::user_values::merge(&helm_values, &user_values, &params)?;
    let certificate = params.tls.as_ref().map(|files| CertificateFiles {
        files,
        domain: &params.domain,
    });
    let warnings = check::rendered(&params.setup(), certificate, &resources, &helm_values)?;
    refuse_empty(&resources, &params)?;
    resource::sort_legacy(&mut resources);
    Ok(Rendered {
        params,
        resources,
        helm_values,
        warnings,
    })
}

/// The objects of the base templates (`base/*.j2`), in file order.
fn render_base(
    engine: &TemplateEngine,
    context: &TemplateContext,
    templates: &FileTree,
) -> Result<Vec<Resource>> {
    let mut resources = Vec::new();
    for (name, _) in templates
        .files_in(BASE_DIR)
        .filter(|(name, _)| name.ends_with(".j2"))
    {
        for doc in engine.render_documents(name, context)? {
            resources.push(Resource::new(doc).ok_or_else(|| incomplete_object(name))?);
        }
    }
    Ok(resources)
}

fn render_helm_values(
    engine: &TemplateEngine,
    context: &TemplateContext,
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
