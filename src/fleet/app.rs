//! One app of a fleet, rendered as the plugin renders it under Argo CD, and
//! what it claims that no other app may: its release in its namespace, its
//! domains, its static IP.

use crate::error::{Error, Result};
use crate::k8s::annotations::{GLOBAL_STATIC_IP, REGIONAL_STATIC_IP};
use crate::k8s::kind;
use crate::k8s::resource::Resource;
use crate::render::fleet_layout::{AppPath, SOURCE_PATH_VARIABLE};
use crate::render::params::ParamInputs;
use crate::render::{self, Sources};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// A rendered app: where it is, and what it claims.
#[derive(Debug, Clone)]
pub struct FleetApp {
    /// Its place in the layout.
    pub path: AppPath,
    /// The release it renders (the directory's, unless its config sets one).
    pub release: String,
    /// The namespace it renders into.
    pub namespace: String,
    /// Every DNS name its Ingress, Gateway or certificate serves.
    pub domains: BTreeSet<String>,
    /// Static IP names: global ones (`global/NAME`) and regional ones.
    pub static_ips: BTreeSet<StaticIp>,
    /// How many objects it renders.
    pub objects: usize,
}

/// A reserved address an app's load balancer takes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum StaticIp {
    /// A global address: one name per Google Cloud project.
    Global(String),
    /// A regional address: one name per region; clusters are told apart.
    Regional(String),
}

/// Renders one app with the environment Argo CD gives the plugin's
/// `generate` for an Application the fleet's ApplicationSet makes
/// (`deploy/argocd/fleet/applicationset.yaml`): its name, its destination
/// namespace and its source path.
pub fn render_app(
    path: AppPath,
    config: &Path,
    text: String,
    sources: &Sources,
) -> Result<FleetApp> {
    let source_path = format!(
        "clusters/{}/{}/{}",
        path.cluster, path.namespace, path.release
    );
    let env = vec![
        (
            "ARGOCD_APP_NAME".to_string(),
            format!("{}-{}-{}", path.cluster, path.namespace, path.release),
        ),
        ("ARGOCD_APP_NAMESPACE".to_string(), path.namespace.clone()),
        (SOURCE_PATH_VARIABLE.to_string(), source_path),
    ];
    let inputs = ParamInputs {
        config: Some((config.to_path_buf(), text)),
        env,
        flags: Vec::new(),
    };
    let rendered = render::render(&inputs, sources).map_err(|e| Error::Invalid {
        subject: format!("fleet app {}", path.label()),
        message: format!("does not render:\n{e}"),
        hint: format!("fix {}; every app of a fleet must render", config.display()),
    })?;
    let mut domains = BTreeSet::new();
    let mut static_ips = BTreeSet::new();
    for resource in &rendered.resources {
        claims(resource, &mut domains, &mut static_ips);
    }
    Ok(FleetApp {
        release: rendered.params.release.clone(),
        namespace: rendered.params.namespace.clone(),
        objects: rendered.resources.len(),
        path,
        domains,
        static_ips,
    })
}

/// The DNS names and static addresses one object claims.
fn claims(resource: &Resource, domains: &mut BTreeSet<String>, ips: &mut BTreeSet<StaticIp>) {
    let value = &resource.value;
    let strings = |pointer: &str| -> Vec<String> {
        value
            .pointer(pointer)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect()
    };
    let each = |pointer: &str, field: &str| -> Vec<String> {
        value
            .pointer(pointer)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|item| item.get(field)?.as_str().map(String::from))
            .collect()
    };
    let id = &resource.id;
    if kind::INGRESS.is_id(id) || kind::EXTENSIONS_INGRESS.is_id(id) {
        domains.extend(each("/spec/rules", "host"));
        let annotation = |key: &str| {
            value
                .pointer("/metadata/annotations")
                .and_then(|a| a.get(key))
                .and_then(Value::as_str)
                .map(String::from)
        };
        ips.extend(annotation(GLOBAL_STATIC_IP).map(StaticIp::Global));
        ips.extend(annotation(REGIONAL_STATIC_IP).map(StaticIp::Regional));
    } else if kind::MANAGED_CERTIFICATE.is_id(id) {
        domains.extend(strings("/spec/domains"));
    } else if kind::GATEWAY.is_id(id) {
        domains.extend(each("/spec/listeners", "hostname"));
        let regional = value
            .pointer("/spec/gatewayClassName")
            .and_then(Value::as_str)
            .is_some_and(|class| class.contains("regional") || class.contains("-rilb"));
        for address in value
            .pointer("/spec/addresses")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if address.get("type").and_then(Value::as_str) == Some("NamedAddress") {
                if let Some(name) = address.get("value").and_then(Value::as_str) {
                    ips.insert(if regional {
                        StaticIp::Regional(name.to_string())
                    } else {
                        StaticIp::Global(name.to_string())
                    });
                }
            }
        }
    } else if kind::HTTP_ROUTE.is_id(id) {
        domains.extend(strings("/spec/hostnames"));
    }
}
