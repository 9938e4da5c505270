//! Shell completion driven the way the shell drives it: the generated
//! script loaded into a real bash (and fish), a partial command line, and
//! the candidates the shell would offer. A syntax check alone passed while
//! bash completed no flag of any subcommand (clap-rs/clap#6421).

use crate::common::{stdout_of_success, tempdir, testdata, tool_available, write_file};
use std::path::Path;
use std::process::Command;

/// The built-in overlays, read from the repository's overlays/ directory:
/// what `--overlay <TAB>` must offer, named nowhere in the test itself.
fn builtin_overlays() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("overlays");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("overlay.yaml").is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 3, "{names:?}");
    names
}

/// What bash offers for `line` (the last word is the one being completed,
/// empty after a trailing space): the script is sourced, the function
/// `complete -p` names for milvus-l7 is called as bash's programmable
/// completion calls it, and COMPREPLY is printed one per line.
fn bash_offers(script: &Path, line: &str) -> Vec<String> {
    const DRIVER: &str = r#"
source "$1" || exit 3
COMP_LINE="$2"
COMP_POINT=${#COMP_LINE}
read -r -a COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
spec=$(complete -p milvus-l7) || exit 4
function=$(sed -E 's/.* -F ([^ ]+) .*/\1/' <<< "$spec")
previous=""
(( COMP_CWORD > 0 )) && previous="${COMP_WORDS[COMP_CWORD-1]}"
COMPREPLY=()
"$function" milvus-l7 "${COMP_WORDS[COMP_CWORD]}" "$previous"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    shell_lines(
        Command::new("bash")
            .args(["--norc", "--noprofile", "-c", DRIVER, "driver"])
            .arg(script)
            .arg(line),
    )
}

/// The lines a shell printed; its failure fails the test, with its stderr.
fn shell_lines(shell: &mut Command) -> Vec<String> {
    let out = shell.output().unwrap();
    assert!(
        out.status.success(),
        "{shell:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    lines(&out.stdout)
}

/// What fish offers for `line` (`complete -C`, descriptions cut off).
fn fish_offers(script: &Path, line: &str) -> Vec<String> {
    shell_lines(
        Command::new("fish")
            .args(["--no-config", "-c", "source $argv[1]; complete -C $argv[2]"])
            .arg(script)
            .arg(line),
    )
    .into_iter()
    .map(|l| l.split('\t').next().unwrap_or_default().to_string())
    .collect()
}

/// What zsh offers for `line`: an interactive zsh on a pseudo-terminal
/// (zsh/zpty) with the script's directory on `fpath` and compinit, `line`
/// typed and Tab pressed; `compadd` is wrapped to print each match, and a
/// post-completion hook prints the end mark. The marks are split in the
/// source (`C""AND`) so that zle's echo of the typed commands never
/// matches them.
fn zsh_offers(function_dir: &Path, line: &str) -> Vec<String> {
    const DRIVER: &str = r#"
zmodload zsh/zpty || exit 3
zpty z zsh -f -i
zpty -w z "fpath=(\"\$ZFUNC\" \$fpath); PROMPT=''; autoload -U compinit; compinit -u -D"
zpty -w z 'compadd() { local -a m; builtin compadd -O m "$@"; local x; for x in $m; do print -r -- "C""AND:$x"; done; builtin compadd "$@" }'
zpty -w z 'zcap_done() { print -r -- "" "D""ONE" }; comppostfuncs=(zcap_done)'
zpty -w z "$1"$'\t'
zpty -r z all '*DONE*' || exit 4
print -r -- "$all"
zpty -d z
"#;
    let out = Command::new("timeout")
        .args(["60", "zsh", "-f", "-c", DRIVER, "driver", line])
        .env("ZFUNC", function_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "zsh driver failed for {line:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut offers: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim_end_matches('\r').strip_prefix("CAND:"))
        .map(str::to_string)
        .collect();
    offers.sort();
    offers.dedup();
    offers
}

fn lines(bytes: &[u8]) -> Vec<String> {
    let mut lines: Vec<String> = String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

fn script(shell: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempdir();
    let text = stdout_of_success(&testdata(), &["completions", shell]);
    let file = write_file(dir.path(), &format!("milvus-l7.{shell}"), &text);
    (dir, file)
}

#[test]
fn bash_completes_subcommand_flags_and_overlay_names() {
    if !tool_available("bash", &["-c", "true"]) {
        return;
    }
    let (_dir, script) = script("bash");
    let offers = |line: &str| bash_offers(&script, line);
    assert!(offers("milvus-l7 ren").contains(&"render".to_string()));
    assert_eq!(offers("milvus-l7 render --ov"), ["--overlay", "--overlays"]);
    assert_eq!(offers("milvus-l7 render --overlay "), builtin_overlays());
    assert_eq!(
        offers("milvus-l7 render --overlay google-managed --overlay self"),
        ["self-managed"]
    );
    // A hyphen in the subcommand's name too, and another subcommand's values.
    assert!(offers("milvus-l7 argocd-parameters --con").contains(&"--config".to_string()));
    assert_eq!(offers("milvus-l7 status --output "), ["json", "text"]);
    assert_eq!(offers("milvus-l7 graph --overlay "), builtin_overlays());
}

#[test]
fn fish_completes_the_same() {
    if !tool_available("fish", &["--version"]) {
        return;
    }
    let (_dir, script) = script("fish");
    let offers = |line: &str| fish_offers(&script, line);
    assert_eq!(offers("milvus-l7 render --ov"), ["--overlay", "--overlays"]);
    assert_eq!(offers("milvus-l7 render --overlay "), builtin_overlays());
    assert!(offers("milvus-l7 argocd-parameters --con").contains(&"--config".to_string()));
}

#[test]
fn zsh_completes_the_same() {
    if !tool_available("zsh", &["-c", "zmodload zsh/zpty"]) {
        return;
    }
    let (dir, _) = script("zsh");
    // compinit finds a completion function by its file name on fpath.
    std::fs::rename(
        dir.path().join("milvus-l7.zsh"),
        dir.path().join("_milvus-l7"),
    )
    .unwrap();
    let offers = |line: &str| zsh_offers(dir.path(), line);
    assert_eq!(offers("milvus-l7 render --ov"), ["--overlay", "--overlays"]);
    assert_eq!(offers("milvus-l7 render --overlay "), builtin_overlays());
    assert_eq!(offers("milvus-l7 argocd-parameters --con"), ["--config"]);
}

#[test]
fn an_overlay_of_ones_own_is_still_accepted() {
    // The names offered are the built-in ones, not a closed list: an
    // --overlays DIR brings its own, and the error for an unknown name
    // stays the render's, with its suggestion.
    let assert = crate::common::milvus_l7(&testdata())
        .args(["render", "--overlay", "google-manged"])
        .assert()
        .code(2)
        .stdout("");
    let stderr = crate::common::stderr(assert.get_output());
    assert!(
        stderr.contains("did you mean `google-managed`?"),
        "{stderr}"
    );
}
