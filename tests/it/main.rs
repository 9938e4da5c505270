//! The integration tests: one binary (so the crate and the helpers compile
//! once), one module per command or concern.

mod architecture;
mod argocd;
mod argocd_fleet;
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
mod gke_round3;
mod graph;
mod hardening;
mod hardening_round3;
mod import;
mod lifecycle;
mod messages;
mod overlays;
mod post_render;
mod properties;
mod render;
mod runnable_docs;
mod schema_sources;
mod several_domains;
mod status;
mod status_follow;
mod status_states;
mod validate;
mod verbosity;
