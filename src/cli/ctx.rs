//! What a command runs with: the environment, the three standard streams
//! and how much to say. Tests give it buffers; `main` gives it the process's.

use crate::error::{Error, Result};
use std::io::{Read, Write};

/// How much a command says on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// `-q`: errors and warnings only.
    Quiet,
    /// Notes and hints too.
    Normal,
    /// `-v`: also what is being done.
    Verbose,
}

/// The process's world as a command sees it.
pub struct Ctx<'a> {
    /// The process environment (parameters come from it under Argo CD).
    pub env: Vec<(String, String)>,
    /// Where `--live -` and `validate -` read from. Owned and `Send`, so
    /// `status --follow` can read it on a thread of its own (the read
    /// blocks; the timeout must not).
    pub stdin: Box<dyn Read + Send>,
    /// Objects and reports only.
    pub stdout: &'a mut dyn Write,
    /// Every message for a person.
    pub stderr: &'a mut dyn Write,
    /// How much to say on stderr.
    pub verbosity: Verbosity,
    /// Whether stdout takes ANSI colour: decided once, by `main`, from the
    /// terminal, `NO_COLOR`, `CLICOLOR_FORCE` and `TERM` (anstream's rules).
    pub color: bool,
    /// Whether stdout is a terminal: a person reading, not a pipe or a
    /// file that another program (`kubectl apply -f -`) takes as a whole.
    pub stdout_is_terminal: bool,
}

impl Ctx<'_> {
    /// Writes all of `text` to stdout. A closed pipe (`| head`) is not an error.
    pub fn print(&mut self, text: &str) -> Result<()> {
        match self
            .stdout
            .write_all(text.as_bytes())
            .and_then(|_| self.stdout.flush())
        {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(Error::io("writing", "<stdout>", e))
            }
            _ => Ok(()),
        }
    }

    /// A warning: shown even with `-q`, since it is about the output itself.
    pub fn warn(&mut self, message: &str) {
        self.say(&format!("warning: {message}"));
    }

    /// A message for a person at the terminal; `-q` hides it.
    pub fn note(&mut self, message: &str) {
        if self.verbosity >= Verbosity::Normal {
            self.say(message);
        }
    }

    /// What is being done; only with `-v`.
    pub fn info(&mut self, message: &str) {
        if self.verbosity >= Verbosity::Verbose {
            self.say(message);
        }
    }

    /// stderr is best effort: a message that cannot be written is no
    /// reason to fail the command whose output already went out. Bounded,
    /// and never showing a private key (see [`crate::quote::outgoing`]).
    fn say(&mut self, line: &str) {
        let _ = writeln!(self.stderr, "{}", crate::quote::outgoing(line));
    }
}
