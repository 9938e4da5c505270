//! `milvus-l7 render`: the stream on stdout, a directory, or a check of one.

use super::{Ctx, Outcome, ParamArgs};
use crate::error::Result;
use crate::render::output;
use clap::Args;
use std::path::PathBuf;

pub const EXAMPLES: &str = "Examples:
  milvus-l7 render --overlay google-managed | kubectl apply -f -
  milvus-l7 render --overlay self-managed --tls-cert tls.crt --tls-key tls.key -o out/
  milvus-l7 render --release milvus-prod --namespace milvus --domain milvus.example.com -o out/
  milvus-l7 render --check out/          # exit 1 when out/ is stale (for CI)";

/// `milvus-l7 render` arguments.
#[derive(Debug, Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub params: ParamArgs,
    /// Write one file per object into DIR (replaced atomically), plus helm/values.yaml and kustomization.yaml.
    #[arg(
        short = 'o',
        long = "output-dir",
        value_name = "DIR",
        conflicts_with = "check"
    )]
    pub output_dir: Option<PathBuf>,
    /// Exit 1 and show a diff when DIR differs from what would be rendered now.
    #[arg(long, value_name = "DIR")]
    pub check: Option<PathBuf>,
}

pub fn run(args: &RenderArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let rendered = args.params.render(ctx)?;
    if let Some(dir) = &args.check {
        return match output::check_dir(dir, &output::files(&rendered))? {
            None => Ok(Outcome::Clean),
            Some(report) => {
                ctx.print(&report)?;
                let state = if dir.exists() {
                    "is stale"
                } else {
                    "does not exist"
                };
                ctx.note(&format!(
                    "{} {state}: run `milvus-l7 render -o {}` with the same parameters",
                    dir.display(),
                    dir.display()
                ));
                Ok(Outcome::Differs)
            }
        };
    }
    if let Some(dir) = &args.output_dir {
        let files = output::files(&rendered);
        output::write_dir(dir, &files)?;
        ctx.info(&format!("wrote {} files to {}", files.len(), dir.display()));
        return Ok(Outcome::Clean);
    }
    ctx.print(&output::stream(&rendered))?;
    ctx.info(&output::summary(&rendered));
    Ok(Outcome::Clean)
}
