//! `milvus-l7 argocd-parameters`: the plugin's `parameters.dynamic`
//! command. Argo CD runs it in the app directory and shows what it prints
//! as the Application's parameters, so the UI shows this app's own values
//! (milvus-l7.yaml over the defaults), not the tool's defaults that static
//! announcements would show. Output: a JSON array of Argo CD
//! `ParameterAnnouncement`s (reposerver/repository/repository.proto).

use super::{Ctx, Outcome, ParamArgs};
use crate::error::Result;
use crate::render::params::{self, core_parameters};
use clap::Args;
use serde_json::{json, Value};

pub const EXAMPLES: &str = "Examples:
  milvus-l7 argocd-parameters            # in an app directory: its parameters as Argo CD JSON";

/// The parameters announced: what a user changes per Milvus.
const ANNOUNCED: &[&str] = &[
    "release",
    "namespace",
    "domain",
    "overlays",
    "chart",
    "values",
];

// No doc comment: clap builds subcommands deferred (cli/mod.rs), so a
// doc comment here would replace the command's description in --help.
#[allow(missing_docs)]
#[derive(Debug, Args)]
pub struct ArgocdParametersArgs {
    #[command(flatten, next_help_heading = super::RENDER_PARAMETERS)]
    pub params: ParamArgs,
}

pub fn run(args: &ArgocdParametersArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let inputs = args.params.inputs(ctx.env.clone())?;
    let (resolved, _) = params::resolve(&inputs, &args.params.sources()?.overlays)?;
    let mut announcements = Vec::new();
    for (name, _, description) in core_parameters() {
        if !ANNOUNCED.contains(&name) {
            continue;
        }
        let value = resolved.get(name).cloned().unwrap_or(Value::Null);
        let mut item = json!({"name": name, "title": name, "tooltip": description});
        match value {
            Value::Array(items) => {
                item["collectionType"] = json!("array");
                item["array"] = json!(items
                    .iter()
                    .map(|v| v
                        .as_str()
                        .map(String::from)
                        .unwrap_or_else(|| v.to_string()))
                    .collect::<Vec<_>>());
            }
            Value::String(s) => {
                item["collectionType"] = json!("string");
                item["string"] = json!(s);
            }
            other => {
                item["collectionType"] = json!("string");
                item["string"] = json!(other.to_string());
            }
        }
        announcements.push(item);
    }
    ctx.print(&format!("{}\n", Value::Array(announcements)))?;
    Ok(Outcome::Clean)
}
