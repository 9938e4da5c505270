//! The integration tests: one binary (so the crate and the helpers compile
//! once), one module per command or concern.

mod architecture;
mod argocd;
mod cert;
mod cli;
mod common;
mod dependencies;
mod diff;
mod graph;
mod hardening;
mod overlays;
mod properties;
mod render;
mod status;
mod validate;
