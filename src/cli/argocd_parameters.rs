//! `milvus-l7 argocd-parameters`: the plugin's `parameters.dynamic`
//! command. Argo CD runs it in the app directory and shows what it prints
//! as the Application's parameters, so the UI shows this app's own values
//! (milvus-l7.yaml over the defaults), not the tool's defaults that static
//! announcements would show. Output: a JSON array of Argo CD
//! `ParameterAnnouncement`s (reposerver/repository/repository.proto).
//!
//! It announces only what is true of the render: Argo CD runs this command
//! with `ARGOCD_APP_NAME`, `ARGOCD_APP_SOURCE_*`, the plugin env and the
//! parameters, but without `ARGOCD_APP_NAMESPACE` (argo-cd v3.5.1,
//! `reposerver/repository/repository.go`, `populatePluginAppDetails`), which
//! `generate` gets. So the namespace is announced only when something this
//! command sees sets it (milvus-l7.yaml, a parameter, the fleet layout);
//! announcing the default would show `default` for an app rendered into its
//! destination namespace, and saving that from the UI would then override
//! the destination. `chart` is not announced: `generate` always renders the
//! chart (`render --chart` in plugin.yaml).

use super::{Ctx, Outcome, ParamArgs};
use crate::error::Result;
use crate::render::params::{self, core_parameters};
use crate::render::setting::Origin;
use clap::Args;
use serde_json::{json, Value};

pub const EXAMPLES: &str = "Examples:
  milvus-l7 argocd-parameters            # in an app directory: its parameters as Argo CD JSON";

/// The parameters announced: what a user changes per Milvus.
const ANNOUNCED: &[&str] = &["release", "namespace", "domain", "overlays", "values"];

/// Announced only when set: their defaults depend on what Argo CD gives
/// `generate` and not this command.
const ONLY_WHEN_SET: &[&str] = &["namespace"];

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
        let unset = resolved.origin(name).is_none_or(|o| *o == Origin::Default);
        if !ANNOUNCED.contains(&name) || (ONLY_WHEN_SET.contains(&name) && unset) {
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
