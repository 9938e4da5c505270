//! `milvus-l7 values`: the Helm values for the milvus chart on stdout —
//! the L7 values with the user's own values files merged beneath them,
//! the same as `render -o` writes to `helm/values.yaml` — for Helm's own
//! road: `helm upgrade --install … -f <(milvus-l7 values …)`.

use super::{Ctx, Outcome, ParamArgs};
use crate::error::Result;
use crate::yaml;
use clap::Args;

pub const EXAMPLES: &str = "Examples:
  milvus-l7 values --domain milvus.example.com > values.yaml
  helm upgrade --install my-release milvus/milvus -f values.yaml \\
    --post-renderer=milvus-l7 --post-renderer-args=post-render \\
    --post-renderer-args=--domain=milvus.example.com       # Helm 3; docs/helm.md for Helm 4";

// No doc comment: clap builds subcommands deferred (cli/mod.rs), so a
// doc comment here would replace the command's description in --help.
#[allow(missing_docs)]
#[derive(Debug, Args)]
pub struct ValuesArgs {
    #[command(flatten)]
    pub params: ParamArgs,
}

pub fn run(args: &ValuesArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let rendered = args.params.render(ctx)?;
    ctx.print(&yaml::to_string(&rendered.helm_values))?;
    Ok(Outcome::Clean)
}
