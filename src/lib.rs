#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Only `cli` (and `main`) print: the compiler refuses `print!`/`eprint!` in
// every other module, tests included; tests/it/architecture.rs checks the
// same for `std::io::stdout()` and `dbg!`.
#![deny(clippy::print_stdout, clippy::print_stderr)]
//! milvus-l7: renders Milvus behind a Google Cloud Layer-7 load balancer on
//! GKE as declarative manifests, and compares them with the live cluster.
//!
//! The modules follow the data flow, and depend only downwards:
//!
//! ```text
//! {k8s, tls, yaml, error, problem, bounded_read, quote, redact} ← load ← check ← render ← {diff, status, graph, fleet} ← cli ← main
//! ```
//!
//! [`render::render`] is the whole render pipeline (parameters → templates →
//! overlays → `check` → legacy sort); [`diff::compare`] and
//! `status::assess` weigh a render against what [`load`] read from a
//! live export. Only [`cli`] prints.

pub mod bounded_read;
pub(crate) mod check;
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub mod cli;
pub mod diff;
pub mod duration;
pub mod error;
pub mod fleet;
pub mod graph;
pub mod import;
pub mod k8s;
pub mod load;
pub(crate) mod problem;
pub mod quote;
pub mod redact;
pub mod render;
pub(crate) mod status;
pub(crate) mod suggest;
pub mod tls;
pub mod yaml;

pub use error::{Error, Result};
