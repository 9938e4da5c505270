//! `milvus-l7 validate [PATH...]`: exit 0 valid, 2 with every problem listed.

use super::{Ctx, Outcome, ParamArgs};
use crate::check::{self, lint};
use crate::error::{Error, Result};
use crate::k8s::resource::Resource;
use crate::load::{live, manifest_set};
use crate::problem::{self, Problem};
use crate::render::params;
use std::collections::HashMap;
use std::path::PathBuf;

pub const EXAMPLES: &str = "Examples:
  milvus-l7 validate --overlay self-managed --domain milvus.example.com \\
    --tls-cert tls.crt --tls-key tls.key   # the render
  milvus-l7 validate out/              # a render -o directory, helm/values.yaml included
  milvus-l7 validate k8s/ --release milvus-prod     # your manifests, made for release milvus-prod
  kubectl get ingress,managedcertificate,backendconfig -o yaml | milvus-l7 validate -";

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
    /// Check each object alone, as the API server admits it (schemas, CEL, built-in rules),
    /// without the checks that relate objects to each other or to the parameters.
    #[arg(long, requires = "paths")]
    pub schema_only: bool,
    #[command(flatten, next_help_heading = super::RENDER_PARAMETERS)]
    pub params: ParamArgs,
}

pub fn run(args: &ValidateArgs, ctx: &mut Ctx) -> Result<Outcome> {
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
    let loaded = manifest_set::load(
        &args.paths,
        &mut ctx.stdin,
        &check::needed,
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
    // Moved, not cloned: a big export is held once.
    let (origins, resources): (Vec<String>, Vec<Resource>) = loaded.objects.into_iter().unzip();
    let report = if args.schema_only {
        check::each_alone(&resources)
    } else {
        check::objects(&resources, loaded.helm_values.as_ref(), &params.setup())
    };
    for skipped in &loaded.skipped {
        ctx.info(&format!(
            "note: skipped {} (not an object file)",
            skipped.display()
        ));
    }
    for id in &report.unchecked {
        ctx.info(&format!(
            "note: no schema for {id}; only its metadata and references were checked"
        ));
    }
    for warning in &report.warnings {
        ctx.warn(warning);
    }
    let files = Files::new(&origins, &resources, loaded.helm_values_file.as_deref());
    let mut problems = loaded.problems;
    problems.extend(report.problems.into_iter().map(|p| files.prefix(p)));
    problem::into_result(problems, "the given manifests")?;
    ctx.note(&format!("valid: {} objects", resources.len()));
    Ok(Outcome::Clean)
}

/// The files of the objects (and of the Helm values), so that every
/// problem names what to edit. Looked up once per problem: a linear search
/// per problem made many problems quadratic.
struct Files<'a> {
    /// Every file an object is in, in the order read: two for a duplicate.
    of_object: HashMap<String, Vec<&'a str>>,
    helm_values: Option<&'a str>,
}

impl<'a> Files<'a> {
    fn new(origins: &'a [String], resources: &[Resource], helm_values: Option<&'a str>) -> Self {
        let mut of_object: HashMap<String, Vec<&str>> = HashMap::with_capacity(resources.len());
        for (file, object) in origins.iter().zip(resources) {
            let files = of_object.entry(object.id.to_string()).or_default();
            if !files.contains(&file.as_str()) {
                files.push(file);
            }
        }
        Files {
            of_object,
            helm_values,
        }
    }

    /// `FILE: SUBJECT`. A subject is an object id, possibly followed by
    /// what in it (`…: data[tls.crt]`), or the Helm values and the Service
    /// the chart makes from them.
    fn prefix(&self, problem: Problem) -> Problem {
        let id = problem
            .subject
            .split_once([' ', ':'])
            .map_or(problem.subject.as_str(), |(id, _)| id);
        let files = match self.of_object.get(id) {
            Some(files) => files.join(", "),
            None => match self.helm_values {
                Some(file) if lint::about_helm_values(&problem.subject) => file.to_string(),
                _ => return problem,
            },
        };
        Problem {
            subject: format!("{files}: {}", problem.subject),
            ..problem
        }
    }
}
