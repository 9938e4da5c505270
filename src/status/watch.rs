//! The watch streams of `status --follow`, merged into one sequence of
//! objects with a deadline.
//!
//! Each `--live` source is read on a thread of its own, because a read
//! blocks until kubectl prints the next object, and the deadline must not
//! wait for it; objects arrive over a bounded channel, so a fast stream
//! cannot pile up in memory. kubectl's `get -w` watches one kind at a time,
//! so several watches merge into one verdict.
//!
//! A source that ends without a single object is an error, not a verdict:
//! it is what a failed `kubectl get -w` (wrong namespace flag, no access)
//! leaves in `<(…)`, and "not ready" would send the user waiting for
//! nothing. Each object is held to [`MAX_OBJECT_BYTES`]; a finished export
//! (one `kind: List` of a whole namespace, from a file or a pipe) is held
//! to `--max-input-bytes` as a whole, as a one-off `status` holds it.

use crate::error::{Error, Result};
use crate::k8s::resource::ResId;
use crate::load::live::STDIN;
use crate::load::object_files;
use crate::load::watch_stream::{Bounds, WatchItem, WatchStream, MAX_OBJECT_BYTES};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::time::{Duration, Instant};

/// Objects read ahead of the verdict, per channel: enough to keep kubectl
/// flowing, small enough to bound memory.
const READ_AHEAD: usize = 16;

/// What the merged streams give next.
#[derive(Debug)]
pub enum Next {
    /// An object (or a deletion) from one of the streams.
    Item(WatchItem),
    /// The deadline passed first.
    TimedOut,
    /// Every stream ended.
    Ended,
}

/// The running readers of every source.
pub struct Watches {
    items: Receiver<Result<WatchItem>>,
    deadline: Option<Instant>,
}

impl Watches {
    /// Starts a reader per `--live` source (stdin when there is none, at
    /// most once); a directory is its object files one after another.
    /// `timeout` bounds the whole follow.
    pub fn start(
        live: &[PathBuf],
        stdin: Box<dyn Read + Send>,
        timeout: Option<Duration>,
        max_input_bytes: u64,
    ) -> Result<Watches> {
        let (sender, items) = mpsc::sync_channel(READ_AHEAD);
        let mut stdin = Some(stdin);
        for source in sources(live)? {
            let stream = if source.as_os_str() == STDIN {
                Stream::Stdin(stdin.take().expect("stdin is given at most once"))
            } else {
                Stream::Files(files_of(&source)?)
            };
            let sender = sender.clone();
            let bounds = Bounds {
                object: MAX_OBJECT_BYTES,
                document: usize::try_from(max_input_bytes)
                    .unwrap_or(usize::MAX)
                    .max(MAX_OBJECT_BYTES),
            };
            // Not joined: at the verdict the command returns while a watch
            // may still be blocked in a read; the process exit ends it.
            std::thread::spawn(move || read_stream(stream, bounds, &sender));
        }
        Ok(Watches {
            items,
            deadline: timeout.and_then(|t| Instant::now().checked_add(t)),
        })
    }

    /// The next object of any stream, the deadline, or the end; the first
    /// error of any stream ends the follow.
    pub fn next(&self) -> Result<Next> {
        let next = match self.deadline {
            Some(deadline) => self
                .items
                .recv_timeout(deadline.saturating_duration_since(Instant::now())),
            None => self
                .items
                .recv()
                .map_err(|_| RecvTimeoutError::Disconnected),
        };
        match next {
            Ok(item) => item.map(Next::Item),
            Err(RecvTimeoutError::Timeout) => Ok(Next::TimedOut),
            Err(RecvTimeoutError::Disconnected) => Ok(Next::Ended),
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
    /// Standard input.
    Stdin(Box<dyn Read + Send>),
    /// Files one after another (one, or a directory's object files).
    Files(Vec<PathBuf>),
}

/// Reads one source on its own thread and sends each object, or the
/// error that ends it; stops early when the receiver is gone.
fn read_stream(stream: Stream, bounds: Bounds, sender: &SyncSender<Result<WatchItem>>) {
    match stream {
        Stream::Stdin(reader) => {
            forward(reader, "<stdin>", bounds, sender);
        }
        Stream::Files(files) => {
            for file in files {
                // Opened here, not by the command: opening the FIFO of
                // `<(kubectl …)` may block until kubectl starts.
                let opened = std::fs::File::open(&file).map_err(|e| Error::io("reading", &file, e));
                let carry_on = match opened {
                    Ok(reader) => forward(reader, &file.display().to_string(), bounds, sender),
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
fn forward(
    reader: impl Read,
    origin: &str,
    bounds: Bounds,
    sender: &SyncSender<Result<WatchItem>>,
) -> bool {
    let stream = match WatchStream::new(reader, origin, bounds) {
        Ok(stream) => stream,
        Err(e) => {
            let _ = sender.send(Err(e));
            return false;
        }
    };
    let mut last: Option<ResId> = None;
    let mut any = false;
    for item in stream {
        let item = item.map_err(|e| after(e, last.as_ref()));
        match &item {
            Ok(WatchItem::Seen(resource)) => last = Some(resource.id.clone()),
            Ok(WatchItem::Deleted(id)) => last = Some(id.clone()),
            Err(_) => {
                let _ = sender.send(item);
                return false;
            }
        }
        any = true;
        if sender.send(item).is_err() {
            return false;
        }
    }
    if !any {
        let _ = sender.send(Err(empty(origin)));
        return false;
    }
    true
}

/// An error of a stream, saying which object came last before it: stdout
/// may already hold lines about the objects before.
fn after(error: Error, last: Option<&ResId>) -> Error {
    match (error, last) {
        (
            Error::Parse {
                location,
                message,
                hint,
            },
            Some(id),
        ) => Error::Parse {
            location,
            message: format!("{message} (after {id}, the last object read)"),
            hint,
        },
        (error, _) => error,
    }
}

fn empty(origin: &str) -> Error {
    Error::Parse {
        location: origin.to_string(),
        message: "the stream ended without an object".into(),
        hint: "a watch prints the current objects first: run the kubectl command alone to see why it printed nothing (wrong namespace or kind, no access), e.g. `kubectl get ingress -n NS -o json -w`".into(),
    }
}
