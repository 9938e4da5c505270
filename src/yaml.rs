//! Reading and writing YAML the way Kubernetes does.
//!
//! serde-saphyr is used both ways (see DESIGN.md, "Crates"): when writing it
//! quotes `yes`, `on`, `1_000` and friends, which kubectl's YAML 1.1 reader
//! would otherwise turn into booleans and numbers; when reading it types
//! `0123` as octal like kubectl does, refuses duplicate keys and enforces a
//! budget so an alias bomb or a huge input fails fast instead of eating memory.

use crate::error::{Error, Result};
use serde_json::Value;

/// How much input one read may consume. The defaults are generous for
/// hand-written files; live exports raise `max_documents`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_documents: usize,
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 64 << 20,
            max_documents: 1024,
            max_depth: 64,
        }
    }
}

/// Parses a YAML stream into its non-empty documents. `origin` names the
/// input in error messages (a path, `<stdin>`, a template name).
///
/// Error messages never include a snippet of the input: the input may be a
/// Secret, and a snippet would print its data.
pub fn parse_stream(text: &str, origin: &str, limits: Limits) -> Result<Vec<Value>> {
    check_size(text, origin, limits)?;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_documents = limits.max_documents;
    budget.max_depth = limits.max_depth;
    // Live exports of big clusters are large but trusted-shaped; bound them by
    // bytes (checked above) rather than by a node count that a 10k-object
    // List would exceed.
    budget.max_nodes = usize::MAX;
    budget.max_events = usize::MAX;
    budget.max_total_scalar_bytes = limits.max_bytes;
    let options = serde_saphyr::options! {
        budget: Some(budget),
        legacy_octal_numbers: true,
        with_snippet: false,
    };
    serde_saphyr::from_multiple_with_options::<Value>(text, options)
        .map(|docs| docs.into_iter().filter(|d| !d.is_null()).collect())
        .map_err(|e| parse_error(&e, origin))
}

fn check_size(text: &str, origin: &str, limits: Limits) -> Result<()> {
    if text.len() > limits.max_bytes {
        return Err(Error::Parse {
            location: origin.to_string(),
            message: format!(
                "input is {} bytes, more than the limit of {} bytes",
                text.len(),
                limits.max_bytes
            ),
            hint: "split the export, or raise the limit with --max-input-bytes".into(),
        });
    }
    Ok(())
}

fn parse_error(e: &serde_saphyr::Error, origin: &str) -> Error {
    let e = e.without_snippet();
    let location = match e.location() {
        Some(loc) if loc.line() > 0 => format!("{origin}:{}:{}", loc.line(), loc.column()),
        _ => origin.to_string(),
    };
    let message = first_line(&e.to_string());
    let hint = if message.contains("budget") {
        "the input nests too deeply, has too many documents or aliases; it is refused to bound time and memory".into()
    } else if message.contains("duplicate") {
        "remove one of the two entries with the same key".into()
    } else {
        "fix the YAML syntax at that position (indentation, quoting, a missing `:`)".into()
    };
    Error::Parse {
        location,
        message,
        hint,
    }
}

/// The reason alone: serde-saphyr appends its own position (we print
/// ours in front) and advice addressed to programmers, not users.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message);
    let line = line.split(" at line ").next().unwrap_or(line);
    let line = line
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(line);
    line.trim().to_string()
}

/// Writes one document. Long strings stay on one line (no `>-` folding) so
/// that reviewers see annotation values whole in diffs.
pub fn to_string(value: &Value) -> String {
    let options = serde_saphyr::ser_options! { folded_wrap_chars: usize::MAX / 2 };
    serde_saphyr::to_string_with_options(value, options)
        .expect("a serde_json::Value always serializes")
}

/// Writes a stream of documents separated by `---` lines, like `kustomize build`.
pub fn to_stream(values: &[&Value]) -> String {
    values
        .iter()
        .map(|v| to_string(v))
        .collect::<Vec<_>>()
        .join("---\n")
}
