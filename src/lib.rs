//! milvus-l7: renders Milvus behind a Google Cloud Layer-7 load balancer on
//! GKE as declarative manifests, and compares them with the live cluster.
//!
//! One module per stage of the data flow (see README and DESIGN.md):
//! [`params`] → [`template`] → [`overlay`] → [`validate`] → [`output`];
//! [`render`] strings them together.

pub mod annotations;
pub mod api_defaults;
pub mod argocd_params;
pub mod cert;
pub mod cert_check;
pub mod cli;
pub mod completions;
pub mod diff;
pub mod diff_hints;
pub mod diff_report;
pub mod error;
pub mod file_tree;
pub mod graph;
pub mod helm_service;
pub mod json_sift;
pub mod lint;
pub mod live;
pub mod live_split;
pub mod manifest_set;
pub mod names;
pub mod normalize;
pub mod object_files;
pub mod output;
pub mod overlay;
pub mod params;
pub mod problem;
pub mod projection;
pub mod render;
pub mod resource;
pub mod schema;
pub mod secret_mask;
pub mod status;
pub mod suggest;
pub mod template;
pub mod validate;
pub mod yaml;

pub use error::{Error, Result};
