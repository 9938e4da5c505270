//! A rule violation found by validation, and how a list of them becomes one
//! error. Validation collects every problem before failing, so that a user
//! fixes them all in one round instead of one per run.

use crate::error::Error;
use std::fmt;

/// One broken rule: which object (or file), what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The object id (`group/version/kind/namespace/name`), a file, or both.
    pub subject: String,
    pub message: String,
    pub hint: String,
}

impl Problem {
    pub fn new(
        subject: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Problem {
        Problem {
            subject: subject.into(),
            message: message.into(),
            hint: hint.into(),
        }
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
                subject: p.subject,
                message: p.message,
                hint: p.hint,
            })
        }
        n => {
            let listed: String = problems
                .iter()
                .map(|p| format!("\n  {}: {}\n    hint: {}", p.subject, p.message, p.hint))
                .collect();
            Err(Error::Invalid {
                subject: what.to_string(),
                message: format!("{n} problems:{listed}"),
                hint: "fix each problem above; all of them are listed, not only the first".into(),
            })
        }
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

    #[test]
    fn no_problem_is_ok() {
        assert!(into_result(Vec::new(), "x").is_ok());
    }
}
