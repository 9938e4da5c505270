//! Diff: compares what render would produce (plus the Service
//! our Helm values imply) with a live export, object by object.
//!
//! Objects are matched by (group, kind, namespace, name) — [`ResId::matches`]
//! — and each one ends up changed, missing (rendered, not live), extra (live,
//! ours by kind and name, no longer rendered) or unchanged. Live objects
//! that are not ours (other apps in a whole-namespace or whole-cluster
//! export) are skipped before any work is done on them, so a 10k-object
//! export costs little more than parsing it.

pub(crate) mod api_defaults;
pub(crate) mod hints;
pub mod normalize;
pub mod projection;
pub mod report;
pub(crate) mod secret_mask;

use crate::k8s::resource::{self, ResId, Resource};
use crate::render::Rendered;
use normalize::Origin;
use projection::Scope;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// What became of one desired or live object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Live differs from rendered.
    Changed,
    /// Rendered, not live.
    Missing,
    /// Live and ours by kind and name, no longer rendered.
    Extra,
    /// The same after normalization.
    Unchanged,
}

/// One object's comparison. `live` and `rendered` are the compared forms
/// (normalized, shaped to the scope, keys sorted) with Secret values
/// already masked: nothing downstream can print a Secret's data.
#[derive(Debug, Clone)]
pub struct ObjectDiff {
    /// What became of it.
    pub status: Status,
    /// The rendered object's id, or the live one's for extras.
    pub id: ResId,
    /// The live object's id (its version may differ from the rendered one).
    pub live_id: Option<ResId>,
    /// The live side, as compared (absent for a missing object).
    pub live: Option<Value>,
    /// The rendered side, as compared (absent for an extra object).
    pub rendered: Option<Value>,
}

/// All objects, in output order, and what to do about the differences.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// Every compared object: rendered ones in output order, then extras.
    pub objects: Vec<ObjectDiff>,
    /// What to run or change to fix the differences.
    pub hints: Vec<String>,
}

impl Comparison {
    /// How many objects ended up `status`.
    pub fn count(&self, status: Status) -> usize {
        self.objects.iter().filter(|o| o.status == status).count()
    }

    /// Whether anything is not unchanged (exit status 1).
    pub fn differs(&self) -> bool {
        self.objects.iter().any(|o| o.status != Status::Unchanged)
    }
}

/// Whether a live object can take part in the comparison: one we render,
/// or one of our kinds in our namespace (a candidate "extra"). Everything
/// else in a whole-cluster export is dropped while it is read.
pub fn could_be_ours(rendered: &Rendered, id: &ResId) -> bool {
    is_our_kind_in(id, &rendered.params.namespace)
        || rendered.resources.iter().any(|r| r.id.matches(id))
}

/// One of the kinds milvus-l7 renders, in `namespace`: the first test both
/// for keeping a live object and for calling it extra.
fn is_our_kind_in(id: &ResId, namespace: &str) -> bool {
    id.namespace == namespace && OUR_KINDS.contains(&(id.group.as_str(), id.kind.as_str()))
}

/// Compares the desired state (rendered objects and the Helm-made Service)
/// with the live objects.
pub fn compare(rendered: &Rendered, live: Vec<Resource>, scope: Scope) -> Comparison {
    let service = rendered.chart_service().to_resource();
    let service_id = service.id.clone();
    let mut desired: Vec<Resource> = rendered.resources.clone();
    desired.push(service);
    resource::sort_legacy(&mut desired);

    let index = DesiredIndex::new(&desired);
    let ours = Ownership::new(rendered, &desired);
    let mut paired: Vec<Option<Resource>> = vec![None; desired.len()];
    let mut extras = Vec::new();
    for object in live {
        match index.find(&object.id) {
            Some(i) if paired[i].is_none() => paired[i] = Some(object),
            Some(_) => {} // the same object twice in the export: the first wins
            None if ours.claims(&object) => extras.push(object),
            None => {}
        }
    }

    let mut comparison = Comparison::default();
    for (want, have) in desired.iter().zip(paired) {
        let origin = if want.id == service_id {
            Origin::HelmChart
        } else {
            Origin::Rendered
        };
        comparison
            .objects
            .push(compare_one(want, have.as_ref(), origin, scope));
    }
    resource::sort_legacy(&mut extras);
    for extra in &extras {
        comparison.objects.push(extra_object(extra));
    }
    comparison.hints = crate::diff::hints::hints(rendered, &service_id, &comparison);
    comparison
}

fn compare_one(
    want: &Resource,
    have: Option<&Resource>,
    origin: Origin,
    scope: Scope,
) -> ObjectDiff {
    let mut rendered = want.value.clone();
    normalize::desired(&mut rendered);
    let Some(have) = have else {
        if want.is_secret() {
            secret_mask::mask_pair(None, Some(&mut rendered));
        }
        return ObjectDiff {
            status: Status::Missing,
            id: want.id.clone(),
            live_id: None,
            live: None,
            rendered: Some(rendered),
        };
    };
    let mut normalized = have.value.clone();
    normalize::live(&mut normalized, origin);
    // The same stored object read through another served version
    // (`extensions/v1beta1` for an Ingress) is not a difference.
    if let (Some(version), Value::Object(map)) = (rendered.get("apiVersion"), &mut normalized) {
        map.insert("apiVersion".into(), version.clone());
    }
    let mut live = projection::shape(&normalized, &rendered, scope);
    let status = if live == rendered {
        Status::Unchanged
    } else {
        Status::Changed
    };
    if want.is_secret() {
        secret_mask::mask_pair(Some(&mut live), Some(&mut rendered));
    }
    ObjectDiff {
        status,
        id: want.id.clone(),
        live_id: Some(have.id.clone()),
        live: Some(live),
        rendered: Some(rendered),
    }
}

fn extra_object(have: &Resource) -> ObjectDiff {
    let mut live = have.value.clone();
    normalize::live(&mut live, Origin::Rendered);
    if have.is_secret() {
        secret_mask::mask_pair(Some(&mut live), None);
    }
    ObjectDiff {
        status: Status::Extra,
        id: have.id.clone(),
        live_id: Some(have.id.clone()),
        live: Some(live),
        rendered: None,
    }
}

/// (kind, namespace, name): what an object is looked up by.
type NameKey<'a> = (&'a str, &'a str, &'a str);

/// Desired objects by (kind, namespace, name), so each live object is
/// matched in constant time; [`ResId::matches`] then checks the group.
struct DesiredIndex<'a> {
    by_name: HashMap<NameKey<'a>, Vec<(usize, &'a ResId)>>,
}

impl<'a> DesiredIndex<'a> {
    fn new(desired: &'a [Resource]) -> Self {
        let mut by_name: HashMap<_, Vec<_>> = HashMap::new();
        for (i, r) in desired.iter().enumerate() {
            let key = (
                r.id.kind.as_str(),
                r.id.namespace.as_str(),
                r.id.name.as_str(),
            );
            by_name.entry(key).or_default().push((i, &r.id));
        }
        DesiredIndex { by_name }
    }

    fn find(&self, id: &ResId) -> Option<usize> {
        let key = (id.kind.as_str(), id.namespace.as_str(), id.name.as_str());
        self.by_name
            .get(&key)?
            .iter()
            .find(|(_, want)| want.matches(id))
            .map(|(i, _)| *i)
    }
}

/// Which unmatched live objects are plausibly ours, so that an object a
/// previous render produced (the ManagedCertificate left behind after a
/// switch to self-managed) is reported, and other apps' objects are not:
/// one of the kinds we render, in our namespace, named like our objects or
/// the release, and not made by Helm (the chart's own objects are Helm's).
struct Ownership<'a> {
    namespace: &'a str,
    names: [&'a str; 4],
    release_prefix: String,
    /// TLS Secrets we use without rendering them (created out of band with
    /// `kubectl create secret tls`, or named in the Helm values): not extra.
    referenced_secrets: HashSet<String>,
}

/// (group, kind) of every kind milvus-l7 renders in some variant.
const OUR_KINDS: &[(&str, &str)] = &[
    ("networking.k8s.io", "Ingress"),
    ("extensions", "Ingress"),
    ("cloud.google.com", "BackendConfig"),
    ("networking.gke.io", "ManagedCertificate"),
    ("networking.gke.io", "FrontendConfig"),
    ("networking.gke.io", "HealthCheckPolicy"),
    ("networking.gke.io", "GCPBackendPolicy"),
    ("networking.gke.io", "GCPGatewayPolicy"),
    ("gateway.networking.k8s.io", "Gateway"),
    ("gateway.networking.k8s.io", "HTTPRoute"),
    ("", "Service"),
    ("", "Secret"),
];

const TLS_SECRET_TYPE: &str = "kubernetes.io/tls";
const MANAGED_BY: &str = "app.kubernetes.io/managed-by";

impl<'a> Ownership<'a> {
    fn new(rendered: &'a Rendered, desired: &[Resource]) -> Self {
        let params = &rendered.params;
        let mut referenced_secrets = HashSet::new();
        for value in desired
            .iter()
            .map(|r| &r.value)
            .chain([&rendered.helm_values])
        {
            collect_secret_names(value, &mut referenced_secrets);
        }
        Ownership {
            namespace: &params.namespace,
            names: [
                &params.release,
                &params.service_name,
                &params.backend_config_name,
                &params.certificate_name,
            ],
            release_prefix: format!("{}-", params.release),
            referenced_secrets,
        }
    }

    fn claims(&self, object: &Resource) -> bool {
        let id = &object.id;
        is_our_kind_in(id, self.namespace)
            && self.is_our_name(&id.name)
            && !is_made_by_helm(object)
            && (!object.is_secret() || self.is_unreferenced_tls_secret(object))
    }

    fn is_our_name(&self, name: &str) -> bool {
        self.names.contains(&name) || name.starts_with(&self.release_prefix)
    }

    fn is_unreferenced_tls_secret(&self, object: &Resource) -> bool {
        object.value.get("type").and_then(Value::as_str) == Some(TLS_SECRET_TYPE)
            && !self.referenced_secrets.contains(&object.id.name)
    }
}

/// Made by a Helm chart (the milvus chart and its subcharts, e.g. in an
/// export of the whole release from `render --chart`): labelled
/// `app.kubernetes.io/managed-by: Helm`, the older `heritage: Helm`
/// (pulsar, minio), or `helm.sh/chart`. Such objects are the chart's,
/// never "extra".
fn is_made_by_helm(object: &Resource) -> bool {
    let Some(labels) = object.value.pointer("/metadata/labels") else {
        return false;
    };
    let label = |key: &str| labels.get(key).and_then(Value::as_str);
    label(MANAGED_BY) == Some("Helm")
        || label("heritage") == Some("Helm")
        || label("helm.sh/chart").is_some()
}

/// Names of Secrets `value` refers to: every `secretName` (Ingress
/// `spec.tls`, volumes in the Helm values) and every `{kind: Secret, name}`
/// reference (Gateway `certificateRefs`).
fn collect_secret_names(value: &Value, names: &mut HashSet<String>) {
    match value {
        Value::Object(map) => {
            let secret_ref = map.get("kind").and_then(Value::as_str) == Some("Secret");
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("secretName", Value::String(name)) => {
                        names.insert(name.clone());
                    }
                    ("name", Value::String(name)) if secret_ref => {
                        names.insert(name.clone());
                    }
                    _ => collect_secret_names(child, names),
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_secret_names(item, names)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::params::ParamInputs;
    use crate::render::{render, Sources};
    use serde_json::json;

    fn rendered(overlay: &str) -> Rendered {
        let inputs = ParamInputs {
            flags: vec![crate::render::params::Setting {
                key: "overlays".into(),
                value: json!([overlay]),
                origin: crate::render::params::Origin::Flag("test".into()),
            }],
            ..ParamInputs::default()
        };
        render(&inputs, &Sources::builtin()).unwrap()
    }

    fn object(api_version: &str, kind: &str, name: &str, extra: Value) -> Resource {
        let mut value = json!({"apiVersion": api_version, "kind": kind,
            "metadata": {"name": name, "namespace": "default"}});
        if let (Value::Object(map), Value::Object(more)) = (&mut value, extra) {
            map.extend(more);
        }
        Resource::new(value).unwrap()
    }

    fn statuses(comparison: &Comparison) -> Vec<(String, Status)> {
        comparison
            .objects
            .iter()
            .map(|o| (format!("{}/{}", o.id.kind, o.id.name), o.status))
            .collect()
    }

    #[test]
    fn with_nothing_live_everything_is_missing_including_the_helm_service() {
        let c = compare(&rendered("google-managed"), vec![], Scope::Managed);
        assert_eq!(c.count(Status::Missing), 4);
        assert!(c.objects.iter().any(|o| o.id.kind == "Service"));
        assert!(c.differs());
    }

    #[test]
    fn only_our_kinds_and_names_not_made_by_helm_are_extra() {
        let tls = json!({"type": "kubernetes.io/tls", "data": {"tls.key": "S0VZ"}});
        let helm = json!({"metadata": {"name": "my-release-milvus-grpc", "namespace": "default",
            "labels": {"app.kubernetes.io/managed-by": "Helm"}}});
        let live = vec![
            object(
                "networking.gke.io/v1",
                "FrontendConfig",
                "my-release-frontendconfig",
                json!({}),
            ),
            object("v1", "Secret", "my-release-old-tls", tls.clone()),
            object("v1", "Secret", "my-release-etcd", json!({"type": "Opaque"})),
            object("v1", "Secret", "someone-elses-tls", tls.clone()),
            object("networking.k8s.io/v1", "Ingress", "other-app", json!({})),
            object("networking.k8s.io/v1", "Ingress", "x", helm),
            object("v1", "ConfigMap", "my-release-config", json!({})),
        ];
        let c = compare(&rendered("google-managed"), live, Scope::Managed);
        let extras: Vec<_> = statuses(&c)
            .into_iter()
            .filter(|(_, s)| *s == Status::Extra)
            .map(|(id, _)| id)
            .collect();
        assert_eq!(
            extras,
            [
                "Secret/my-release-old-tls",
                "FrontendConfig/my-release-frontendconfig"
            ]
        );
        let shown = c
            .objects
            .iter()
            .map(|o| format!("{:?}", o.live))
            .collect::<String>();
        assert!(!shown.contains("S0VZ"), "Secret data is masked");
    }

    #[test]
    fn a_tls_secret_the_ingress_uses_is_not_extra() {
        let tls = json!({"type": "kubernetes.io/tls", "data": {"tls.key": "S0VZ"}});
        let live = vec![object("v1", "Secret", "my-release-milvus-tls", tls)];
        let c = compare(&rendered("self-managed"), live, Scope::Managed);
        assert_eq!(c.count(Status::Extra), 0);
    }

    #[test]
    fn the_same_object_twice_in_an_export_is_compared_once() {
        let bc = |port: u16| {
            let mut bc = object(
                "cloud.google.com/v1",
                "BackendConfig",
                "my-release-backendconfig",
                json!({"spec": {"healthCheck": {"port": port, "requestPath": "/healthz", "type": "HTTP"}}}),
            );
            bc.value["metadata"]["labels"] = json!({
                "app.kubernetes.io/instance": "my-release",
                "app.kubernetes.io/managed-by": "milvus-l7"});
            bc
        };
        let c = compare(
            &rendered("google-managed"),
            vec![bc(9091), bc(1)],
            Scope::Managed,
        );
        let backend = c
            .objects
            .iter()
            .find(|o| o.id.kind == "BackendConfig")
            .unwrap();
        assert_eq!(backend.status, Status::Unchanged);
        assert_eq!(c.objects.len(), 4);
    }
}
