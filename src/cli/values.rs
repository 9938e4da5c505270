//! `milvus-l7 values`: the Helm values for the milvus chart on stdout —
//! the L7 values with the user's own values files merged beneath them,
//! the same as `render -o` writes to `helm/values.yaml` — for Helm's own
//! road: `helm upgrade --install … -f <(milvus-l7 values …)`.

use super::{Ctx, Outcome, ParamArgs};
use crate::error::Result;
use crate::yaml;
use clap::Args;

pub const EXAMPLES: &str = "Examples:
  helm upgrade --install my-release milvus/milvus -n default \\
    -f <(milvus-l7 values --overlay google-managed --domain milvus.example.com) \\
    --post-renderer milvus-l7 --post-renderer-args post-render \\
    --post-renderer-args --overlay=google-managed --post-renderer-args --domain=milvus.example.com
  milvus-l7 values --set values=my-values.yaml > values.yaml   # your values beneath the L7 ones";

/// `milvus-l7 values` arguments: every render parameter.
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
