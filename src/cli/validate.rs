//! `milvus-l7 validate [PATH...]`: exit 0 valid, 2 with every problem listed.

use super::{Ctx, Outcome, ParamArgs};
use crate::check;
use crate::error::{Error, Result};
use crate::load::{live, manifest_set};
use crate::problem::{self, ObjectFiles, Problem};
use crate::render::params;
use std::path::PathBuf;

pub const EXAMPLES: &str = "Examples:
  milvus-l7 validate --overlay self-managed --domain milvus.example.com \\
    --tls-cert tls.crt --tls-key tls.key   # the render
  milvus-l7 validate out/              # a render -o directory, helm/values.yaml included
  milvus-l7 validate k8s/ --release milvus-prod     # your manifests, made for release milvus-prod
  kubectl get ingress,managedcertificate,backendconfig -o yaml | milvus-l7 validate -
  milvus-l7 validate --fleet deploy/argocd/fleet   # every app of an ApplicationSet fleet, together";

// No doc comment: clap builds subcommands deferred (cli/mod.rs), so a
// doc comment here would replace the command's description in --help.
#[allow(missing_docs)]
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Files or directories of YAML/JSON manifests (`-` for stdin). Without any, the render is
    /// validated; with PATHs, the render parameters say which Milvus Service, ports and health
    /// port to expect.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Refuse an input (a file, stdin) larger than this many bytes (bounds time and memory).
    #[arg(long, value_name = "BYTES", default_value_t = live::DEFAULT_MAX_BYTES)]
    pub max_input_bytes: u64,
    /// Validate a fleet: render every clusters/<cluster>/<namespace>/<release>/milvus-l7.yaml below DIR
    /// and refuse releases, domains or static IPs that two apps share (docs/argocd.md#a-fleet).
    #[arg(long, value_name = "DIR", conflicts_with = "paths")]
    pub fleet: Option<PathBuf>,
    /// Check each object alone, as the API server admits it (schemas, CEL, built-in rules),
    /// without the checks that relate objects to each other or to the parameters.
    #[arg(long, requires = "paths")]
    pub schema_only: bool,
    #[command(flatten, next_help_heading = super::RENDER_PARAMETERS)]
    pub params: ParamArgs,
}

pub fn run(args: &ValidateArgs, ctx: &mut Ctx) -> Result<Outcome> {
    if let Some(root) = &args.fleet {
        return super::validate_fleet::run(root, &args.params, ctx);
    }
    if args.paths.is_empty() {
        let rendered = args.params.render(ctx)?;
        ctx.note(&format!(
            "valid: {} rendered objects",
            rendered.resources.len()
        ));
        return Ok(Outcome::Clean);
    }
    let sources = args.params.sources()?;
    let (params, _) = params::resolve(&args.params.inputs(ctx.env.clone())?, &sources.overlays)?;
    // Each object is checked alone as it is read; only what the checks
    // across objects read of it is held.
    let admission = check::Admission::new(args.schema_only);
    let loaded = manifest_set::load(
        &args.paths,
        &mut ctx.stdin,
        &|id| admission.keep(id),
        &|object| admission.admit(object),
        args.max_input_bytes,
    )?;
    if loaded.objects.is_empty() && loaded.problems.is_empty() {
        return Err(Error::Invalid {
            subject: args
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            message: "no Kubernetes object found".into(),
            hint: "give YAML or JSON manifests, or directories holding them (.yaml, .yml, .json)"
                .into(),
        });
    }
    // Taken apart, not copied: a big export is held once.
    let manifest_set::ManifestSet {
        objects: resources,
        origins,
        helm_values,
        helm_values_file,
        mut problems,
        skipped,
    } = loaded;
    let report = if args.schema_only {
        admission.into_report(&resources)
    } else {
        check::objects(&resources, admission, helm_values.as_ref(), &params.setup())
    };
    for skipped in &skipped {
        ctx.info(&format!(
            "note: skipped {} (not an object file)",
            skipped.display()
        ));
    }
    for unchecked in resources.iter().filter(|r| !check::has_schema(&r.id)) {
        ctx.info(&format!(
            "note: no schema for {}; only its metadata and references were checked",
            unchecked.id
        ));
    }
    for warning in &report.warnings {
        ctx.warn(warning);
    }
    let files = ObjectFiles::new(
        &origins,
        &resources,
        helm_values_file.as_deref(),
        &report.problems,
    );
    problems.extend(report.problems.into_iter().map(|p| Problem {
        subject: files.place(p.subject),
        ..p
    }));
    problem::into_result(problems, "the given manifests")?;
    ctx.note(&format!("valid: {} objects", resources.len()));
    Ok(Outcome::Clean)
}
