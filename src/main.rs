//! Parses arguments, runs the command, maps the outcome to an exit status:
//! 0 done / no differences, 1 differences or not ready, 2 error.

#![forbid(unsafe_code)]

use clap::Parser;
use milvus_l7::cli::{self, Cli, Ctx, Outcome};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
            if e.kind() == clap::error::ErrorKind::InvalidUtf8 {
                if let Some(which) = cli::non_utf8::describe(&args) {
                    // The argument is echoed: it may be a key, or huge.
                    eprintln!("error: {}", milvus_l7::quote::outgoing(&which));
                    return ExitCode::from(2);
                }
            }
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            // clap echoes the value it refused, which may be a key.
            let message = milvus_l7::quote::outgoing(&e.render().ansi().to_string());
            let _ = std::io::Write::write_all(&mut anstream::stderr(), message.as_bytes());
            return ExitCode::from(2);
        }
    };
    let env = match cli::non_utf8::environment(std::env::vars_os()) {
        Ok(env) => env,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let color = anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    let stdout_is_terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let mut ctx = Ctx {
        env,
        stdin: Box::new(std::io::stdin()),
        stdout: &mut stdout,
        stderr: &mut stderr,
        verbosity: cli.verbosity(),
        color,
        stdout_is_terminal,
    };
    match cli::run(&cli.command, &mut ctx) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Differs) => ExitCode::from(1),
        Err(e) => {
            let message = milvus_l7::quote::outgoing(&e.report().to_string());
            let message = milvus_l7::quote::escape_message(&message);
            let _ = writeln!(ctx.stderr, "error: {message}");
            ExitCode::from(2)
        }
    }
}
