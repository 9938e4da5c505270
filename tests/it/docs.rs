//! The README and docs/ stay true: every `milvus-l7 …` command in their
//! shell blocks parses with today's flags, and every link to another
//! document of this repository points at a file that exists.

use clap::CommandFactory;
use milvus_l7::cli::Cli;
use std::path::{Path, PathBuf};

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// README.md and every Markdown file in docs/.
pub(crate) fn documents() -> Vec<PathBuf> {
    let mut docs = vec![root().join("README.md")];
    if let Ok(entries) = std::fs::read_dir(root().join("docs")) {
        let mut more: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        more.sort();
        docs.extend(more);
    }
    docs
}

/// The lines of ```sh blocks, continuation lines joined.
pub(crate) fn shell_lines(markdown: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_shell = false;
    let mut pending = String::new();
    for line in markdown.lines() {
        let fence = line.trim_start();
        if fence.starts_with("```") {
            in_shell = !in_shell && is_shell_fence(fence);
            continue;
        }
        if !in_shell {
            continue;
        }
        let line = line.split(" # ").next().unwrap_or(line).trim_end();
        match line.strip_suffix('\\') {
            Some(start) => pending.push_str(start),
            None => {
                pending.push_str(line);
                lines.push(std::mem::take(&mut pending));
            }
        }
    }
    lines
}

/// Whether a fence line opens a shell block: ```` ```sh ````, ```` ```bash ````,
/// with or without more words after the language (` run`, see runnable_docs.rs).
pub(crate) fn is_shell_fence(fence: &str) -> bool {
    let info = fence.trim_start().trim_start_matches('`');
    matches!(info.split_whitespace().next(), Some("sh" | "bash"))
}

/// Each `milvus-l7 …` invocation in a shell line, as words, up to the
/// first pipe, redirection, `;`, `&&`, `)` or `|`.
pub(crate) fn invocations(line: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (i, _) in line.match_indices("milvus-l7 ") {
        let before = &line[..i];
        // `cargo install`, paths like deploy/milvus-l7, names in prose.
        if !(before.is_empty() || before.ends_with([' ', '(', '|', ';', '{', '!'])) {
            continue;
        }
        let mut words = vec!["milvus-l7".to_string()];
        let mut in_substitution = false;
        for word in line[i + "milvus-l7 ".len()..].split_whitespace() {
            // `<(kubectl get …)`: a file name the shell makes.
            if in_substitution {
                in_substitution = !word.contains(')');
                continue;
            }
            if word.starts_with("<(") {
                words.push("X".into());
                in_substitution = !word.contains(')');
                continue;
            }
            if word.starts_with(['|', '>', '<', ';', '&', ')', '#']) || word == "}" {
                break;
            }
            let last = word.ends_with(';');
            let word = word
                .trim_end_matches(';')
                .trim_matches(|c| c == '"' || c == '\'');
            if word.contains('$') || word.contains('`') {
                // a shell expansion: the value is not known here
                words.push("X".into());
            } else {
                words.push(word.to_string());
            }
            if last {
                break;
            }
        }
        found.push(words);
    }
    found
}

#[test]
fn the_reader_finds_invocations_in_blocks() {
    let lines = shell_lines(
        "text milvus-l7 nothing\n```sh\nmilvus-l7 render -o out/ | kubectl apply -f -\nuntil milvus-l7 status \\\n  --live x; do sleep 1; done\n```\n",
    );
    assert_eq!(lines.len(), 2);
    assert_eq!(
        invocations(&lines[0]),
        [["milvus-l7", "render", "-o", "out/"]
            .map(String::from)
            .to_vec()]
    );
    assert_eq!(
        invocations(&lines[1])[0],
        ["milvus-l7", "status", "--live", "x"]
    );
}

#[test]
fn every_documented_command_parses() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).expect("readable");
        for line in shell_lines(&text) {
            for argv in invocations(&line) {
                if argv.len() == 1 {
                    continue;
                }
                checked += 1;
                if let Err(e) = Cli::command().try_get_matches_from(&argv) {
                    if !matches!(
                        e.kind(),
                        clap::error::ErrorKind::DisplayHelp
                            | clap::error::ErrorKind::DisplayVersion
                    ) {
                        failures.push(format!(
                            "{}: {}\n  {}",
                            doc.display(),
                            argv.join(" "),
                            e.kind()
                        ));
                    }
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} commands found");
    assert!(
        failures.is_empty(),
        "documented commands that do not parse:\n{}",
        failures.join("\n")
    );
}

/// The text outside code: fenced blocks and `inline code` removed, so a
/// regular expression like `[a-z](…)` is not taken for a link.
fn prose(markdown: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        for (i, piece) in line.split('`').enumerate() {
            if i % 2 == 0 {
                out.push_str(piece);
            }
        }
        out.push('\n');
    }
    out
}

#[test]
fn links_between_documents_point_at_files_that_exist() {
    let mut broken = Vec::new();
    for doc in documents() {
        let text = prose(&std::fs::read_to_string(&doc).expect("readable"));
        let dir = doc.parent().expect("in a folder");
        for (i, _) in text.match_indices("](") {
            let target: String = text[i + 2..].chars().take_while(|c| *c != ')').collect();
            let path = target.split('#').next().unwrap_or("");
            if path.is_empty() || path.contains("://") || path.starts_with("mailto:") {
                continue;
            }
            if !dir.join(path).exists() {
                broken.push(format!("{}: {target}", doc.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn source_files_the_documents_name_exist() {
    let mut docs = documents();
    docs.push(root().join("schemas/README.md"));
    let mut missing = Vec::new();
    for doc in docs {
        let text = std::fs::read_to_string(&doc).expect("readable");
        for start in ["src/", "tests/", "bench/", "deploy/", "scripts/"] {
            for (i, _) in text.match_indices(start) {
                // only whole paths: preceded by a space, backtick or parenthesis
                if i > 0 && !text[..i].ends_with([' ', '`', '(', '\n']) {
                    continue;
                }
                let path: String = text[i..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || "/._-".contains(*c))
                    .collect();
                let path = path.trim_end_matches(['.', '/']);
                let is_file = [".rs", ".sh", ".yaml"].iter().any(|e| path.ends_with(e));
                if is_file && !root().join(path).exists() {
                    missing.push(format!("{}: {path}", doc.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "documents name files that do not exist:\n{}",
        missing.join("\n")
    );
}
