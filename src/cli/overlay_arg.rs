//! `--overlay NAME`: the built-in overlays are what shell completion
//! offers, read from the overlays embedded in the binary so that a new
//! overlay directory is offered without a line of Rust. The list is not
//! closed: an `--overlays DIR` brings names of its own, and an unknown
//! name is the render's error, which suggests the closest one.

use crate::render::file_tree::FileTree;
use crate::render::overlay;
use clap::builder::{PossibleValue, StringValueParser, TypedValueParser};
use std::ffi::OsStr;

/// Parses any name; offers the built-in ones.
#[derive(Debug, Clone, Copy, Default)]
pub struct OverlayName;

impl TypedValueParser for OverlayName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(builtin().into_iter()))
    }
}

/// Each built-in overlay, described by the first clause of its own
/// description (zsh and fish show it beside the name).
fn builtin() -> Vec<PossibleValue> {
    let tree = FileTree::builtin_overlays();
    overlay::available(&tree)
        .into_iter()
        .map(|name| {
            let value = PossibleValue::new(name.clone());
            match overlay::load(&tree, std::slice::from_ref(&name)) {
                Ok(loaded) => match loaded.first() {
                    Some(o) => value.help(headline(&o.description).to_string()),
                    None => value,
                },
                Err(_) => value,
            }
        })
        .collect()
}

/// `Google-managed certificate (guide: …): a ManagedCertificate …` →
/// `Google-managed certificate`.
fn headline(description: &str) -> &str {
    let end = [". ", ": ", " (", ", "]
        .iter()
        .filter_map(|stop| description.find(stop))
        .min()
        .unwrap_or(description.len());
    description[..end].trim_end_matches('.').trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_overlay_is_offered_with_a_short_help() {
        let offered = builtin();
        let names: Vec<&str> = offered.iter().map(PossibleValue::get_name).collect();
        assert_eq!(
            names,
            overlay::available(&FileTree::builtin_overlays()),
            "the embedded overlays, in order"
        );
        for value in &offered {
            let help = value.get_help().map(|h| h.to_string()).unwrap_or_default();
            assert!(
                !help.is_empty() && help.len() < 80,
                "{}: {help:?}",
                value.get_name()
            );
        }
    }

    #[test]
    fn a_name_of_ones_own_parses() {
        let cmd = clap::Command::new("t");
        let parsed = OverlayName.parse_ref(&cmd, None, OsStr::new("mine"));
        assert_eq!(parsed.unwrap(), "mine");
    }
}
