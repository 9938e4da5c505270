//! The one error type of milvus-l7. Every message says what went wrong, where
//! (file:line:column, template:line or the parameter and where it was set) and
//! how to fix it, because the person reading it is usually looking at a CI log
//! or the Argo CD UI, not at our source.

use std::path::PathBuf;

/// Everything that can stop a command. All of them exit with status 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A parameter has a bad value or an unknown name.
    #[error("invalid parameter {key} (set by {origin}): {message}\n  hint: {hint}", key = crate::quote::quoted(key), origin = crate::quote::escape(origin))]
    Param {
        /// The parameter, as the user named it.
        key: String,
        /// Where it was set: a flag, a variable, a config file key.
        origin: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },

    /// A YAML or JSON document could not be read.
    #[error("{location}: {message}\n  hint: {hint}")]
    Parse {
        /// `file:line:column`, or the file alone when the parser gave no position.
        location: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },

    /// A template failed to render or rendered something that is not YAML.
    #[error("template {template}: {message}\n  hint: {hint}")]
    Template {
        /// `name:line` when the line is known.
        template: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },

    /// An overlay is unknown, malformed, or its patches do not apply.
    #[error("overlay `{overlay}`: {message}\n  hint: {hint}")]
    Overlay {
        /// The overlay's name.
        overlay: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },

    /// A rendered or given object breaks a rule (schema, cross-reference, certificate).
    #[error("{subject}: {message}\n  hint: {hint}")]
    Invalid {
        /// The object or input the rule is about.
        subject: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },

    /// Reading or writing a file failed.
    #[error("{action} {path}: {source}\n  hint: {hint}", path = path.display())]
    Io {
        /// What was being done, e.g. "reading".
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
        /// How to fix it.
        hint: String,
    },

    /// The output directory cannot be written safely.
    #[error("output directory {path}: {message}\n  hint: {hint}", path = path.display())]
    Output {
        /// The file or directory.
        path: PathBuf,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },
}

impl Error {
    /// A file error, with a hint chosen by what went wrong.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let hint = match source.kind() {
            std::io::ErrorKind::NotFound => {
                "check the path; relative paths are taken from the working directory".to_string()
            }
            std::io::ErrorKind::PermissionDenied => {
                "check the file's permissions and the user running milvus-l7".to_string()
            }
            std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::NotADirectory => {
                "a file is where a directory is needed (in the path or at its end); choose another path, or move the file away".to_string()
            }
            std::io::ErrorKind::IsADirectory => {
                "a directory is where a file is needed; give the file's path".to_string()
            }
            std::io::ErrorKind::ReadOnlyFilesystem => {
                "the file system is read-only; choose a writable place".to_string()
            }
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                "the disk (or your quota) is full; free space and run again".to_string()
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

/// The result of everything that can fail with an [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
