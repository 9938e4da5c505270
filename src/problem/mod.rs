//! A rule violation found by validation, and how a list of them becomes one
//! error. Validation collects every problem before failing, so that a user
//! fixes them all in one round instead of one per run.
//!
//! A problem says what it is about as data ([`Subject`]): the object, the
//! field in it, and — once `validate` knows where each object was read —
//! the files to edit. Nothing reads that back out of a message.

mod files;
mod subject;

pub use files::ObjectFiles;
pub use subject::{About, Subject};

use crate::error::Error;
use crate::k8s::resource::ResId;
use std::fmt;

/// One broken rule: which object (or file), what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What the problem is about.
    pub subject: Subject,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Problem {
    /// A problem about `subject`: an object ([`Subject::object`]), a field
    /// of one ([`Problem::at`]), or any [`Subject`]. A string is taken as
    /// an input that is not an object (a file, a document of a file).
    pub fn new(
        subject: impl Into<Subject>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Problem {
        Problem {
            subject: subject.into(),
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// A problem with one field of an object; `field` is kubectl's dotted
    /// path (`spec.tls[0].secretName`, `data[tls.crt]`).
    // The short form the checks being written call; its only caller moved
    // into check::builtin, which words the field inside its message.
    #[allow(dead_code)]
    pub fn at(
        id: &ResId,
        field: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Problem {
        Problem::new(Subject::object(id).field(field), message, hint)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}\n  hint: {}",
            self.subject, self.message, self.hint
        )
    }
}

/// `Ok` when there is no problem; otherwise one [`Error::Invalid`] that
/// lists every problem. `what` names what was validated, e.g. "the rendered
/// objects".
pub fn into_result(problems: Vec<Problem>, what: &str) -> crate::Result<()> {
    let mut problems = problems;
    problems.dedup();
    match problems.len() {
        0 => Ok(()),
        1 => {
            let p = problems.remove(0);
            Err(Error::Invalid {
                subject: p.subject.to_string(),
                message: p.message,
                hint: p.hint,
            })
        }
        n => {
            let listed = |out: &mut dyn fmt::Write| -> fmt::Result {
                write!(out, "{n} problems:")?;
                for p in &problems {
                    write!(
                        out,
                        "\n  {}: {}\n    hint: {}",
                        p.subject, p.message, p.hint
                    )?;
                }
                Ok(())
            };
            // Written twice, counted then kept: thousands of problems make
            // megabytes of text, and a string grown by doubling (then
            // copied into the message) held three times as much.
            let mut length = Length(0);
            let _ = listed(&mut length);
            let mut message = String::with_capacity(length.0);
            let _ = listed(&mut message);
            Err(Error::Invalid {
                subject: what.to_string(),
                message,
                hint: "fix each problem above; all of them are listed, not only the first".into(),
            })
        }
    }
}

/// Counts what is written to it.
struct Length(usize);

impl fmt::Write for Length {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_problem_is_the_error_itself() {
        let err = into_result(vec![Problem::new("a", "b", "c")], "x").unwrap_err();
        assert_eq!(err.report().to_string(), "a: b\n  hint: c");
    }

    #[test]
    fn several_problems_are_all_listed() {
        let err = into_result(
            vec![Problem::new("a", "m1", "h1"), Problem::new("b", "m2", "h2")],
            "the rendered objects",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("the rendered objects: 2 problems:"),
            "{err}"
        );
        assert!(err.contains("a: m1\n    hint: h1"), "{err}");
        assert!(err.contains("b: m2\n    hint: h2"), "{err}");
    }

    /// Thousands of problems are megabytes of text: made in one string of
    /// exactly its size.
    #[test]
    fn the_list_is_made_in_one_string_of_its_size() {
        let problems = (0..3000)
            .map(|i| Problem::new(format!("object {i}"), "is wrong", "fix it"))
            .collect();
        let Err(Error::Invalid { message, .. }) = into_result(problems, "x") else {
            panic!("3000 problems are an error")
        };
        assert!(message.ends_with("object 2999: is wrong\n    hint: fix it"));
        assert_eq!(message.capacity(), message.len());
    }

    #[test]
    fn a_field_and_files_are_shown_around_the_object() {
        let id = ResId {
            group: String::new(),
            version: "v1".into(),
            kind: "Secret".into(),
            namespace: "default".into(),
            name: "milvus-tls".into(),
        };
        let problem = Problem::at(&id, "data[tls.crt]", "m", "h");
        assert_eq!(problem.subject.object_id(), Some(&id));
        assert_eq!(
            problem.subject.to_string(),
            "core/v1/Secret/default/milvus-tls: data[tls.crt]"
        );
        let placed = problem
            .subject
            .in_files(vec!["a.yaml".into(), "b.yaml".into()]);
        assert_eq!(
            placed.to_string(),
            "a.yaml, b.yaml: core/v1/Secret/default/milvus-tls: data[tls.crt]"
        );
    }

    #[test]
    fn the_chart_service_is_fixed_in_the_values() {
        let chart = Subject::about(About::ChartService {
            namespace: "default".into(),
            name: "my-release-milvus".into(),
        });
        assert!(chart.is_fixed_in_helm_values());
        assert!(!Subject::from("x.yaml").is_fixed_in_helm_values());
    }

    #[test]
    fn no_problem_is_ok() {
        assert!(into_result(Vec::new(), "x").is_ok());
    }
}
