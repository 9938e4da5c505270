//! The parameters every command that renders takes, and their way into
//! the library: the config file read, flags turned into settings.

use super::Ctx;
use crate::bounded_read;
use crate::error::{Error, Result};
use crate::render::file_tree::FileTree;
use crate::render::params::{Origin, ParamInputs, Setting, CONFIG_FILE, CONFIG_LIMIT};
use crate::render::{self, Sources};
use clap::Args;
use serde_json::Value;
use std::path::PathBuf;

// The parameters every command that renders takes. No doc comment: clap
// builds subcommands deferred (cli/mod.rs), so a doc comment here would
// replace the command's description in --help.
#[allow(missing_docs)]
#[derive(Debug, Args, Clone, Default)]
pub struct ParamArgs {
    /// Config file (default: ./milvus-l7.yaml when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Helm release name of Milvus [default: my-release].
    #[arg(long)]
    pub release: Option<String>,
    /// Namespace of every object [default: default, or $ARGOCD_APP_NAMESPACE].
    #[arg(long, short = 'n')]
    pub namespace: Option<String>,
    /// DNS name clients connect to; repeat for several, the first is the primary [default: RELEASE.milvus.io].
    #[arg(long = "domain", value_name = "NAME")]
    pub domains: Vec<String>,
    /// Overlay to apply; repeat to compose, in order [default: google-managed].
    #[arg(long = "overlay", value_name = "NAME", value_parser = super::overlay_arg::OverlayName, hide_possible_values = true)]
    pub overlays: Vec<String>,
    /// Set any parameter, e.g. --set healthCheckPort=9091 (docs/rendering.md lists them).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Self-managed: PEM certificate file for the TLS Secret.
    #[arg(long, value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// Self-managed: PEM private key file for the TLS Secret.
    #[arg(long, value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// Use templates from DIR instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Use overlays from DIR instead of the built-in ones.
    #[arg(long = "overlays", value_name = "DIR")]
    pub overlays_dir: Option<PathBuf>,
}

impl ParamArgs {
    /// Gathers the config file, the environment and the flags.
    pub fn inputs(&self, env: Vec<(String, String)>) -> Result<ParamInputs> {
        let config_path = match &self.config {
            Some(path) => Some(path.clone()),
            // Present in any form (a directory, a dangling link, a FIFO) is
            // read, and refused when it is not a readable regular file:
            // silently rendering the defaults instead would deploy the
            // wrong objects under Argo CD.
            None => Some(PathBuf::from(CONFIG_FILE)).filter(|p| p.symlink_metadata().is_ok()),
        };
        let config = match config_path {
            Some(path) => {
                let text = bounded_read::text_file(&path, CONFIG_LIMIT)?;
                Some((path, text))
            }
            None => None,
        };
        Ok(ParamInputs {
            config,
            env,
            flags: self.flags()?,
        })
    }

    fn flags(&self) -> Result<Vec<Setting>> {
        let flag = |key: &str, origin: &str, value: Value| Setting {
            key: key.into(),
            value,
            origin: Origin::Flag(origin.into()),
        };
        let mut flags = Vec::new();
        for entry in &self.set {
            let (key, value) = entry.split_once('=').ok_or_else(|| Error::Param {
                key: entry.clone(),
                origin: "--set".into(),
                message: "expected KEY=VALUE".into(),
                hint: "write e.g. --set healthCheckPort=9091".into(),
            })?;
            flags.push(flag(
                key.trim(),
                &format!("--set {}", key.trim()),
                Value::String(value.to_string()),
            ));
        }
        let named = [
            ("release", "--release", self.release.clone()),
            ("namespace", "--namespace", self.namespace.clone()),
            (
                "tlsCert",
                "--tls-cert",
                self.tls_cert.as_ref().map(|p| p.display().to_string()),
            ),
            (
                "tlsKey",
                "--tls-key",
                self.tls_key.as_ref().map(|p| p.display().to_string()),
            ),
        ];
        for (key, origin, value) in named {
            if let Some(value) = value {
                flags.push(flag(key, origin, Value::String(value)));
            }
        }
        if !self.domains.is_empty() {
            flags.push(flag(
                "domain",
                "--domain",
                Value::from(self.domains.clone()),
            ));
        }
        if !self.overlays.is_empty() {
            flags.push(flag(
                "overlays",
                "--overlay",
                Value::Array(
                    self.overlays
                        .iter()
                        .map(|o| Value::String(o.clone()))
                        .collect(),
                ),
            ));
        }
        Ok(flags)
    }

    /// The templates and overlays: built in, or the directories given.
    pub fn sources(&self) -> Result<Sources> {
        // A built-in tree is loaded only when no directory replaces it.
        let tree = |dir: &Option<PathBuf>, builtin: fn() -> FileTree| match dir {
            Some(dir) => FileTree::from_dir(dir),
            None => Ok(builtin()),
        };
        Ok(Sources {
            templates: tree(&self.templates, FileTree::builtin_templates)?,
            overlays: tree(&self.overlays_dir, FileTree::builtin_overlays)?,
        })
    }

    /// Renders with these parameters, shows the render's warnings, and
    /// with `-v` what was rendered: every command that renders first says
    /// which release, domain and overlays its answer is about.
    pub fn render(&self, ctx: &mut Ctx) -> Result<render::Rendered> {
        let rendered = render::render(&self.inputs(ctx.env.clone())?, &self.sources()?)?;
        for warning in &rendered.warnings {
            ctx.warn(warning);
        }
        ctx.info(&render::output::summary(&rendered));
        Ok(rendered)
    }
}
