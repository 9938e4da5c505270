//! Reading and writing YAML the way Kubernetes does.
//!
//! serde-saphyr is used both ways (serde_yaml is deprecated; its libyaml forks emit YAML 1.1 look-alikes unquoted): when writing it
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
    /// Largest input accepted, in bytes.
    pub max_bytes: usize,
    /// Most documents in one stream.
    pub max_documents: usize,
    /// Deepest nesting of mappings and lists.
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
    // Kubernetes never writes anchors or aliases; a few are tolerated in
    // hand-written files, an alias bomb is not.
    budget.max_aliases = 1_000;
    budget.max_recorded_anchor_events = 100_000;
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = 100_000;
    let options = serde_saphyr::options! {
        budget: Some(budget),
        alias_limits: alias_limits,
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
            hint: "split the input into smaller files, or raise the limit where the command offers --max-input-bytes".into(),
        });
    }
    Ok(())
}

/// The error itself, out of the wrappers that only add a place.
fn innermost(mut e: &serde_saphyr::Error) -> &serde_saphyr::Error {
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = e
    {
        e = error;
    }
    e
}

const BOUNDED_HINT: &str = "the input nests too deeply, has too many documents or aliases; it is refused to bound time and memory";

/// The parser's message without serde's advice to the programmer (a null
/// mapping key reads "cannot deserialize null into string; use
/// Option<String>"): the reader of the message wrote YAML, not Rust.
fn plain(message: String) -> String {
    match message.split_once("; use Option<") {
        Some((_, _)) if message.starts_with("cannot deserialize null into string") => {
            "a mapping key is null (`~`, `null` or nothing before `:`): keys must be text".into()
        }
        Some((before, _)) => before.to_string(),
        None => message,
    }
}

fn parse_error(e: &serde_saphyr::Error, origin: &str) -> Error {
    let e = e.without_snippet();
    let location = match e.location() {
        Some(loc) if loc.line() > 0 => format!("{origin}:{}:{}", loc.line(), loc.column()),
        _ => origin.to_string(),
    };
    let message = plain(first_line(&e.to_string()));
    let hint = match innermost(e) {
        serde_saphyr::Error::Budget { .. }
        | serde_saphyr::Error::AliasReplayCounterOverflow { .. }
        | serde_saphyr::Error::AliasReplayLimitExceeded { .. }
        | serde_saphyr::Error::AliasExpansionLimitExceeded { .. }
        | serde_saphyr::Error::AliasReplayStackDepthExceeded { .. } => BOUNDED_HINT,
        serde_saphyr::Error::DuplicateMappingKey { .. } => {
            "remove one of the two entries with the same key"
        }
        // The parser underneath reports its nesting limit as text only.
        _ if message.contains("recursion limit") => BOUNDED_HINT,
        _ => "fix the YAML syntax at that position (indentation, quoting, a missing `:`)",
    }
    .to_string();
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Result<Vec<Value>> {
        parse_stream(text, "input.yaml", Limits::default())
    }

    #[test]
    fn yaml_1_1_look_alikes_are_quoted_and_read_back_as_strings() {
        let tricky = [
            "yes",
            "on",
            "y",
            "n",
            "NO",
            "off",
            "1_000",
            "0123",
            "1e3",
            "1.0",
            "19530",
            "null",
            "~",
            "<<",
            "2024-01-01",
            "12:30",
        ];
        let value = json!({"values": tricky});
        let text = to_string(&value);
        assert_eq!(parse(&text).unwrap(), vec![value], "{text}");
    }

    /// Issue 24 defect 11: serde's "use Option<String>" reached the user.
    #[test]
    fn a_null_key_is_explained_without_serdes_words() {
        for text in ["null: 1\n", "~: x\n", "a: 1\nnull: 2\n"] {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains("a mapping key is null"), "{text}: {err}");
            assert!(!err.contains("Option<"), "{text}: {err}");
        }
    }

    #[test]
    fn octal_numbers_read_like_kubectl() {
        assert_eq!(parse("mode: 0644\n").unwrap(), vec![json!({"mode": 420})]);
    }

    #[test]
    fn long_strings_stay_on_one_line() {
        let long = "x".repeat(300);
        assert_eq!(to_string(&json!({"a": long})).lines().count(), 1);
    }

    #[test]
    fn duplicate_keys_are_refused_with_their_position() {
        let err = parse("a: 1\na: 2\n").unwrap_err().to_string();
        assert!(err.starts_with("input.yaml:2:"), "{err}");
        assert!(err.contains("duplicate"), "{err}");
        assert!(err.contains("hint: remove one of the two entries"), "{err}");
    }

    #[test]
    fn an_alias_bomb_is_refused() {
        let mut lines = vec![r#"a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]"#.to_string()];
        for i in 1..10 {
            lines.push(format!(
                "a{i}: &a{i} [{}]",
                vec![format!("*a{}", i - 1); 10].join(",")
            ));
        }
        let err = parse(&lines.join("\n")).unwrap_err().to_string();
        assert!(err.contains("budget") || err.contains("alias"), "{err}");
        assert!(
            err.contains("hint: the input nests too deeply, has too many documents or aliases"),
            "{err}"
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = format!("a: {}{}\n", "[".repeat(5000), "]".repeat(5000));
        assert!(parse(&deep)
            .unwrap_err()
            .to_string()
            .contains("hint: the input nests too deeply"));
        let block: String = (0..200)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
            .collect::<String>()
            + &"  ".repeat(200)
            + "v: 1\n";
        assert!(parse(&block).is_err());
    }

    #[test]
    fn oversize_input_is_refused_before_parsing() {
        let limits = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        let err = parse_stream("a: 123456789012\n", "big.yaml", limits)
            .unwrap_err()
            .to_string();
        assert!(err.contains("big.yaml") && err.contains("limit"), "{err}");
    }

    #[test]
    fn too_many_documents_are_refused() {
        let limits = Limits {
            max_documents: 3,
            ..Limits::default()
        };
        assert!(parse_stream("a: 1\n---\na: 2\n---\na: 3\n---\na: 4\n", "s.yaml", limits).is_err());
    }

    #[test]
    fn empty_and_comment_only_documents_are_skipped() {
        assert_eq!(
            parse("# only a comment\n---\na: 1\n---\n").unwrap(),
            vec![json!({"a": 1})]
        );
    }
}
