//! Command-line conventions: help with examples for every command, version,
//! shell completions, -q/-v, NO_COLOR.

use crate::common::{
    milvus_l7, render_to_dir, stderr, stdout_of_success, tempdir, testdata, write_file,
};
use clap::CommandFactory;
use milvus_l7::cli::Cli;
use std::process::Command;

fn stdout_of(args: &[&str]) -> String {
    stdout_of_success(&testdata(), args)
}

#[test]
fn every_command_has_help_with_examples() {
    assert!(stdout_of(&["--help"]).contains("Examples:"));
    let names: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|n| n != "help")
        .collect();
    assert!(names.len() >= 3, "{names:?}");
    for name in names {
        let help = stdout_of(&[&name, "--help"]);
        let examples = help.split("Examples:\n").nth(1).unwrap_or_default();
        assert!(
            examples.contains(&format!("  milvus-l7 {name}")),
            "`milvus-l7 {name} --help` shows no examples:\n{help}"
        );
    }
}

#[test]
fn examples_fit_in_the_help_width() {
    // clap wraps help text at 100 columns, and a wrapped example no longer
    // pastes into a shell: the source lines must fit.
    let command = Cli::command();
    for sub in command.get_subcommands().chain([&command]) {
        let examples = sub
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        for line in examples.lines() {
            assert!(
                line.len() < 100,
                "`{}` example wraps: {line}",
                sub.get_name()
            );
        }
    }
}

#[test]
fn version_is_the_packages() {
    assert_eq!(
        stdout_of(&["--version"]),
        format!("milvus-l7 {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// The shell's own syntax check (`bash -n`, `zsh -n`, `fish --no-execute`)
/// when that shell is installed.
fn shell_accepts(shell: &str, script: &str) -> Option<bool> {
    if !crate::common::tool_available(shell, &["-c", "true"]) {
        return None;
    }
    let dir = tempdir();
    let file = write_file(dir.path(), "completion", script);
    let flag = if shell == "fish" {
        "--no-execute"
    } else {
        "-n"
    };
    let status = Command::new(shell).arg(flag).arg(&file).status().ok()?;
    Some(status.success())
}

#[test]
fn completions_cover_every_command_and_parse_in_their_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout_of(&["completions", shell]);
        for word in ["render", "graph", "completions", "overlay", "format"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
        // None: not installed, and tool_available said so.
        if let Some(ok) = shell_accepts(shell, &script) {
            assert!(ok, "{shell} rejects its completion script");
        }
    }
    milvus_l7(&testdata())
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn no_color_wins_over_forced_colour() {
    let error_output = |no_color: bool| {
        let mut cmd = milvus_l7(&testdata());
        cmd.env_remove("NO_COLOR").env("CLICOLOR_FORCE", "1");
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd.args(["render", "--bogus"]).assert().code(2);
        stderr(out.get_output())
    };
    assert!(
        error_output(false).contains('\u{1b}'),
        "CLICOLOR_FORCE colours errors"
    );
    assert!(
        !error_output(true).contains('\u{1b}'),
        "NO_COLOR removes all colour"
    );
}

#[test]
fn verbose_explains_on_stderr_and_leaves_stdout_alone() {
    let quiet_run = milvus_l7(&testdata()).arg("render").output().unwrap();
    let verbose_run = milvus_l7(&testdata())
        .args(["render", "-v"])
        .output()
        .unwrap();
    assert_eq!(verbose_run.stdout, quiet_run.stdout);
    // Without -v only the note that a pipe lacks the Helm values.
    assert!(
        !stderr(&quiet_run).contains("rendered "),
        "{}",
        stderr(&quiet_run)
    );
    let stderr = stderr(&verbose_run);
    assert!(
        stderr.contains("rendered 3 objects")
            && stderr.contains("release my-release")
            && stderr.contains("overlays google-managed"),
        "{stderr}"
    );
}

#[test]
fn quiet_silences_notes_and_hints_but_not_errors() {
    let tmp = tempdir();
    let out = tmp.path().join("out");
    render_to_dir(&[], &out);
    let stale = |extra: &[&str]| {
        milvus_l7(&testdata())
            .args(["render", "--domain", "other.example.com", "--check"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let loud = stale(&[]);
    assert_eq!(loud.status.code(), Some(1));
    assert!(stderr(&loud).contains("is stale"));
    let quiet = stale(&["-q"]);
    assert_eq!(quiet.status.code(), Some(1));
    assert!(quiet.stderr.is_empty(), "{}", stderr(&quiet));
    milvus_l7(&testdata())
        .args(["render", "-q", "-v"])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn each_command_help_starts_with_its_description() {
    // Deferred subcommands (cli/mod.rs) take an Args struct's doc comment
    // as their description, replacing the one the top-level help lists.
    let command = Cli::command();
    for sub in command.get_subcommands() {
        let name = sub.get_name();
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        let help = stdout_of(&[name, "--help"]);
        // The first paragraph, unwrapped (clap wraps at the terminal width).
        let first: Vec<&str> = help.lines().take_while(|l| !l.is_empty()).collect();
        assert_eq!(first.join(" "), about, "`{name} --help`");
    }
}

#[test]
fn help_lists_the_commands_own_flags_then_global_options_then_render_parameters() {
    for name in ["render", "validate", "status", "diff", "graph"] {
        let help = stdout_of(&[name, "--help"]);
        let at = |heading: &str| {
            help.find(heading)
                .unwrap_or_else(|| panic!("`{name} --help` has no {heading}\n{help}"))
        };
        assert!(
            at("Options:\n") < at("Global options:\n")
                && at("Global options:\n") < at("Render parameters:\n"),
            "`{name} --help`:\n{help}"
        );
        let own = &help[at("Options:\n")..at("Global options:\n")];
        assert!(
            !own.contains("--domain") && !own.contains("--quiet"),
            "{own}"
        );
    }
    let validate = stdout_of(&["validate", "--help"]);
    let max_input = validate
        .lines()
        .find(|l| l.contains("--max-input-bytes"))
        .unwrap();
    assert!(max_input.contains("Refuse an input"), "{max_input}");
}
