//! A parameter value and where it was set: what every layer (defaults,
//! config file, environment, Argo CD, flags) hands the resolver.

use serde_json::Value;
use std::fmt;

/// One value set somewhere, and where, for messages.
#[derive(Debug, Clone)]
pub struct Setting {
    /// The parameter's name, as the user spelled it.
    pub key: String,
    /// The value before it is checked against the parameter's type.
    pub value: Value,
    /// Where it was set.
    pub origin: Origin,
}

/// Where a parameter's value came from: named in messages, and deciding
/// the rules that depend on the layer (environment names lose their case;
/// Argo CD's shared prefixes may hold other tools' variables).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The built-in default, or an overlay's.
    Default,
    /// A key of the config file.
    ConfigFile {
        /// The file as given.
        path: String,
        /// The key, as written there.
        key: String,
    },
    /// An environment variable, by name (`MILVUS_L7_DOMAIN`, `PARAM_OVERLAYS_<n>`).
    Env(String),
    /// One item of Argo CD's `ARGOCD_APP_PARAMETERS`, by name.
    ArgoCdParameter(String),
    /// A command-line flag as typed: `--domain`, `--set healthCheckPort`.
    Flag(String),
}

impl Origin {
    /// Set in the environment, where names lose the parameter's case.
    pub(crate) fn is_env(&self) -> bool {
        matches!(self, Origin::Env(_))
    }

    /// `ARGOCD_ENV_*` and `PARAM_*` are Argo CD's, shared by every plugin:
    /// a variable there may be someone else's.
    pub(crate) fn is_reserved_argocd(&self) -> bool {
        matches!(self, Origin::Env(name) if name.starts_with("ARGOCD_ENV_") || name.starts_with("PARAM_"))
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::ConfigFile { path, key } => write!(f, "{path} (key `{key}`)"),
            Origin::Env(name) => write!(f, "env {name}"),
            Origin::ArgoCdParameter(name) => {
                write!(f, "Argo CD parameter `{name}` (ARGOCD_APP_PARAMETERS)")
            }
            Origin::Flag(flag) => f.write_str(flag),
        }
    }
}
