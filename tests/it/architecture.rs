//! The module structure docs/development.md promises (Layout): the
//! top-level modules of `src/` depend on each other without a circle, and
//! only `main.rs` and `src/cli/` write to the terminal.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The top-level module a file belongs to: `src/diff/hints.rs` → `diff`.
fn top_module(file: &Path) -> String {
    let relative = file.strip_prefix(src()).expect("under src");
    let first = relative.components().next().expect("a component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

/// The top-level modules a source text names with `crate::name`, including
/// the names inside `use crate::{a, b::c}` groups.
fn crate_references(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                names.insert(ident(item.trim()));
            }
        } else {
            names.insert(ident(rest));
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

/// The code of a file that can depend on anything: comments (doc links are
/// not dependencies), the insides of string and character literals, and
/// every `#[cfg(test)]` item (a test module, a test-only function) blanked
/// out, wherever they are in the file — not cut at the first
/// `#[cfg(test)]`, which left most of a file with an early test item
/// unchecked.
fn code_of(text: &str) -> String {
    strip_test_items(&mask_comments_and_literals(text))
}

/// `text` with comments and the contents of string and character literals
/// replaced by spaces (newlines kept), so that braces and words inside them
/// count for nothing.
fn mask_comments_and_literals(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        if rest.starts_with(&['/', '/']) {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if rest.starts_with(&['/', '*']) {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i..].starts_with(&['/', '*']) {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i..].starts_with(&['*', '/']) {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(rest) {
            // r"…", r#"…"#, br#"…"#: no escapes, ends at `"` + the hashes.
            let open = rest.iter().position(|c| *c == '"').expect("a quote") + 1;
            out.extend(&rest[..open]);
            i += open;
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            while i < chars.len() && !chars[i..].starts_with(&close) {
                out.push(blank(chars[i]));
                i += 1;
            }
        } else if chars[i] == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                let skip = if chars[i] == '\\' { 2 } else { 1 };
                for c in &chars[i..(i + skip).min(chars.len())] {
                    out.push(blank(*c));
                }
                i += skip;
            }
            if i < chars.len() {
                out.push('"');
                i += 1;
            }
        } else if let Some(len) = char_literal_len(rest) {
            out.push('\'');
            out.extend(std::iter::repeat_n(' ', len - 2));
            out.push('\'');
            i += len;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The number of `#`s of a raw string starting here (`r"`, `r#"`, `br#"`).
fn raw_string_start(rest: &[char]) -> Option<usize> {
    let after_r = match rest {
        ['r', ..] => &rest[1..],
        ['b', 'r', ..] => &rest[2..],
        _ => return None,
    };
    let hashes = after_r.iter().take_while(|c| **c == '#').count();
    (after_r.get(hashes) == Some(&'"')).then_some(hashes)
}

/// The length of a character literal starting here (`'x'`, `'\n'`,
/// `'\u{1F600}'`); `None` for a lifetime (`'a`).
fn char_literal_len(rest: &[char]) -> Option<usize> {
    if rest.first() != Some(&'\'') {
        return None;
    }
    if rest.get(1) == Some(&'\\') {
        let close = rest.iter().skip(2).position(|c| *c == '\'')?;
        return Some(close + 3);
    }
    (rest.get(2) == Some(&'\'')).then_some(3)
}

/// `masked` (see [`mask_comments_and_literals`]) with every item marked
/// `#[cfg(test)]` blanked out: up to its `;` or the brace closing its body.
fn strip_test_items(masked: &str) -> String {
    const MARK: &str = "#[cfg(test)]";
    let mut out: Vec<char> = masked.chars().collect();
    let text: Vec<char> = out.clone();
    let mark: Vec<char> = MARK.chars().collect();
    let mut i = 0;
    while i + mark.len() <= text.len() {
        if !text[i..].starts_with(&mark) {
            i += 1;
            continue;
        }
        let mut end = i + mark.len();
        let mut depth = 0usize;
        while end < text.len() {
            match text[end] {
                ';' if depth == 0 => break,
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            end += 1;
        }
        for c in &mut out[i..=end.min(text.len() - 1)] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        i = end + 1;
    }
    out.into_iter().collect()
}

fn dependency_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&src()) {
        let module = top_module(&file);
        if module == "main" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable");
        let deps = graph.entry(module.clone()).or_default();
        deps.extend(
            crate_references(&code_of(&text))
                .into_iter()
                .filter(|d| *d != module && d != "Error" && d != "Result"),
        );
    }
    graph
}

/// A circle through `start`, if there is one, as the list of modules on it.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn the_reference_reader_sees_groups_and_paths() {
    let refs = crate_references(
        "use crate::{k8s::names, error::Result};\nlet x = crate::yaml::to_string(v);",
    );
    assert_eq!(
        refs.into_iter().collect::<Vec<_>>(),
        ["error", "k8s", "yaml"]
    );
}

#[test]
fn the_cycle_finder_finds_a_planted_circle() {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&graph), None);
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(find_cycle(&graph).expect("a circle"), ["a", "b", "c", "a"]);
}

#[test]
fn top_level_modules_have_no_dependency_circle() {
    let graph = dependency_graph();
    assert!(graph.contains_key("render") && graph.contains_key("cli"));
    if let Some(cycle) = find_cycle(&graph) {
        panic!("dependency circle between modules: {}", cycle.join(" → "));
    }
}

/// Inside each folder, its modules' references to each other
/// (`crate::diff::normalize` from `src/diff/api_defaults.rs`), unit tests
/// left out.
fn submodule_graphs() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let mut folders: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in rust_files(&src()) {
        let relative = file.strip_prefix(src()).expect("under src").to_path_buf();
        let parts: Vec<String> = relative
            .components()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .collect();
        let [top, sub, ..] = parts.as_slice() else {
            continue;
        };
        let code = code_of(&std::fs::read_to_string(&file).expect("readable"));
        let prefix = format!("crate::{top}::");
        let deps: BTreeSet<String> = code
            .replace(&prefix, "crate::")
            .split("crate::")
            .skip(1)
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .filter(|d| d != sub && folder_has(top, d))
            .collect();
        folders
            .entry(top.clone())
            .or_default()
            .entry(sub.clone())
            .or_default()
            .extend(deps);
    }
    folders
}

fn folder_has(top: &str, module: &str) -> bool {
    let dir = src().join(top);
    dir.join(format!("{module}.rs")).is_file() || dir.join(module).is_dir()
}

#[test]
fn modules_inside_a_folder_have_no_circle() {
    let folders = submodule_graphs();
    assert!(folders.contains_key("diff") && folders.contains_key("render"));
    for (folder, graph) in folders {
        if let Some(cycle) = find_cycle(&graph) {
            panic!("dependency circle inside {folder}/: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_library_layers_point_one_way() {
    let graph = dependency_graph();
    // {k8s, tls, yaml, error} ← load ← check ← render ← {diff, status, graph} ← cli
    let below = |module: &str, forbidden: &[&str]| {
        let deps = graph.get(module).cloned().unwrap_or_default();
        for f in forbidden {
            assert!(!deps.contains(*f), "{module} must not depend on {f}");
        }
    };
    let upper = ["cli", "diff", "status", "graph"];
    for base in [
        "k8s",
        "tls",
        "yaml",
        "error",
        "problem",
        "suggest",
        "bounded_read",
        "quote",
    ] {
        below(base, &["load", "check", "render"]);
        below(base, &upper);
    }
    below("load", &["check", "render"]);
    below("load", &upper);
    below("check", &["render"]);
    below("check", &upper);
    below("render", &upper);
    for module in ["diff", "status", "graph"] {
        below(module, &["cli"]);
    }
}

/// What only `main` and `cli` may write with.
const PRINTING: [&str; 7] = [
    "println!",
    "eprintln!",
    "print!(",
    "eprint!(",
    "std::io::stdout()",
    "std::io::stderr()",
    "dbg!(",
];

/// What reads a whole file or stream other than `bounded_read`: unbounded
/// (`/dev/zero` runs out of memory) and blocking on a FIFO.
const UNBOUNDED_READS: [&str; 4] = [
    "fs::read(",
    "fs::read_to_string(",
    "read_to_string(",
    "read_to_end(",
];

/// `NEEDLE` lines of the code of `text` (see [`code_of`]).
fn offending_lines(file: &str, text: &str, needles: &[&str]) -> Vec<String> {
    let code = code_of(text);
    let mut found = Vec::new();
    for (number, line) in code.lines().enumerate() {
        for needle in needles {
            if line.contains(needle) {
                found.push(format!("{file}:{}: {needle}", number + 1));
            }
        }
    }
    found
}

/// Every library file (outside `skip`) and its offending lines.
fn offenders_in_src(needles: &[&str], skip: &[&str]) -> Vec<String> {
    let mut offenders = Vec::new();
    for file in rust_files(&src()) {
        let relative = file
            .strip_prefix(src())
            .expect("under src")
            .display()
            .to_string();
        if skip
            .iter()
            .any(|s| relative == *s || relative.starts_with(&format!("{s}/")))
        {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable");
        offenders.extend(offending_lines(&relative, &text, needles));
    }
    offenders
}

#[test]
fn only_main_and_cli_write_to_the_terminal() {
    let offenders = offenders_in_src(&PRINTING, &["main.rs", "cli"]);
    assert!(offenders.is_empty(), "library code prints: {offenders:#?}");
}

#[test]
fn every_file_read_goes_through_bounded_read() {
    let offenders = offenders_in_src(&UNBOUNDED_READS, &["bounded_read.rs"]);
    assert!(
        offenders.is_empty(),
        "reads outside bounded_read (use bounded_read::file/text_file/stream): {offenders:#?}"
    );
}

/// A file whose test module comes first, with a violation after it: the
/// shape that hid a `println!` and a `crate::render::` import planted in
/// `load/live_split.rs`.
const PLANTED: &str = r#"//! A module. `crate::render` in a doc comment is no dependency.
use crate::error::Result;

#[cfg(test)]
mod early_tests {
    fn helper() -> &'static str { "}" }
    #[test]
    fn t() { println!("tests may print {}", '}'); }
}

#[cfg(test)]
use crate::cli::Ctx;

/// Braces in strings and chars must not end the test module early: "{{".
pub fn after(a: &'static str) -> usize {
    let s = "crate::status in a string";
    println!("{s}");
    let _ = std::fs::read_to_string("/dev/zero");
    crate::render::render(a)
}
"#;

#[test]
fn the_checks_see_a_violation_after_an_early_test_module() {
    let prints = offending_lines("planted.rs", PLANTED, &PRINTING);
    assert_eq!(prints, ["planted.rs:17: println!"], "{prints:?}");
    let reads = offending_lines("planted.rs", PLANTED, &UNBOUNDED_READS);
    assert_eq!(
        reads,
        [
            "planted.rs:18: fs::read_to_string(",
            "planted.rs:18: read_to_string("
        ]
    );
    let refs = crate_references(&code_of(PLANTED));
    assert_eq!(refs.into_iter().collect::<Vec<_>>(), ["error", "render"]);
}
