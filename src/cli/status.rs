//! `milvus-l7 status`: the report on stdout; exit 0 ready, 1 not yet.
//! `--follow` reads a watch stream instead and prints a line per change.

use super::status_follow::FollowArgs;
use super::{Ctx, Outcome, ParamArgs, ReportFormat};
use crate::error::Result;
use crate::load::{duplicates, live};
use crate::status;
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

pub const EXAMPLES: &str = "Examples:
  milvus-l7 status --live live.yaml     # from kubectl get ingress,managedcertificate -o yaml
  kubectl get ingress,managedcertificate -n default -o yaml | milvus-l7 status --live -
  kubectl get ingress -n default -o json | milvus-l7 status --overlay self-managed \\
    --domain milvus.example.com --tls-cert tls.crt --tls-key tls.key --live - --output json
  kubectl get gateway,httproute,gcpbackendpolicy,healthcheckpolicy -n default -o yaml \\
    | milvus-l7 status --overlay gateway --overlay self-managed --live -
  # until ready: one line per change, exit 0 once ready (kubectl watches one kind at a time)
  milvus-l7 status --follow --timeout 1h \\
    --live <(kubectl get ingress -n default -o json -w) \\
    --live <(kubectl get managedcertificate -n default -o json -w)";

// No doc comment: clap builds subcommands deferred (cli/mod.rs), so a
// doc comment here would replace the command's description in --help.
#[allow(missing_docs)]
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Live objects: the output of `kubectl get ... -o yaml` or `-o json` (a file, a directory of .yaml/.yml/.json files, or `-` for stdin). May be repeated. With --follow, a watch stream (`kubectl get KIND -o json -w`); stdin when omitted.
    #[arg(long, value_name = "FILE|DIR|-", required_unless_present = "follow")]
    pub live: Vec<PathBuf>,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text, conflicts_with = "follow")]
    pub output: ReportFormat,
    /// Keep reading (a watch stream), print a line each time a check changes, exit 0 once everything is ready and 1 if the stream ends first.
    #[arg(long)]
    pub follow: bool,
    /// With --follow: give up after this long, exit 1 (e.g. 90s, 30m, 1h, 1h30m).
    #[arg(long, value_name = "DURATION", requires = "follow", value_parser = super::duration_arg::parse)]
    pub timeout: Option<Duration>,
    /// Refuse a live export larger than this many bytes (bounds time and memory).
    #[arg(long, value_name = "BYTES", default_value_t = live::DEFAULT_MAX_BYTES)]
    pub max_input_bytes: u64,
    #[command(flatten, next_help_heading = super::RENDER_PARAMETERS)]
    pub params: ParamArgs,
}

pub fn run(args: &StatusArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let rendered = args.params.render(ctx)?;
    if args.follow {
        let follow = FollowArgs {
            live: &args.live,
            timeout: args.timeout,
            max_input_bytes: args.max_input_bytes,
        };
        return super::status_follow::run(&rendered, &follow, ctx);
    }
    let needed =
        |id: &crate::k8s::resource::ResId, _: &serde_json::Value| status::needed(&rendered, id);
    let reader = live::LiveReader::keeping(&needed).max_bytes(args.max_input_bytes);
    let mut read = Vec::new();
    for spec in &args.live {
        let objects = reader.load(spec, &mut ctx.stdin)?;
        ctx.info(&format!(
            "read {} live objects from {}",
            objects.len(),
            spec.display()
        ));
        let origin = spec.display().to_string();
        read.extend(objects.into_iter().map(|object| (origin.clone(), object)));
    }
    // One object in two --live inputs is read like one object in two files
    // of a directory: identical copies once, different copies an error.
    let live = duplicates::merge(read)?;
    let status = status::assess(&rendered, &live)?;
    ctx.info(&checked_line(&status));
    let text = match args.output {
        ReportFormat::Text => status::to_text(&status),
        ReportFormat::Json => status::to_json(&status),
    };
    ctx.print(&text)?;
    for warning in &status.warnings {
        ctx.warn(warning);
    }
    if args.output == ReportFormat::Text {
        if let Some(action) = status.action_needed() {
            ctx.note(&format!(
                "not ready: {}: {} will not resolve without a change; the hint above says what to do (exit status 1)",
                action.object, action.detail
            ));
        } else if !status.ready() {
            ctx.note("not ready yet: run again in a minute (exit status 1)");
        }
    }
    Ok(if status.ready() {
        Outcome::Clean
    } else {
        Outcome::Differs
    })
}

/// `checked 2 live objects: <id>, <id>`: which objects the verdict is about.
fn checked_line(status: &status::Status) -> String {
    let mut objects: Vec<&str> = Vec::new();
    for check in &status.checks {
        if !objects.contains(&check.object.as_str()) {
            objects.push(&check.object);
        }
    }
    format!(
        "checked {} live objects: {}",
        objects.len(),
        objects.join(", ")
    )
}
