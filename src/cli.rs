//! The command line: argument definitions and the dispatch to the library.
//! `main.rs` only parses and maps the outcome to an exit status.

use crate::error::{Error, Result};
use crate::file_tree::FileTree;
use crate::output;
use crate::params::{ParamInputs, Setting, CONFIG_FILE};
use crate::render::{self, Sources};
use clap::{Args, Parser, Subcommand};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "milvus-l7",
    version,
    about = "Render Milvus behind a Google Cloud Layer-7 load balancer on GKE, declaratively, and diff it against the live cluster.",
    after_help = TOP_LEVEL_EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print what is being done on stderr.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the manifests and Helm values (to stdout, a directory, or check a directory).
    #[command(after_help = RENDER_EXAMPLES)]
    Render(RenderCommand),
    /// Compare the rendered state (and the Service the Helm values imply) with a live export.
    #[command(after_help = crate::diff::EXAMPLES)]
    Diff(crate::diff::DiffCommand),
    /// Draw the rendered objects and their references as a Mermaid or Graphviz diagram.
    #[command(after_help = crate::graph::EXAMPLES)]
    Graph(crate::graph::GraphCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = crate::completions::EXAMPLES)]
    Completions(crate::completions::CompletionsCommand),
    /// Make a self-signed key and certificate (tls.key, tls.crt) for the self-managed overlay.
    #[command(after_help = crate::cert::CERT_EXAMPLES)]
    Cert(crate::cert::CertCommand),
    /// Check the render, or your own manifests, against schemas, GKE cross-references and certificate rules.
    #[command(after_help = crate::validate::VALIDATE_EXAMPLES)]
    Validate(crate::validate::ValidateCommand),
    /// Tell whether the live load balancer and certificate are ready, and how to connect.
    #[command(after_help = crate::status::STATUS_EXAMPLES)]
    Status(crate::status::StatusCommand),
}

const TOP_LEVEL_EXAMPLES: &str = "Examples:
  milvus-l7 render --overlay google-managed --domain milvus.example.com -o out/
  milvus-l7 render --check out/          # in CI: exit 1 when out/ is stale
  milvus-l7 graph > graph.mmd            # Mermaid diagram for a PR description
  milvus-l7 diff --live live.yaml        # drift from a `kubectl get ... -o yaml` export
  milvus-l7 completions bash > ~/.local/share/bash-completion/completions/milvus-l7
Run `milvus-l7 <command> --help` for each command's flags and examples.";

const RENDER_EXAMPLES: &str = "Examples:
  milvus-l7 render --overlay google-managed | kubectl apply -f -
  milvus-l7 render --overlay self-managed --tls-cert tls.crt --tls-key tls.key -o out/
  milvus-l7 render --release milvus-prod --namespace milvus --domain milvus.example.com -o out/
  milvus-l7 render --check out/          # exit 1 when out/ is stale (for CI)";

#[derive(Debug, Args)]
pub struct RenderCommand {
    #[command(flatten)]
    pub params: ParamArgs,
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
}

/// The parameters every command that renders takes.
#[derive(Debug, Args, Clone, Default)]
pub struct ParamArgs {
    /// Config file (default: ./milvus-l7.yaml when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Helm release name of Milvus [default: my-release].
    #[arg(long)]
    pub release: Option<String>,
    /// Namespace of every object [default: default, or $ARGOCD_APP_NAMESPACE].
    #[arg(long, short = 'n')]
    pub namespace: Option<String>,
    /// DNS name clients connect to [default: <release>.milvus.io].
    #[arg(long)]
    pub domain: Option<String>,
    /// Overlay to apply; repeat to compose, in order [default: google-managed].
    #[arg(long = "overlay", value_name = "NAME")]
    pub overlays: Vec<String>,
    /// Set any parameter, e.g. --set healthCheckPort=9091 (see the README for the list).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Self-managed: PEM certificate file for the TLS Secret.
    #[arg(long, value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// Self-managed: PEM private key file for the TLS Secret.
    #[arg(long, value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// Use templates from DIR instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Use overlays from DIR instead of the built-in ones.
    #[arg(long = "overlays", value_name = "DIR")]
    pub overlays_dir: Option<PathBuf>,
}

impl ParamArgs {
    /// Gathers the config file, the environment and the flags.
    pub fn inputs(&self, env: Vec<(String, String)>) -> Result<ParamInputs> {
        let config_path = match &self.config {
            Some(path) => Some(path.clone()),
            None => Some(PathBuf::from(CONFIG_FILE)).filter(|p| p.is_file()),
        };
        let config = match config_path {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| Error::io("reading config file", &path, e))?;
                Some((path, text))
            }
            None => None,
        };
        Ok(ParamInputs {
            config,
            env,
            flags: self.flags()?,
        })
    }

    fn flags(&self) -> Result<Vec<Setting>> {
        let flag = |key: &str, origin: &str, value: Value| Setting {
            key: key.into(),
            value,
            origin: origin.into(),
        };
        let mut flags = Vec::new();
        for entry in &self.set {
            let (key, value) = entry.split_once('=').ok_or_else(|| Error::Param {
                key: entry.clone(),
                origin: "--set".into(),
                message: "expected KEY=VALUE".into(),
                hint: "write e.g. --set healthCheckPort=9091".into(),
            })?;
            flags.push(flag(
                key.trim(),
                &format!("--set {}", key.trim()),
                Value::String(value.to_string()),
            ));
        }
        let named = [
            ("release", "--release", self.release.clone()),
            ("namespace", "--namespace", self.namespace.clone()),
            ("domain", "--domain", self.domain.clone()),
            (
                "tlsCert",
                "--tls-cert",
                self.tls_cert.as_ref().map(|p| p.display().to_string()),
            ),
            (
                "tlsKey",
                "--tls-key",
                self.tls_key.as_ref().map(|p| p.display().to_string()),
            ),
        ];
        for (key, origin, value) in named {
            if let Some(value) = value {
                flags.push(flag(key, origin, Value::String(value)));
            }
        }
        if !self.overlays.is_empty() {
            flags.push(flag(
                "overlays",
                "--overlay",
                Value::Array(
                    self.overlays
                        .iter()
                        .map(|o| Value::String(o.clone()))
                        .collect(),
                ),
            ));
        }
        Ok(flags)
    }

    pub fn sources(&self) -> Result<Sources> {
        // A built-in tree is loaded only when no directory replaces it.
        let tree = |dir: &Option<PathBuf>, builtin: fn() -> FileTree| match dir {
            Some(dir) => FileTree::from_dir(dir),
            None => Ok(builtin()),
        };
        Ok(Sources {
            templates: tree(&self.templates, FileTree::builtin_templates)?,
            overlays: tree(&self.overlays_dir, FileTree::builtin_overlays)?,
        })
    }

    pub fn render(&self, env: Vec<(String, String)>) -> Result<render::Rendered> {
        render::render(&self.inputs(env)?, &self.sources()?)
    }
}

/// What a command asks `main` to exit with when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: done, no differences.
    Clean,
    /// Exit 1: differences found, or not ready yet.
    Differs,
}

/// Runs a parsed command. `env` is the process environment; output goes to
/// `stdout`, messages to stderr.
pub fn run(cli: &Cli, env: Vec<(String, String)>, stdout: &mut dyn Write) -> Result<Outcome> {
    match &cli.command {
        Command::Render(cmd) => run_render(cmd, cli, env, stdout),
        Command::Diff(cmd) => crate::diff::run(cmd, cli, env, stdout),
        Command::Graph(cmd) => crate::graph::run(cmd, env, stdout),
        Command::Completions(cmd) => crate::completions::run(cmd, stdout),
        Command::Cert(cmd) => crate::cert::run(cmd, cli.quiet),
        Command::Validate(cmd) => crate::validate::run(cmd, cli.quiet, cli.verbose, env),
        Command::Status(cmd) => crate::status::run(cmd, cli.quiet, env, stdout),
    }
}

fn run_render(
    cmd: &RenderCommand,
    cli: &Cli,
    env: Vec<(String, String)>,
    stdout: &mut dyn Write,
) -> Result<Outcome> {
    let rendered = cmd.params.render(env)?;
    if let Some(dir) = &cmd.check {
        return match output::check_dir(dir, &output::files(&rendered))? {
            None => Ok(Outcome::Clean),
            Some(report) => {
                write_stdout(stdout, &report)?;
                if !cli.quiet {
                    let state = if dir.exists() {
                        "is stale"
                    } else {
                        "does not exist"
                    };
                    eprintln!(
                        "{} {state}: run `milvus-l7 render -o {}` with the same parameters",
                        dir.display(),
                        dir.display()
                    );
                }
                Ok(Outcome::Differs)
            }
        };
    }
    if let Some(dir) = &cmd.output_dir {
        let files = output::files(&rendered);
        output::write_dir(dir, &files)?;
        if cli.verbose {
            eprintln!("wrote {} files to {}", files.len(), dir.display());
        }
        return Ok(Outcome::Clean);
    }
    write_stdout(stdout, &output::stream(&rendered))?;
    if cli.verbose {
        eprintln!("{}", output::summary(&rendered));
    }
    Ok(Outcome::Clean)
}

/// Writes all of `text`. A closed pipe (`| head`) is not an error.
pub fn write_stdout(stdout: &mut dyn Write, text: &str) -> Result<()> {
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::io("writing", "<stdout>", e))
        }
        _ => Ok(()),
    }
}
