//! The fleet layout: one app directory per Milvus release,
//! `clusters/<cluster>/<namespace>/<release>/`, from which one Argo CD
//! ApplicationSet makes one Application each (`deploy/argocd/fleet/`).
//!
//! The directories give the release and namespace defaults, and an app's
//! `milvus-l7.yaml` may still set them (or anything else). The same rule
//! serves both places that see such a directory:
//! - the plugin under Argo CD, which learns the app's directory from
//!   `ARGOCD_APP_SOURCE_PATH` — sent to `generate` *and* to
//!   `parameters.dynamic` (argo-cd v3.5.1 `reposerver/repository/repository.go`:
//!   `newEnv` and `populatePluginAppDetails`), unlike `ARGOCD_APP_NAMESPACE`,
//!   which `parameters.dynamic` never gets; so the UI and the render agree;
//! - `milvus-l7 validate --fleet`, which walks the tree.
//!
//! Parameter-only Applications (no `milvus-l7.yaml` at all) get their
//! release and namespace the same way.

use super::setting::{Origin, Setting};
use serde_json::json;
use std::path::{Component, Path};

/// The directory that starts a fleet.
pub const CLUSTERS: &str = "clusters";
/// The variable in which Argo CD names the app's directory in the repository.
pub const SOURCE_PATH_VARIABLE: &str = "ARGOCD_APP_SOURCE_PATH";

/// Where one app sits in a fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPath {
    /// The cluster's directory: the ApplicationSet's destination cluster name.
    pub cluster: String,
    /// The namespace's directory: the default namespace.
    pub namespace: String,
    /// The release's directory: the default release.
    pub release: String,
}

impl AppPath {
    /// `clusters/<cluster>/<namespace>/<release>` at the end of `path`
    /// (relative or absolute, a trailing `/` allowed); `None` for any other path.
    pub fn parse(path: &Path) -> Option<AppPath> {
        let names: Vec<&str> = path
            .components()
            .filter_map(|c| match c {
                Component::Normal(name) => name.to_str(),
                _ => None,
            })
            .collect();
        match names.as_slice() {
            [.., clusters, cluster, namespace, release] if *clusters == CLUSTERS => Some(AppPath {
                cluster: cluster.to_string(),
                namespace: namespace.to_string(),
                release: release.to_string(),
            }),
            _ => None,
        }
    }

    /// `<cluster>/<namespace>/<release>`: how messages name the app.
    pub fn label(&self) -> String {
        format!("{}/{}/{}", self.cluster, self.namespace, self.release)
    }

    /// The defaults this directory gives, lowest in precedence after the
    /// built-in ones: the config file, the environment and flags override them.
    pub fn settings(&self, origin: &Origin) -> Vec<Setting> {
        [("release", &self.release), ("namespace", &self.namespace)]
            .into_iter()
            .map(|(key, value)| Setting {
                key: key.into(),
                value: json!(value),
                origin: origin.clone(),
            })
            .collect()
    }
}

/// The directory defaults of an app whose `ARGOCD_APP_SOURCE_PATH` is in
/// the fleet layout; none for any other app.
pub fn settings_from_env(source_path: Option<&str>) -> Vec<Setting> {
    source_path
        .and_then(|p| AppPath::parse(Path::new(p)))
        .map(|app| app.settings(&Origin::Env(SOURCE_PATH_VARIABLE.into())))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_four_names_make_an_app_path() {
        let app = AppPath::parse(Path::new("fleet/clusters/prod-eu/milvus/search/")).unwrap();
        assert_eq!(
            app,
            AppPath {
                cluster: "prod-eu".into(),
                namespace: "milvus".into(),
                release: "search".into()
            }
        );
        assert_eq!(app.label(), "prod-eu/milvus/search");
        assert!(AppPath::parse(Path::new("clusters/prod-eu/milvus")).is_none());
        assert!(AppPath::parse(Path::new("deploy/argocd/example-app")).is_none());
        assert!(AppPath::parse(Path::new("clusters/a/b/c/d")).is_none());
    }

    #[test]
    fn only_a_fleet_path_gives_defaults() {
        let settings = settings_from_env(Some("clusters/c1/ns1/rel1"));
        let pairs: Vec<_> = settings
            .iter()
            .map(|s| (s.key.as_str(), s.value.as_str().unwrap()))
            .collect();
        assert_eq!(pairs, [("release", "rel1"), ("namespace", "ns1")]);
        assert_eq!(settings[0].origin.to_string(), "env ARGOCD_APP_SOURCE_PATH");
        assert!(settings_from_env(Some("deploy/argocd/example-app")).is_empty());
        assert!(settings_from_env(None).is_empty());
    }
}
