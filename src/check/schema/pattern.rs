//! Whether a string matches a schema `pattern`, for the quick check.
//!
//! Each pattern met is compiled once per process, PikeVM only. The
//! patterns of the embedded schemas used to be compiled into DFAs at build
//! time (`build/pattern_dfas.rs`); measured against this (issue 25 item 5),
//! they saved 0.24 M of 3.6 M instructions on `render --overlay
//! google-managed` and nothing a user could time (2.8 ms against 2.9 ms,
//! within one standard deviation), for a build step, a build dependency and
//! a table of serialized automata in the binary: they were removed.

use regex_automata::meta::{Builder, Config, Regex};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// Whether `text` matches `pattern`; `None` (not sure) for a pattern the
/// `regex` crate refuses (look-around, back-references): the caller then
/// asks `jsonschema`, which has the last word.
pub(super) fn matches(pattern: &str, text: &str) -> Option<bool> {
    static COMPILED: LazyLock<Mutex<HashMap<String, Option<Regex>>>> =
        LazyLock::new(Mutex::default);
    let mut compiled = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
    let regex = compiled
        .entry(pattern.to_string())
        .or_insert_with(|| compile(pattern));
    regex.as_ref().map(|r| r.is_match(text))
}

/// The pattern translated from ECMA 262 as `jsonschema` does. Only the
/// PikeVM is built: the `regex` crate's default also builds a one-pass DFA
/// and a lazy DFA, which cost twice the compile time and pay off only on
/// long texts, not on names and paths.
fn compile(pattern: &str) -> Option<Regex> {
    let translated = jsonschema_regex::to_rust_regex(pattern).ok()?;
    let only_pike_vm = Config::new()
        .onepass(false)
        .backtrack(false)
        .hybrid(false)
        .dfa(false);
    Builder::new()
        .configure(only_pike_vm)
        .build(&translated)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_translated_as_jsonschema_translates_them() {
        assert_eq!(matches("^x+$", "xxx"), Some(true));
        assert_eq!(matches("^x+$", "xy"), Some(false));
        // ECMA 262 `\d` is ASCII only, as in jsonschema.
        assert_eq!(matches(r"^\d+$", "١٢"), Some(false));
        assert_eq!(matches("(?<=a)b", "ab"), None, "look-behind is not sure");
    }

    #[test]
    fn a_schema_pattern_matches() {
        let domain = r"^(([a-z0-9]+|[a-z0-9][-a-z0-9]*[a-z0-9])\.)+[a-z][-a-z0-9]*[a-z0-9]$";
        assert_eq!(matches(domain, "my-release.milvus.io"), Some(true));
        assert_eq!(matches(domain, "my-release"), Some(false));
    }
}
