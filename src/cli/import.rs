//! `milvus-l7 import`: the `milvus-l7.yaml` that reproduces a live setup
//! made by hand, on stdout; what it cannot express, on stderr.

use super::{Ctx, Outcome};
use crate::error::Result;
use crate::import;
use crate::k8s::resource::ResId;
use crate::load::live;
use clap::Args;

/// Examples shown by `milvus-l7 import --help`.
pub const EXAMPLES: &str = "Examples:
  kubectl get ingress,svc,backendconfig,managedcertificate,frontendconfig -o yaml > live.yaml
  milvus-l7 import --live live.yaml > milvus-l7.yaml
  milvus-l7 diff --live live.yaml    # the check import made (hand-made: the labels differ)

The differences the config cannot express are listed on stderr. A TLS Secret is named, never
read or copied. Adopting the objects: docs/lifecycle.md.";

/// The kinds import reads from an export; everything else is dropped as
/// it is parsed.
const READ_KINDS: &[&str] = &[
    "Ingress",
    "Service",
    "BackendConfig",
    "ManagedCertificate",
    "FrontendConfig",
    "Secret",
    "Gateway",
    "HTTPRoute",
    "HealthCheckPolicy",
    "GCPBackendPolicy",
    "GCPGatewayPolicy",
];

// No doc comment: clap builds subcommands deferred (cli/mod.rs), so a
// doc comment here would replace the command's description in --help.
#[allow(missing_docs)]
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Live export of the setup: a file, a directory of .yaml/.yml/.json files, or - for stdin (output of `kubectl get ... -o yaml` or `-o json`).
    #[arg(long, value_name = "FILE|DIR|-")]
    pub live: String,
    /// Refuse a live export larger than this many bytes (bounds time and memory).
    #[arg(long, value_name = "BYTES", default_value_t = live::DEFAULT_MAX_BYTES)]
    pub max_input_bytes: u64,
}

pub fn run(args: &ImportArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let keep = |id: &ResId, _: &serde_json::Value| {
        if READ_KINDS.contains(&id.kind.as_str()) {
            live::Keep::Whole
        } else {
            live::Keep::Nothing
        }
    };
    let objects = live::LiveReader::keeping(&keep)
        .max_bytes(args.max_input_bytes)
        .load(std::path::Path::new(&args.live), &mut ctx.stdin)?;
    let imported = import::import(objects)?;
    let header = format!(
        "# milvus-l7.yaml imported from {} by `milvus-l7 import`\n",
        args.live
    );
    let config = crate::yaml::to_string(&imported.settings.to_config());
    let newline = if config.ends_with('\n') { "" } else { "\n" };
    ctx.print(&format!("{header}{config}{newline}"))?;
    for line in &imported.unexpressed {
        ctx.warn(&format!("cannot express: {line}"));
    }
    if !imported.unlabelled.is_empty() {
        ctx.note(&format!(
            "{} object(s) lack the labels app.kubernetes.io/instance and app.kubernetes.io/managed-by=milvus-l7 ({}); the first apply adds them (adoption: docs/lifecycle.md)",
            imported.unlabelled.len(),
            imported.unlabelled.join(", ")
        ));
    }
    Ok(Outcome::Clean)
}
