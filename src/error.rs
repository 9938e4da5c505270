//! The one error type of milvus-l7. Every message says what went wrong, where
//! (file:line:column, template:line or the parameter and where it was set) and
//! how to fix it, because the person reading it is usually looking at a CI log
//! or the Argo CD UI, not at our source.

use std::fmt;
use std::path::PathBuf;

/// Everything that can stop a command. All of them exit with status 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A parameter has a bad value or an unknown name.
    #[error("invalid parameter {key} (set by {origin}): {message}", key = crate::quote::quoted(key), origin = crate::quote::escape(origin))]
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
    #[error("{location}: {message}")]
    Parse {
        /// `file:line:column`, or the file alone when the parser gave no position.
        location: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },

    /// A template failed to render or rendered something that is not YAML.
    #[error("template {template}: {message}")]
    Template {
        /// `name:line` when the line is known.
        template: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },

    /// A template rendered text that is not YAML; the parser's error, which
    /// points at the line of the rendered output, is the cause.
    #[error("template {template} rendered text that is not valid YAML")]
    TemplateOutput {
        /// The template's name.
        template: String,
        /// The YAML parser's error.
        #[source]
        source: Box<Error>,
    },

    /// An overlay is unknown, malformed, or its patches do not apply.
    #[error("overlay `{overlay}`: {message}")]
    Overlay {
        /// The overlay's name.
        overlay: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },

    /// A rendered or given object breaks a rule (schema, cross-reference, certificate).
    #[error("{subject}: {message}")]
    Invalid {
        /// The object or input the rule is about.
        subject: String,
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: String,
    },

    /// Reading or writing a file failed.
    #[error("{action} {path}", path = path.display())]
    Io {
        /// What was being done, e.g. "reading".
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error, shown as the cause.
        #[source]
        source: std::io::Error,
        /// How to fix it.
        hint: String,
    },

    /// The output directory cannot be written safely.
    #[error("output directory {path}: {message}", path = path.display())]
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
    /// How to fix this error; `None` when the cause's hint is the one to give.
    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::Param { hint, .. }
            | Error::Parse { hint, .. }
            | Error::Template { hint, .. }
            | Error::Overlay { hint, .. }
            | Error::Invalid { hint, .. }
            | Error::Io { hint, .. }
            | Error::Output { hint, .. } => Some(hint),
            Error::TemplateOutput { .. } => Some(
                "quote values with `| tojson` in the template; the line named above is a line of the rendered output",
            ),
        }
    }

    /// The whole message, as `main` prints it after `error: `: this
    /// error, one `caused by:` line per cause, then one hint.
    pub fn report(&self) -> Report<'_> {
        Report(self)
    }

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

/// An [`Error`] with its causes and its hint, cargo's way: the error's
/// own line, then `caused by: ` and each cause innermost last, then the
/// hint of the outermost error that has one (the one that knows most of
/// what the user was doing). Each line says something once: a cause's
/// text is not repeated in the line above it.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a>(&'a Error);

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut hint = self.0.hint();
        let mut cause = std::error::Error::source(self.0);
        while let Some(error) = cause {
            write!(f, "\ncaused by: {error}")?;
            if let (None, Some(ours)) = (hint, error.downcast_ref::<Error>()) {
                hint = ours.hint();
            }
            cause = error.source();
        }
        match hint {
            Some(hint) => write!(f, "\n  hint: {hint}"),
            None => Ok(()),
        }
    }
}

/// The result of everything that can fail with an [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_error() -> Error {
        Error::Parse {
            location: "output of template base/ingress.yaml.j2:3:7".into(),
            message: "mapping values are not allowed here".into(),
            hint: "check the YAML at that line".into(),
        }
    }

    #[test]
    fn a_cause_is_its_own_line_and_only_one_hint_is_given() {
        let error = Error::TemplateOutput {
            template: "base/ingress.yaml.j2".into(),
            source: Box::new(parse_error()),
        };
        let report = error.report().to_string();
        assert_eq!(
            report,
            "template base/ingress.yaml.j2 rendered text that is not valid YAML\n\
             caused by: output of template base/ingress.yaml.j2:3:7: mapping values are not allowed here\n  \
             hint: quote values with `| tojson` in the template; the line named above is a line of the rendered output"
        );
        assert_eq!(report.matches("hint:").count(), 1, "{report}");
    }

    #[test]
    fn an_operating_system_error_is_the_cause_of_a_file_error() {
        let source = std::io::Error::from(std::io::ErrorKind::NotFound);
        let expected_cause = source.to_string();
        let report = Error::io("reading", "values.yaml", source)
            .report()
            .to_string();
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(lines[0], "reading values.yaml");
        assert_eq!(lines[1], format!("caused by: {expected_cause}"));
        assert!(lines[2].starts_with("  hint: check the path"), "{report}");
        assert_eq!(lines.len(), 3, "{report}");
    }

    #[test]
    fn an_error_without_a_cause_is_its_line_and_its_hint() {
        assert_eq!(
            parse_error().report().to_string(),
            "output of template base/ingress.yaml.j2:3:7: mapping values are not allowed here\n  hint: check the YAML at that line"
        );
    }
}
