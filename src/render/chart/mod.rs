//! `render --chart`: the whole release in one stream — the milvus chart
//! rendered by a real `helm template` with the L7 values, plus the L7
//! objects — so the Service annotations, `ClusterIP` and `tlsMode: 1` travel
//! with the Ingress instead of waiting for a hand-run `helm upgrade`.
//!
//! The chart is read from disk only (`chartPath`, a directory or `.tgz`):
//! milvus-l7 never opens a connection, and a render must not change when a
//! repository does. Nothing here depends on how a chart lays out its files:
//! the chart's name and version come from `helm show chart`, its objects
//! from `helm template`, and the Milvus Service is found by name.

pub mod helm;
pub mod kustomize_dir;
pub mod user_values;

use crate::error::{Error, Result};
use crate::k8s::resource::{self, Resource};
use crate::render::Rendered;
use crate::yaml;
use helm::Helm;
use serde_json::{json, Value};
use std::path::PathBuf;

/// The chart as `helm show chart` describes it.
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
    pub path: Option<PathBuf>,
    /// The Helm repository, written into `-o DIR`'s kustomization.
    pub repo: String,
    /// The pinned version asked for (parameter `chartVersion`).
    pub version: String,
}

impl ChartSource {
    /// The chart as messages name it: its path, or `milvus V from URL`.
    pub fn describe(&self) -> String {
        match &self.path {
            Some(path) => path.display().to_string(),
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

/// The chart source the parameters name: `chartPath` on disk, else the
/// pinned `chartVersion` from `chartRepo`.
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
        .map(PathBuf::from);
    Ok(ChartSource {
        path,
        repo,
        version,
    })
}

/// Renders the chart with the render's Helm values and merges its objects
/// with the L7 objects.
pub fn render_release(l7: Rendered, helm: &dyn Helm) -> Result<Release> {
    let source = source(&l7)?;
    let chart = chart_meta(&helm.show_chart(&source)?, &source)?;
    let values = tempfile::Builder::new()
        .prefix("milvus-l7-values-")
        .suffix(".yaml")
        .tempfile()
        .map_err(|e| {
            Error::io(
                "creating a temporary values file in",
                std::env::temp_dir(),
                e,
            )
        })?;
    std::fs::write(values.path(), yaml::to_string(&l7.helm_values))
        .map_err(|e| Error::io("writing", values.path(), e))?;
    let text = helm.template(
        &l7.params.release,
        &source,
        &l7.params.namespace,
        values.path(),
    )?;
    let chart_objects = parse_chart_objects(&text, &source, &l7.params.namespace)?;
    check_chart_service(&chart_objects, &l7)?;
    let objects = merge(&l7.resources, chart_objects)?;
    Ok(Release {
        l7,
        objects,
        chart,
        source,
    })
}

fn chart_meta(text: &str, source: &ChartSource) -> Result<ChartMeta> {
    let origin = format!("{} (Chart.yaml)", source.describe());
    let docs = yaml::parse_stream(text, &origin, yaml::Limits::default())?;
    let field = |key: &str| {
        docs.first()
            .and_then(|d| d.get(key))
            .and_then(Value::as_str)
            .map(String::from)
    };
    match (field("name"), field("version")) {
        (Some(name), Some(version)) => Ok(ChartMeta { name, version }),
        _ => Err(Error::Parse {
            location: origin,
            message: "Chart.yaml has no name or version".into(),
            hint: "chartPath must be a Helm chart (a directory with Chart.yaml, or its .tgz)"
                .into(),
        }),
    }
}

/// The chart's objects; namespaced ones without a namespace get the
/// release's, as `helm install --namespace` (and kustomize's `namespace:`)
/// would put them there, so `kubectl apply -f -` cannot scatter them into
/// the current context's namespace.
fn parse_chart_objects(text: &str, source: &ChartSource, namespace: &str) -> Result<Vec<Resource>> {
    let origin = format!("helm template {}", source.describe());
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

/// The chart must make the Service the L7 objects point at, as the values
/// say: found by name, whatever file of the chart makes it.
fn check_chart_service(objects: &[Resource], l7: &Rendered) -> Result<()> {
    let expected = l7.chart_service();
    let subject = format!("chart Service {}/{}", expected.namespace, expected.name);
    let fail = |message: String| Error::Invalid {
        subject: subject.clone(),
        message,
        hint: "the Ingress/HTTPRoute needs this Service as the values describe it; check \
               chartPath (a milvus chart) and your values files"
            .into(),
    };
    let service = objects
        .iter()
        .find(|r| {
            r.id.group.is_empty()
                && r.id.kind == "Service"
                && r.id.name == expected.name
                && r.id.namespace == expected.namespace
        })
        .ok_or_else(|| fail("the chart made no such Service".into()))?;
    let spec = &service.value["spec"];
    let service_type = spec["type"].as_str().unwrap_or("ClusterIP");
    if service_type != expected.service_type {
        return Err(fail(format!(
            "type {service_type}, expected {}",
            expected.service_type
        )));
    }
    let has_port = spec["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|p| p["name"] == json!(expected.port_name) && p["port"] == json!(expected.port));
    if !has_port {
        return Err(fail(format!(
            "no port {} named `{}`",
            expected.port, expected.port_name
        )));
    }
    for (key, value) in &expected.annotations {
        if service.value["metadata"]["annotations"].get(key) != Some(value) {
            return Err(fail(format!("annotation {key} is not {value}")));
        }
    }
    Ok(())
}

/// The L7 objects and the chart's, in kustomize's legacy order; the same
/// object from both is an error (kustomize refuses it too).
fn merge(l7: &[Resource], chart: Vec<Resource>) -> Result<Vec<Resource>> {
    if let Some(dup) = chart
        .iter()
        .find(|c| l7.iter().any(|r| r.id.matches(&c.id)))
    {
        return Err(Error::Invalid {
            subject: format!("{}", dup.id),
            message: "rendered by both the chart and milvus-l7".into(),
            hint: "rename one of them (e.g. --set serviceName=… or a different release)".into(),
        });
    }
    let mut objects: Vec<Resource> = l7.iter().cloned().chain(chart).collect();
    resource::sort_legacy(&mut objects);
    Ok(objects)
}
