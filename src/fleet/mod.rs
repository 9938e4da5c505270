//! A fleet of Milvus releases: the app directories
//! `clusters/<cluster>/<namespace>/<release>/milvus-l7.yaml` from which one
//! Argo CD ApplicationSet makes one Application each
//! (`deploy/argocd/fleet/`). [`check`] renders every app as the plugin would
//! under Argo CD and refuses what cannot work together
//! ([`conflicts`]), so that a pull request adding a release is refused in CI
//! rather than fought over by two load balancers.

mod app;
mod conflicts;

pub use app::{render_app, FleetApp};
pub use conflicts::{conflicts, Conflict};

use crate::bounded_read;
use crate::error::{Error, Result};
use crate::render::fleet_layout::{AppPath, CLUSTERS};
use crate::render::params::{CONFIG_FILE, CONFIG_LIMIT};
use crate::render::Sources;
use std::path::{Path, PathBuf};

/// The fleet's app directories below `root` (the directory holding
/// `clusters/`, or `clusters/` itself), sorted, each with its config file.
/// Links are not followed: a fleet is what Argo CD's git generator sees.
pub fn app_dirs(root: &Path) -> Result<Vec<(AppPath, PathBuf)>> {
    let clusters = if root.file_name().is_some_and(|n| n == CLUSTERS) {
        root.to_path_buf()
    } else {
        root.join(CLUSTERS)
    };
    if !clusters.is_dir() {
        return Err(Error::Invalid {
            subject: root.display().to_string(),
            message: format!("no `{CLUSTERS}/` directory: not a fleet"),
            hint: format!(
                "give the directory that holds {CLUSTERS}/<cluster>/<namespace>/<release>/{CONFIG_FILE} \
                 (deploy/argocd/fleet/ is an example)"
            ),
        });
    }
    let mut apps = Vec::new();
    for entry in walkdir::WalkDir::new(&clusters)
        .min_depth(4)
        .max_depth(4)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(&clusters).to_path_buf();
            match e.into_io_error() {
                Some(io) => Error::io("reading", path, io),
                None => Error::Invalid {
                    subject: path.display().to_string(),
                    message: "a directory loop".into(),
                    hint: "remove the link that makes the loop".into(),
                },
            }
        })?;
        if entry.file_name() != CONFIG_FILE {
            continue;
        }
        let dir = entry.path().parent().expect("a file has a directory");
        if let Some(app) = AppPath::parse(dir) {
            apps.push((app, entry.path().to_path_buf()));
        }
    }
    Ok(apps)
}

/// Renders every app of the fleet under `root` and checks that they can
/// live together. The apps in order, or the first app that does not render
/// (named), or every conflict.
pub fn check(root: &Path, sources: &Sources) -> Result<Vec<FleetApp>> {
    let mut apps = Vec::new();
    for (path, config) in app_dirs(root)? {
        let text = bounded_read::text_file(&config, CONFIG_LIMIT)?;
        apps.push(render_app(path, &config, text, sources)?);
    }
    if apps.is_empty() {
        return Err(Error::Invalid {
            subject: root.display().to_string(),
            message: format!("no app: no {CLUSTERS}/<cluster>/<namespace>/<release>/{CONFIG_FILE}"),
            hint: format!(
                "add an app directory with its {CONFIG_FILE}, as in deploy/argocd/fleet/"
            ),
        });
    }
    let found = conflicts(&apps);
    if found.is_empty() {
        return Ok(apps);
    }
    let listed: String = found.iter().map(|c| format!("\n  {c}")).collect();
    Err(Error::Invalid {
        subject: root.display().to_string(),
        message: format!(
            "{} conflict{} between apps:{listed}",
            found.len(),
            if found.len() == 1 { "" } else { "s" }
        ),
        hint:
            "give each release its own name per namespace, its own domain and its own static IP; \
               set them in the app's milvus-l7.yaml (release, namespace, domain, staticIpName)"
                .into(),
    })
}
