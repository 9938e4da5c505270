//! `milvus-l7 completions SHELL`: a completion script generated from the
//! argument definitions, so it always lists every command and flag.

use super::{Cli, Ctx, Outcome};
use crate::error::Result;
use clap::CommandFactory;
use clap_complete::Shell;

/// The command the scripts complete.
const BIN: &str = "milvus-l7";

/// Examples shown by `milvus-l7 completions --help`.
pub const EXAMPLES: &str = "Examples:
  mkdir -p ~/.local/share/bash-completion/completions ~/.zfunc ~/.config/fish/completions
  milvus-l7 completions bash > ~/.local/share/bash-completion/completions/milvus-l7
  milvus-l7 completions zsh > ~/.zfunc/_milvus-l7   # .zshrc: fpath=(~/.zfunc $fpath)
  milvus-l7 completions fish > ~/.config/fish/completions/milvus-l7.fish";

// No doc comment: clap builds subcommands deferred (cli/mod.rs), so a
// doc comment here would replace the command's description in --help.
#[allow(missing_docs)]
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// Shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the script to stdout.
pub fn run(args: &CompletionsArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), BIN, &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if args.shell == Shell::Bash {
        script = bash_states_agree(&script);
    }
    ctx.print(&script)?;
    Ok(Outcome::Clean)
}

/// clap_complete 4.6 spells the bash state of `milvus-l7 render` two ways
/// for a binary name with a hyphen (clap-rs/clap#6421): the loop that reads
/// the words sets `milvus__l7__subcmd__render`, the `case` that completes
/// a subcommand's flags tests `milvus__subcmd__l7__subcmd__render`, so no
/// flag of any subcommand completed. Every state spelled the loop's way
/// makes them agree; whichever way a fixed clap_complete spells them, the
/// replacement keeps loop and arms alike (or finds nothing to replace).
fn bash_states_agree(script: &str) -> String {
    let arm_spelling = BIN.replace('-', "__subcmd__");
    let loop_spelling = BIN.replace('-', "__");
    script.replace(&arm_spelling, &loop_spelling)
}
