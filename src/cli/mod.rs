//! The command line: clap's argument types, one file per command, and the
//! dispatch. Each command's `run(args, &mut Ctx)` turns its arguments into
//! calls to the library and prints what comes back; the library itself
//! never prints. `main.rs` only parses and maps the outcome to an exit
//! status.

mod argocd_parameters;
mod cert;
mod completions;
mod ctx;
mod diff;
mod dir_summary;
pub mod duration_arg;
mod graph;
mod import;
pub mod non_utf8;
mod overlay_arg;
mod param_args;
mod post_render;
mod render;
mod status;
mod status_follow;
mod validate;
mod validate_fleet;
mod values;

pub use ctx::{Ctx, Verbosity};
pub use param_args::ParamArgs;

use crate::error::Result;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "milvus-l7",
    version,
    about = "Render Milvus behind a Google Cloud Layer-7 load balancer on GKE, declaratively, and diff it against the live cluster.",
    after_help = TOP_LEVEL_EXAMPLES
)]
/// The whole command line: a subcommand and the verbosity flags.
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors and warnings on stderr (no notes, hints or progress).
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL_OPTIONS)]
    pub quiet: bool,
    /// Print what is being done on stderr.
    #[arg(short, long, global = true, help_heading = GLOBAL_OPTIONS)]
    pub verbose: bool,
}

/// The help heading of the flags every command takes, listed after the
/// command's own: mixed in, they broke up the command's flags.
const GLOBAL_OPTIONS: &str = "Global options";

/// The help heading of the render parameters (`ParamArgs`) in every command
/// that takes them, after the command's own flags.
pub(crate) const RENDER_PARAMETERS: &str = "Render parameters";

impl Cli {
    /// How much the commands say on stderr.
    pub fn verbosity(&self) -> Verbosity {
        match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (false, true) => Verbosity::Verbose,
            (false, false) => Verbosity::Normal,
        }
    }
}

/// The subcommands. `defer`: a subcommand's arguments are built only when
/// that subcommand runs (or help or completions need them), so `render`
/// does not pay, at every Argo CD refresh, for the flags of seven others.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Render the manifests and Helm values (to stdout, a directory, or check a directory).
    #[command(after_help = render::EXAMPLES)]
    Render(render::RenderArgs),
    /// Compare the rendered state (and the Service the Helm values imply) with a live export.
    #[command(after_help = diff::EXAMPLES)]
    Diff(diff::DiffArgs),
    /// Draw the rendered objects and their references as a Mermaid or Graphviz diagram.
    #[command(after_help = graph::EXAMPLES)]
    Graph(graph::GraphArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = completions::EXAMPLES)]
    Completions(completions::CompletionsArgs),
    /// Make a self-signed key and certificate (tls.key, tls.crt) for the self-managed overlay.
    #[command(after_help = cert::EXAMPLES)]
    Cert(cert::CertArgs),
    /// Check the render, or your own manifests, against schemas, GKE cross-references and certificate rules.
    #[command(after_help = validate::EXAMPLES)]
    Validate(validate::ValidateArgs),
    /// Tell whether the live load balancer and certificate are ready, and how to connect.
    #[command(after_help = status::EXAMPLES)]
    Status(status::StatusArgs),
    /// Print the app's parameters as Argo CD announcements (the plugin's parameters.dynamic).
    #[command(after_help = argocd_parameters::EXAMPLES)]
    ArgocdParameters(argocd_parameters::ArgocdParametersArgs),
    /// Print the Helm values for the milvus chart (Helm's road: `helm upgrade --install -f <(milvus-l7 values)`).
    #[command(after_help = values::EXAMPLES)]
    Values(values::ValuesArgs),
    /// Be Helm's post-renderer: the chart's manifests from stdin, unchanged, then the L7 objects.
    #[command(after_help = post_render::EXAMPLES)]
    PostRender(post_render::PostRenderArgs),
    /// Write the milvus-l7.yaml that reproduces a live setup made by hand (from a kubectl export).
    #[command(after_help = import::EXAMPLES)]
    Import(import::ImportArgs),
}

const TOP_LEVEL_EXAMPLES: &str = "Examples:
  milvus-l7 render --overlay google-managed --domain milvus.example.com -o out/
  milvus-l7 render --overlay google-managed --domain milvus.example.com --check out/
                                         # in CI, same flags: exit 1 when out/ is stale
  milvus-l7 graph > graph.mmd            # Mermaid diagram for a PR description
  milvus-l7 diff --live live.yaml        # drift from a `kubectl get ... -o yaml` export
  milvus-l7 cert --domain milvus.example.com    # tls.key + tls.crt for --overlay self-managed
Run `milvus-l7 <command> --help` for each command's flags and examples.";

/// What a command asks `main` to exit with when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: done, no differences.
    Clean,
    /// Exit 1: differences found, or not ready yet.
    Differs,
}

/// How `diff` and `status` write their report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// For a person.
    Text,
    /// For a program.
    Json,
}

/// Runs a parsed command.
pub fn run(command: &Command, ctx: &mut Ctx) -> Result<Outcome> {
    match command {
        Command::Render(args) => render::run(args, ctx),
        Command::ArgocdParameters(args) => argocd_parameters::run(args, ctx),
        Command::Diff(args) => diff::run(args, ctx),
        Command::Graph(args) => graph::run(args, ctx),
        Command::Completions(args) => completions::run(args, ctx),
        Command::Cert(args) => cert::run(args, ctx),
        Command::Validate(args) => validate::run(args, ctx),
        Command::Status(args) => status::run(args, ctx),
        Command::Values(args) => values::run(args, ctx),
        Command::PostRender(args) => post_render::run(args, ctx),
        Command::Import(args) => import::run(args, ctx),
    }
}
