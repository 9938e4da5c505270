//! The one error type of milvus-l7. Every message says what went wrong, where
//! (file:line:column, template:line or the parameter and where it was set) and
//! how to fix it, because the person reading it is usually looking at a CI log
//! or the Argo CD UI, not at our source.

use std::path::PathBuf;

/// Everything that can stop a command. All of them exit with status 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A parameter has a bad value or an unknown name.
    #[error("invalid parameter `{key}` (set by {origin}): {message}\n  hint: {hint}")]
    Param {
        key: String,
        origin: String,
        message: String,
        hint: String,
    },

    /// A YAML or JSON document could not be read.
    #[error("{location}: {message}\n  hint: {hint}")]
    Parse {
        /// `file:line:column`, or the file alone when the parser gave no position.
        location: String,
        message: String,
        hint: String,
    },

    /// A template failed to render or rendered something that is not YAML.
    #[error("template {template}: {message}\n  hint: {hint}")]
    Template {
        /// `name:line` when the line is known.
        template: String,
        message: String,
        hint: String,
    },

    /// An overlay is unknown, malformed, or its patches do not apply.
    #[error("overlay `{overlay}`: {message}\n  hint: {hint}")]
    Overlay {
        overlay: String,
        message: String,
        hint: String,
    },

    /// A rendered or given object breaks a rule (schema, cross-reference, certificate).
    #[error("{subject}: {message}\n  hint: {hint}")]
    Invalid {
        subject: String,
        message: String,
        hint: String,
    },

    /// Reading or writing a file failed.
    #[error("{action} {path}: {source}\n  hint: {hint}", path = path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
        hint: String,
    },

    /// The output directory cannot be written safely.
    #[error("output directory {path}: {message}\n  hint: {hint}", path = path.display())]
    Output {
        path: PathBuf,
        message: String,
        hint: String,
    },
}

impl Error {
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let hint = match source.kind() {
            std::io::ErrorKind::NotFound => {
                "check the path; relative paths are taken from the working directory".to_string()
            }
            std::io::ErrorKind::PermissionDenied => {
                "check the file's permissions and the user running milvus-l7".to_string()
            }
            _ => "check the path and that the disk is writable".to_string(),
        };
        Error::Io {
            action,
            path: path.into(),
            source,
            hint,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
