//! Running a program that may misbehave (Helm, or whatever `$HELM`
//! names): its stdout is read through the bounded reader, only a bounded
//! tail of its stderr is kept, and at a deadline its whole process group
//! is killed — a child that hangs, or leaves a grandchild holding its
//! stdout, cannot hold `render --chart` (or an Argo CD refresh) for ever.
//!
//! The input goes to the child on its stdin (Helm's `-f -`), so there is no
//! temporary file that a SIGKILL could leave behind.

use super::stderr_tail::{StderrTail, TAIL_BYTES};
use crate::bounded_read::{self, Limit};
use crate::error::Error;
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

/// What to run, with what, and within which bounds.
pub struct Run<'a> {
    /// The program.
    pub program: &'a Path,
    /// Its arguments.
    pub args: &'a [OsString],
    /// Written to its stdin, which is then closed.
    pub stdin: Vec<u8>,
    /// When the process group is killed.
    pub deadline: Duration,
    /// Most stdout accepted; more is refused with this limit's hint.
    pub stdout_limit: Limit<'static>,
}

/// Why a run gave no output.
#[derive(Debug)]
pub enum Failure {
    /// The program could not be started.
    Spawn(std::io::Error),
    /// It was still running at the deadline, and was killed.
    TimedOut {
        /// The end of its stderr.
        stderr: StderrTail,
    },
    /// Its stdout went over the limit (it was killed), or could not be read.
    Output(Error),
    /// It exited unsuccessfully.
    Failed {
        /// Its exit status.
        status: ExitStatus,
        /// The end of its stderr.
        stderr: StderrTail,
    },
}

/// Runs `run` and returns its stdout when it exits successfully in time.
pub fn run(run: Run) -> Result<Vec<u8>, Failure> {
    let mut child = Command::new(run.program)
        .args(run.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(Failure::Spawn)?;
    let group = child.id();
    let watchdog = Watchdog::start(group, run.deadline);
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = run.stdin;
    // A child that never reads its stdin gets EPIPE here, not a hang:
    // the writer is its own thread, and the deadline kills the reader.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let tail = std::thread::spawn(move || StderrTail::read_from(&mut stderr, TAIL_BYTES));
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let output = bounded_read::stream(
        &mut stdout,
        &run.program.display().to_string(),
        run.stdout_limit,
    );
    if output.is_err() {
        kill_group(group);
    }
    drop(stdout);
    let status = child.wait();
    // Whatever the child left running in its group (holding stderr open)
    // goes with it.
    kill_group(group);
    let timed_out = watchdog.stop();
    let _ = writer.join();
    let stderr = tail.join().unwrap_or_else(|_| StderrTail::new(0));
    if timed_out {
        return Err(Failure::TimedOut { stderr });
    }
    let output = output.map_err(Failure::Output)?;
    match status {
        Ok(status) if status.success() => Ok(output),
        Ok(status) => Err(Failure::Failed { status, stderr }),
        Err(e) => Err(Failure::Output(Error::io("waiting for", run.program, e))),
    }
}

/// Sends SIGKILL to the process group `group`; one already gone is fine.
fn kill_group(group: u32) {
    if let Some(pid) = i32::try_from(group)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

/// A thread that kills the group at the deadline unless stopped first.
struct Watchdog {
    stop: mpsc::Sender<()>,
    fired: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Watchdog {
    fn start(group: u32, deadline: Duration) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        let fired = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&fired);
        let thread = std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(deadline) {
                flag.store(true, Ordering::SeqCst);
                kill_group(group);
            }
        });
        Watchdog {
            stop,
            fired,
            thread,
        }
    }

    /// Stops the watchdog; true when it had already fired.
    fn stop(self) -> bool {
        let _ = self.stop.send(());
        let _ = self.thread.join();
        self.fired.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    const LIMIT: Limit<'static> = Limit {
        max_bytes: 1000,
        hint: "smaller",
    };

    fn sh(script: &str, deadline: Duration) -> Result<Vec<u8>, Failure> {
        let args = ["-c".into(), script.into()];
        run(Run {
            program: Path::new("/bin/sh"),
            args: &args,
            stdin: b"values: 1\n".to_vec(),
            deadline,
            stdout_limit: LIMIT,
        })
    }

    #[test]
    fn stdout_of_a_successful_run_and_its_stdin() {
        assert_eq!(sh("cat", Duration::from_secs(30)).unwrap(), b"values: 1\n");
    }

    #[test]
    fn a_hanging_child_and_its_grandchild_holding_stdout_are_killed_at_the_deadline() {
        let start = Instant::now();
        let result = sh("sleep 300 & sleep 300", Duration::from_millis(300));
        assert!(
            matches!(result, Err(Failure::TimedOut { .. })),
            "{result:?}"
        );
        assert!(start.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn an_endless_stdout_stops_at_the_limit() {
        let result = sh("yes", Duration::from_secs(30));
        let Err(Failure::Output(e)) = result else {
            panic!("{result:?}")
        };
        assert!(e.to_string().contains("larger than 1000 bytes"), "{e}");
    }

    #[test]
    fn a_failure_keeps_the_end_of_a_huge_stderr() {
        let result = sh(
            "head -c 3000000 /dev/zero | tr '\\0' x >&2; echo the reason >&2; exit 3",
            Duration::from_secs(30),
        );
        let Err(Failure::Failed { status, stderr }) = result else {
            panic!("{result:?}")
        };
        assert_eq!(status.code(), Some(3));
        assert_eq!(stderr.bytes().len(), TAIL_BYTES);
        assert!(stderr.describe().ends_with("the reason"));
    }
}
