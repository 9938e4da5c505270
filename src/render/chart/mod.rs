//! `render --chart`: the whole release in one stream — the milvus chart
//! rendered by a real `helm template` with the L7 values, plus the L7
//! objects — so the Service annotations, `ClusterIP` and `tlsMode: 1` travel
//! with the Ingress instead of waiting for a hand-run `helm upgrade`.
//!
//! The chart is read from disk (`chartPath`, a directory or `.tgz`), or
//! fetched by Helm itself at the pinned `chartVersion`. Nothing here
//! depends on how a chart lays out its files beyond `Chart.yaml`: the
//! chart's objects come from one `helm template`, and the Milvus Service
//! is found by name.

pub mod chart_path;
pub mod chart_yaml;
pub mod child;
pub mod helm;
pub mod kustomize_dir;
pub mod post_render;
pub mod release_check;
pub mod stderr_tail;
pub mod user_values;

use crate::error::{Error, Result};
use crate::k8s::resource::{self, Resource};
use crate::render::Rendered;
use crate::yaml;
use chart_path::ChartPath;
use helm::{Helm, Template};
use serde_json::{json, Value};
use std::path::Path;

/// The chart as its `Chart.yaml` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartMeta {
    /// `name` of Chart.yaml (`milvus`).
    pub name: String,
    /// `version` of Chart.yaml.
    pub version: String,
}

/// The chart's name in its repository (`helm pull milvus --repo …`).
pub const CHART_NAME: &str = "milvus";

/// The chart to render and where it is published.
#[derive(Debug, Clone)]
pub struct ChartSource {
    /// A chart directory or `.tgz` on disk; without one, Helm fetches
    /// `milvus` at `version` from `repo`.
    pub path: Option<ChartPath>,
    /// The Helm repository, written into `-o DIR`'s kustomization.
    pub repo: String,
    /// The pinned version asked for (parameter `chartVersion`).
    pub version: String,
}

impl ChartSource {
    /// The chart as messages name it: its path, or `milvus V from URL`.
    pub fn describe(&self) -> String {
        match &self.path {
            Some(path) => path.path().display().to_string(),
            None => format!("{CHART_NAME} {} from {}", self.version, self.repo),
        }
    }
}

/// The whole release: the L7 render and the chart's objects with it.
#[derive(Debug, Clone)]
pub struct Release {
    /// The L7 render (its `resources` are the L7 objects only).
    pub l7: Rendered,
    /// The chart's objects and the L7 objects, in kustomize's legacy order.
    pub objects: Vec<Resource>,
    /// The chart rendered.
    pub chart: ChartMeta,
    /// Where it was read from.
    pub source: ChartSource,
}

impl Release {
    /// The objects as one `---`-separated stream.
    pub fn stream(&self) -> String {
        yaml::to_stream(&self.objects.iter().map(|r| &r.value).collect::<Vec<_>>())
    }
}

/// True when the parameters ask for the chart (`chart: true`, `--chart`).
pub fn wanted(rendered: &Rendered) -> bool {
    rendered.params.get("chart") == Some(&json!(true))
}

/// The chart source the parameters name: `chartPath` on disk (checked
/// before Helm sees it), else the pinned `chartVersion` from `chartRepo`.
pub fn source(rendered: &Rendered) -> Result<ChartSource> {
    let text = |key: &str| {
        rendered
            .params
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (repo, version) = (text("chartRepo"), text("chartVersion"));
    let path = Some(text("chartPath"))
        .filter(|p| !p.is_empty())
        .map(|p| ChartPath::check(Path::new(&p)))
        .transpose()?;
    Ok(ChartSource {
        path,
        repo,
        version,
    })
}

/// Renders the chart with the render's Helm values and merges its objects
/// with the L7 objects. One Helm process: the values go on its stdin, and
/// the chart's name and version come from its Chart.yaml (or, fetched from
/// the repository, are the pinned ones Helm was asked for).
pub fn render_release(l7: Rendered, helm: &dyn Helm) -> Result<Release> {
    let source = source(&l7)?;
    let chart = match &source.path {
        Some(path) => chart_yaml::read(path)?,
        None => ChartMeta {
            name: CHART_NAME.into(),
            version: source.version.clone(),
        },
    };
    let text = helm.template(&Template {
        release: &l7.params.release,
        chart: &source,
        namespace: &l7.params.namespace,
        values: yaml::to_string(&l7.helm_values),
        deadline: helm_deadline(&l7),
    })?;
    let chart_objects = parse_chart_objects(&text, &source.describe(), &l7.params.namespace)?;
    release_check::check(
        &chart_objects,
        &l7,
        "check chartPath (a milvus chart) and your values files",
    )?;
    let objects = merge(&l7.resources, chart_objects)?;
    Ok(Release {
        l7,
        objects,
        chart,
        source,
    })
}

/// The parameter `helmTimeout`, checked when the parameters were resolved.
fn helm_deadline(l7: &Rendered) -> std::time::Duration {
    let text = l7.params.get("helmTimeout").and_then(Value::as_str);
    text.and_then(|t| crate::duration::parse(t).ok())
        .unwrap_or(std::time::Duration::from_secs(300))
}

/// The chart's objects; namespaced ones without a namespace get the
/// release's, as `helm install --namespace` (and kustomize's `namespace:`)
/// would put them there, so `kubectl apply -f -` cannot scatter them into
/// the current context's namespace.
pub fn parse_chart_objects(text: &str, chart: &str, namespace: &str) -> Result<Vec<Resource>> {
    let origin = format!("helm template {chart}");
    let limits = yaml::Limits {
        max_documents: 100_000,
        ..yaml::Limits::default()
    };
    let mut objects = Vec::new();
    for mut doc in yaml::parse_stream(text, &origin, limits)? {
        drop_nulls(&mut doc);
        let kind = doc.get("kind").and_then(Value::as_str).unwrap_or_default();
        if !CLUSTER_SCOPED.contains(&kind) {
            if let Some(meta) = doc.get_mut("metadata").and_then(Value::as_object_mut) {
                let missing = meta
                    .get("namespace")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .is_empty();
                if missing {
                    meta.insert("namespace".into(), json!(namespace));
                }
            }
        }
        objects.push(Resource::new(doc).ok_or_else(|| Error::Parse {
            location: origin.clone(),
            message:
                "the chart rendered an object without apiVersion, kind or metadata.name".into(),
            hint: "check the chart with `helm lint`".into(),
        })?);
    }
    Ok(objects)
}

/// A `null` field is an unset field to Kubernetes; charts write
/// `annotations: null` where a value is empty. kustomize drops them too, and
/// the metadata schema would refuse them.
fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// Kinds a chart may make that have no namespace (Kubernetes' built-in
/// cluster-scoped kinds a chart plausibly renders).
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "StorageClass",
    "PriorityClass",
    "PersistentVolume",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "APIService",
    "IngressClass",
    "RuntimeClass",
    "CSIDriver",
    "VolumeSnapshotClass",
];

/// The L7 objects and the chart's, in kustomize's legacy order; the same
/// object from both is an error (kustomize refuses it too).
fn merge(l7: &[Resource], chart: Vec<Resource>) -> Result<Vec<Resource>> {
    refuse_duplicates(l7, &chart)?;
    let mut objects: Vec<Resource> = l7.iter().cloned().chain(chart).collect();
    resource::sort_legacy(&mut objects);
    Ok(objects)
}

/// An object rendered by both the chart and milvus-l7 is an error: one
/// would silently replace the other.
fn refuse_duplicates(l7: &[Resource], chart: &[Resource]) -> Result<()> {
    match chart
        .iter()
        .find(|c| l7.iter().any(|r| r.id.matches(&c.id)))
    {
        Some(dup) => Err(Error::Invalid {
            subject: format!("{}", dup.id),
            message: "rendered by both the chart and milvus-l7".into(),
            hint: "rename one of them (e.g. --set serviceName=… or a different release)".into(),
        }),
        None => Ok(()),
    }
}
