//! `milvus-l7 post-render`: Helm's post-renderer (Helm 3
//! `--post-renderer milvus-l7 --post-renderer-args post-render`, Helm 4
//! the plugin in deploy/helm-plugin/). The chart's manifests come on
//! stdin and go out unchanged, with the L7 objects after them.

use super::{Ctx, Outcome, ParamArgs};
use crate::bounded_read;
use crate::error::Result;
use crate::render::chart::post_render::{self, INPUT_LIMIT};
use clap::Args;

pub const EXAMPLES: &str = "Examples:
  milvus-l7 values -n milvus --domain milvus.example.com > values.yaml
  helm upgrade --install my-release milvus/milvus -n milvus -f values.yaml \\
    --post-renderer=milvus-l7 --post-renderer-args=post-render \\
    --post-renderer-args=-n=milvus --post-renderer-args=--domain=milvus.example.com
  helm template my-release milvus-5.0.19.tgz -n milvus -f values.yaml > manifests.yaml
  milvus-l7 post-render -n milvus --domain milvus.example.com < manifests.yaml   # by hand";

// No doc comment: clap builds subcommands deferred (cli/mod.rs), so a
// doc comment here would replace the command's description in --help.
#[allow(missing_docs)]
#[derive(Debug, Args)]
pub struct PostRenderArgs {
    #[command(flatten)]
    pub params: ParamArgs,
}

pub fn run(args: &PostRenderArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let rendered = args.params.render(ctx)?;
    let manifests = bounded_read::stream(&mut ctx.stdin, "<stdin>", INPUT_LIMIT)?;
    let output = post_render::post_render(&rendered, manifests)?;
    ctx.print(&output)?;
    Ok(Outcome::Clean)
}
