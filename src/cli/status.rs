//! `milvus-l7 status`: the report on stdout; exit 0 ready, 1 not yet.

use super::{Ctx, Outcome, ParamArgs, ReportFormat};
use crate::error::Result;
use crate::load::live;
use crate::status;
use clap::Args;
use std::path::PathBuf;

pub const EXAMPLES: &str = "Examples:
  milvus-l7 status --live live.yaml     # from kubectl get ingress,managedcertificate -o yaml
  kubectl get ingress,managedcertificate -n default -o yaml | milvus-l7 status --live -
  until milvus-l7 status -q --live <(kubectl get ingress,managedcertificate -o yaml) \\
    >/dev/null; do sleep 30; done
  milvus-l7 status --overlay self-managed --tls-cert tls.crt --tls-key tls.key \\
    --live live.yaml --output json
  kubectl get gateway,httproute -n default -o yaml \\
    | milvus-l7 status --overlay gateway --set certMap=NAME --live -";

/// `milvus-l7 status` arguments.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Live objects: the output of `kubectl get ... -o yaml` or `-o json` (a file, a directory of .yaml/.yml/.json files, or `-` for stdin).
    #[arg(long, value_name = "FILE|DIR|-")]
    pub live: PathBuf,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub output: ReportFormat,
    /// Refuse a live export larger than this many bytes (bounds time and memory).
    #[arg(long, value_name = "BYTES", default_value_t = live::DEFAULT_MAX_BYTES)]
    pub max_input_bytes: u64,
    #[command(flatten)]
    pub params: ParamArgs,
}

pub fn run(args: &StatusArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let rendered = args.params.render(ctx)?;
    let needed = |id: &crate::k8s::resource::ResId| status::needed(&rendered, id);
    let live = live::load_kept(&args.live, ctx.stdin, &needed, args.max_input_bytes)?;
    let status = status::assess(&rendered, &live)?;
    let text = match args.output {
        ReportFormat::Text => status::to_text(&status),
        ReportFormat::Json => status::to_json(&status),
    };
    ctx.print(&text)?;
    if !status.ready() && args.output == ReportFormat::Text {
        ctx.note("not ready yet: run again in a minute (exit status 1)");
    }
    Ok(if status.ready() {
        Outcome::Clean
    } else {
        Outcome::Differs
    })
}
