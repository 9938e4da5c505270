//! `milvus-l7 diff`: the report on stdout, hints on stderr.

use super::{Ctx, Outcome, ParamArgs, ReportFormat};
use crate::diff::projection::Scope;
use crate::diff::{self, report};
use crate::error::Result;
use crate::k8s::resource::ResId;
use crate::load::live;
use clap::Args;

pub const EXAMPLES: &str = "Examples:
  milvus-l7 diff -n default --live live.yaml    # live.yaml: kubectl get ... -o yaml
  kubectl get ingress,svc,backendconfig,managedcertificate,secret -n default -o yaml \\
    | milvus-l7 diff -n default --live -
  kubectl get ingress,svc,backendconfig,managedcertificate -A -o json > live.json
  milvus-l7 diff --live live.json --output json
  milvus-l7 diff --overlay self-managed --live exports/ --strict -C 5

Exit status: 0 no differences, 1 differences, 2 error (like diff and kubectl diff).";

// No doc comment: clap builds subcommands deferred (cli/mod.rs), so a
// doc comment here would replace the command's description in --help.
#[allow(missing_docs)]
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Live export to compare with: a file, a directory of .yaml/.yml/.json files, or - for stdin (output of `kubectl get ... -o yaml` or `-o json`).
    #[arg(long, value_name = "FILE|DIR|-")]
    pub live: String,
    /// Compare every field left after normalization, not only the fields milvus-l7 sets.
    #[arg(long)]
    pub strict: bool,
    /// Report format: a unified diff per object, or JSON for bots.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub output: ReportFormat,
    /// Lines of context around each change in the text diff.
    #[arg(short = 'C', long = "context", value_name = "N", default_value_t = 3)]
    pub context: usize,
    /// Refuse a live export larger than this many bytes (bounds time and memory).
    #[arg(long, value_name = "BYTES", default_value_t = live::DEFAULT_MAX_BYTES)]
    pub max_input_bytes: u64,
    // Last: listed after the command's own flags in --help.
    #[command(flatten, next_help_heading = super::RENDER_PARAMETERS)]
    pub params: ParamArgs,
}

pub fn run(args: &DiffArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let rendered = args.params.render(ctx)?;
    let sieve = diff::LiveSieve::new(&rendered);
    let keep = |id: &ResId, value: &serde_json::Value| sieve.keep(id, value);
    let live = live::LiveReader::keeping(&keep)
        .max_bytes(args.max_input_bytes)
        .load(std::path::Path::new(&args.live), &mut ctx.stdin)?;
    ctx.info(&format!(
        "read {} live objects from {}",
        live.len(),
        args.live
    ));
    let scope = if args.strict {
        Scope::Strict
    } else {
        Scope::Managed
    };
    let comparison = diff::compare(&rendered, live, scope);
    let text = match args.output {
        ReportFormat::Text => report::text(&comparison, args.context, ctx.color),
        ReportFormat::Json => report::json(&comparison),
    };
    ctx.print(&text)?;
    for hint in &comparison.hints {
        ctx.note(&format!("hint: {hint}"));
    }
    Ok(if comparison.differs() {
        Outcome::Differs
    } else {
        Outcome::Clean
    })
}
