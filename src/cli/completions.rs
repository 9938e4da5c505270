//! `milvus-l7 completions SHELL`: a completion script generated from the
//! argument definitions, so it always lists every command and flag.

use super::{Cli, Ctx, Outcome};
use crate::error::Result;
use clap::CommandFactory;

/// Examples shown by `milvus-l7 completions --help`.
pub const EXAMPLES: &str = "Examples:
  mkdir -p ~/.local/share/bash-completion/completions ~/.zfunc ~/.config/fish/completions
  milvus-l7 completions bash > ~/.local/share/bash-completion/completions/milvus-l7
  milvus-l7 completions zsh > ~/.zfunc/_milvus-l7   # .zshrc: fpath=(~/.zfunc $fpath)
  milvus-l7 completions fish > ~/.config/fish/completions/milvus-l7.fish";

/// Arguments of `milvus-l7 completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// Shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Writes the script to stdout.
pub fn run(args: &CompletionsArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "milvus-l7", &mut script);
    ctx.print(&String::from_utf8_lossy(&script))?;
    Ok(Outcome::Clean)
}
