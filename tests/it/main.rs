//! The integration tests: one binary (so the crate and the helpers compile
//! once), one module per command or concern.

mod architecture;
mod argocd;
mod builtin_checks;
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
mod import;
mod lifecycle;
mod messages;
mod overlays;
mod post_render;
mod properties;
mod render;
mod runnable_docs;
mod status;
mod status_follow;
mod status_states;
mod validate;
mod verbosity;
