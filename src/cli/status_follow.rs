//! `milvus-l7 status --follow`: reads watch streams until everything is
//! ready (exit 0), the streams end (exit 1) or `--timeout` passes (exit 1),
//! printing one line per changed check.
//!
//! Each `--live` source is read on a thread of its own, because a read
//! blocks until kubectl prints the next object, and the timeout must not
//! wait for it; objects arrive here over a bounded channel, so a fast
//! stream cannot pile up in memory. kubectl's `get -w` watches one kind at
//! a time, so several `--live` watches merge into one verdict.

use super::status::StatusArgs;
use super::{Ctx, Outcome};
use crate::error::{Error, Result};
use crate::load::live::STDIN;
use crate::load::object_files;
use crate::load::watch_stream::{WatchItem, WatchStream, MAX_OBJECT_BYTES};
use crate::status::follow::{Event, Follower};
use crate::status::{Check, State};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender};
use std::time::Instant;

/// Objects read ahead of the verdict, per channel: enough to keep kubectl
/// flowing, small enough to bound memory.
const READ_AHEAD: usize = 16;

pub fn run(args: &StatusArgs, ctx: &mut Ctx) -> Result<Outcome> {
    let rendered = args.params.render(ctx)?;
    let sources = sources(&args.live)?;
    let (sender, objects) = mpsc::sync_channel(READ_AHEAD);
    for source in sources {
        let stream = if source.as_os_str() == STDIN {
            Stream::Stdin(std::mem::replace(
                &mut ctx.stdin,
                Box::new(std::io::empty()),
            ))
        } else {
            Stream::Files(files_of(&source)?)
        };
        let sender = sender.clone();
        // Not joined: at the verdict the command returns while a watch
        // may still be blocked in a read; the process exit ends it.
        std::thread::spawn(move || read_stream(stream, &sender));
    }
    drop(sender);
    let deadline = args.timeout.map(|timeout| Instant::now() + timeout);
    let mut follower = Follower::new(&rendered);
    loop {
        let next = match deadline {
            Some(deadline) => {
                objects.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            }
            None => objects.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        let item = match next {
            Ok(item) => item?,
            Err(RecvTimeoutError::Timeout) => {
                let waited = args.timeout.map(|t| t.as_secs()).unwrap_or_default();
                return not_ready(
                    &follower,
                    &format!("gave up after {waited}s (--timeout)"),
                    ctx,
                );
            }
            Err(RecvTimeoutError::Disconnected) => {
                return not_ready(&follower, "the stream ended", ctx);
            }
        };
        for event in follower.observe(item)? {
            ctx.print(&event_text(&event))?;
        }
        if let Some(status) = follower.status().filter(|_| follower.ready()) {
            ctx.print(&format!(
                "\nready\n\nconnect with pymilvus:\n  {}\n",
                status.connect
            ))?;
            for warning in &status.warnings {
                ctx.warn(warning);
            }
            return Ok(Outcome::Clean);
        }
    }
}

/// The `--live` arguments: stdin when there are none; stdin at most once.
fn sources(live: &[PathBuf]) -> Result<Vec<PathBuf>> {
    if live.is_empty() {
        return Ok(vec![PathBuf::from(STDIN)]);
    }
    if live.iter().filter(|l| l.as_os_str() == STDIN).count() > 1 {
        return Err(Error::Invalid {
            subject: "--live -".into(),
            message: "standard input is given more than once".into(),
            hint: "give `-` once; other watches as files, e.g. `--live <(kubectl get managedcertificate -o json -w)`".into(),
        });
    }
    Ok(live.to_vec())
}

/// A file is one stream; a directory is its object files, one after
/// another (each a finished export).
fn files_of(path: &Path) -> Result<Vec<PathBuf>> {
    if path.is_dir() {
        Ok(object_files::list(path)?.files)
    } else {
        Ok(vec![path.to_path_buf()])
    }
}

/// What one reader thread reads.
enum Stream {
    /// Standard input, taken from the Ctx.
    Stdin(Box<dyn Read + Send>),
    /// Files one after another (one, or a directory's object files).
    Files(Vec<PathBuf>),
}

/// Reads one source on its own thread and sends each object, or the
/// error that ends it; stops early when the receiver is gone.
fn read_stream(stream: Stream, sender: &SyncSender<Result<WatchItem>>) {
    match stream {
        Stream::Stdin(reader) => {
            forward(reader, "<stdin>", sender);
        }
        Stream::Files(files) => {
            for file in files {
                // Opened here, not by the command: opening the FIFO of
                // `<(kubectl …)` may block until kubectl starts.
                let opened = std::fs::File::open(&file).map_err(|e| Error::io("reading", &file, e));
                let carry_on = match opened {
                    Ok(reader) => forward(reader, &file.display().to_string(), sender),
                    Err(e) => {
                        let _ = sender.send(Err(e));
                        false
                    }
                };
                if !carry_on {
                    return;
                }
            }
        }
    }
}

/// Sends every item of one stream; `false` once it failed or nobody listens.
fn forward(reader: impl Read, origin: &str, sender: &SyncSender<Result<WatchItem>>) -> bool {
    let stream = match WatchStream::new(reader, origin, MAX_OBJECT_BYTES) {
        Ok(stream) => stream,
        Err(e) => {
            let _ = sender.send(Err(e));
            return false;
        }
    };
    for item in stream {
        let failed = item.is_err();
        if sender.send(item).is_err() || failed {
            return false;
        }
    }
    true
}

/// One line per event, with the hint under a check that is not ready.
fn event_text(event: &Event) -> String {
    match event {
        Event::Awaiting(ids) => format!(
            "{:<8} {} (not in the stream yet)\n",
            "awaiting",
            ids.join(", ")
        ),
        Event::Changed { before, after } => {
            let change = match before {
                Some(before) => format!("{} → {}", before.detail, after.detail),
                None => after.detail.clone(),
            };
            let mut line = format!("{:<8} {}: {change}\n", after.state.label(), after.object);
            if let Some(hint) = hint_of(after) {
                line.push_str(&format!("           hint: {hint}\n"));
            }
            line
        }
    }
}

fn hint_of(check: &Check) -> Option<&str> {
    check
        .hint
        .as_deref()
        .filter(|_| check.state != State::Ready)
}

/// The end without readiness: what is still pending on stdout (every
/// line of it was printed when it changed; this is the summary), and why
/// on stderr. Exit 1.
fn not_ready(follower: &Follower, why: &str, ctx: &mut Ctx) -> Result<Outcome> {
    let awaited = follower.awaited();
    match follower.status() {
        Some(status) if awaited.is_empty() => {
            let pending: Vec<&Check> = status
                .checks
                .iter()
                .filter(|c| c.state != State::Ready)
                .collect();
            let mut text = format!("\nnot ready: {} check(s) pending\n", pending.len());
            for check in pending {
                text.push_str(&format!(
                    "  {:<8} {}: {}\n",
                    check.state.label(),
                    check.object,
                    check.detail
                ));
            }
            ctx.print(&text)?;
            ctx.note(&format!("{why} before everything was ready (exit status 1); a kubectl watch also ends when the API server closes it, after 30 to 60 minutes: start it again"));
        }
        _ => {
            ctx.print(&format!("\nnot ready: {} not seen\n", awaited.join(", ")))?;
            ctx.note(&format!(
                "{why} before every object of the render was seen (exit status 1): watch the namespace and kinds the render names (`kubectl get ingress -n NS -o json -w`, `kubectl get managedcertificate -n NS -o json -w`; gateway: gateway, httproute), and give the same --release/--namespace/--set as for render"
            ));
        }
    }
    Ok(Outcome::Differs)
}
