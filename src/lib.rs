#![warn(missing_docs)]
//! milvus-l7: renders Milvus behind a Google Cloud Layer-7 load balancer on
//! GKE as declarative manifests, and compares them with the live cluster.
//!
//! The modules follow the data flow, and depend only downwards:
//!
//! ```text
//! {k8s, tls, yaml, error, problem, bounded_read, quote} ← load ← check ← render ← {diff, status, graph} ← cli ← main
//! ```
//!
//! [`render::render`] is the whole render pipeline (parameters → templates →
//! overlays → `check` → legacy sort); [`diff::compare`] and
//! `status::assess` weigh a render against what [`load`] read from a
//! live export. Only [`cli`] prints.

pub mod bounded_read;
pub(crate) mod check;
pub mod cli;
pub mod diff;
pub mod duration;
pub mod error;
pub mod graph;
pub mod import;
pub mod k8s;
pub mod load;
pub(crate) mod problem;
pub mod quote;
pub mod render;
pub(crate) mod status;
pub(crate) mod suggest;
pub mod tls;
pub mod yaml;

pub use error::{Error, Result};
