//! What a problem is about, as data: the object (or input), the field in
//! it, and the files that hold it.

use crate::k8s::resource::ResId;
use std::fmt;

/// What a [`Problem`] is about, and where to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The files that hold it (two for an object given twice); empty until
    /// the reader of the files says ([`Subject::in_files`]).
    pub files: Vec<String>,
    /// The thing itself.
    pub about: About,
    /// The field in it, kubectl's dotted path; `None` for the whole thing.
    pub field: Option<String>,
}

/// The thing a [`Subject`] names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum About {
    /// A Kubernetes object.
    Object(ResId),
    /// The Helm values (`helm/values.yaml` of a render).
    HelmValues,
    /// The Service the Milvus chart makes from the Helm values: fixed in
    /// the values, as it is not among the objects.
    ChartService {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
    },
    /// A Service known by name only (neither its object nor the values
    /// were given).
    ServiceByName {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
    },
    /// An input that is not an object: a file, a document of a stream, a
    /// parameter's file.
    Input(String),
}

impl Subject {
    /// A whole object.
    pub fn object(id: &ResId) -> Subject {
        Subject::about(About::Object(id.clone()))
    }

    /// Any [`About`], without a field or files.
    pub fn about(about: About) -> Subject {
        Subject {
            files: Vec::new(),
            about,
            field: None,
        }
    }

    /// The same subject, narrowed to one field.
    pub fn field(self, field: impl Into<String>) -> Subject {
        Subject {
            field: Some(field.into()),
            ..self
        }
    }

    /// The same subject, with the files that hold it.
    pub fn in_files(self, files: Vec<String>) -> Subject {
        Subject { files, ..self }
    }

    /// The object it is about, if it is one.
    pub fn object_id(&self) -> Option<&ResId> {
        match &self.about {
            About::Object(id) => Some(id),
            _ => None,
        }
    }

    /// Whether the Helm values are where to fix it: the values themselves,
    /// or the Service the chart makes from them.
    pub fn is_fixed_in_helm_values(&self) -> bool {
        matches!(self.about, About::HelmValues | About::ChartService { .. })
    }
}

impl fmt::Display for Subject {
    /// `FILES: THING[: FIELD]`, e.g.
    /// `k8s/tls.yaml: core/v1/Secret/default/milvus-tls: data[tls.crt]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.files.is_empty() {
            write!(f, "{}: ", self.files.join(", "))?;
        }
        write!(f, "{}", self.about)?;
        match &self.field {
            Some(field) => write!(f, ": {field}"),
            None => Ok(()),
        }
    }
}

impl fmt::Display for About {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            About::Object(id) => write!(f, "{id}"),
            About::HelmValues => f.write_str("the Helm values (helm/values.yaml)"),
            About::ChartService { namespace, name } => write!(
                f,
                "Service {namespace}/{name} (made by the Helm chart from the values)"
            ),
            About::ServiceByName { namespace, name } => write!(f, "Service {namespace}/{name}"),
            About::Input(text) => f.write_str(text),
        }
    }
}

impl From<&ResId> for Subject {
    fn from(id: &ResId) -> Subject {
        Subject::object(id)
    }
}

impl From<&Subject> for Subject {
    fn from(subject: &Subject) -> Subject {
        subject.clone()
    }
}

impl From<String> for Subject {
    fn from(input: String) -> Subject {
        Subject::about(About::Input(input))
    }
}

impl From<&String> for Subject {
    fn from(input: &String) -> Subject {
        Subject::from(input.clone())
    }
}

impl From<&str> for Subject {
    fn from(input: &str) -> Subject {
        Subject::from(input.to_string())
    }
}
