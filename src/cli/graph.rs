//! `milvus-l7 graph`: the diagram of the render on stdout.

use super::{Ctx, Outcome, ParamArgs};
use crate::error::Result;
use crate::graph::{self, dot, mermaid};

/// Examples shown by `milvus-l7 graph --help`.
pub const EXAMPLES: &str = "Examples:
  milvus-l7 graph                                   # Mermaid, Google-managed certificate
  milvus-l7 graph --overlay self-managed --domain milvus.example.com
  milvus-l7 graph --format dot | dot -Tsvg > graph.svg
  { echo '```mermaid'; milvus-l7 graph; echo '```'; } >> pr-description.md";

// No doc comment: clap builds subcommands deferred (cli/mod.rs), so a
// doc comment here would replace the command's description in --help.
#[allow(missing_docs)]
#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Diagram language.
    #[arg(long, value_enum, default_value_t = Format::Mermaid)]
    pub format: Format,
    // Last: listed after the command's own flags in --help.
    #[command(flatten, next_help_heading = super::RENDER_PARAMETERS)]
    pub params: ParamArgs,
}

/// Diagram languages `graph` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A Mermaid `flowchart LR`; GitHub draws it in a `mermaid` code block.
    Mermaid,
    /// A Graphviz `digraph`, for `dot -Tsvg`.
    Dot,
}

pub fn run(args: &GraphArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let graph = graph::build(&args.params.render(ctx)?);
    let (text, language) = match args.format {
        Format::Mermaid => (mermaid::write(&graph), "mermaid"),
        Format::Dot => (dot::write(&graph), "dot"),
    };
    ctx.print(&text)?;
    ctx.info(&format!(
        "drew {} boxes and {} arrows ({language})",
        graph.nodes.len(),
        graph.edges.len()
    ));
    Ok(Outcome::Clean)
}
