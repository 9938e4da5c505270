//! Which parameters exist — the core ones and those the selected overlays
//! declare — and the refusals of a name nobody declares or of a required
//! one left unset.

use super::coerce::Shape;
use super::table::PARAMETERS;
use crate::error::{Error, Result};
use crate::render::file_tree::FileTree;
use crate::render::overlay::{self, Overlay};
use crate::render::setting::Setting;
use crate::suggest;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A parameter the selected overlays or the built-in table declare.
#[derive(Debug, Clone)]
pub struct Declared {
    /// Its default (`null`: derived, or for an overlay's, required).
    pub default: Value,
    /// The overlay that declares it; `None` for a built-in one.
    pub owner: Option<String>,
    /// What a setting of it is converted to.
    pub shape: Shape,
}

/// Every parameter known for this render, by name.
pub type Known = BTreeMap<String, Declared>;

/// The built-in parameters, then those of the selected overlays (a name
/// both declare is the built-in one).
pub fn known_parameters(overlays: &[Overlay]) -> Known {
    let mut known: Known = PARAMETERS
        .iter()
        .map(|p| {
            let declared = Declared {
                default: p.default.value(),
                owner: None,
                shape: Shape::of_type(p.kind),
            };
            (p.name.to_string(), declared)
        })
        .collect();
    for o in overlays {
        for (k, v) in &o.parameters {
            known.entry(k.clone()).or_insert_with(|| Declared {
                default: v.clone(),
                owner: Some(o.name.clone()),
                shape: Shape::of_overlay_default(v),
            });
        }
    }
    known
}

/// Environment variable names lose the parameter's case: `PARAM_HEALTHCHECKPORT`
/// (Argo CD's escaping) and `MILVUS_L7_HEALTH_CHECK_PORT` both arrive here as
/// a lower- or camel-cased guess. Map such a guess to the known key it spells.
pub fn with_known_env_key(mut setting: Setting, known: &Known) -> Setting {
    if setting.origin.is_env() && !known.contains_key(&setting.key) {
        let spelled = setting.key.to_lowercase();
        if let Some(key) = known.keys().find(|k| k.to_lowercase() == spelled) {
            setting.key = key.clone();
        }
    }
    setting
}

/// Refuses a setting of a parameter nobody declares, naming the overlay
/// that would declare it or the closest name.
pub fn check_known(
    under_argocd: bool,
    setting: &Setting,
    known: &Known,
    tree: &FileTree,
) -> Result<()> {
    if known.contains_key(&setting.key) {
        return Ok(());
    }
    // Environment variables under Argo CD's shared prefixes may belong to
    // someone else: skip them rather than fail the whole app.
    if setting.origin.is_reserved_argocd() || (under_argocd && setting.origin.is_env()) {
        return Ok(());
    }
    // Only on the error path: which unselected overlay declares the key.
    let available = overlay::available(tree);
    let owner = available.iter().find(|name| {
        overlay::load(tree, std::slice::from_ref(*name))
            .map(|o| o[0].parameters.contains_key(&setting.key))
            .unwrap_or(false)
    });
    let hint = match (
        owner,
        suggest::closest(&setting.key, known.keys().map(String::as_str)),
    ) {
        (Some(o), _) => format!(
            "`{}` is a parameter of overlay `{o}`, which is not selected; add `--overlay {o}`",
            setting.key
        ),
        (None, Some(close)) => format!("did you mean `{close}`?"),
        (None, None) => format!(
            "known parameters: {}",
            known.keys().cloned().collect::<Vec<_>>().join(", ")
        ),
    };
    Err(Error::Param {
        key: setting.key.clone(),
        origin: setting.origin.to_string(),
        message: "unknown parameter".into(),
        hint,
    })
}

/// Overlay parameters declared with a `null` default must be set, and not
/// to the empty text: `staticIpName=` must not render an empty name.
pub fn check_required(values: &Map<String, Value>, known: &Known) -> Result<()> {
    for (key, declared) in known {
        let (Some(overlay), Value::Null) = (&declared.owner, &declared.default) else {
            continue;
        };
        let problem = match &values[key] {
            Value::Null => "which is not set",
            Value::String(s) if s.trim().is_empty() => "which is given empty",
            _ => continue,
        };
        return Err(Error::Overlay {
            overlay: overlay.clone(),
            message: format!("needs the parameter `{key}`, {problem}"),
            hint: format!("add `--set {key}=...`, or `{key}:` in milvus-l7.yaml"),
        });
    }
    Ok(())
}
