//! The integration tests: one binary (so the crate and the helpers compile
//! once), one module per command or concern.

mod architecture;
mod argocd;
mod cert;
mod chart;
mod cli;
mod common;
mod completions;
mod compositions;
mod dependencies;
mod diff;
mod docs;
mod gke_round2;
mod graph;
mod hardening;
mod messages;
mod overlays;
mod properties;
mod render;
mod runnable_docs;
mod schema_sources;
mod status;
mod status_follow;
mod validate;
mod verbosity;
