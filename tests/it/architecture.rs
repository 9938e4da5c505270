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

/// The code of a file that can depend on anything: no comments (doc links
/// are not dependencies) and no unit-test module.
fn code_of(text: &str) -> String {
    let before_tests = text.split("#[cfg(test)]").next().unwrap_or("");
    before_tests
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
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

#[test]
fn only_main_and_cli_write_to_the_terminal() {
    let printing = [
        "println!",
        "eprintln!",
        "print!(",
        "eprint!(",
        "std::io::stdout()",
        "std::io::stderr()",
        "dbg!(",
    ];
    let mut offenders = Vec::new();
    for file in rust_files(&src()) {
        let module = top_module(&file);
        if module == "main" || module == "cli" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable");
        // Unit tests may print; the library code before them may not.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for needle in printing {
            if code.contains(needle) {
                offenders.push(format!("{}: {needle}", file.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "library code prints: {offenders:#?}");
}
