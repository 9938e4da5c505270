//! Parses arguments, runs the command, maps the outcome to an exit status:
//! 0 done / no differences, 1 differences or not ready, 2 error.

use clap::Parser;
use milvus_l7::cli::{self, Cli, Outcome};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let env: Vec<(String, String)> = std::env::vars().collect();
    match cli::run(&cli, env, &mut std::io::stdout().lock()) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Differs) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
