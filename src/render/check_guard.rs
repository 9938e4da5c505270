//! What `render --check DIR` may show of a file it found in DIR.
//!
//! The check prints a diff into CI logs, so a file that holds a Secret or a
//! private key is reported by name only. The decision is conservative: a
//! Secret anywhere in the file (also inside `kind: List`, at any depth), a
//! PEM private key anywhere in the text or in any string the YAML holds
//! (written escaped, `\u002d…`, or folded over lines), or, when the text is
//! not YAML that can be read, the word `Secret` at all, and the content is
//! not shown.

use crate::yaml;
use serde_json::Value;

/// Whether the text of a file may be printed in a diff.
pub fn may_show(text: &str) -> bool {
    if looks_like_private_key(text) {
        return false;
    }
    match yaml::parse_stream(text, "check", yaml::Limits::default()) {
        Ok(documents) => !documents
            .iter()
            .any(|d| holds_secret(d) || holds_private_key(d)),
        Err(_) => !text.contains("Secret"),
    }
}

/// A string (or a mapping key) anywhere in `value` that holds a private key.
fn holds_private_key(value: &Value) -> bool {
    match value {
        Value::String(text) => crate::redact::private_keys(text) != text.as_str(),
        Value::Object(map) => map.iter().any(|(key, value)| {
            crate::redact::private_keys(key) != key.as_str() || holds_private_key(value)
        }),
        Value::Array(items) => items.iter().any(holds_private_key),
        _ => false,
    }
}

/// `-----BEGIN PRIVATE KEY-----`, `RSA`, `EC`, `ENCRYPTED`, `OPENSSH`,
/// `PGP PRIVATE KEY BLOCK`, SSH2's `PRIVATE KEY ----` …: every private key
/// header names `PRIVATE KEY`.
fn looks_like_private_key(text: &str) -> bool {
    text.contains("PRIVATE KEY")
}

/// A `kind: Secret` mapping anywhere in `value`.
fn holds_secret(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            map.get("kind").and_then(Value::as_str) == Some("Secret")
                || map.values().any(holds_secret)
        }
        Value::Array(items) => items.iter().any(holds_secret),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_at_any_depth_keys_and_unreadable_mentions_are_hidden() {
        assert!(!may_show("kind: Secret\nmetadata: {name: a}\n"));
        assert!(!may_show(
            "kind: List\nitems:\n- kind: Secret\n  data: {a: Yg==}\n"
        ));
        assert!(!may_show("{\"kind\": \"Secret\"}"));
        assert!(!may_show("x: |\n  -----BEGIN EC PRIVATE KEY-----\n  abc\n"));
        assert!(!may_show("not: [yaml\nkind: Secret"));
    }

    #[test]
    fn a_key_written_escaped_or_folded_in_yaml_is_hidden() {
        let escaped = "x: \"\\u002d\\u002d\\u002d\\u002d\\u002dBEGIN EC PRIVATE KE\\u0059\\u002d\\u002d\\u002d\\u002d\\u002d\\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04f\\n\"\n";
        assert!(!may_show(escaped), "{escaped}");
        let folded = "x: \"-----BEGIN PRIVATE\n   KEY-----\\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\\n-----END PRIVATE\n   KEY-----\"\n";
        assert!(!may_show(folded), "{folded}");
    }

    #[test]
    fn ordinary_objects_are_shown() {
        assert!(may_show("kind: Ingress\nmetadata: {name: a}\n"));
        assert!(may_show("kind: ConfigMap\ndata: {secretName: x}\n"));
        assert!(may_show("not: [yaml"));
    }
}
