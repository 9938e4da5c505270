//! Every overlay composes with every other one, alone and on top of each
//! certificate variant, or is refused with the reason its `overlay.yaml`
//! gives. Nothing else may happen: no panic, no invalid object (the render
//! validates its objects), no unexplained error.

use crate::common::setting;
use milvus_l7::render::file_tree::FileTree;
use milvus_l7::render::overlay;
use milvus_l7::render::params::ParamInputs;
use milvus_l7::render::{render, Sources};
use serde_json::{json, Value};

/// The overlays built in, with their required parameters (declared `null`)
/// given a plausible value each.
fn overlays_and_required() -> Vec<(String, Vec<String>)> {
    let tree = FileTree::builtin_overlays();
    let names = overlay::available(&tree);
    names
        .into_iter()
        .map(|name| {
            let one = overlay::load(&tree, std::slice::from_ref(&name)).expect("loads");
            let required = one[0]
                .parameters
                .iter()
                .filter(|(_, v)| v.is_null())
                .map(|(k, _)| k.clone())
                .collect();
            (name, required)
        })
        .collect()
}

/// Renders `overlays` (with a certMap for the Gateway, whose certificate
/// otherwise comes from nowhere); Ok with the object count, or the error.
fn try_render(overlays: &[&str], required: &[String]) -> Result<usize, String> {
    try_render_with(overlays, required, "my-release")
}

fn try_render_with(overlays: &[&str], required: &[String], release: &str) -> Result<usize, String> {
    let mut flags = vec![
        setting("overlays", json!(overlays)),
        setting("release", json!(release)),
    ];
    for key in required {
        flags.push(setting(
            key,
            Value::String(format!("{}-x", key.to_lowercase())),
        ));
    }
    if overlays.contains(&"gateway") && !overlays.contains(&"self-managed") {
        flags.push(setting("certMap", json!("milvus-map")));
    }
    let inputs = ParamInputs {
        flags,
        ..ParamInputs::default()
    };
    render(&inputs, &Sources::builtin())
        .map(|r| r.resources.len())
        .map_err(|e| e.report().to_string())
}

#[test]
fn every_pair_composes_or_is_refused_with_a_reason() {
    let all = overlays_and_required();
    assert!(all.len() >= 10, "overlays: {all:?}");
    let mut composed = 0;
    let mut refused = 0;
    for (i, (a, a_required)) in all.iter().enumerate() {
        for (b, b_required) in &all[i + 1..] {
            for base in [None, Some("self-managed"), Some("google-managed")] {
                let mut chosen: Vec<&str> = base.into_iter().collect();
                for name in [a.as_str(), b.as_str()] {
                    if !chosen.contains(&name) {
                        chosen.push(name);
                    }
                }
                let required: Vec<String> = a_required.iter().chain(b_required).cloned().collect();
                match render_supplying_needed(&chosen, &required, "my-release") {
                    Ok(objects) => {
                        assert!(objects > 0, "{chosen:?} rendered nothing");
                        composed += 1;
                    }
                    Err(e) => {
                        assert!(
                            e.contains("cannot be combined with")
                                && e.contains("hint: choose one of"),
                            "{chosen:?} failed without a conflict reason:\n{e}"
                        );
                        refused += 1;
                    }
                }
            }
        }
    }
    // Most combinations work; the refusals are the declared conflicts.
    assert!(composed > refused, "{composed} composed, {refused} refused");
}

/// [`try_render_with`], and once more with the parameter the error's hint
/// asks for, if it names one: a combination may need one more parameter
/// (backend-tls with a Google-managed certificate needs a Secret of its
/// own), and with it, it must render.
fn render_supplying_needed(
    overlays: &[&str],
    required: &[String],
    release: &str,
) -> Result<usize, String> {
    let result = try_render_with(overlays, required, release);
    match result.as_ref().err().and_then(|e| needed_parameter(e)) {
        Some(key) => {
            let mut more = required.to_vec();
            more.push(key);
            try_render_with(overlays, &more, release)
        }
        None => result,
    }
}

/// `--set NAME=` in a hint: the parameter the error asks for.
fn needed_parameter(error: &str) -> Option<String> {
    let hint = error.split("hint:").nth(1)?;
    let rest = hint.split("--set ").nth(1)?;
    Some(rest.split('=').next()?.to_string())
}

#[test]
fn a_53_character_release_fits_every_derived_name() {
    // Helm's own limit for a release name; every name derived from it must
    // still be one the API server accepts (the render checks Service names).
    let release = "a".repeat(53);
    for (name, required) in overlays_and_required() {
        for base in ["self-managed", "google-managed"] {
            let chosen: Vec<&str> = if name == base {
                vec![base]
            } else {
                vec![base, &name]
            };
            let result = render_supplying_needed(&chosen, &required, &release);
            assert!(
                result.is_ok()
                    || result
                        .as_ref()
                        .is_err_and(|e| e.contains("cannot be combined")),
                "{chosen:?} with a 53-character release: {result:?}"
            );
        }
    }
}

#[test]
fn each_overlay_alone_renders() {
    for (name, required) in overlays_and_required() {
        let result = try_render(&[name.as_str()], &required);
        assert!(result.is_ok(), "{name} alone: {result:?}");
    }
}
