//! Whether a string matches a schema `pattern`, for the quick check.
//!
//! The patterns of the embedded schemas were compiled into DFAs when the
//! binary was built (build/pattern_dfas.rs); matching one costs a table
//! lookup and a check of the DFA's bytes, where compiling the regex cost
//! more than the rest of the quick check together. Any other pattern is
//! compiled here, once per process.

use regex_automata::dfa::{dense, Automaton};
use regex_automata::meta::{Builder, Config, Regex};
use regex_automata::Input;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// A DFA's bytes, aligned as `dense::DFA::from_bytes` requires.
#[repr(C, align(8))]
struct Aligned<B: ?Sized>(B);

/// (pattern, DFA) sorted by pattern, written by build.rs.
static PRECOMPILED: &[(&str, &Aligned<[u8]>)] =
    include!(concat!(env!("OUT_DIR"), "/pattern_dfas.rs"));

/// Whether `text` matches `pattern`; `None` (not sure) for a pattern the
/// `regex` crate refuses (look-around, back-references): the caller then
/// asks `jsonschema`, which has the last word.
pub(super) fn matches(pattern: &str, text: &str) -> Option<bool> {
    match precompiled(pattern) {
        Some(dfa) => dfa
            .try_search_fwd(&Input::new(text))
            .ok()
            .map(|m| m.is_some()),
        None => compiled_now(pattern, text),
    }
}

fn precompiled(pattern: &str) -> Option<dense::DFA<&'static [u32]>> {
    let index = PRECOMPILED
        .binary_search_by(|(p, _)| (*p).cmp(pattern))
        .ok()?;
    dense::DFA::from_bytes(&PRECOMPILED[index].1 .0)
        .ok()
        .map(|(dfa, _)| dfa)
}

/// The pattern translated from ECMA 262 as `jsonschema` does. Only the
/// PikeVM is built: the `regex` crate's default also builds a one-pass DFA
/// and a lazy DFA, which cost twice the compile time and pay off only on
/// long texts, not on names and paths.
fn compiled_now(pattern: &str, text: &str) -> Option<bool> {
    static COMPILED: LazyLock<Mutex<HashMap<String, Option<Regex>>>> =
        LazyLock::new(Mutex::default);
    let mut compiled = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
    let regex = compiled
        .entry(pattern.to_string())
        .or_insert_with(|| compile(pattern));
    regex.as_ref().map(|r| r.is_match(text))
}

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

    /// Names, paths and odd strings a schema pattern meets.
    const TEXTS: &[&str] = &[
        "",
        "a",
        "my-release",
        "my-release.milvus.io",
        "*.example.com",
        "Milvus",
        "-leading",
        "trailing-",
        "a..b",
        "/healthz",
        "/v1/vector?x=1&y=%20",
        "no/leading/slash",
        "example.com/my-class",
        "UPPER_case:1,2",
        "dGxzLmNydA==",
        "not base64!",
        "ünïcödé",
        "tab\there",
        "line\nbreak",
        "0123456789",
    ];

    #[test]
    fn every_precompiled_dfa_answers_as_the_regex_compiled_now() {
        assert!(!PRECOMPILED.is_empty(), "build.rs compiled no pattern");
        for (pattern, _) in PRECOMPILED {
            let dfa = precompiled(pattern).expect("the DFA's bytes load");
            let regex = compile(pattern).expect("the pattern compiles now");
            for text in TEXTS {
                let by_dfa = dfa.try_search_fwd(&Input::new(text)).unwrap().is_some();
                assert_eq!(by_dfa, regex.is_match(text), "{pattern} on {text:?}");
            }
        }
    }

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(PRECOMPILED.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn a_pattern_not_built_in_is_compiled_now() {
        assert!(precompiled("^x+$").is_none());
        assert_eq!(matches("^x+$", "xxx"), Some(true));
        assert_eq!(matches("^x+$", "xy"), Some(false));
        assert_eq!(matches("(?<=a)b", "ab"), None, "look-behind is not sure");
    }

    #[test]
    fn a_built_in_pattern_matches_from_its_table() {
        let domain = r"^(([a-z0-9]+|[a-z0-9][-a-z0-9]*[a-z0-9])\.)+[a-z][-a-z0-9]*[a-z0-9]$";
        assert!(precompiled(domain).is_some());
        assert_eq!(matches(domain, "my-release.milvus.io"), Some(true));
        assert_eq!(matches(domain, "my-release"), Some(false));
    }
}
