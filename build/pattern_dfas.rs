//! Compiles every `pattern` of the embedded schemas into a dense DFA while
//! the binary is built, so a render matches names against tables instead
//! of compiling regexes: one compile was 0.24 M instructions, the most
//! expensive step of the quick schema check, for a pattern a render
//! matches two or three short strings against.
//!
//! Each pattern is translated from ECMA 262 as `jsonschema` does, then
//! built with the defaults of the `regex` crate's syntax (Unicode on). A
//! pattern the DFA builder refuses (a Unicode word boundary, say) is left
//! out, and is compiled at run time as before.

use regex_automata::dfa::dense;
use serde_json::Value;
use std::collections::BTreeSet;
use std::{env, fs, path::Path};

/// Writes one DFA per distinct pattern into `out/pattern_dfas/`, and
/// `out/pattern_dfas.rs`: a table of (pattern, DFA bytes) sorted by
/// pattern, for a binary search at run time.
pub fn write<'a>(schemas: impl IntoIterator<Item = &'a Value>, out: &Path) {
    let mut patterns = BTreeSet::new();
    for schema in schemas {
        collect(schema, &mut patterns);
    }
    let dir = out.join("pattern_dfas");
    fs::create_dir_all(&dir).expect("create $OUT_DIR/pattern_dfas");
    let little = env::var("CARGO_CFG_TARGET_ENDIAN").map_or(true, |e| e == "little");
    let mut table = String::from("&[\n");
    for (index, pattern) in patterns.iter().enumerate() {
        let Some(bytes) = compile(pattern, little) else {
            continue;
        };
        let file = dir.join(format!("{index}.dfa"));
        fs::write(&file, bytes).expect("write a DFA");
        table.push_str(&format!(
            "    ({pattern:?}, &Aligned(*include_bytes!({:?}))),\n",
            file.display().to_string()
        ));
    }
    table.push(']');
    fs::write(out.join("pattern_dfas.rs"), table).expect("write pattern_dfas.rs");
}

/// Every string under a `pattern` key. A property *named* `pattern` holds
/// a schema (an object), never a string, so it is not mistaken for one.
fn collect(value: &Value, patterns: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(pattern) if key == "pattern" => {
                        patterns.insert(pattern.clone());
                    }
                    _ => collect(value, patterns),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, patterns)),
        _ => {}
    }
}

/// The serialized DFA of `pattern`, or `None` when it cannot be built.
fn compile(pattern: &str, little_endian: bool) -> Option<Vec<u8>> {
    let translated = jsonschema_regex::to_rust_regex(pattern).ok()?;
    let dfa = dense::DFA::new(&translated).ok()?;
    let (bytes, pad) = if little_endian {
        dfa.to_bytes_little_endian()
    } else {
        dfa.to_bytes_big_endian()
    };
    Some(bytes[pad..].to_vec())
}
