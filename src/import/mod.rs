//! `import`: the way in for a setup made by hand. From a live export of the
//! guide's objects (Ingress, BackendConfig, ManagedCertificate or TLS Secret,
//! the Milvus Service made by Helm; or the `gateway` overlay's Gateway API objects) it infers the parameters that reproduce
//! it, then proves them: it renders those parameters and diffs the render
//! against the same export. Whatever still differs is what the parameters
//! cannot express, and is returned as notes, never dropped.
//!
//! A TLS Secret is referred to by name (the `self-managed` overlay without
//! files), never read, copied or re-rendered.

mod backend_config;
mod found;
mod gateway;
mod ingress;
mod service;
mod settings;
mod verify;

use crate::error::Result;
use crate::k8s::resource::Resource;
pub use settings::Settings;

/// What `import` found: the config that reproduces the export, and what it
/// could not express.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The `milvus-l7.yaml` keys, in the order they are written.
    pub settings: Settings,
    /// What differs between the export and the render of `settings`, one
    /// line each: for the user to carry over by hand, or to accept.
    pub unexpressed: Vec<String>,
    /// The objects that the first apply will change only by adding the
    /// ownership labels (made by hand, or by an older milvus-l7).
    pub unlabelled: Vec<String>,
}

/// Infers the parameters of the setup in `live` and checks them by
/// rendering and diffing.
pub fn import(live: Vec<Resource>) -> Result<Imported> {
    let found = found::Found::pick(&live)?;
    let mut settings = Settings::default();
    service::read(&found, &mut settings)?;
    if found.front.id.kind == "Gateway" {
        gateway::read(&found, &mut settings);
    } else {
        ingress::read(&found, &mut settings);
    }
    if let Some(backend_config) = found.backend_config {
        backend_config::read(backend_config, &mut settings);
    }
    let mut unexpressed = found.notes;
    let verdict = match verify::verify(&settings, live.clone()) {
        Ok(verdict) => verdict,
        // What could not be read is why the render fails (a Gateway whose
        // only certificate names are not valid): say that, about the live
        // object, not the render's words about a milvus-l7.yaml.
        Err(e) if !settings.unexpressed.is_empty() => {
            return Err(crate::error::Error::Invalid {
                subject: found.front.id.to_string(),
                message: format!(
                    "cannot be imported: {}",
                    settings.unexpressed.join("; ")
                ),
                hint: format!(
                    "fix it on the cluster, or write milvus-l7.yaml by hand; the settings that could be read do not render: {}",
                    e
                ),
            })
        }
        Err(e) => return Err(e),
    };
    unexpressed.append(&mut settings.unexpressed);
    unexpressed.extend(verdict.differences);
    Ok(Imported {
        settings,
        unexpressed,
        unlabelled: verdict.unlabelled,
    })
}
