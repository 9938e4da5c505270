//! Every command in README.md and docs/ runs as written.
//!
//! A shell block whose fence reads ```` ```sh run ```` is a little script a
//! reader copies: this test runs the runnable blocks of each document in
//! order, in one bash, in a fresh directory, with `set -e -o pipefail`, and
//! fails naming the document line of the first command that fails. Every
//! shell block that calls `milvus-l7` must be runnable, so none can drift.
//!
//! The examples at the end of every `--help` run the same way, each
//! command's after a few lines that make the files its examples take as
//! given (a certificate, an export).
//!
//! What stands in for the world a test has not got (tests/it/runnable_docs/):
//! `kubectl get` reads a fixture cluster (testdata/docs/README.md says which
//! command reads which), `kubectl apply` hands the objects to the real
//! `kubectl kustomize`, and `helm repo add`, `helm pull`, `helm upgrade
//! --install` use the vendored chart (testdata/charts/) with the real `helm
//! template`. `milvus-l7 render --chart` uses the same vendored chart through
//! `MILVUS_L7_CHART_PATH`, the variable the Argo CD image sets.

use crate::common::tools::{helm_available, helm_program, kubectl_available, tool_available};
use crate::docs::{documents, invocations, is_shell_fence, root};
use clap::CommandFactory;
use milvus_l7::cli::Cli;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One runnable block: where it starts, and its lines.
struct Block {
    /// 1-based line of the first line inside the fence.
    first_line: usize,
    lines: Vec<String>,
}

/// The runnable blocks of a document, and the lines of shell blocks that
/// call milvus-l7 but are not marked runnable.
fn blocks(markdown: &str) -> (Vec<Block>, Vec<usize>) {
    let mut runnable = Vec::new();
    let mut unmarked = Vec::new();
    let mut open: Option<(Option<Block>, usize, bool)> = None;
    for (i, line) in markdown.lines().enumerate() {
        let fence = line.trim_start();
        if !fence.starts_with("```") {
            if let Some((block, _, calls)) = open.as_mut() {
                let code = line.split(" # ").next().unwrap_or(line);
                *calls |= !invocations(code).is_empty();
                if let Some(block) = block {
                    block.lines.push(line.to_string());
                }
            }
            continue;
        }
        match open.take() {
            Some((block, start, calls)) => match block {
                Some(block) => runnable.push(block),
                None if calls => unmarked.push(start),
                None => {}
            },
            None if is_shell_fence(fence) => {
                let runnable = fence.split_whitespace().nth(1) == Some("run");
                let block = runnable.then(|| Block {
                    first_line: i + 2,
                    lines: Vec::new(),
                });
                open = Some((block, i + 1, false));
            }
            None => open = Some((None, i + 1, false)),
        }
    }
    (runnable, unmarked)
}

/// The fixture cluster a command reads (testdata/docs/README.md).
fn cluster(command: &str) -> PathBuf {
    let name = if command.contains("gateway") {
        "gateway"
    } else if command.contains("self-managed") {
        "self-managed"
    } else {
        "google-managed"
    };
    root().join(format!("testdata/docs/cluster-{name}.json"))
}

/// The bash script of runnable blocks, and for each script line the
/// document line it came from. Each command (a line and its `\`
/// continuations) is preceded by the choice of its fixture cluster.
fn script(blocks: &[Block]) -> (String, Vec<usize>) {
    let mut text = String::from(
        "set -eE -o pipefail\ntrap 'echo \"FAILED at script line $LINENO (exit $?)\" >&2' ERR\n",
    );
    let mut origin = vec![0; 3];
    for block in blocks {
        let mut continued = false;
        for (n, line) in block.lines.iter().enumerate() {
            if !continued {
                let end = block.lines[n..]
                    .iter()
                    .position(|l| !l.ends_with('\\'))
                    .map_or(block.lines.len(), |last| n + last + 1);
                let command = block.lines[n..end].concat();
                text.push_str(&format!(
                    "export DOCS_CLUSTER='{}'\n",
                    cluster(&command).display()
                ));
                origin.push(0);
            }
            continued = line.ends_with('\\');
            text.push_str(line);
            text.push('\n');
            origin.push(block.first_line + n);
        }
    }
    (text, origin)
}

/// `program` as found on PATH, so the shims can call the real one.
pub(crate) fn real(program: &str) -> PathBuf {
    if program.contains('/') {
        return PathBuf::from(program);
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{program} is not on PATH"))
}

/// Runs runnable blocks in a fresh directory; `Err` says which line of
/// `source` failed and what it printed.
fn run(source: &str, blocks: &[Block]) -> Result<(), String> {
    let sandbox = tempfile::tempdir().expect("temp dir");
    let dir = sandbox.path();
    let bin = dir.join(".bin");
    std::fs::create_dir_all(&bin).expect("bin dir");
    std::fs::create_dir_all(dir.join("home")).expect("home dir");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_milvus-l7"), bin.join("milvus-l7"))
        .expect("link the binary");
    copy_tree(&root().join("deploy"), &dir.join("deploy"));
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .status();
    assert!(git.is_ok_and(|s| s.success()), "git init");

    let (text, origin) = script(blocks);
    let shims = root().join("tests/it/runnable_docs");
    let path = std::env::join_paths(
        [shims.clone(), bin]
            .into_iter()
            .chain(std::env::split_paths(
                &std::env::var_os("PATH").unwrap_or_default(),
            )),
    )
    .expect("PATH");
    let mut cmd = Command::new("timeout");
    cmd.args(["120", "bash", "-c", &text])
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", dir.join("home"))
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1")
        .env("DOCS_REAL_KUBECTL", real("kubectl"))
        .env("DOCS_REAL_HELM", real(&helm_program()))
        .env(
            "DOCS_CHART",
            root().join("testdata/charts/milvus-5.0.19.tgz"),
        )
        .env(
            "MILVUS_L7_CHART_PATH",
            root().join("testdata/charts/milvus-5.0.19.tgz"),
        );
    let out = cmd.output().expect("bash runs");
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("FAILED at script line "))
        .and_then(|l| l.split_whitespace().next()?.parse::<usize>().ok())
        .and_then(|n| origin.get(n).copied())
        .map_or_else(|| "?".to_string(), |n| n.to_string());
    Err(format!(
        "{source}:{line}: {}\n--- stdout\n{}\n--- stderr\n{stderr}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    ))
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("readable");
        let target = to.join(entry.path().strip_prefix(from).expect("below"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("dir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Whether the tools the commands and their stand-ins run are here
/// (see [`tool_available`]: missing under CI=true fails).
fn stand_ins_can_run() -> bool {
    tool_available("bash", &["--version"])
        && tool_available("python3", &["--version"])
        && tool_available("git", &["--version"])
        && kubectl_available()
        && helm_available()
}

#[test]
fn the_reader_finds_runnable_and_unmarked_blocks() {
    let (runnable, unmarked) = blocks(
        "# t\n```sh run\nmilvus-l7 cert\necho\n```\n```sh\nmilvus-l7 render\n```\n```sh\ncargo test\n```\n```yaml\nmilvus-l7: x\n```\n",
    );
    assert_eq!(runnable.len(), 1);
    assert_eq!(runnable[0].first_line, 3);
    assert_eq!(runnable[0].lines, ["milvus-l7 cert", "echo"]);
    assert_eq!(unmarked, [6]);
}

#[test]
fn every_shell_block_that_calls_milvus_l7_is_runnable() {
    let mut unmarked = Vec::new();
    let mut runnable = 0;
    for doc in documents() {
        let (found, missing) = blocks(&std::fs::read_to_string(&doc).expect("readable"));
        runnable += found.len();
        unmarked.extend(missing.iter().map(|l| format!("{}:{l}", doc.display())));
    }
    assert!(
        unmarked.is_empty(),
        "shell blocks that call milvus-l7 but are not ```sh run:\n{}",
        unmarked.join("\n")
    );
    assert!(runnable >= 10, "only {runnable} runnable blocks");
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn every_runnable_block_runs_as_written() {
    if !stand_ins_can_run() {
        return;
    }
    let failures: Vec<String> = documents()
        .iter()
        .filter_map(|doc| {
            let (runnable, _) = blocks(&std::fs::read_to_string(doc).expect("readable"));
            (!runnable.is_empty())
                .then(|| run(&doc.display().to_string(), &runnable).err())
                .flatten()
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// What each command's examples take as given, made before they run (in
/// the fixture cluster's terms): a certificate pair, the chart, exports.
fn help_setup(command: &str) -> &'static [&'static str] {
    match command {
        "" => &["kubectl get ingress,svc,backendconfig,managedcertificate -o yaml > live.yaml"],
        "render" => &[
            "milvus-l7 cert --domain milvus.example.com",
            "helm pull milvus/milvus --version 5.0.19",
        ],
        "diff" => &[
            "kubectl get ingress,svc,backendconfig,managedcertificate -o yaml > live.yaml",
            "mkdir exports",
            "kubectl get ingress,svc,backendconfig -o yaml > exports/self-managed.yaml",
        ],
        "validate" => &[
            "milvus-l7 cert --domain milvus.example.com",
            "milvus-l7 render -o out/",
            "milvus-l7 render --release milvus-prod -o k8s/",
        ],
        "status" => &[
            "milvus-l7 cert --domain milvus.example.com",
            "kubectl get ingress,managedcertificate -o yaml > live.yaml",
        ],
        "argocd-parameters" => &["cd deploy/argocd/example-app"],
        "post-render" => &["helm pull milvus/milvus --version 5.0.19"],
        _ => &[],
    }
}

/// The example lines of `milvus-l7 [command] --help`: the indented lines
/// after `Examples:`. The block's `first_line` is the help's line of the
/// first example, so a failure names it.
fn help_examples(command: &str) -> Block {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_milvus-l7"));
    cmd.args(command.split_whitespace()).arg("--help");
    let help = String::from_utf8(cmd.output().expect("--help runs").stdout).expect("UTF-8");
    let start = help
        .lines()
        .position(|l| l == "Examples:")
        .unwrap_or_else(|| panic!("`{command} --help` has no examples"));
    let lines: Vec<String> = help
        .lines()
        .skip(start + 1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| l[2..].to_string())
        .collect();
    assert!(!lines.is_empty(), "`{command} --help`: no example lines");
    Block {
        first_line: start + 2,
        lines,
    }
}

#[test]
#[cfg_attr(
    helm_missing,
    ignore = "helm does not run here (build.rs probed $HELM or helm)"
)]
fn every_help_example_runs_as_written() {
    if !(stand_ins_can_run() && tool_available("dot", &["-V"])) {
        return;
    }
    let cli = Cli::command();
    let commands = std::iter::once(String::new()).chain(
        cli.get_subcommands()
            .map(|c| c.get_name().to_string())
            .filter(|name| name != "help"),
    );
    let mut failures = Vec::new();
    let mut ran = 0;
    for command in commands {
        let setup = Block {
            first_line: 0,
            lines: help_setup(&command).iter().map(|l| l.to_string()).collect(),
        };
        let examples = help_examples(&command);
        ran += examples.lines.len();
        let label = format!("`milvus-l7 {command} --help` line");
        if let Err(e) = run(&label, &[setup, examples]) {
            failures.push(e);
        }
    }
    assert!(ran > 25, "only {ran} example lines");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
