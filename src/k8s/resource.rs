//! A Kubernetes object and its identity, and the order and file names
//! `kustomize build` uses, so our output reads like kustomize's.

use serde_json::Value;
use std::fmt;

/// (group, version, kind, namespace, name): what makes two objects "the same
/// object" for apply and diff. The version is carried for display and file
/// names but not compared (see [`ResId::matches`]): a live export may show an
/// older served version of the same object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResId {
    /// API group; empty for the core group.
    pub group: String,
    /// API version, without the group.
    pub version: String,
    /// Kind, e.g. `Ingress`.
    pub kind: String,
    /// `metadata.namespace`; empty for cluster-scoped objects.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
}

impl ResId {
    /// The identity of an object; `None` without apiVersion, kind or metadata.name.
    pub fn of(value: &Value) -> Option<ResId> {
        let api_version = value.get("apiVersion")?.as_str()?;
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        let metadata = value.get("metadata")?;
        Some(ResId {
            group: group.to_string(),
            version: version.to_string(),
            kind: value.get("kind")?.as_str()?.to_string(),
            namespace: metadata
                .get("namespace")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            name: metadata.get("name")?.as_str()?.to_string(),
        })
    }

    /// Same object, whatever API version it is seen through. `extensions` and
    /// `networking.k8s.io` serve the same Ingress objects.
    pub fn matches(&self, other: &ResId) -> bool {
        canonical_group(&self.group, &self.kind) == canonical_group(&other.group, &other.kind)
            && self.kind == other.kind
            && self.namespace == other.namespace
            && self.name == other.name
    }

    /// What [`ResId::matches`] compares, as a key for hash maps: objects
    /// with equal keys match.
    pub fn match_key(&self) -> (&str, &str, &str, &str) {
        (
            canonical_group(&self.group, &self.kind),
            &self.kind,
            &self.namespace,
            &self.name,
        )
    }

    /// `group/version`, or `version` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `kustomize build -o DIR` file name: `<group>_<version>_<kind>_<name>.yaml`
    /// lowercased, the empty group left out, prefixed by the namespace when
    /// the output spans several namespaces.
    pub fn file_name(&self, with_namespace: bool) -> String {
        let gvk = [
            self.group.as_str(),
            self.version.as_str(),
            self.kind.as_str(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_");
        let base = format!("{gvk}_{}.yaml", self.name).to_lowercase();
        if with_namespace && !self.namespace.is_empty() {
            format!("{}_{base}", self.namespace)
        } else {
            base
        }
    }

    /// Position in kustomize's legacy order (`SortOrderTransformer`):
    /// kinds others depend on first, webhooks last, then by GVK and name.
    fn legacy_sort_key(&self) -> (usize, String, String) {
        const FIRST: &[&str] = &[
            "Namespace",
            "ResourceQuota",
            "StorageClass",
            "CustomResourceDefinition",
            "ServiceAccount",
            "PodSecurityPolicy",
            "Role",
            "ClusterRole",
            "RoleBinding",
            "ClusterRoleBinding",
            "ConfigMap",
            "Secret",
            "Endpoints",
            "Service",
            "LimitRange",
            "PriorityClass",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "Deployment",
            "StatefulSet",
            "CronJob",
            "PodDisruptionBudget",
        ];
        const LAST: &[&str] = &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ];
        let rank = match (
            FIRST.iter().position(|k| *k == self.kind),
            LAST.iter().position(|k| *k == self.kind),
        ) {
            (Some(i), _) => i,
            (None, None) => FIRST.len(),
            (None, Some(i)) => FIRST.len() + 1 + i,
        };
        let or = |s: &str, empty: &str| {
            if s.is_empty() {
                empty.to_string()
            } else {
                s.to_string()
            }
        };
        let gvk = format!(
            "{}_{}_{}",
            or(&self.group, "~G"),
            or(&self.version, "~V"),
            or(&self.kind, "~K")
        );
        let full = format!(
            "{gvk}|{}|{}",
            or(&self.namespace, "~X"),
            or(&self.name, "~N")
        );
        (rank, gvk, full)
    }
}

pub(crate) fn canonical_group<'a>(group: &'a str, kind: &str) -> &'a str {
    match (group, kind) {
        ("extensions", "Ingress") => "networking.k8s.io",
        _ => group,
    }
}

impl fmt::Display for ResId {
    /// `group/version/kind/namespace/name`, the form used in diff headers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let group = if self.group.is_empty() {
            "core"
        } else {
            &self.group
        };
        write!(
            f,
            "{group}/{}/{}/{}/{}",
            self.version, self.kind, self.namespace, self.name
        )
    }
}

/// A rendered or live object: its JSON value and its identity.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Its identity, kept in step with `value`.
    pub id: ResId,
    /// The whole object.
    pub value: Value,
}

impl Resource {
    /// `None` when the value lacks apiVersion, kind or metadata.name.
    pub fn new(value: Value) -> Option<Resource> {
        ResId::of(&value).map(|id| Resource { id, value })
    }

    /// A core/v1 Secret: its data is never printed.
    pub fn is_secret(&self) -> bool {
        self.id.group.is_empty() && self.id.kind == "Secret"
    }
}

/// Sorts in kustomize's legacy order; stable and total, so output is
/// deterministic.
pub fn sort_legacy(resources: &mut [Resource]) {
    resources.sort_by_cached_key(|r| r.id.legacy_sort_key());
}

/// Whether `value` is of `kind` in API `group` (`""` for core).
pub fn kind_is(value: &Value, group: &str, kind: &str) -> bool {
    let api_version = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let value_group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    value_group == group && value.get("kind").and_then(Value::as_str) == Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id(api_version: &str, kind: &str, name: &str) -> ResId {
        ResId::of(&json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": "default"}})).unwrap()
    }

    #[test]
    fn legacy_order_puts_secret_and_service_first_and_groups_by_gvk() {
        let mut rs: Vec<Resource> = [
            ("networking.k8s.io/v1", "Ingress"),
            ("networking.gke.io/v1", "ManagedCertificate"),
            ("v1", "Service"),
            ("cloud.google.com/v1", "BackendConfig"),
            ("v1", "Secret"),
        ]
        .iter()
        .map(|(av, k)| Resource {
            id: id(av, k, "x"),
            value: json!({}),
        })
        .collect();
        sort_legacy(&mut rs);
        let kinds: Vec<_> = rs.iter().map(|r| r.id.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "Secret",
                "Service",
                "BackendConfig",
                "ManagedCertificate",
                "Ingress"
            ]
        );
    }

    #[test]
    fn file_names_match_kustomize() {
        assert_eq!(
            id("networking.k8s.io/v1", "Ingress", "My-Release").file_name(false),
            "networking.k8s.io_v1_ingress_my-release.yaml"
        );
        assert_eq!(
            id("v1", "Secret", "tls").file_name(false),
            "v1_secret_tls.yaml"
        );
        assert_eq!(
            id("v1", "Secret", "tls").file_name(true),
            "default_v1_secret_tls.yaml"
        );
    }

    #[test]
    fn extensions_ingress_is_the_same_object_as_networking_ingress() {
        assert!(id("extensions/v1beta1", "Ingress", "a").matches(&id(
            "networking.k8s.io/v1",
            "Ingress",
            "a"
        )));
        assert!(!id("v1", "Service", "a").matches(&id("v1", "Secret", "a")));
    }
}
