//! `milvus-l7 render`: the stream on stdout, a directory, or a check of one.

use super::{dir_summary, Ctx, Outcome, ParamArgs};
use crate::error::Result;
use crate::render::chart::{self, helm::HelmCommand};
use crate::render::output::{self, OutputFile};
use crate::render::params::{Origin, Setting};
use crate::render::Rendered;
use clap::Args;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub const EXAMPLES: &str = "Examples:
  milvus-l7 render --chart --overlay google-managed | kubectl apply -f -   # the whole release
  milvus-l7 render --overlay self-managed --domain milvus.example.com \\
    --tls-cert tls.crt --tls-key tls.key -o out/     # the pair from `milvus-l7 cert`
  milvus-l7 render --release milvus-prod --namespace milvus --domain milvus.example.com -o out/
  milvus-l7 render --release milvus-prod --namespace milvus --domain milvus.example.com \\
    --check out/                         # the same flags: exit 1 when out/ is stale (for CI)
  milvus-l7 render --chart --set chartPath=milvus-5.0.19.tgz | kubectl apply -f -";

// No doc comment: clap builds subcommands deferred (cli/mod.rs), so a
// doc comment here would replace the command's description in --help.
#[allow(missing_docs)]
#[derive(Debug, Args)]
pub struct RenderArgs {
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
    /// Also render the milvus chart (helm template, chart from chartPath): the whole release.
    #[arg(long)]
    pub chart: bool,
    // Last: listed after the command's own flags in --help.
    #[command(flatten, next_help_heading = super::RENDER_PARAMETERS)]
    pub params: ParamArgs,
}

pub fn run(args: &RenderArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let rendered = render_with_chart_flag(args, ctx)?;
    if chart::wanted(&rendered) {
        let helm = HelmCommand::from_env(&ctx.env);
        let release = chart::render_release(rendered, &helm)?;
        if args.output_dir.is_some() {
            if let Some(warning) = crate::render::helm_major::kustomize_warning(helm.program()) {
                ctx.warn(&warning);
            }
        }
        let files = || chart::kustomize_dir::files(&release);
        return emit(
            args,
            ctx,
            files,
            &release.stream(),
            &release_summary(&release),
        );
    }
    if to_a_program(args, ctx) {
        if let Some(note) = output::helm_values_left_out(&rendered) {
            ctx.note(&note);
        }
    }
    let files = || Ok(output::files(&rendered));
    emit(
        args,
        ctx,
        files,
        &output::stream(&rendered),
        &output::summary(&rendered),
    )
}

/// The stream goes to a pipe or a file, where a person does not see it
/// and a program (`kubectl apply -f -`) takes it as all there is.
fn to_a_program(args: &RenderArgs, ctx: &Ctx) -> bool {
    args.output_dir.is_none() && args.check.is_none() && !ctx.stdout_is_terminal
}

/// The parameters plus `--chart`, which is the parameter `chart` set by a flag.
fn render_with_chart_flag(args: &RenderArgs, ctx: &mut Ctx) -> Result<Rendered> {
    let mut inputs = args.params.inputs(ctx.env.clone())?;
    if args.chart {
        inputs.flags.push(Setting {
            key: "chart".into(),
            value: Value::Bool(true),
            origin: Origin::Flag("--chart".into()),
        });
    }
    let rendered = crate::render::render(&inputs, &args.params.sources()?)?;
    for warning in &rendered.warnings {
        ctx.warn(warning);
    }
    Ok(rendered)
}

fn release_summary(release: &chart::Release) -> String {
    format!(
        "{}; with chart {} {} from {}: {} objects in all",
        output::summary(&release.l7),
        release.chart.name,
        release.chart.version,
        release.source.describe(),
        release.objects.len()
    )
}

/// The stream on stdout, the directory written, or the directory checked.
fn emit(
    args: &RenderArgs,
    ctx: &mut Ctx,
    files: impl Fn() -> Result<BTreeMap<String, OutputFile>>,
    stream: &str,
    summary: &str,
) -> Result<Outcome> {
    ctx.info(summary);
    if let Some(dir) = &args.check {
        let files = files()?;
        let compared = dir_summary::describe(&files);
        return match output::check_dir(dir, &files)? {
            None => {
                ctx.info(&format!("{} is up to date: {compared}", dir.display()));
                Ok(Outcome::Clean)
            }
            Some(report) => {
                ctx.print(&report)?;
                ctx.info(&format!("compared {compared} with {}", dir.display()));
                let state = if dir.exists() {
                    "is stale"
                } else {
                    "does not exist"
                };
                ctx.note(&format!(
                    "{} {state}: run `milvus-l7 render -o {}` with the same parameters",
                    dir.display(),
                    crate::quote::shell_word(&dir.display().to_string())
                ));
                Ok(Outcome::Differs)
            }
        };
    }
    if let Some(dir) = &args.output_dir {
        let files = files()?;
        output::write_dir(dir, &files)?;
        let written = dir_summary::describe(&files);
        ctx.info(&format!(
            "wrote {} to {}: {}",
            written.total,
            dir.display(),
            written.parts
        ));
        return Ok(Outcome::Clean);
    }
    ctx.print(stream)?;
    Ok(Outcome::Clean)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command, Verbosity};
    use clap::Parser;

    /// `milvus-l7 render` with stdout a terminal or not: what it says on stderr.
    fn stderr_of_render(stdout_is_terminal: bool) -> String {
        let cli = Cli::try_parse_from(["milvus-l7", "render"]).unwrap();
        let Command::Render(args) = &cli.command else {
            unreachable!("parsed `render`")
        };
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut ctx = Ctx {
            env: Vec::new(),
            stdin: Box::new(std::io::empty()),
            stdout: &mut stdout,
            stderr: &mut stderr,
            verbosity: Verbosity::Normal,
            color: false,
            stdout_is_terminal,
        };
        run(args, &mut ctx).unwrap();
        assert!(!stdout.is_empty());
        String::from_utf8(stderr).unwrap()
    }

    /// A person at a terminal sees the stream and needs no note; a pipe
    /// is where the Helm half silently goes missing.
    #[test]
    fn the_helm_values_note_is_for_a_pipe_not_a_terminal() {
        assert_eq!(stderr_of_render(true), "");
        assert!(stderr_of_render(false).contains("Helm values"));
    }
}
